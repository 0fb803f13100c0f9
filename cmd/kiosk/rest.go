package main

import (
	"context"
	"os"
	"runtime/debug"
	"time"

	"hallkiosk/clock"
)

// restDelay is how long the home screen stands untouched before the kiosk
// gives memory back.
const restDelay = 2 * time.Second

// restDelays are the points of a rest at which memory goes back: after
// restDelay, the garbage of the visit; and once Fyne has dropped what it
// keeps of the visit's screens, which it does at the first repaint after
// their cache lifetime (FYNE_CACHE, one minute by default) has passed. The
// status bar's clock repaints the idle home screen every ten seconds, so
// that is at most a lifetime and a tick later.
func restDelays() []time.Duration {
	lifetime := time.Minute
	if d, err := time.ParseDuration(os.Getenv("FYNE_CACHE")); err == nil && d > 0 {
		lifetime = d // as Fyne's internal/cache reads it
	}
	return []time.Duration{restDelay, restDelay + lifetime + 12*time.Second}
}

// atRest gives memory back once the kiosk has stood on its home screen for
// a while: a visit's garbage (the screens it built, the images of their
// texts) is collected and the free pages go back to the system, so a kiosk
// between citizens holds what it needs rather than its peak. On a 2–4 GB
// terminal that is the difference the Go runtime's scavenger would make
// only minutes later.
type atRest struct {
	clk     clock.Clock
	delays  []time.Duration // from the home screen's arrival, ascending
	release func()
	screens chan bool // true: the home screen was shown; false: another
}

func newAtRest(ctx context.Context, clk clock.Clock, delays []time.Duration, release func()) *atRest {
	r := &atRest{clk: clock.Or(clk), delays: delays, release: release, screens: make(chan bool, 16)}
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
	next := len(r.delays) // the index of the next release; none pending
	for {
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case home := <-r.screens:
			t.Stop()
			next = len(r.delays)
			if home && len(r.delays) > 0 {
				next = 0
				t.Reset(r.delays[0])
			}
		case <-t.C():
			if next >= len(r.delays) {
				continue // fired as a visit began: nothing is due
			}
			r.release()
			if next++; next < len(r.delays) {
				t.Reset(r.delays[next] - r.delays[next-1])
			}
		}
	}
}

// releaseMemory collects the garbage and returns free heap pages to the
// system at once (runtime/debug.FreeOSMemory).
func releaseMemory() { debug.FreeOSMemory() }
