package main

import (
	"context"
	"runtime/debug"
	"time"

	"hallkiosk/clock"
)

// restDelay is how long the home screen stands untouched before the kiosk
// gives memory back.
const restDelay = 2 * time.Second

// atRest gives memory back once the kiosk has stood on its home screen for
// a while: a visit's garbage (the screens it built, the images of their
// texts) is collected and the free pages go back to the system, so a kiosk
// between citizens holds what it needs rather than its peak. On a 2–4 GB
// terminal that is the difference the Go runtime's scavenger would make
// only minutes later.
type atRest struct {
	clk     clock.Clock
	delay   time.Duration
	release func()
	screens chan bool // true: the home screen was shown; false: another
}

func newAtRest(ctx context.Context, clk clock.Clock, delay time.Duration, release func()) *atRest {
	r := &atRest{clk: clock.Or(clk), delay: delay, release: release, screens: make(chan bool, 16)}
	go r.loop(ctx)
	return r
}

// screen reports a screen by name (ui.Deps.OnScreen); it never blocks the
// UI goroutine.
func (r *atRest) screen(name string) {
	select {
	case r.screens <- name == "home":
	default: // a burst of screens: the next one counts
	}
}

func (r *atRest) loop(ctx context.Context) {
	t := r.clk.NewTimer(time.Hour)
	t.Stop()
	for {
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case home := <-r.screens:
			t.Stop()
			if home {
				t.Reset(r.delay)
			}
		case <-t.C():
			r.release()
		}
	}
}

// releaseMemory collects the garbage and returns free heap pages to the
// system at once (runtime/debug.FreeOSMemory).
func releaseMemory() { debug.FreeOSMemory() }
