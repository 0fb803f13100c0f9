package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/clock"
	"hallkiosk/internal/uiqueue"
)

// TestBridgePostIsDeferred: a result posted from a background goroutine
// never runs on that goroutine; it waits for the UI goroutine's scheduler.
func TestBridgePostIsDeferred(t *testing.T) {
	q := &uiqueue.Queue{}
	b := newBridge(q.Do)
	defer b.close()
	var ran atomic.Bool
	done := make(chan struct{})
	go func() {
		b.post(func() { ran.Store(true) })
		close(done)
	}()
	<-done
	if ran.Load() {
		t.Fatal("post ran the update on the posting goroutine")
	}
	if q.Drain() != 1 || !ran.Load() {
		t.Fatal("the scheduler did not run the update")
	}
}

// TestBridgeRunDropsStale: work started for a screen the citizen has left
// is cancelled, and its result is dropped rather than drawn on the next
// screen.
func TestBridgeRunDropsStale(t *testing.T) {
	q := &uiqueue.Queue{}
	b := newBridge(q.Do)
	defer b.close()

	started := make(chan struct{})
	release := make(chan struct{})
	var cancelled atomic.Bool
	var applied atomic.Int32
	b.run(func(ctx context.Context) func() {
		close(started)
		select {
		case <-ctx.Done():
			cancelled.Store(true)
		case <-release:
		}
		return func() { applied.Add(1) }
	})
	<-started
	b.next() // the kiosk navigated away
	waitFor(t, cancelled.Load)
	close(release)
	waitFor(t, func() bool { return q.Len() > 0 })
	q.Drain()
	if applied.Load() != 0 {
		t.Error("a stale result was applied")
	}

	// Work of the current generation is applied.
	b.run(func(context.Context) func() { return func() { applied.Add(1) } })
	waitFor(t, func() bool { return q.Len() > 0 })
	q.Drain()
	if applied.Load() != 1 {
		t.Errorf("applied = %d, want 1", applied.Load())
	}
}

// TestBridgeRunDetached: work for the kiosk rather than the screen goes
// on across navigation and its result is applied; close cancels it and
// drops what it returns.
func TestBridgeRunDetached(t *testing.T) {
	q := &uiqueue.Queue{}
	b := newBridge(q.Do)
	release := make(chan struct{})
	var applied atomic.Int32
	b.runDetached(func(ctx context.Context) func() {
		select {
		case <-ctx.Done():
			t.Error("navigation cancelled kiosk work")
		case <-release:
		}
		return func() { applied.Add(1) }
	})
	b.next() // the kiosk navigated away
	close(release)
	waitFor(t, func() bool { return q.Len() > 0 })
	q.Drain()
	if applied.Load() != 1 {
		t.Fatalf("applied = %d, want 1", applied.Load())
	}

	var cancelled atomic.Bool
	b.runDetached(func(ctx context.Context) func() {
		<-ctx.Done()
		cancelled.Store(true)
		return func() { applied.Add(1) }
	})
	b.close()
	q.Drain()
	if !cancelled.Load() || applied.Load() != 1 {
		t.Errorf("after close: cancelled=%v applied=%d", cancelled.Load(), applied.Load())
	}
	b.runDetached(func(context.Context) func() { t.Error("work ran after close"); return nil })
}

// TestHallNameAfterEarlyNavigation: the hall's name comes from the catalog
// off the UI goroutine; a screen change before it arrives must not lose it.
func TestHallNameAfterEarlyNavigation(t *testing.T) {
	p := newParts(t)
	q := &uiqueue.Queue{}
	k := newKiosk(test.NewTempApp(t), Deps{Env: p.env(), KioskNumber: testKioskNumber}, q.Do)
	t.Cleanup(func() { k.Close(); q.Drain() })
	k.startFlow(k.suggest) // a citizen's tap before the catalog was read
	name := p.cat.Hall.Name.Zh
	waitFor(t, func() bool {
		q.Drain()
		return strings.Contains(strings.Join(texts(k.win.Canvas().Content()), "|"), name)
	})
}

// TestBridgePostCurrent: a delivery stamped with an old generation is
// dropped on the UI goroutine.
func TestBridgePostCurrent(t *testing.T) {
	q := &uiqueue.Queue{}
	b := newBridge(q.Do)
	defer b.close()
	n := 0
	gen := b.generation()
	b.postCurrent(gen, func() { n++ })
	q.Drain()
	b.postCurrent(gen, func() { n++ })
	b.next()
	q.Drain()
	if n != 1 {
		t.Errorf("n = %d, want 1 (the second delivery is stale)", n)
	}
}

// TestBridgeCloseWaits: close cancels running work and waits for it; work
// started after close never runs.
func TestBridgeCloseWaits(t *testing.T) {
	q := &uiqueue.Queue{}
	b := newBridge(q.Do)
	var finished atomic.Bool
	b.run(func(ctx context.Context) func() {
		<-ctx.Done()
		time.Sleep(5 * time.Millisecond)
		finished.Store(true)
		return nil
	})
	b.close()
	if !finished.Load() {
		t.Error("close returned before the work ended")
	}
	b.run(func(context.Context) func() { t.Error("work ran after close"); return nil })
	b.close() // twice is fine
}

// TestBridgeEvery: ticks reach the UI goroutine until close.
func TestBridgeEvery(t *testing.T) {
	q := &uiqueue.Queue{}
	b := newBridge(q.Do)
	ch := make(chan struct{})
	n := 0
	b.every(ch, func() { n++ })
	ch <- struct{}{}
	ch <- struct{}{}
	waitFor(t, func() bool { return q.Len() == 2 })
	q.Drain()
	b.close()
	if n != 2 {
		t.Errorf("ticks = %d, want 2", n)
	}
}

// TestBridgeWithFyneDo: with its production scheduler (fyne.Do) the
// bridge delivers an update posted from another goroutine. (Fyne's test
// driver runs fyne.Do at once on the posting goroutine, which is why the
// other tests use a queue.)
func TestBridgeWithFyneDo(t *testing.T) {
	test.NewTempApp(t)
	b := newBridge(nil)
	defer b.close()
	l := widget.NewLabel("")
	w := test.NewTempWindow(t, l)
	w.Resize(fyne.NewSize(200, 100))
	done := make(chan struct{})
	go func() {
		b.post(func() { l.SetText("done") })
		close(done)
	}()
	<-done
	if l.Text != "done" {
		t.Errorf("label = %q", l.Text)
	}
}

// TestClockTicksThroughBridge: the status bar clock changes only when the
// UI goroutine drains the bridge.
func TestClockTicksThroughBridge(t *testing.T) {
	h := newHarness(t, nil)
	before := h.k.status.clock.Text
	if !h.clk.WaitPending(1, time.Second) {
		t.Fatal("the clock goroutine armed no timer")
	}
	h.clk.Advance(10 * time.Minute)
	waitFor(t, func() bool { return h.q.Len() > 0 })
	if h.k.status.clock.Text != before {
		t.Fatal("the clock label changed off the UI goroutine")
	}
	h.q.Drain()
	if h.k.status.clock.Text != "09:40" {
		t.Errorf("clock = %q, want 09:40", h.k.status.clock.Text)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestBridgeTick: ticks come from the clock it is given, one per period,
// through the scheduler, and stop with their context: the timer is gone
// and a later period posts nothing.
func TestBridgeTick(t *testing.T) {
	q := &uiqueue.Queue{}
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	b := NewBridge(q.Do)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	b.Tick(ctx, clk, time.Second, func() { n++ })
	for want := 1; want <= 2; want++ {
		if clk.Pending() != 1 {
			t.Fatalf("tick %d: %d timers armed, want 1", want, clk.Pending())
		}
		clk.Advance(time.Second)
		waitFor(t, func() bool { return q.Len() == 1 })
		if n != want-1 {
			t.Fatalf("tick %d ran off the UI goroutine", want)
		}
		q.Drain()
		if n != want {
			t.Fatalf("ticks = %d, want %d", n, want)
		}
		// The next timer is armed before the tick is delivered.
	}
	cancel()
	waitFor(t, func() bool { return clk.Pending() == 0 })
	clk.Advance(time.Hour)
	if q.Len() != 0 || n != 2 {
		t.Fatalf("a tick after the context ended: queued %d, ran %d", q.Len(), n)
	}
}
