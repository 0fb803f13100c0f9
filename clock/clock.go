package clock

import (
	"sort"
	"sync"
	"time"
)

// Clock tells the time and makes timers. Real is the production clock; Fake
// is driven by tests.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a timer that fires once after d.
	NewTimer(d time.Duration) Timer
	// After is NewTimer(d).C() for callers that never stop the timer.
	After(d time.Duration) <-chan time.Time
}

// Timer is the part of time.Timer the kiosk uses.
type Timer interface {
	// C delivers the time once when the timer fires.
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it was active.
	Stop() bool
	// Reset re-arms the timer to fire after d.
	Reset(d time.Duration) bool
	// ResetAt re-arms the timer to fire at t (at once if t has passed).
	// Unlike Reset(t.Sub(Now())) it does not depend on when it runs, so a
	// deadline computed earlier cannot drift if the clock moves meanwhile.
	ResetAt(t time.Time) bool
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// NewTimer wraps time.NewTimer.
func (Real) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

// After wraps time.After.
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }
func (r realTimer) ResetAt(t time.Time) bool   { return r.t.Reset(time.Until(t)) }

// Or returns c, or Real when c is nil, so option structs can leave it unset.
func Or(c Clock) Clock {
	if c == nil {
		return Real{}
	}
	return c
}

// Fake is a manually advanced clock. Timers fire, in deadline order, only
// when Advance or Set moves the time past their deadline.
type Fake struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

// NewFake returns a Fake that reads start.
func NewFake(start time.Time) *Fake { return &Fake{now: start} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// NewTimer returns a timer that fires when the fake time reaches now+d.
func (f *Fake) NewTimer(d time.Duration) Timer {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{f: f, c: make(chan time.Time, 1)}
	t.arm(d)
	return t
}

// After returns NewTimer(d).C().
func (f *Fake) After(d time.Duration) <-chan time.Time { return f.NewTimer(d).C() }

// Advance moves the time forward by d, firing every timer that comes due.
func (f *Fake) Advance(d time.Duration) { f.Set(f.Now().Add(d)) }

// Set moves the time to t (forward or backward, as a wall clock can jump) and
// fires every timer whose deadline is at or before t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.now = t
	var due []*fakeTimer
	keep := f.timers[:0]
	for _, tm := range f.timers {
		if !tm.deadline.After(t) {
			due = append(due, tm)
		} else {
			keep = append(keep, tm)
		}
	}
	f.timers = keep
	f.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].deadline.Before(due[j].deadline) })
	for _, tm := range due {
		select {
		case tm.c <- t:
		default:
		}
	}
}

// Pending reports how many timers are armed; tests use it to wait until the
// code under test has started waiting.
func (f *Fake) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.timers)
}

// WaitPending blocks until at least n timers are armed or the real-time
// limit passes; it reports whether they were.
func (f *Fake) WaitPending(n int, limit time.Duration) bool {
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		if f.Pending() >= n {
			return true
		}
		time.Sleep(time.Millisecond)
	}
	return f.Pending() >= n
}

type fakeTimer struct {
	f        *Fake
	c        chan time.Time
	deadline time.Time
}

// arm must be called with f.mu held.
func (t *fakeTimer) arm(d time.Duration) {
	t.deadline = t.f.now.Add(d)
	if d <= 0 {
		select {
		case t.c <- t.f.now:
		default:
		}
		return
	}
	t.f.timers = append(t.f.timers, t)
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	for i, tm := range t.f.timers {
		if tm == t {
			t.f.timers = append(t.f.timers[:i], t.f.timers[i+1:]...)
			return true
		}
	}
	return false
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	return t.reset(func() time.Duration { return d })
}

func (t *fakeTimer) ResetAt(at time.Time) bool {
	// The duration is taken under the clock's lock, so an Advance racing
	// with this call cannot push the deadline past at.
	return t.reset(func() time.Duration { return at.Sub(t.f.now) })
}

func (t *fakeTimer) reset(d func() time.Duration) bool {
	active := t.Stop()
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	select {
	case <-t.c:
	default:
	}
	t.arm(d())
	return active
}
