package backoffice

import (
	"net/http"
	"sync"
	"time"
)

// Lookup limits. A progress lookup is unlocked by the last four characters
// of an ID number, 10,000 possibilities, so the guesses one receipt may take
// are few; a kiosk token (which may be taken from a public kiosk) may ask
// more, spread over many receipts. The appointments list is fetched by a
// kiosk every few minutes.
const (
	progressPerToken      = 20 // lookups of one token per minute
	progressPerReceipt    = 5  // misses of one receipt per 15 minutes
	appointmentsPerToken  = 30 // lists of one token per minute
	maxThrottleKeys       = 10000
	progressReceiptWindow = 15 * time.Minute
)

// DefaultTicketsPerMinute bounds how fast one kiosk token takes numbers
// (Options.TicketsPerMinute). A kiosk prints each ticket and a citizen taps
// through three screens first, so a busy kiosk takes a few a minute; a
// token taken from a kiosk could otherwise use up every service's numbers
// for the day in seconds.
const DefaultTicketsPerMinute = 60

// throttle counts events per key in fixed windows on the server's clock.
// It lives in memory: a restart forgets the counts, which only shortens
// one window.
type throttle struct {
	limit  int
	window time.Duration

	mu   sync.Mutex
	keys map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newThrottle(limit int, per time.Duration) *throttle {
	return &throttle{limit: limit, window: per, keys: map[string]*window{}}
}

// wait returns how long key must wait before its next event, 0 when it may
// go now.
func (t *throttle) wait(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.keys[key]
	if w == nil || now.Sub(w.start) >= t.window || w.n < t.limit {
		return 0
	}
	return w.start.Add(t.window).Sub(now)
}

// add counts one event of key.
func (t *throttle) add(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.addLocked(key, now)
}

func (t *throttle) addLocked(key string, now time.Time) {
	w := t.keys[key]
	if w == nil || now.Sub(w.start) >= t.window {
		if w == nil && len(t.keys) >= maxThrottleKeys {
			t.pruneLocked(now)
		}
		w = &window{start: now}
		t.keys[key] = w
	}
	w.n++
}

// take counts one event of key unless it must wait; it returns the wait.
// The check and the count are one step under the lock, so requests that
// arrive together cannot all pass the check before any of them counts.
func (t *throttle) take(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.keys[key]
	if w != nil && now.Sub(w.start) < t.window && w.n >= t.limit {
		return w.start.Add(t.window).Sub(now)
	}
	t.addLocked(key, now)
	return 0
}

// release gives back an event that take counted at now, when it turned
// out not to count (a right answer, a lookup that failed). An event whose
// window has ended is gone already.
func (t *throttle) release(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if w := t.keys[key]; w != nil && w.n > 0 && !now.Before(w.start) && now.Sub(w.start) < t.window {
		w.n--
	}
}

// pruneLocked forgets windows that have ended, so keys a client made up
// do not pile up in memory.
func (t *throttle) pruneLocked(now time.Time) {
	for k, w := range t.keys {
		if now.Sub(w.start) >= t.window {
			delete(t.keys, k)
		}
	}
}

// tooMany is the 429 answer with the wait in whole seconds, rounded up.
func tooMany(d time.Duration, what string) *apiError {
	secs := int((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return &apiError{status: http.StatusTooManyRequests, code: "too_many_requests",
		msg: "too many " + what + "; try again after Retry-After seconds", retryAfter: secs}
}
