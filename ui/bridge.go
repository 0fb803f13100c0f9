package ui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"

	"hallkiosk/clock"
)

// bridge is the one way anything computed on another goroutine — a flow's
// state snapshot, a clock tick, the idle session's countdown — reaches a
// widget. Since Fyne 2.6 widgets may only be touched on the UI goroutine and
// code on other goroutines must go through fyne.Do (docs/fyne-notes.md 1.6); keeping
// every such call here (rymdport's transport/bridge style) makes the rule
// checkable in one place and testable with a fake scheduler.
//
// The bridge also drops stale results: navigation bumps its generation, and
// a delivery made for an older generation is discarded on the UI goroutine,
// so a late answer for a screen the citizen has left (or a session that was
// wiped) never draws on the screen that replaced it.
type bridge struct {
	// do schedules fn on the UI goroutine. fyne.Do in production; tests
	// queue the calls to prove nothing runs before the scheduler does.
	do func(fn func())

	gen atomic.Uint64

	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
	stop   chan struct{} // closed by close
	wg     sync.WaitGroup
	closed bool
}

func newBridge(do func(func())) *bridge {
	if do == nil {
		do = fyne.Do
	}
	b := &bridge{do: do, stop: make(chan struct{})}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	return b
}

// post runs fn on the UI goroutine. Any goroutine may call it; fyne.Do never
// blocks the caller, so a device goroutine cannot stall on a busy UI.
// (fyne.DoAndWait would deadlock when called from a Fyne callback with
// migrated_fynedo, docs/fyne-notes.md 1.6.)
func (b *bridge) post(fn func()) {
	b.do(fn)
}

// postCurrent is post for a result that belongs to the generation gen: if
// the kiosk navigated since gen was read, fn is dropped.
func (b *bridge) postCurrent(gen uint64, fn func()) {
	b.do(func() {
		if b.gen.Load() != gen {
			return
		}
		fn()
	})
}

// generation returns the current navigation generation.
func (b *bridge) generation() uint64 { return b.gen.Load() }

// next starts a new generation (the kiosk changed screens or wiped the
// session): work started for the old one is cancelled and its results are
// dropped. Call it on the UI goroutine.
func (b *bridge) next() {
	b.gen.Add(1)
	b.mu.Lock()
	if !b.closed {
		b.cancel()
		b.ctx, b.cancel = context.WithCancel(context.Background())
	}
	b.mu.Unlock()
}

// run runs work on its own goroutine with a context that ends when the
// generation changes or the bridge closes; the function work returns, if
// any, is applied on the UI goroutine unless the generation changed.
func (b *bridge) run(work func(ctx context.Context) (apply func())) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	ctx := b.ctx
	gen := b.gen.Load()
	b.wg.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.wg.Done()
		if apply := work(ctx); apply != nil {
			b.postCurrent(gen, apply)
		}
	}()
}

// runDetached is run for work that belongs to the kiosk rather than to
// the screen on show, such as reading the hall's name: navigation neither
// cancels it nor drops its result; closing the bridge does both.
func (b *bridge) runDetached(work func(ctx context.Context) (apply func())) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	stop := b.stop
	b.wg.Add(1)
	b.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer b.wg.Done()
		defer cancel()
		go func() {
			select {
			case <-stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		apply := work(ctx)
		if apply == nil {
			return
		}
		b.do(func() {
			select {
			case <-stop:
			default:
				apply()
			}
		})
	}()
}

// every calls tick on the UI goroutine each time c delivers, until the
// bridge closes. It is how the status bar clock and other periodic updates
// reach widgets.
func (b *bridge) every(c <-chan struct{}, tick func()) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.wg.Add(1)
	done := b.stop
	b.mu.Unlock()
	go func() {
		defer b.wg.Done()
		for {
			select {
			case <-done:
				return
			case _, ok := <-c:
				if !ok {
					return
				}
				b.post(tick)
			}
		}
	}()
}

// tick calls fn on the UI goroutine every d on clk (the kiosk's clock: a
// fake one in tests), until ctx ends or the bridge closes. The first timer
// is armed before tick returns and each next one before the tick is
// delivered, so a test that advances a fake clock after seeing a tick's
// effect always finds the next timer waiting.
func (b *bridge) tick(ctx context.Context, clk clock.Clock, d time.Duration, fn func()) {
	ch := make(chan struct{})
	done := b.done()
	t := clk.NewTimer(d)
	go func() {
		defer t.Stop()
		defer close(ch)
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C():
			}
			t.Reset(d)
			select {
			case ch <- struct{}{}:
			case <-done:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	b.every(ch, fn)
}

// done is closed when the bridge closes; helper goroutines stop on it.
func (b *bridge) done() <-chan struct{} { return b.stop }

// close cancels all work and waits for the bridge's goroutines to end.
func (b *bridge) close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	b.cancel()
	close(b.stop)
	b.mu.Unlock()
	b.gen.Add(1)
	b.wg.Wait()
}

// Bridge is the bridge for screens outside this package: technician mode
// posts its background results and its refresh ticks through the same code
// as the citizen screens, on the same injectable clock.
type Bridge struct{ b *bridge }

// NewBridge returns a bridge that schedules with do (fyne.Do when nil;
// tests pass a queue's Do).
func NewBridge(do func(fn func())) *Bridge { return &Bridge{b: newBridge(do)} }

// Post runs fn on the UI goroutine; any goroutine may call it.
func (b *Bridge) Post(fn func()) { b.b.post(fn) }

// Tick calls fn on the UI goroutine every d on clk until ctx ends.
func (b *Bridge) Tick(ctx context.Context, clk clock.Clock, d time.Duration, fn func()) {
	b.b.tick(ctx, clk, d, fn)
}
