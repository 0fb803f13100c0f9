package ui

import (
	"context"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
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
