package escpos

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/clock"
)

func TestPaperCounter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "paper.json")
	clk := clock.NewFake(time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC))
	opts := CounterOpts{RollMM: 1000, NearEndMM: 100, Clock: clk}

	c, err := OpenPaperCounter(path, opts)
	if err != nil {
		t.Fatalf("new counter: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("new counter not saved: %v", err)
	}
	if c.Left() != 1000 || c.NearEnd() {
		t.Fatalf("fresh roll: left %v near end %v", c.Left(), c.NearEnd())
	}
	steps := []struct {
		name    string
		mm      float64
		tickets int
		left    float64
		nearEnd bool
	}{
		{"one ticket", 150, 1, 850, false},
		{"many tickets", 700, 5, 150, false},
		{"reaches the warning", 50, 1, 100, true},
		{"runs past the end", 400, 3, 0, true},
		{"bogus lengths ignored", -5, -1, 0, true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := c.Add(s.mm, s.tickets); err != nil {
				t.Fatal(err)
			}
			if c.Left() != s.left || c.NearEnd() != s.nearEnd {
				t.Errorf("left %v near end %v, want %v %v", c.Left(), c.NearEnd(), s.left, s.nearEnd)
			}
		})
	}
	t.Run("persisted", func(t *testing.T) {
		again, err := OpenPaperCounter(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		if again.State() != c.State() {
			t.Errorf("reopened %+v, want %+v", again.State(), c.State())
		}
		if again.State().Tickets != 10 {
			t.Errorf("tickets %d", again.State().Tickets)
		}
	})
	t.Run("reset after a roll change", func(t *testing.T) {
		clk.Advance(time.Hour)
		if err := c.Reset(); err != nil {
			t.Fatal(err)
		}
		st := c.State()
		if st.UsedMM != 0 || st.Tickets != 0 || !st.ChangedAt.Equal(clk.Now()) || c.Left() != 1000 {
			t.Errorf("after reset %+v", st)
		}
		again, _ := OpenPaperCounter(path, opts)
		if again.State().UsedMM != 0 {
			t.Errorf("reset not persisted: %+v", again.State())
		}
	})
	t.Run("no temporary files left", func(t *testing.T) {
		ents, _ := os.ReadDir(dir)
		if len(ents) != 1 {
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Errorf("directory holds %q", names)
		}
	})
}

func TestPaperCounterCorruptFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{"not JSON", "{\"version\": 1, \"used_mm\": 12"},
		{"garbage", "\x00\x01\x02"},
		{"empty", ""},
		{"negative use", `{"version":1,"roll_mm":80000,"used_mm":-3,"tickets":1}`},
		{"zero roll", `{"version":1,"roll_mm":0,"used_mm":3,"tickets":1}`},
		{"unknown version", `{"version":7,"roll_mm":80000,"used_mm":3,"tickets":1}`},
		{"wrong types", `{"version":"1","roll_mm":"a"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "paper.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := OpenPaperCounter(path, CounterOpts{})
			if !errors.Is(err, ErrCounterCorrupt) {
				t.Fatalf("err = %v, want ErrCounterCorrupt", err)
			}
			if c == nil || c.Left() != DefaultRollMM || c.NearEnd() {
				t.Fatalf("no safe default: %+v", c)
			}
			if b, err := os.ReadFile(path + ".corrupt"); err != nil || string(b) != tt.content {
				t.Errorf("corrupt file not kept: %v", err)
			}
			if err := c.Add(10, 1); err != nil {
				t.Errorf("counter unusable: %v", err)
			}
			if again, err := OpenPaperCounter(path, CounterOpts{}); err != nil || again.State().Tickets != 1 {
				t.Errorf("fresh file not written: %v %+v", err, again.State())
			}
		})
	}
}

func TestPaperCounterUnwritable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "paper.json")
	c, err := OpenPaperCounter(path, CounterOpts{})
	if err == nil || c == nil {
		t.Fatalf("want an error and a usable counter, got %v %v", c, err)
	}
	if err := c.Add(100, 1); err == nil || c.Err() == nil {
		t.Errorf("save into a missing directory succeeded")
	}
	if c.Left() != DefaultRollMM-100 {
		t.Errorf("count in memory lost: %v", c.Left())
	}
}
