package diag

import (
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"hallkiosk/clock"
)

func TestCheckClock(t *testing.T) {
	built := time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC)
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		now     time.Time
		bo      time.Time // zero: back office unreachable
		ok      bool
		problem string
	}{
		{"fine, back office unreachable", now, time.Time{}, true, ""},
		{"fine, 90 s ahead of the back office", now, now.Add(-90 * time.Second), true, ""},
		{"3 minutes ahead", now, now.Add(-3 * time.Minute), false, "3m0s off the back office's"},
		{"3 minutes behind", now, now.Add(3 * time.Minute), false, "-3m0s off"},
		{"dead RTC battery", time.Date(1970, 1, 1, 0, 0, 12, 0, time.UTC), time.Time{}, false, "year 1970 is before 2024"},
		{"firmware date", time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), time.Time{}, false, "before this program was built (2026-01-15)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local := tt.now
			if tt.bo.IsZero() {
				local = time.Time{}
			}
			c := checkClock(tt.now, built, local, tt.bo)
			if c.OK != tt.ok || (tt.problem != "" && !strings.Contains(strings.Join(c.Problems, "; "), tt.problem)) {
				t.Fatalf("checkClock = %+v, want ok %v and %q", c, tt.ok, tt.problem)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	env := newHallEnv(t, envOptions{noDevices: true})
	clk := clock.NewFake(time.Now())
	g, s := env.session(t, clk)
	clk.Advance(time.Second) // a second of uptime
	h, err := s.Health(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if h.KioskID != testKioskID || h.Version != "test-1.0" || h.Uptime <= 0 {
		t.Fatalf("identity %+v", h)
	}
	if !h.Database.IntegrityOK || h.Database.IntegrityCheck != "ok" || h.Database.Bytes <= 0 || !strings.HasSuffix(h.Database.Path, "kiosk.db") {
		t.Fatalf("database %+v", h.Database)
	}
	if h.Disk.Error != "" || h.Disk.TotalBytes == 0 || h.Disk.FreeBytes > h.Disk.TotalBytes || h.Disk.FreePercent <= 0 || h.Disk.FreePercent > 100 {
		t.Fatalf("disk %+v", h.Disk)
	}
	if !h.BackOffice.Reachable || h.Clock.BackOffice.IsZero() || !h.Clock.OK {
		t.Fatalf("back office %+v, clock %+v", h.BackOffice, h.Clock)
	}
	// The kiosk's clock ten minutes fast: the back office's Date says so.
	// (The jump also ends the session, so a new one is opened.)
	clk.Set(time.Now().Add(10 * time.Minute))
	if _, err := s.Health(ctxT(t)); err != ErrSessionClosed {
		t.Fatalf("Health after the idle time = %v", err)
	}
	s = enter(t, g, testPIN)
	if h, err = s.Health(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if h.Clock.OK || !slices.Contains(h.Alarms, "clock_wrong") {
		t.Fatalf("clock 10 minutes fast passed the check: %+v", h.Clock)
	}
}

func TestLogs(t *testing.T) {
	env := newHallEnv(t, envOptions{noDevices: true})
	_, s := env.session(t, clock.NewFake(t0))
	lg := env.log.Logger()
	lg.Debug("poll")
	lg.Info("ticket issued", "number", "A023")
	lg.Warn("printer near end")
	// A careless call that logs a citizen's numbers: the view masks them.
	lg.Error("lookup failed", "id", "11010519491231002X", "phone", citizenPhone)
	got, err := s.Logs(10, slog.LevelWarn)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, l := range got {
		msgs = append(msgs, l.Level+" "+l.Message)
		if strings.Contains(l.Line, "11010519491231002X") || strings.Contains(l.Line, citizenPhone) {
			t.Errorf("log line shows a citizen's number: %s", l.Line)
		}
	}
	want := []string{"WARN printer near end", "ERROR lookup failed"}
	if !slices.Equal(msgs[len(msgs)-2:], want) {
		t.Fatalf("tail %v, want it to end with %v", msgs, want)
	}
	for _, m := range msgs {
		if strings.HasPrefix(m, "INFO") || strings.HasPrefix(m, "DEBUG") {
			t.Fatalf("tail below the level: %v", msgs)
		}
	}
	if !strings.Contains(got[len(got)-1].Line, IDNumberRemoved) || !strings.Contains(got[len(got)-1].Line, PhoneRemoved) {
		t.Fatalf("masked line %s", got[len(got)-1].Line)
	}
}

func TestScrub(t *testing.T) {
	tests := []struct{ in, want string }{
		{"id=11010519491231002X.", "id=[id-number removed]."},
		{"id 11010519491231002x end", "id [id-number removed] end"},
		{"old 110105491231002", "old [id-number removed]"},
		{`"phone":"13912345678"`, `"phone":"[phone removed]"`},
		{"seq 1739000000123456789 is a nanosecond time", "seq 1739000000123456789 is a nanosecond time"},
		{"12912345678 is no mobile", "12912345678 is no mobile"},
		{"A07-015 at 10:00", "A07-015 at 10:00"},
		{"110105194912310021234 too long", "110105194912310021234 too long"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := scrub(tt.in); got != tt.want {
			t.Errorf("scrub(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzScrub: whatever a log line holds, no 18-character ID number or
// mobile number survives scrub, and text without digits is unchanged.
func FuzzScrub(f *testing.F) {
	f.Add(`{"id":"11010519491231002X","phone":"13912345678"}`)
	f.Add("seq 1739000000123456789")
	f.Add("无数字的中文")
	f.Fuzz(func(t *testing.T, s string) {
		out := scrub(s)
		for i := 0; i+18 <= len(out); i++ {
			run := out[i : i+18]
			if (i == 0 || !isDigit(out[i-1])) && allDigits(run[:17]) && (isDigit(run[17]) || run[17] == 'X' || run[17] == 'x') &&
				(i+18 == len(out) || !isAlnum(out[i+18])) {
				t.Fatalf("ID-shaped %q survived in %q", run, out)
			}
		}
		if !strings.ContainsAny(s, "0123456789") && out != s {
			t.Fatalf("scrub changed %q to %q", s, out)
		}
	})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
