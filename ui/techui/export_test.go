package techui

import (
	"hallkiosk/internal/uiqueue"
	"hallkiosk/ui"
)

// Queue collects what technician mode schedules for the UI goroutine, so
// that a test runs it on the test goroutine, in order, between its taps.
type Queue = uiqueue.Queue

// UseQueue makes m schedule through a new Queue.
func UseQueue(m *Mode) *Queue {
	q := &Queue{}
	m.br = ui.NewBridge(q.Do)
	return q
}

// Refreshing reports whether the shown page refreshes itself, so that a
// test can check the refresh stops when the page or the mode is left.
func (m *Mode) Refreshing() bool { return m.refresh != nil }

// Polls is how many refresh polls of the shown page came back (0 when the
// page does not refresh).
func (m *Mode) Polls() int {
	if m.refresh == nil {
		return 0
	}
	return m.refresh.polls
}
