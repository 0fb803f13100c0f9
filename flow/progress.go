package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/offline"
)

// ProgressState is a step of 办件进度查询.
type ProgressState int

// Progress states.
const (
	ProgressReceipt  ProgressState = iota // scan or type the receipt number (Input); the scanner listens
	ProgressIdentity                      // type the ID number's last four (Input), or UseCard
	ProgressCard                          // waiting for the ID card (only its last four are kept)
	ProgressLooking                       // asking the back office (bounded by Timeout)
	ProgressResult                        // Result holds the answer
	ProgressFailed                        // Problem says why
)

// String returns the state's name.
func (s ProgressState) String() string {
	names := [...]string{"receipt", "identity", "card", "looking", "result", "failed"}
	if s < 0 || int(s) >= len(names) {
		return fmt.Sprintf("ProgressState(%d)", int(s))
	}
	return names[s]
}

// ProgressSnapshot is what the progress screens render.
type ProgressSnapshot struct {
	State    ProgressState
	Input    Input
	Receipt  string // once accepted
	Result   *api.Progress
	Problem  *Problem
	CanRetry bool
	Scanning bool
	// CardAvailable: UseCard can take the ID tail from a card.
	CardAvailable bool
}

// ProgressOptions configures the progress flow.
type ProgressOptions struct {
	// Timeout bounds the back office's answer (default 8 s): a slow
	// network shows ReasonTimeout, never an endless spinner.
	Timeout     time.Duration
	CardTimeout time.Duration // default 30 s
	OnChange    func(ProgressSnapshot)
}

// ProgressFlow is the 办件进度 query: receipt → ID tail (keypad or card) →
// back office → status and steps. It needs the network; offline it says so
// at once.
type ProgressFlow struct {
	machine
	opts ProgressOptions
	out  notifier[ProgressSnapshot]

	state    ProgressState
	input    field
	receipt  string
	last4    string
	result   *api.Progress
	problem  *Problem
	retry    func()
	scanning bool
}

// NewProgressFlow returns a progress flow; Start begins it.
func NewProgressFlow(env Env, opts ProgressOptions) *ProgressFlow {
	if opts.Timeout <= 0 {
		opts.Timeout = 8 * time.Second
	}
	if opts.CardTimeout <= 0 {
		opts.CardTimeout = 30 * time.Second
	}
	f := &ProgressFlow{machine: newMachine(env), opts: opts}
	f.out.fn = opts.OnChange
	return f
}

// Start begins at the receipt step, or fails at once with ReasonOffline.
func (f *ProgressFlow) Start() {
	f.env.Session.Begin(f)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.receiptStepLocked()
}

func (f *ProgressFlow) online() bool { return f.env.BackOffice != nil && f.env.BackOffice.Online() }

func (f *ProgressFlow) resetLocked() {
	f.invalidateLocked()
	f.input.set(InputNone, 0)
	f.receipt, f.last4, f.result, f.problem, f.retry, f.scanning = "", "", nil, nil, nil, false
}

func (f *ProgressFlow) receiptStepLocked() {
	f.resetLocked()
	if !f.online() {
		f.failLocked(problem(ReasonOffline, errors.New("back office offline")), f.receiptStepLocked)
		return
	}
	f.input.set(InputAlnum, 32)
	f.state = ProgressReceipt
	f.scanAlongsideLocked(&f.scanning, "receipt code", f.scanFailedLocked, f.acceptReceiptLocked)
	f.notifyLocked()
}

// Snapshot returns the flow's current state.
func (f *ProgressFlow) Snapshot() ProgressSnapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snapLocked()
}

func (f *ProgressFlow) snapLocked() ProgressSnapshot {
	s := ProgressSnapshot{
		State: f.state, Receipt: f.receipt, Result: f.result, Problem: f.problem,
		CanRetry: f.retry != nil, Scanning: f.scanning, CardAvailable: f.env.Cards != nil,
	}
	if f.typingLocked() {
		s.Input = f.input.input()
	}
	return s
}

func (f *ProgressFlow) notifyLocked() { f.out.push(f.snapLocked()) }

// scanFailedLocked shows a scanner fault on the receipt step; the keypad
// stays.
func (f *ProgressFlow) scanFailedLocked(p *Problem) {
	f.problem = p
	f.notifyLocked()
}

func (f *ProgressFlow) failLocked(p *Problem, retry func()) {
	// The error names the receipt number and the request carries the ID
	// number's last four: the log gets the reason code only.
	f.env.logFailure("progress", &Problem{Reason: p.Reason})
	f.state = ProgressFailed
	f.problem, f.retry = p, retry
	f.notifyLocked()
}

// typingLocked reports whether the keypad field is on screen.
func (f *ProgressFlow) typingLocked() bool {
	return f.state == ProgressReceipt || f.state == ProgressIdentity
}

// Key types into the field on screen (receipt or ID tail).
func (f *ProgressFlow) Key(s string) {
	f.editInput(f.typingLocked, &f.input, func(fd *field) bool { return fd.key(s) }, f.notifyLocked)
}

// Backspace deletes the last typed character.
func (f *ProgressFlow) Backspace() {
	f.editInput(f.typingLocked, &f.input, (*field).backspace, f.notifyLocked)
}

// Submit accepts the typed receipt, or the typed ID tail and asks.
func (f *ProgressFlow) Submit() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch f.state {
	case ProgressReceipt:
		f.acceptReceiptLocked(f.input.value())
	case ProgressIdentity:
		f.acceptLast4Locked(f.input.value())
	}
}

// EnterReceipt accepts a whole receipt number (typed or scanned elsewhere).
func (f *ProgressFlow) EnterReceipt(s string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state == ProgressReceipt {
		f.acceptReceiptLocked(s)
	}
}

// EnterIDLast4 accepts the ID tail and asks the back office.
func (f *ProgressFlow) EnterIDLast4(s string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state == ProgressIdentity {
		f.acceptLast4Locked(s)
	}
}

func (f *ProgressFlow) acceptReceiptLocked(raw string) {
	f.invalidateLocked() // stop the scanner wait
	f.scanning = false
	r, err := ParseReceipt(raw)
	if err != nil {
		// Stay on the step, keeping what was typed for correction.
		f.state = ProgressReceipt
		f.problem = problem(ReasonInvalidReceipt, err)
		f.notifyLocked()
		return
	}
	f.receipt = r
	f.identityStepLocked()
}

func (f *ProgressFlow) identityStepLocked() {
	f.invalidateLocked()
	f.problem, f.retry, f.last4 = nil, nil, ""
	f.input.set(InputIDTail, 4)
	f.state = ProgressIdentity
	f.notifyLocked()
}

func (f *ProgressFlow) acceptLast4Locked(raw string) {
	l4, err := ParseIDLast4(raw)
	if err != nil {
		f.problem = problem(ReasonInvalidIDLast4, err)
		f.notifyLocked()
		return
	}
	f.last4 = l4
	f.input.wipe()
	f.askLocked()
}

// UseCard takes the ID tail from a card instead of the keypad.
func (f *ProgressFlow) UseCard() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != ProgressIdentity && !(f.state == ProgressFailed && f.receipt != "") || f.env.Cards == nil {
		return
	}
	f.useCardLocked()
}

func (f *ProgressFlow) useCardLocked() {
	f.problem, f.retry = nil, nil
	f.input.wipe()
	f.runLocked(f.opts.CardTimeout, true, func(ctx context.Context, _ func(func()) bool) func() {
		card, err := takeCard(ctx, f.env)
		err = causeErr(ctx, err)
		if err != nil {
			return func() {
				f.failLocked(problem(cardReason(err), fmt.Errorf("wait for card: %w", err)), f.useCardLocked)
			}
		}
		l4 := IDLast4(card.IDNumber)
		wipeCard(card) // the tail is all this query may know
		return func() {
			f.last4 = l4
			f.askLocked()
		}
	})
	f.state = ProgressCard
	f.notifyLocked()
}

func (f *ProgressFlow) askLocked() { f.askWithLocked(false) }

// retryAskLocked asks even when the client believes the back office is
// down: the citizen asked to try again, and after a 500 or a lost answer
// the client learns that it is back only by asking.
func (f *ProgressFlow) retryAskLocked() { f.askWithLocked(true) }

func (f *ProgressFlow) askWithLocked(retrying bool) {
	f.problem, f.retry = nil, nil
	if !retrying && !f.online() {
		f.failLocked(problem(ReasonOffline, errors.New("back office offline")), f.retryAskLocked)
		return
	}
	receipt, last4 := f.receipt, f.last4
	f.runLocked(f.opts.Timeout, false, func(ctx context.Context, _ func(func()) bool) func() {
		p, err := f.env.BackOffice.Progress(ctx, receipt, last4)
		err = causeErr(ctx, err)
		return func() {
			if err != nil {
				r := Classify(err)
				switch r {
				case ReasonNotFound, ReasonOffline, ReasonTimeout, ReasonTooManyTries:
				default:
					r = ReasonBackOfficeError
				}
				retry := f.retryAskLocked
				if r == ReasonNotFound {
					retry = f.identityStepLocked // wrong tail or receipt: type again
				}
				p := problem(r, fmt.Errorf("ask progress: %w", err))
				if r == ReasonTooManyTries {
					// The back office says how long; the screen says it in words.
					var he *offline.HTTPError
					if errors.As(err, &he) {
						p.Wait = he.RetryAfter
					}
				}
				f.failLocked(p, retry)
				return
			}
			f.last4 = ""
			f.result = p
			f.state = ProgressResult
			f.notifyLocked()
		}
	})
	f.state = ProgressLooking
	f.notifyLocked()
}

// Retry repeats the failed step, when CanRetry.
func (f *ProgressFlow) Retry() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state == ProgressFailed && f.retry != nil {
		f.retry()
	}
}

// Back goes one step back: ID tail → receipt; a result or failure → receipt.
func (f *ProgressFlow) Back() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch f.state {
	case ProgressIdentity, ProgressCard, ProgressResult, ProgressFailed:
		f.receiptStepLocked()
	}
}

// Wipe forgets the receipt, the ID tail and the answer.
func (f *ProgressFlow) Wipe() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
	f.state = ProgressReceipt
	f.notifyLocked()
}
