package idcard

// SetIdleHook lets the external tests see when Run has armed its poll timer
// and waits for it, so that they advance a fake clock exactly one poll at a
// time. Call it before Run.
func SetIdleHook(r *Reader, f func()) { r.idleHook = f }

// Waiters is how many WaitCard calls are waiting, so that a test can start
// a poll only once its WaitCard is in place.
func Waiters(r *Reader) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.waiters
}

// SetWaitHook lets a test see an exchange waiting for more bytes: which
// command, how many bytes are buffered and whether a broken frame was
// seen. Call it before the first exchange.
func SetWaitHook(r *Reader, f func(cmd Command, buffered int, broken bool)) { r.waitHook = f }
