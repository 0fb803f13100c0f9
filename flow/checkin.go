package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/devices/idcard"
	"hallkiosk/offline"
)

// CheckInState is a step of the appointment check-in (预约签到).
type CheckInState int

// Check-in states.
const (
	CheckInLoading  CheckInState = iota // reading the catalog
	CheckInChoose                       // choose: ID card, scan the booking QR, or type the code
	CheckInCard                         // waiting for the ID card
	CheckInScan                         // waiting for the booking QR
	CheckInKeypad                       // typing the appointment code (Input)
	CheckInFinding                      // looking the appointment up (works offline from the cache)
	CheckInIssuing                      // checking the printer, committing check-in and ticket
	CheckInPrinting                     // the priority ticket is printing
	CheckInDone                         // Result holds the ticket
	CheckInFailed                       // Problem says why; another method is always offered
)

// String returns the state's name.
func (s CheckInState) String() string {
	names := [...]string{"loading", "choose", "card", "scan", "keypad", "finding", "issuing", "printing", "done", "failed"}
	if s < 0 || int(s) >= len(names) {
		return fmt.Sprintf("CheckInState(%d)", int(s))
	}
	return names[s]
}

// CheckInMethod is how the citizen identified the appointment; the values
// are the offline.CheckInRequest.Method codes.
type CheckInMethod string

// Check-in methods.
const (
	MethodCard   CheckInMethod = "id_card"
	MethodScan   CheckInMethod = "qr"
	MethodKeypad CheckInMethod = "code"
)

// AppointmentInfo is the appointment as the screen shows it (no raw ID).
type AppointmentInfo struct {
	Code        string
	ServiceID   string
	ServiceName api.Text
	Start, End  time.Time
	NameMasked  string
	// WindowOpen and WindowClose bound the check-in window.
	WindowOpen, WindowClose time.Time
}

// CheckInSnapshot is what the check-in screens render.
type CheckInSnapshot struct {
	State  CheckInState
	Method CheckInMethod
	// Methods lists the ways that work on this kiosk (no scanner wired →
	// no MethodScan), for the choice and for "try another way".
	Methods     []CheckInMethod
	Input       Input // CheckInKeypad
	Appointment *AppointmentInfo
	Problem     *Problem
	CanRetry    bool // Retry repeats the same method
	// CardLying: at the card step, a card this visit has not read lies on
	// the reader; it is read only once placed again.
	CardLying bool
	// CanTakeLate: ReasonTooLate — AcceptLate takes a normal ticket instead.
	CanTakeLate bool
	Result      *TicketResult
}

// CheckInOptions configures the check-in flow.
type CheckInOptions struct {
	// CardTimeout and ScanTimeout bound the waits (default 30 s each).
	CardTimeout time.Duration
	ScanTimeout time.Duration
	// DefaultEarly and DefaultLate are the window, in minutes around the
	// slot start, for services whose catalog entry leaves it at 0
	// (defaults 30 and 15).
	DefaultEarly int
	DefaultLate  int
	Print        PrintOptions
	OnChange     func(CheckInSnapshot)
}

// CheckInFlow is the 预约签到 transaction. Every failure offers the same
// method again and the other methods: a wrong code is never a dead end.
type CheckInFlow struct {
	machine
	opts CheckInOptions
	out  notifier[CheckInSnapshot]

	state   CheckInState
	method  CheckInMethod
	ix      *catalogIndex
	code    field
	idNum   string // only between the card read and the commit
	appt    *offline.Appointment
	problem *Problem
	retry   func()
	late    bool
	ticket  *offline.Ticket
	result  *TicketResult
	lying   bool // another card lay on the reader when the card step began
}

// NewCheckInFlow returns a check-in flow; Start begins it.
func NewCheckInFlow(env Env, opts CheckInOptions) *CheckInFlow {
	if opts.CardTimeout <= 0 {
		opts.CardTimeout = 30 * time.Second
	}
	if opts.ScanTimeout <= 0 {
		opts.ScanTimeout = 30 * time.Second
	}
	if opts.DefaultEarly <= 0 {
		opts.DefaultEarly = 30
	}
	if opts.DefaultLate <= 0 {
		opts.DefaultLate = 15
	}
	f := &CheckInFlow{machine: newMachine(env), opts: opts}
	f.out.fn = opts.OnChange
	return f
}

// Start begins a check-in at the method choice.
func (f *CheckInFlow) Start() {
	f.env.Session.Begin(f)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
	f.state = CheckInLoading
	f.notifyLocked()
	f.runLocked(0, false, func(ctx context.Context, _ func(func()) bool) func() {
		cat, err := f.env.Store.Catalog(ctx)
		return func() {
			if err != nil {
				f.failLocked(problem(catalogReason(err), fmt.Errorf("read catalog: %w", err)), nil)
				return
			}
			f.ix = newCatalogIndex(cat)
			f.state = CheckInChoose
			f.notifyLocked()
		}
	})
}

func (f *CheckInFlow) resetLocked() {
	f.invalidateLocked()
	f.code.set(InputNone, 0)
	f.idNum, f.appt, f.problem, f.retry, f.late = "", nil, nil, nil, false
	f.ticket, f.result, f.method = nil, nil, ""
}

// Snapshot returns the flow's current state.
func (f *CheckInFlow) Snapshot() CheckInSnapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snapLocked()
}

func (f *CheckInFlow) methods() []CheckInMethod {
	var m []CheckInMethod
	if f.env.Cards != nil {
		m = append(m, MethodCard)
	}
	if f.env.Scanner != nil {
		m = append(m, MethodScan)
	}
	return append(m, MethodKeypad)
}

func (f *CheckInFlow) snapLocked() CheckInSnapshot {
	s := CheckInSnapshot{
		State: f.state, Method: f.method, Methods: f.methods(), Problem: f.problem,
		CanRetry: f.retry != nil, Result: f.result,
	}
	if f.typingLocked() {
		s.Input = f.code.input()
	}
	if f.appt != nil && f.ix != nil {
		info := f.infoLocked()
		s.Appointment = &info
	}
	s.CanTakeLate = f.state == CheckInFailed && f.problem != nil && f.problem.Reason == ReasonTooLate
	s.CardLying = f.state == CheckInCard && f.lying
	return s
}

func (f *CheckInFlow) infoLocked() AppointmentInfo {
	a := f.appt
	info := AppointmentInfo{Code: a.Code, ServiceID: a.ServiceID, Start: a.Start, End: a.End, NameMasked: a.NameMasked}
	svc := f.ix.services[a.ServiceID]
	if svc != nil {
		info.ServiceName = svc.Name
	}
	info.WindowOpen, info.WindowClose = f.window(svc, a)
	return info
}

// window returns the check-in window of an appointment: from the early
// minutes before its start to the late minutes after. A catalog value of 0
// means "not configured", not "no tolerance", and takes the default.
func (f *CheckInFlow) window(svc *api.Service, a *offline.Appointment) (open, close time.Time) {
	early, late := f.opts.DefaultEarly, f.opts.DefaultLate
	if svc != nil && svc.CheckInEarlyMinutes > 0 {
		early = svc.CheckInEarlyMinutes
	}
	if svc != nil && svc.CheckInLateMinutes > 0 {
		late = svc.CheckInLateMinutes
	}
	return a.Start.Add(-time.Duration(early) * time.Minute), a.Start.Add(time.Duration(late) * time.Minute)
}

func (f *CheckInFlow) notifyLocked() { f.out.push(f.snapLocked()) }

func (f *CheckInFlow) failLocked(p *Problem, retry func()) {
	f.env.logFailure("checkin", p)
	f.state = CheckInFailed
	f.problem = p
	f.retry = retry
	f.notifyLocked()
}

// ready reports whether the flow can take a method choice: the catalog is
// read and nothing is being committed.
func (f *CheckInFlow) readyLocked() bool {
	switch f.state {
	case CheckInChoose, CheckInCard, CheckInScan, CheckInKeypad, CheckInFailed:
		return f.ix != nil
	}
	return false
}

func (f *CheckInFlow) clearLocked() {
	f.invalidateLocked()
	f.idNum, f.appt, f.problem, f.retry, f.late = "", nil, nil, nil, false
	f.code.set(InputNone, 0)
}

// choose starts a method with use when the flow can take a method choice.
func (f *CheckInFlow) choose(use func()) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.readyLocked() {
		use()
	}
}

// UseCard waits for the citizen's ID card.
func (f *CheckInFlow) UseCard() { f.choose(f.useCardLocked) }

func (f *CheckInFlow) useCardLocked() {
	f.clearLocked()
	f.method = MethodCard
	if f.env.Cards == nil {
		f.failLocked(problem(ReasonCardReaderFault, errors.New("no card reader configured")), nil)
		return
	}
	f.lying = otherCardLying(f.env)
	f.runLocked(f.opts.CardTimeout, true, func(ctx context.Context, _ func(func()) bool) func() {
		card, err := takeCard(ctx, f.env)
		err = causeErr(ctx, err)
		if err != nil {
			return func() { f.failLocked(problem(cardReason(err), fmt.Errorf("wait for card: %w", err)), f.useCardLocked) }
		}
		id := card.IDNumber
		wipeCard(card) // only the number is needed, and only until the commit
		return func() {
			f.idNum = id
			f.findLocked(offline.AppointmentQuery{IDNumber: id})
		}
	})
	f.state = CheckInCard
	f.notifyLocked()
}

// UseScanner waits for the booking QR on the scanner.
func (f *CheckInFlow) UseScanner() { f.choose(f.useScannerLocked) }

func (f *CheckInFlow) useScannerLocked() {
	f.clearLocked()
	f.method = MethodScan
	if f.env.Scanner == nil {
		f.failLocked(problem(ReasonScannerFault, errors.New("no scanner configured")), nil)
		return
	}
	f.runLocked(f.opts.ScanTimeout, false, func(ctx context.Context, _ func(func()) bool) func() {
		raw, err := f.env.Scanner.WaitCode(ctx)
		err = causeErr(ctx, err)
		if err != nil {
			return func() {
				f.failLocked(problem(scanReason(err), fmt.Errorf("wait for code: %w", err)), f.useScannerLocked)
			}
		}
		code, perr := ParseAppointmentCode(raw)
		return func() {
			if perr != nil {
				f.failLocked(problem(ReasonWrongCode, perr), f.useScannerLocked)
				return
			}
			f.findLocked(offline.AppointmentQuery{Code: code})
		}
	})
	f.state = CheckInScan
	f.notifyLocked()
}

// UseKeypad opens the keypad for the appointment code.
func (f *CheckInFlow) UseKeypad() { f.choose(f.useKeypadLocked) }

func (f *CheckInFlow) useKeypadLocked() {
	f.clearLocked()
	f.method = MethodKeypad
	f.code.set(InputAlnum, 24)
	f.state = CheckInKeypad
	f.notifyLocked()
}

// typingLocked reports whether the keypad field is on screen.
func (f *CheckInFlow) typingLocked() bool { return f.state == CheckInKeypad }

// Key types characters into the code (others are ignored).
func (f *CheckInFlow) Key(s string) {
	f.editInput(f.typingLocked, &f.code, func(fd *field) bool { return fd.key(s) }, f.notifyLocked)
}

// Backspace deletes the last typed character.
func (f *CheckInFlow) Backspace() {
	f.editInput(f.typingLocked, &f.code, (*field).backspace, f.notifyLocked)
}

// Submit looks up the typed code.
func (f *CheckInFlow) Submit() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != CheckInKeypad {
		return
	}
	f.findCodeLocked(f.code.value())
}

// EnterCode types a whole code and submits it, for a UI that keeps its own
// keypad buffer.
func (f *CheckInFlow) EnterCode(s string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.readyLocked() {
		return
	}
	f.useKeypadLocked()
	f.findCodeLocked(s)
}

// findCodeLocked looks up a typed appointment code; a malformed one fails
// back to the keypad.
func (f *CheckInFlow) findCodeLocked(raw string) {
	code, err := ParseAppointmentCode(raw)
	if err != nil {
		f.failLocked(problem(ReasonWrongCode, err), f.useKeypadLocked)
		return
	}
	f.findLocked(offline.AppointmentQuery{Code: code})
}

func (f *CheckInFlow) retryLocked() func() {
	switch f.method {
	case MethodCard:
		return f.useCardLocked
	case MethodScan:
		return f.useScannerLocked
	}
	return f.useKeypadLocked
}

func (f *CheckInFlow) findLocked(q offline.AppointmentQuery) {
	q.At = f.clk.Now()
	method := f.method
	f.runLocked(0, false, func(ctx context.Context, _ func(func()) bool) func() {
		a, err := f.env.Store.FindAppointment(ctx, q)
		q.IDNumber = ""
		return func() {
			retry := f.retryLocked()
			if err != nil {
				r := Classify(err)
				if r == ReasonNotFound {
					r = ReasonWrongCode
					if method == MethodCard {
						r = ReasonNoAppointment
					}
				}
				f.idNum = ""
				f.failLocked(problem(r, fmt.Errorf("find appointment: %w", err)), retry)
				return
			}
			f.appt = a
			f.checkWindowLocked()
		}
	})
	f.state = CheckInFinding
	f.notifyLocked()
}

func (f *CheckInFlow) checkWindowLocked() {
	a := f.appt
	if a.CheckedIn {
		f.idNum = ""
		f.failLocked(problem(ReasonAlreadyCheckedIn, fmt.Errorf("appointment %s already checked in", a.Code)), nil)
		return
	}
	svc := f.ix.services[a.ServiceID]
	open, close := f.window(svc, a)
	now := f.clk.Now()
	switch {
	case now.Before(open):
		p := problem(ReasonTooEarly, fmt.Errorf("appointment %s: check-in opens at %s", a.Code, open.Format(time.RFC3339)))
		p.At = open
		f.failLocked(p, f.retryLocked())
	case now.After(close):
		f.failLocked(problem(ReasonTooLate, fmt.Errorf("appointment %s: check-in closed at %s", a.Code, close.Format(time.RFC3339))), nil)
	default:
		f.issueLocked()
	}
}

// AcceptLate takes a normal queue ticket for the appointment's service
// after its check-in window closed, when Snapshot().CanTakeLate. The ticket
// carries the appointment code so the back office can link the two, but it
// is not a priority ticket: the citizen queues like a walk-in.
func (f *CheckInFlow) AcceptLate() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != CheckInFailed || f.problem == nil || f.problem.Reason != ReasonTooLate || f.appt == nil {
		return
	}
	f.late = true
	f.issueLocked()
}

// issueLocked checks the printer, commits, and prints: inside the window a
// check-in with its priority ticket (flagged Late when after the slot's
// start, for the back office's statistics); after AcceptLate a walk-in
// ticket.
func (f *CheckInFlow) issueLocked() {
	f.problem, f.retry = nil, nil
	a, ix, walkIn, method := f.appt, f.ix, f.late, f.method
	var idNumber, masked string
	if method == MethodCard {
		idNumber = f.idNum
		masked = idcard.MaskID(f.idNum)
	}
	commit := func(ctx context.Context) (*offline.Ticket, error) {
		if walkIn {
			return f.env.Store.IssueTicket(ctx, offline.TicketRequest{
				ServiceID: a.ServiceID, IDNumber: idNumber, AppointmentCode: a.Code,
			})
		}
		return f.env.Store.CheckIn(ctx, offline.CheckInRequest{
			Code: a.Code, Method: string(method), IDNumber: idNumber, Late: f.clk.Now().After(a.Start),
		})
	}
	svc := ix.services[a.ServiceID]
	f.runLocked(0, true, func(ctx context.Context, step func(func()) bool) func() {
		if p := checkPrinter(ctx, f.env); p != nil {
			return func() { f.failLocked(p, f.issueLocked) }
		}
		t, err := commit(ctx)
		idNumber = ""
		if err != nil {
			err = causeErr(ctx, err)
			r := Classify(err)
			var retry func()
			switch r {
			case ReasonNotFound:
				r = ReasonWrongCode
			case ReasonAlreadyCheckedIn, ReasonCapReached, ReasonAlreadyHasTicket, ReasonHallClosed:
			default:
				retry = f.issueLocked
			}
			return func() { f.failLocked(problem(r, fmt.Errorf("check in %s: %w", a.Code, err)), retry) }
		}
		res := newTicketResult(ix, svc, t, masked, f.opts.Print.QRBase)
		res.Late = walkIn
		job := ticketJob(ix, svc, res, f.lang(), f.opts.Print)
		step(func() {
			f.idNum = "" // committed: the number has done its job
			f.ticket, f.result = t, res
			f.state = CheckInPrinting
			f.notifyLocked()
		})
		p := printAfterCommit(ctx, f.env, f.opts.Print, t, job)
		return func() { f.printedLocked(p) }
	})
	f.state = CheckInIssuing
	f.notifyLocked()
}

// printedLocked records the print outcome p on the done ticket.
func (f *CheckInFlow) printedLocked(p *Problem) {
	f.result = f.result.withPrint(p)
	f.state = CheckInDone
	f.notifyLocked()
}

// RetryPrint prints the done ticket again after a print failure.
func (f *CheckInFlow) RetryPrint() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != CheckInDone || f.result == nil || f.result.Printed || f.ticket == nil {
		return
	}
	job := ticketJob(f.ix, f.ix.services[f.ticket.ServiceID], f.result, f.lang(), f.opts.Print)
	f.reprintLocked(f.opts.Print, f.ticket, job, f.printedLocked)
	f.state = CheckInPrinting
	f.notifyLocked()
}

// Retry repeats the failed step with the same method, when CanRetry.
func (f *CheckInFlow) Retry() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state == CheckInFailed && f.retry != nil {
		f.retry()
	}
}

// Back returns to the method choice, cancelling any wait.
func (f *CheckInFlow) Back() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.readyLocked() {
		return
	}
	f.clearLocked()
	f.method = ""
	f.state = CheckInChoose
	f.notifyLocked()
}

// Wipe cancels any wait and forgets the ID number, the code and the
// appointment.
func (f *CheckInFlow) Wipe() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
	f.ix = nil
	f.state = CheckInLoading
	f.notifyLocked()
}
