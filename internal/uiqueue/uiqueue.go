// Package uiqueue is the UI scheduler of tests: functions posted from any
// goroutine wait in a Queue until the test goroutine runs them, the way
// fyne.Do queues them for the UI goroutine in the real driver. The citizen
// and technician screen tests share it; only tests import it.
package uiqueue

import "sync"

// Queue holds posted functions in order. The zero value is empty.
type Queue struct {
	mu  sync.Mutex
	fns []func()
}

// Do posts fn; it has fyne.Do's signature.
func (q *Queue) Do(fn func()) {
	q.mu.Lock()
	q.fns = append(q.fns, fn)
	q.mu.Unlock()
}

// Drain runs the queued functions, including those they queue, and reports
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

// Step runs the oldest queued function, if any, and reports whether one
// ran: a test can stop on a state the screen passes through.
func (q *Queue) Step() bool {
	q.mu.Lock()
	if len(q.fns) == 0 {
		q.mu.Unlock()
		return false
	}
	fn := q.fns[0]
	q.fns = q.fns[1:]
	q.mu.Unlock()
	fn()
	return true
}

// Len is how many functions wait.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.fns)
}
