package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"hallkiosk/clock"
)

// The status bar shows the hall's time (Deps.Location) whatever the
// machine's zone is: the kiosk no longer sets time.Local to the hall's.
func TestStatusClockInTheHallsZone(t *testing.T) {
	saved := time.Local
	defer func() { time.Local = saved }()
	time.Local = time.UTC
	at := time.Date(2026, 11, 24, 1, 30, 0, 0, time.UTC)
	h := newHarnessOn(t, test.NewTempApp(t), nil, func(d *Deps) {
		d.Env.Clock = clock.NewFake(at)
		d.Location = time.FixedZone("CST", 8*3600)
	})
	if got := h.k.status.clock.Text; got != "09:30" {
		t.Errorf("status clock %q at 01:30 UTC, want the hall's 09:30", got)
	}
}
