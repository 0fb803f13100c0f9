package techui

import "sync"

// Queue collects what technician mode schedules for the UI goroutine, so
// that a test runs it on the test goroutine, in order, between its taps.
type Queue struct {
	mu  sync.Mutex
	fns []func()
}

// UseQueue makes m schedule through a new Queue.
func UseQueue(m *Mode) *Queue {
	q := &Queue{}
	m.do = func(fn func()) {
		q.mu.Lock()
		q.fns = append(q.fns, fn)
		q.mu.Unlock()
	}
	return q
}

// Drain runs what is queued, including what the runs queue, and returns
// how many ran.
func (q *Queue) Drain() int {
	n := 0
	for {
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return n
		}
		for _, fn := range fns {
			fn()
			n++
		}
	}
}

// Refreshing reports whether the shown page refreshes itself, so that a
// test can check the refresh stops when the page or the mode is left.
func (m *Mode) Refreshing() bool { return m.refresh != nil }
