package flow

import (
	"sync/atomic"
	"testing"
	"time"

	"hallkiosk/clock"
)

// waitLimit bounds how long a test waits for a goroutine to report. It is
// a failure guard, not a timing assertion: everything timed runs on fake
// clocks.
const waitLimit = 20 * time.Second

// watcher collects snapshots of a flow or session.
type watcher[S any] struct {
	t  testing.TB
	ch chan S
}

func newWatcher[S any](t testing.TB) *watcher[S] {
	return &watcher[S]{t: t, ch: make(chan S, 1024)}
}

func (w *watcher[S]) fn(s S) { w.ch <- s }

// until returns the first snapshot that satisfies ok, failing the test when
// none comes.
func (w *watcher[S]) until(what string, ok func(S) bool) S {
	w.t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case s := <-w.ch:
			if ok(s) {
				return s
			}
		case <-deadline:
			w.t.Fatalf("no snapshot with %s", what)
		}
	}
}

type wipeCounter struct{ n atomic.Int32 }

func (w *wipeCounter) Wipe() { w.n.Add(1) }

func newTestSession(t *testing.T, opts SessionOptions) (*Session, *clock.Fake, *watcher[SessionSnapshot]) {
	t.Helper()
	clk := clock.NewFake(at("2026-05-14", "10:00"))
	w := newWatcher[SessionSnapshot](t)
	opts.Clock = clk
	opts.OnChange = w.fn
	s := NewSession(opts)
	t.Cleanup(s.Close)
	return s, clk, w
}

func isState(st SessionState) func(SessionSnapshot) bool {
	return func(s SessionSnapshot) bool { return s.State == st }
}

// advance moves the fake clock once the session's timer is armed.
func advance(t *testing.T, clk *clock.Fake, d time.Duration) {
	t.Helper()
	if !clk.WaitPending(1, waitLimit) {
		t.Fatal("no timer armed")
	}
	clk.Advance(d)
}

func TestSessionCountdownAndWipe(t *testing.T) {
	tests := []struct {
		name    string
		elder   bool
		reading bool
		idle    time.Duration
	}{
		{"normal page", false, false, 60 * time.Second},
		{"reading page", false, true, 120 * time.Second},
		{"elder mode doubles", true, false, 120 * time.Second},
		{"elder reading", true, true, 240 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, clk, w := newTestSession(t, SessionOptions{})
			tx := &wipeCounter{}
			s.SetLanguage(LangEn)
			s.SetElder(tt.elder)
			s.Begin(tx)
			s.SetReading(tt.reading)
			if got := s.Snapshot().IdleLimit; got != tt.idle {
				t.Fatalf("idle limit %v, want %v", got, tt.idle)
			}
			advance(t, clk, tt.idle-time.Second)
			// One second short: still active, nothing wiped.
			if !clk.WaitPending(1, waitLimit) {
				t.Fatal("timer not re-armed")
			}
			if st := s.Snapshot().State; st != SessionActive {
				t.Fatalf("state %v before the idle limit", st)
			}
			clk.Advance(time.Second)
			snap := w.until("warning", isState(SessionWarning))
			if snap.Remaining != 10 {
				t.Fatalf("countdown starts at %d", snap.Remaining)
			}
			for want := 9; want >= 1; want-- {
				advance(t, clk, time.Second)
				snap = w.until("countdown tick", func(s SessionSnapshot) bool { return s.State == SessionWarning && s.Remaining == want })
			}
			if tx.n.Load() != 0 {
				t.Fatal("wiped during the countdown")
			}
			advance(t, clk, time.Second)
			snap = w.until("expiry", isState(SessionIdle))
			if !snap.Expired || snap.Language != LangZh || snap.Elder {
				t.Fatalf("after expiry: %+v", snap)
			}
			if tx.n.Load() != 1 {
				t.Fatalf("transaction wiped %d times", tx.n.Load())
			}
			if clk.Pending() != 0 {
				t.Fatalf("%d timers armed on an idle kiosk", clk.Pending())
			}
		})
	}
}

func TestSessionTouchCancelsCountdown(t *testing.T) {
	s, clk, w := newTestSession(t, SessionOptions{})
	tx := &wipeCounter{}
	s.Begin(tx)
	advance(t, clk, 60*time.Second)
	w.until("warning", isState(SessionWarning))
	advance(t, clk, 3*time.Second)
	w.until("7 s left", func(s SessionSnapshot) bool { return s.Remaining == 7 })
	s.Continue()
	w.until("active again", isState(SessionActive))
	// A full idle period counts from the touch.
	advance(t, clk, 59*time.Second)
	if !clk.WaitPending(1, waitLimit) || s.Snapshot().State != SessionActive {
		t.Fatalf("state %v 59 s after the touch", s.Snapshot().State)
	}
	clk.Advance(time.Second)
	w.until("warning again", isState(SessionWarning))
	if tx.n.Load() != 0 {
		t.Fatal("wiped")
	}
}

func TestSessionTouchesKeepItActive(t *testing.T) {
	s, clk, _ := newTestSession(t, SessionOptions{})
	s.Touch()
	for i := 0; i < 10; i++ {
		if !clk.WaitPending(1, waitLimit) {
			t.Fatal("no timer")
		}
		clk.Advance(50 * time.Second)
		s.Touch()
	}
	if !clk.WaitPending(1, waitLimit) {
		t.Fatal("no timer")
	}
	if st := s.Snapshot().State; st != SessionActive {
		t.Fatalf("state %v after regular touches", st)
	}
}

func TestSessionHoldKeepsItOpen(t *testing.T) {
	s, clk, w := newTestSession(t, SessionOptions{})
	tx := &wipeCounter{}
	s.Begin(tx)
	s.Hold() // a print starts
	advance(t, clk, 10*time.Minute)
	if !clk.WaitPending(1, waitLimit) {
		t.Fatal("no timer")
	}
	if snap := s.Snapshot(); snap.State != SessionActive || !snap.Held {
		t.Fatalf("held session: %+v", snap)
	}
	s.Release()
	w.until("released", func(s SessionSnapshot) bool { return !s.Held })
	// The idle time restarts at the release.
	advance(t, clk, 59*time.Second)
	if !clk.WaitPending(1, waitLimit) || s.Snapshot().State != SessionActive {
		t.Fatal("countdown too early after release")
	}
	clk.Advance(time.Second)
	w.until("warning", isState(SessionWarning))
	// A hold during the countdown stops it (the citizen placed a card).
	s.Hold()
	w.until("active while held", func(s SessionSnapshot) bool { return s.State == SessionActive && s.Held })
	s.Release()
	if tx.n.Load() != 0 {
		t.Fatal("wiped while held")
	}
}

func TestSessionBeginHomeEnd(t *testing.T) {
	s, _, w := newTestSession(t, SessionOptions{})
	a, b := &wipeCounter{}, &wipeCounter{}
	s.SetLanguage(LangEn)
	s.Begin(a)
	s.Begin(a) // the same transaction restarting is not wiped by the session
	if a.n.Load() != 0 {
		t.Fatal("restart wiped")
	}
	s.Begin(b)
	if a.n.Load() != 1 {
		t.Fatal("previous transaction not wiped on Begin")
	}
	s.Home()
	if b.n.Load() != 1 {
		t.Fatal("Home did not wipe")
	}
	if snap := s.Snapshot(); snap.State != SessionActive || snap.Language != LangEn {
		t.Fatalf("Home keeps the citizen's session: %+v", snap)
	}
	s.Begin(a)
	s.End()
	if a.n.Load() != 2 {
		t.Fatal("End did not wipe")
	}
	snap := w.until("idle", isState(SessionIdle))
	if snap.Expired || snap.Language != LangZh {
		t.Fatalf("End: %+v", snap)
	}
}

// Finish wipes the task; the visit stays open while it has choices of its
// own (elder mode, English) and ends at once without them.
func TestSessionFinish(t *testing.T) {
	s, _, _ := newTestSession(t, SessionOptions{})
	a := &wipeCounter{}
	s.SetElder(true)
	s.Begin(a)
	s.Finish()
	if a.n.Load() != 1 {
		t.Fatal("Finish did not wipe the task")
	}
	if snap := s.Snapshot(); snap.State != SessionActive || !snap.Elder {
		t.Fatalf("Finish in elder mode ended the visit: %+v", snap)
	}
	s.SetElder(false)
	s.Begin(a)
	s.Finish()
	if a.n.Load() != 2 {
		t.Fatal("Finish did not wipe the second task")
	}
	if snap := s.Snapshot(); snap.State != SessionIdle {
		t.Fatalf("Finish with nothing of the citizen's own left the visit open: %+v", snap)
	}
	s.SetLanguage(LangEn)
	s.Finish()
	if snap := s.Snapshot(); snap.State != SessionActive || snap.Language != LangEn {
		t.Fatalf("Finish in English ended the visit: %+v", snap)
	}
}

func TestNilSession(t *testing.T) {
	var s *Session
	s.Touch()
	s.Hold()
	s.Release()
	s.Begin(&wipeCounter{})
	s.Home()
	s.Finish()
	s.End()
	s.SetReading(true)
	if s.Language() != LangZh || s.Elder() {
		t.Fatal("nil session defaults")
	}
}
