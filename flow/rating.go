package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"hallkiosk/backoffice/api"
	"hallkiosk/offline"
)

// Levels of 好差评, the national five-level scale.
const (
	LevelVeryDissatisfied = 1 // 非常不满意
	LevelDissatisfied     = 2 // 不满意
	LevelNeutral          = 3 // 基本满意
	LevelSatisfied        = 4 // 满意
	LevelVerySatisfied    = 5 // 非常满意
)

// Indicator keys of the hall's offline rating (整体满意度 is Overall).
const (
	IndicatorEfficiency = "efficiency" // 服务效率
	IndicatorSkill      = "skill"      // 服务水平
	IndicatorAttitude   = "attitude"   // 服务态度
)

// Indicators lists the indicator keys in screen order.
var Indicators = []string{IndicatorEfficiency, IndicatorSkill, IndicatorAttitude}

// RatingReasons are the preset reason codes offered when a level is 2 or
// less (差评 must say why). The UI translates them.
var RatingReasons = []string{
	"long_wait",        // 等候时间长
	"slow_handling",    // 办理速度慢
	"poor_attitude",    // 服务态度差
	"unclear_guidance", // 告知不清楚，一次性告知不到位
	"repeat_visits",    // 多次跑、反复提交材料
	"not_done",         // 事项没办成
	"system_fault",     // 系统或设备故障
	"facilities",       // 环境设施不便
	"other",            // 其他
}

// RatingState is a step of 好差评.
type RatingState int

// Rating states.
const (
	RatingLoading     RatingState = iota // reading the catalog (the hall's date)
	RatingTicket                         // scan the ticket QR or type the number (Input); the scanner listens
	RatingLooking                        // checking the ticket
	RatingScores                         // overall level and the three indicators
	RatingReasonsStep                    // a level ≤ 2: reasons and an optional callback phone (Input)
	RatingSaving                         // committing
	RatingThanks                         // recorded
	RatingFailed                         // Problem says why; CanRetry
)

// String returns the state's name.
func (s RatingState) String() string {
	names := [...]string{"loading", "ticket", "looking", "scores", "reasons", "saving", "thanks", "failed"}
	if s < 0 || int(s) >= len(names) {
		return fmt.Sprintf("RatingState(%d)", int(s))
	}
	return names[s]
}

// RatingSnapshot is what the rating screens render.
type RatingSnapshot struct {
	State RatingState
	Input Input // RatingTicket: the number; RatingReasonsStep: the phone
	// Ticket and ServiceName identify what is rated (ServiceName is empty
	// for a ticket of another kiosk whose QR did not name the service).
	Ticket      string
	ServiceName api.Text
	Overall     int            // 0 = not chosen
	Scores      map[string]int // indicator → level, 0 = not chosen
	Reasons     []string       // chosen reason codes
	// NeedsReasons: some level is ≤ 2, so Next leads to the reasons step.
	NeedsReasons bool
	// CanNext: the scores step is complete.
	CanNext  bool
	Problem  *Problem
	CanRetry bool
	// Scanning: the scanner is listening for the ticket QR.
	Scanning bool
}

// RatingOptions configures the rating flow.
type RatingOptions struct {
	// KioskNumber is this kiosk's number as printed in its offline
	// tickets ("07" in A07-015): an offline number of this series that
	// the store does not know was never issued.
	KioskNumber int
	// IndicatorsOptional lets a citizen submit with only the overall level.
	IndicatorsOptional bool
	OnChange           func(RatingSnapshot)
}

// RatingFlow is the 好差评 transaction: ticket → levels → (reasons, phone) →
// commit → thanks. Ratings are committed locally and synced later, so the
// flow works offline.
type RatingFlow struct {
	machine
	opts RatingOptions
	out  notifier[RatingSnapshot]

	state    RatingState
	ix       *catalogIndex
	input    field
	ref      TicketRef
	svcID    string
	overall  int
	scores   map[string]int
	reasons  []string
	phone    string
	problem  *Problem
	retry    func()
	scanning bool
}

// NewRatingFlow returns a rating flow; Start begins it.
func NewRatingFlow(env Env, opts RatingOptions) *RatingFlow {
	f := &RatingFlow{machine: newMachine(env), opts: opts}
	f.out.fn = opts.OnChange
	return f
}

// Start begins a rating at the ticket step.
func (f *RatingFlow) Start() {
	f.env.Session.Begin(f)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
	f.state = RatingLoading
	f.notifyLocked()
	f.runLocked(0, false, func(ctx context.Context, _ func(func()) bool) func() {
		cat, err := f.env.Store.Catalog(ctx)
		return func() {
			if err != nil {
				// The hall's zone and service names are nice to have; a
				// rating can be recorded without them.
				cat = &api.Catalog{}
			}
			f.ix = newCatalogIndex(cat)
			f.ticketStepLocked()
		}
	})
}

func (f *RatingFlow) resetLocked() {
	f.invalidateLocked()
	f.input.set(InputNone, 0)
	f.ref, f.svcID, f.overall, f.scores, f.reasons = TicketRef{}, "", 0, map[string]int{}, nil
	f.phone, f.problem, f.retry, f.scanning = "", nil, nil, false
}

func (f *RatingFlow) ticketStepLocked() {
	f.resetLocked()
	f.input.set(InputAlnum, 12)
	f.state = RatingTicket
	f.scanAlongsideLocked(&f.scanning, "ticket QR", f.scanFailedLocked, f.lookupLocked)
	f.notifyLocked()
}

// Snapshot returns the flow's current state.
func (f *RatingFlow) Snapshot() RatingSnapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snapLocked()
}

func (f *RatingFlow) snapLocked() RatingSnapshot {
	s := RatingSnapshot{
		State: f.state, Ticket: f.ref.Number, Overall: f.overall,
		Scores: make(map[string]int, len(Indicators)), Reasons: slices.Clone(f.reasons),
		Problem: f.problem, CanRetry: f.retry != nil, Scanning: f.scanning,
	}
	for _, k := range Indicators {
		s.Scores[k] = f.scores[k]
	}
	if f.typingLocked() {
		s.Input = f.input.input()
	}
	if f.ix != nil {
		if svc := f.ix.services[f.svcID]; svc != nil {
			s.ServiceName = svc.Name
		}
	}
	s.NeedsReasons = f.needsReasonsLocked()
	s.CanNext = f.completeLocked() == nil
	return s
}

func (f *RatingFlow) notifyLocked() { f.out.push(f.snapLocked()) }

// scanFailedLocked shows a scanner fault on the ticket step. A dead scanner
// leaves the keypad; say so once.
func (f *RatingFlow) scanFailedLocked(p *Problem) {
	f.problem = p
	f.notifyLocked()
}

func (f *RatingFlow) failLocked(p *Problem, retry func()) {
	f.env.logFailure("rating", p)
	f.state = RatingFailed
	f.problem, f.retry = p, retry
	f.notifyLocked()
}

// typingLocked reports whether the keypad field is on screen.
func (f *RatingFlow) typingLocked() bool {
	return f.state == RatingTicket || f.state == RatingReasonsStep
}

// Key types into the field on screen (ticket number or phone).
func (f *RatingFlow) Key(s string) {
	f.editInput(f.typingLocked, &f.input, func(fd *field) bool { return fd.key(s) }, f.notifyLocked)
}

// Backspace deletes the last typed character.
func (f *RatingFlow) Backspace() {
	f.editInput(f.typingLocked, &f.input, (*field).backspace, f.notifyLocked)
}

// SubmitTicket checks the typed ticket number.
func (f *RatingFlow) SubmitTicket() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != RatingTicket {
		return
	}
	f.lookupLocked(f.input.value())
}

// EnterTicket checks a whole ticket number or QR payload, for a UI that
// keeps its own keypad buffer.
func (f *RatingFlow) EnterTicket(s string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != RatingTicket {
		return
	}
	f.lookupLocked(s)
}

// lookupLocked validates the ticket and looks it up. A ticket of this
// kiosk is found in the store (and gives the service); another kiosk's
// well-formed number of today is accepted as is, since the hall's tickets
// come from many kiosks and the back office matches the rating later.
func (f *RatingFlow) lookupLocked(raw string) {
	f.invalidateLocked() // stop the scanner wait
	f.scanning = false
	ref, err := ParseTicketInput(raw)
	if err != nil {
		f.failLocked(problem(ReasonInvalidTicket, err), f.ticketStepLocked)
		return
	}
	today := f.ix.businessDate(f.clk.Now())
	if ref.Date == "" {
		ref.Date = today
	}
	if ref.Date != today {
		f.failLocked(problem(ReasonTicketNotToday, fmt.Errorf("ticket %s of %s, today is %s", ref.Number, ref.Date, today)), f.ticketStepLocked)
		return
	}
	f.ref = ref
	f.svcID = ref.ServiceID
	f.input.set(InputNone, 0)
	own := f.opts.KioskNumber > 0 && offlineKiosk(ref.Number) == fmt.Sprintf("%02d", f.opts.KioskNumber)
	f.runLocked(0, false, func(ctx context.Context, _ func(func()) bool) func() {
		t, err := f.env.Store.FindTicket(ctx, ref.Number, ref.Date)
		return func() {
			switch {
			case err == nil:
				f.svcID = t.ServiceID
			case errors.Is(err, offline.ErrNotFound) && own:
				f.failLocked(problem(ReasonTicketNotFound, fmt.Errorf("ticket %s: %w", ref.Number, err)), f.ticketStepLocked)
				return
			case errors.Is(err, offline.ErrNotFound):
				// Another kiosk's ticket: rate it as given.
			default:
				f.failLocked(problem(Classify(err), fmt.Errorf("find ticket %s: %w", ref.Number, err)), f.ticketStepLocked)
				return
			}
			f.state = RatingScores
			f.notifyLocked()
		}
	})
	f.state = RatingLooking
	f.notifyLocked()
}

// SetOverall sets the overall level (1–5).
func (f *RatingFlow) SetOverall(level int) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != RatingScores || level < LevelVeryDissatisfied || level > LevelVerySatisfied {
		return
	}
	f.overall = level
	f.notifyLocked()
}

// SetIndicator sets an indicator's level (1–5); key is one of Indicators.
func (f *RatingFlow) SetIndicator(key string, level int) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != RatingScores || !slices.Contains(Indicators, key) || level < LevelVeryDissatisfied || level > LevelVerySatisfied {
		return
	}
	f.scores[key] = level
	f.notifyLocked()
}

func (f *RatingFlow) needsReasonsLocked() bool {
	if f.overall > 0 && f.overall <= LevelDissatisfied {
		return true
	}
	for _, v := range f.scores {
		if v > 0 && v <= LevelDissatisfied {
			return true
		}
	}
	return false
}

func (f *RatingFlow) completeLocked() error {
	if f.overall == 0 {
		return errors.New("overall level missing")
	}
	if !f.opts.IndicatorsOptional {
		for _, k := range Indicators {
			if f.scores[k] == 0 {
				return fmt.Errorf("indicator %s missing", k)
			}
		}
	}
	return nil
}

// Next leaves the scores: to the reasons when a level is ≤ 2, otherwise it
// records the rating.
func (f *RatingFlow) Next() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != RatingScores {
		return
	}
	if err := f.completeLocked(); err != nil {
		// The UI disables Next (CanNext); a stray tap changes nothing.
		return
	}
	if f.needsReasonsLocked() {
		f.state = RatingReasonsStep
		f.input.set(InputDigits, 11)
		f.notifyLocked()
		return
	}
	f.saveLocked()
}

// ToggleReason selects or deselects a reason code of RatingReasons.
func (f *RatingFlow) ToggleReason(code string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != RatingReasonsStep || !slices.Contains(RatingReasons, code) {
		return
	}
	f.reasons = toggle(f.reasons, code)
	f.notifyLocked()
}

// Submit records the rating from the reasons step: at least one reason, and
// the phone either empty or a valid mobile number.
func (f *RatingFlow) Submit() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != RatingReasonsStep {
		return
	}
	phone, p := checkDetails(f.reasons, f.input.value())
	if p != nil {
		// Stay on the step, the typed number kept for correction.
		f.problem = p
		f.notifyLocked()
		return
	}
	f.phone = phone
	f.saveLocked()
}

func (f *RatingFlow) saveLocked() {
	f.problem, f.retry = nil, nil
	r := api.Rating{
		TicketNumber: f.ref.Number, BusinessDate: f.ref.Date, ServiceID: f.svcID,
		Overall: f.overall, Indicators: make(map[string]int, len(f.scores)),
		Reasons: slices.Clone(f.reasons), Phone: f.phone, At: f.clk.Now(),
	}
	for k, v := range f.scores {
		r.Indicators[k] = v
	}
	if !f.needsReasonsLocked() {
		r.Reasons, r.Phone = nil, ""
	}
	f.runLocked(0, true, func(ctx context.Context, _ func(func()) bool) func() {
		err := f.env.Store.RecordRating(ctx, r)
		r.Phone = ""
		return func() {
			if err != nil {
				f.failLocked(problem(Classify(err), fmt.Errorf("record rating of %s: %w", r.TicketNumber, err)), f.saveLocked)
				return
			}
			f.wipePersonalLocked()
			f.state = RatingThanks
			f.notifyLocked()
		}
	})
	f.state = RatingSaving
	f.notifyLocked()
}

func (f *RatingFlow) wipePersonalLocked() {
	f.input.wipe()
	f.phone = ""
}

// Retry repeats the failed step, when CanRetry.
func (f *RatingFlow) Retry() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state == RatingFailed && f.retry != nil {
		f.retry()
	}
}

// Back goes one step back: reasons → scores → ticket.
func (f *RatingFlow) Back() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch f.state {
	case RatingReasonsStep:
		f.input.set(InputNone, 0)
		f.problem = nil
		f.state = RatingScores
		f.notifyLocked()
	case RatingScores, RatingFailed:
		if f.ix != nil {
			f.ticketStepLocked()
		}
	}
}

// Wipe cancels the scanner wait and forgets the ticket, the levels, the
// reasons and the phone number.
func (f *RatingFlow) Wipe() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
	f.ix = nil
	f.state = RatingLoading
	f.notifyLocked()
}
