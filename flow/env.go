package flow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"hallkiosk/clock"
)

// Env is what a flow works with: the ports, the clock and the session.
// cmd/kiosk fills it once and hands the same Env to every flow. A port a flow
// does not use may be nil (the rating flow needs no card reader).
type Env struct {
	Store      Store
	Printer    Printer
	Cards      CardReader
	Scanner    Scanner
	BackOffice BackOffice
	// Clock drives every timeout; nil means the wall clock.
	Clock clock.Clock
	// Session gives flows the language, elder mode and the idle hold; nil
	// means Chinese, normal mode, no idle tracking.
	Session *Session
	// Log receives one line for each failed step (the flow, the reason code
	// and the error behind it), so a technician reading the kiosk's log
	// sees why citizens met a failure page; nil logs nothing.
	Log *slog.Logger
}

func (e Env) clock() clock.Clock { return clock.Or(e.Clock) }

// logFailure writes p to Env.Log: faults of devices, the network, the
// back office or storage at WARN, what the citizen can put right (no card
// placed, a mistyped number, outside the opening hours) at INFO. The error
// text names services and steps, never an ID number or a phone number.
func (e Env) logFailure(flow string, p *Problem) {
	if e.Log == nil || p == nil {
		return
	}
	level := slog.LevelInfo
	switch p.Reason {
	case ReasonCardReaderFault, ReasonScannerFault, ReasonPrinterOutOfPaper, ReasonPrinterCoverOpen,
		ReasonPrinterFailed, ReasonOffline, ReasonTimeout, ReasonBackOfficeError, ReasonStorageFull,
		ReasonStorageBroken, ReasonInternal, ReasonCatalogUnavailable:
		level = slog.LevelWarn
	}
	e.Log.Log(context.Background(), level, "step failed", "flow", flow, "reason", p.Reason.String(), "err", p.Err)
}

// notifier delivers snapshots to a callback in the order they were made, on
// its own goroutine. Flows push while holding their lock (so the order is
// the order of state changes) and the callback never runs under that lock or
// on the caller's goroutine, so it may call back into the flow — as it does
// when the UI's fyne.Do runs synchronously in Fyne's test driver.
type notifier[S any] struct {
	mu      sync.Mutex
	fn      func(S)
	queue   []S
	running bool
}

func (n *notifier[S]) push(s S) {
	if n.fn == nil {
		return
	}
	n.mu.Lock()
	n.queue = append(n.queue, s)
	if !n.running {
		n.running = true
		go n.drain()
	}
	n.mu.Unlock()
}

func (n *notifier[S]) drain() {
	for {
		n.mu.Lock()
		if len(n.queue) == 0 {
			n.running = false
			n.mu.Unlock()
			return
		}
		s := n.queue[0]
		var zero S
		n.queue[0] = zero // drop the reference: snapshots may hold personal data
		n.queue = n.queue[1:]
		n.mu.Unlock()
		n.fn(s)
	}
}

// machine is the part every flow shares: the lock, the generation that
// invalidates results of work started before a Back or Wipe, and the one
// piece of background work a flow runs at a time.
type machine struct {
	env Env
	clk clock.Clock

	mu     sync.Mutex
	gen    uint64
	cancel context.CancelCauseFunc
	busy   bool
}

func newMachine(env Env) machine {
	return machine{env: env, clk: env.clock()}
}

// errSuperseded cancels work whose result nobody wants any more (the citizen
// pressed back, chose another method, or the session was wiped).
var errSuperseded = errors.New("flow: superseded")

// invalidateLocked cancels the running work and makes its result be dropped.
func (m *machine) invalidateLocked() {
	m.gen++
	if m.cancel != nil {
		m.cancel(errSuperseded)
		m.cancel = nil
	}
	m.busy = false
}

// runLocked runs work on a goroutine and, if nothing invalidated it in the
// meantime, calls the function work returns under the lock. work may show
// progress with step, which runs fn under the lock when the work is still
// current and reports whether it was. A positive timeout cancels work's
// context on the flow's clock with errTimedOut as the cause; the timer is
// armed before runLocked returns, so a test that sees the state the caller
// sets next can advance a fake clock past it. hold keeps the idle session
// open while the work runs (a card read, a commit, a print).
func (m *machine) runLocked(timeout time.Duration, hold bool, work func(ctx context.Context, step func(fn func()) bool) (apply func())) {
	m.invalidateLocked()
	ctx, cancel := withClockTimeout(context.Background(), m.clk, timeout)
	m.cancel = cancel
	m.busy = true
	gen := m.gen
	if hold {
		m.env.Session.Hold()
	}
	step := func(fn func()) bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.gen != gen {
			return false
		}
		fn()
		return true
	}
	go func() {
		apply := work(ctx, step)
		m.mu.Lock()
		if m.gen == gen {
			m.cancel = nil
			m.busy = false
			if apply != nil {
				apply()
			}
		}
		m.mu.Unlock()
		cancel(nil)
		if hold {
			m.env.Session.Release()
		}
	}()
}

// withClockTimeout is context.WithTimeout on an injected clock.
func withClockTimeout(parent context.Context, clk clock.Clock, d time.Duration) (context.Context, context.CancelCauseFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	if d > 0 {
		t := clk.NewTimer(d)
		go func() {
			select {
			case <-t.C():
				cancel(errTimedOut)
			case <-ctx.Done():
				t.Stop()
			}
		}()
	}
	return ctx, cancel
}

// causeErr adds the reason a context ended to a port's error, so that a
// driver that returns plain ctx.Err() still classifies as a timeout.
func causeErr(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	if c := context.Cause(ctx); c != nil && !errors.Is(err, c) {
		return fmt.Errorf("%w (%w)", err, c)
	}
	return err
}

func (m *machine) lang() string { return m.env.Session.Language() }
