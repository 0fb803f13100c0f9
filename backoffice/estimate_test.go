package backoffice

import (
	"fmt"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
)

func TestWaitMinutes(t *testing.T) {
	tests := []struct {
		ahead    int
		per      float64
		counters int
		want     int
	}{
		{0, 10, 1, 0},
		{1, 10, 2, 5},
		{3, 10, 1, 30}, // exact: no floating-point 31
		{3, 7.5, 1, 23},
		{2, 0.4, 1, 1},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d×%g/%d", tc.ahead, tc.per, tc.counters), func(t *testing.T) {
			if got := waitMinutes(tc.ahead, tc.per, tc.counters); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	m := time.Minute
	if got := median([]time.Duration{9 * m, 1 * m, 5 * m}); got != 5*m {
		t.Fatalf("odd: %v", got)
	}
	if got := median([]time.Duration{4 * m, 1 * m, 6 * m, 9 * m}); got != 5*m {
		t.Fatalf("even: %v", got)
	}
}

// serve issues a ticket of service b (counter 2, catalog 5 min), calls it
// at counter 2 and marks it done after took.
func (e *env) serve(took time.Duration) {
	e.t.Helper()
	e.ticket(tokK1, "K01", newID(e.t), "b", false)
	var res api.CallResult
	e.ok("POST", "/v1/counters/2/call-next", tokDesk2, nil, &res)
	e.clock.Advance(took)
	e.ok("POST", "/v1/counters/2/done", tokDesk2, nil, &res)
	if res.Status != api.TicketStatusDone {
		e.t.Fatalf("done answered %+v", res)
	}
}

// TestEstimateFollowsServiceTimes: the estimate starts at the catalog's
// average, becomes the median of the hall's own call → done times once
// there are five, and the kiosk's answer and the queue agree on it.
func TestEstimateFollowsServiceTimes(t *testing.T) {
	e := newEnv(t, nil)
	waitB := func() int {
		t.Helper()
		return e.queue()["b"].EstWaitMinutes
	}
	e.ticket(tokK1, "K01", newID(t), "b", false)
	e.ticket(tokK1, "K01", newID(t), "b", false)
	if got := waitB(); got != 10 { // 2 waiting × 5 min (catalog), 1 counter
		t.Fatalf("catalog estimate: %d min, want 10", got)
	}
	// Serve the two waiting, then four more: six handling times in the
	// 10:00 hour, 2, 2, 4, 8, 8, 8 minutes: median 6.
	e.ok("POST", "/v1/counters/2/call-next", tokDesk2, nil, nil)
	e.clock.Advance(2 * time.Minute)
	e.ok("POST", "/v1/counters/2/call-next", tokDesk2, nil, nil) // done implicitly after 2 min
	e.clock.Advance(2 * time.Minute)
	e.ok("POST", "/v1/counters/2/done", tokDesk2, nil, nil)
	for _, m := range []int{4, 8, 8, 8} {
		e.serve(time.Duration(m) * time.Minute)
	}
	resp := e.ticket(tokK1, "K01", newID(t), "b", false)
	resp = e.ticket(tokK1, "K01", newID(t), "b", false)
	if resp.PeopleAhead != 1 || resp.EstWaitMinutes != 6 {
		t.Fatalf("ticket answer: %d ahead, %d min, want 1 and 6 (median)", resp.PeopleAhead, resp.EstWaitMinutes)
	}
	if got := waitB(); got != 12 {
		t.Fatalf("queue estimate %d, want 2 × 6", got)
	}
	// Another hour of the day has no samples of its own: the service's
	// latest times at any hour apply.
	e.clock.Set(monday10.Add(4 * time.Hour))
	if got := waitB(); got != 12 {
		t.Fatalf("14:00 estimate %d, want 12 from any hour", got)
	}
	// A no-show is no handling time.
	e.ok("POST", "/v1/counters/2/call-next", tokDesk2, nil, nil)
	e.clock.Advance(50 * time.Minute)
	e.ok("POST", "/v1/counters/2/no-show", tokDesk2, nil, nil)
	if got := e.queue()["b"].EstWaitMinutes; got != 6 {
		t.Fatalf("after a no-show: %d, want 1 × 6", got)
	}
}

// TestEstimatePerServiceAndHour: the minutes per ticket are the median of
// the latest 50 handling times of the service called in the same hour of
// the day (hall time) within 28 days; a handling time over 3 hours and one
// called 29 days ago do not count.
func TestEstimatePerServiceAndHour(t *testing.T) {
	e := newEnv(t, nil)
	m := time.Minute
	day := func(month time.Month, d int) time.Time { return time.Date(2026, month, d, 0, 0, 0, 0, shanghai) }
	// serveAt calls a ticket of service b at counter 2 at the given time
	// and marks it done after each of tooks in turn.
	serveAt := func(at time.Time, tooks ...time.Duration) {
		t.Helper()
		for _, took := range tooks {
			e.clock.Set(at)
			e.serve(took)
			at = at.Add(took)
		}
	}
	// Monday 2 November, 11:00: 29 days before the estimates below.
	serveAt(day(11, 2).Add(11*time.Hour), 30*m)
	// 3–13 November, 10:00: 54 handling times of 9 min, older than the
	// latest 50 of the hour.
	for _, d := range []int{3, 4, 5, 6, 9, 10, 11, 12, 13} {
		serveAt(day(11, d).Add(10*time.Hour), 9*m, 9*m, 9*m, 9*m, 9*m, 9*m)
	}
	// 16–20 November, 10:00: the latest 50 of the hour, 4 and 6 min by
	// turns: median 5 (all 104 of the hour would give 9).
	for _, d := range []int{16, 17, 18, 19, 20} {
		serveAt(day(11, d).Add(10*time.Hour), 4*m, 6*m, 4*m, 6*m, 4*m, 6*m, 4*m, 6*m, 4*m, 6*m)
	}
	// 23–27 November, 11:00: five handling times, median 12 (with the one
	// of 2 November it would be 14).
	for i, took := range []time.Duration{12 * m, 16 * m, 12 * m, 16 * m, 12 * m} {
		serveAt(day(11, 23+i).Add(11*time.Hour), took)
	}
	// Monday 30 November: a ticket called at 10:05 and left open until
	// 13:10 (it would make the 10:00 median 6).
	serveAt(day(11, 30).Add(10*time.Hour+5*m), 3*time.Hour+5*m)

	// Tuesday 1 December: two wait for service b (one counter).
	e.clock.Set(day(12, 1).Add(10*time.Hour + 20*m))
	e.ticket(tokK1, "K01", newID(t), "b", false)
	e.ticket(tokK1, "K01", newID(t), "b", false)
	for _, tc := range []struct {
		at   time.Duration
		want int
	}{
		{10*time.Hour + 30*m, 2 * 5},
		{11*time.Hour + 30*m, 2 * 12},
	} {
		e.clock.Set(day(12, 1).Add(tc.at))
		if got := e.queue()["b"].EstWaitMinutes; got != tc.want {
			t.Errorf("estimate at %s: %d min, want %d", e.clock.Now().Format("15:04"), got, tc.want)
		}
	}
}

func TestCounterActions(t *testing.T) {
	e := newEnv(t, nil)
	e.fail("POST", "/v1/counters/2/done", tokDesk2, nil, 409, "nothing_called")
	e.fail("POST", "/v1/counters/4/recall", tokDesk2, nil, 403, "forbidden")
	e.fail("GET", "/v1/counters/2", tokK1, nil, 403, "forbidden")
	first := e.ticket(tokK1, "K01", newID(t), "b", false)
	e.ticket(tokK1, "K01", newID(t), "b", false)
	var st api.CounterState
	e.ok("GET", "/v1/counters/2", tokDesk2, nil, &st)
	if st.Current != nil || st.Waiting != 2 || st.Name.Zh != "2号窗口" {
		t.Fatalf("state before: %+v", st)
	}
	var res api.CallResult
	e.ok("POST", "/v1/counters/2/call-next", tokDesk2, nil, &res)
	e.clock.Advance(time.Minute)
	e.ok("POST", "/v1/counters/2/recall", tokDesk2, nil, &res)
	if res.Number != first.Number || res.Status != api.TicketStatusCalled {
		t.Fatalf("recall: %+v", res)
	}
	e.ok("GET", "/v1/counters/2", tokDesk2, nil, &st)
	if st.Current == nil || st.Current.Number != first.Number || st.Waiting != 1 {
		t.Fatalf("state while serving: %+v", st)
	}
	e.ok("POST", "/v1/counters/2/no-show", tokDesk2, nil, &res)
	if res.Status != api.TicketStatusNoShow {
		t.Fatalf("no-show: %+v", res)
	}
	e.fail("POST", "/v1/counters/2/recall", tokDesk2, nil, 409, "nothing_called")
}
