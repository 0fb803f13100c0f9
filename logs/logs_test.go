package logs

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"
)

func TestRotationKeepsMaxFiles(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(Options{Dir: dir, MaxSize: 2000, MaxFiles: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < 200; i++ {
		l.Logger().Info("ticket issued", "n", i, "pad", strings.Repeat("x", 50))
	}
	files := l.Files()
	if len(files) != 4 { // current + 3 rotated
		t.Fatalf("files = %v, want current and 3 rotated", files)
	}
	for _, f := range files {
		st, _ := os.Stat(f)
		if st.Size() > 2000 {
			t.Fatalf("%s is %d bytes, over MaxSize", f, st.Size())
		}
	}
	b, _ := os.ReadFile(files[0])
	if !strings.Contains(string(b), `"n":199`) {
		t.Fatalf("newest entry not in current file: %s", b)
	}
	if _, err := os.Stat(fmt.Sprintf("%s.4", l.Path())); err == nil {
		t.Fatal("a fourth rotated file was kept")
	}
}

func TestTailFiltersByLevel(t *testing.T) {
	l, err := Open(Options{TailSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	lg := l.Logger()
	lg.Info("a")
	lg.Warn("b")
	lg.Error("c")
	lg.Info("d")
	lg.Warn("e")
	all := l.Tail(10, slog.LevelDebug)
	if got := msgs(all); got != "b c d e" {
		t.Fatalf("tail = %q, want the last four", got)
	}
	if got := msgs(l.Tail(10, slog.LevelWarn)); got != "b c e" {
		t.Fatalf("warn tail = %q", got)
	}
	if got := msgs(l.Tail(1, slog.LevelWarn)); got != "e" {
		t.Fatalf("limited tail = %q", got)
	}
}

func TestSetLevel(t *testing.T) {
	l, _ := Open(Options{Level: slog.LevelWarn})
	l.Logger().Info("hidden")
	l.SetLevel(slog.LevelDebug)
	l.Logger().Debug("shown")
	if got := msgs(l.Tail(10, slog.LevelDebug)); got != "shown" {
		t.Fatalf("tail = %q", got)
	}
}

func msgs(es []Entry) string {
	var s []string
	for _, e := range es {
		s = append(s, e.Message)
	}
	return strings.Join(s, " ")
}

// The timestamps of one log keep their zone when the process's local zone
// changes in the middle of a run: UTC by default, Options.Location when
// set.
func TestTimestampsKeepTheirZone(t *testing.T) {
	saved := time.Local
	defer func() { time.Local = saved }()
	for _, tt := range []struct {
		loc    *time.Location
		suffix string
	}{
		{nil, "Z"},
		{time.FixedZone("CST", 8*3600), "+08:00"},
	} {
		time.Local = time.UTC
		l, err := Open(Options{Location: tt.loc})
		if err != nil {
			t.Fatal(err)
		}
		l.Logger().Info("before")
		time.Local = time.FixedZone("EST", -5*3600)
		l.Logger().Info("after")
		tail := l.Tail(2, slog.LevelInfo)
		if len(tail) != 2 {
			t.Fatalf("tail has %d entries, want 2", len(tail))
		}
		for _, e := range tail {
			var rec struct {
				Time string `json:"time"`
			}
			if err := json.Unmarshal([]byte(e.Line), &rec); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(rec.Time, tt.suffix) {
				t.Errorf("%s: time %q, want the %s zone", e.Message, rec.Time, tt.suffix)
			}
		}
		l.Close()
	}
}
