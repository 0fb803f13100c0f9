package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"hallkiosk/backoffice/api"
)

// SuggestionCategory is a kind of 投诉建议 with its preset reason codes. The
// UI translates the codes.
type SuggestionCategory struct {
	Code    string
	Reasons []string
}

// SuggestionCategories are the preset categories and reasons. Free text is
// left out on purpose: a touch kiosk has no comfortable Chinese input, and
// free text is personal data the kiosk would have to seal and purge.
var SuggestionCategories = []SuggestionCategory{
	{Code: "complaint", Reasons: []string{ // 投诉
		"staff_attitude",   // 工作人员态度
		"long_wait",        // 等候时间过长
		"asked_repeatedly", // 反复要求补材料
		"not_informed",     // 未一次性告知
		"rule_violation",   // 违规收费、推诿
		"other",
	}},
	{Code: "suggestion", Reasons: []string{ // 建议
		"more_counters",   // 增加窗口
		"online_service",  // 更多网上办理
		"longer_hours",    // 延长服务时间
		"better_guidance", // 改进指引标识
		"facilities",      // 改善设施（座椅、饮水、无障碍）
		"other",
	}},
	{Code: "praise", Reasons: []string{ // 表扬
		"staff",      // 工作人员
		"efficiency", // 办事效率
		"other",
	}},
}

// SuggestionState is a step of 投诉建议.
type SuggestionState int

// Suggestion states.
const (
	SuggestionCategoryStep SuggestionState = iota // choose a category
	SuggestionDetails                             // reasons and an optional phone (Input)
	SuggestionSaving                              // committing (queued for sync, also offline)
	SuggestionThanks                              // recorded
	SuggestionFailed                              // Problem says why; CanRetry
)

// String returns the state's name.
func (s SuggestionState) String() string {
	names := [...]string{"category", "details", "saving", "thanks", "failed"}
	if s < 0 || int(s) >= len(names) {
		return fmt.Sprintf("SuggestionState(%d)", int(s))
	}
	return names[s]
}

// SuggestionSnapshot is what the suggestion screens render.
type SuggestionSnapshot struct {
	State      SuggestionState
	Categories []SuggestionCategory // SuggestionCategoryStep
	Category   string
	Offered    []string // the category's reason codes
	Reasons    []string // chosen
	Input      Input    // the phone (SuggestionDetails)
	Problem    *Problem
	CanRetry   bool
}

// SuggestionOptions configures the suggestion flow.
type SuggestionOptions struct {
	OnChange func(SuggestionSnapshot)
}

// SuggestionFlow is the 投诉建议 transaction: category → reasons (+ phone) →
// commit → thanks.
type SuggestionFlow struct {
	machine
	opts SuggestionOptions
	out  notifier[SuggestionSnapshot]

	state    SuggestionState
	category *SuggestionCategory
	reasons  []string
	phone    field
	problem  *Problem
	retry    func()
}

// NewSuggestionFlow returns a suggestion flow; Start begins it.
func NewSuggestionFlow(env Env, opts SuggestionOptions) *SuggestionFlow {
	f := &SuggestionFlow{machine: newMachine(env), opts: opts}
	f.out.fn = opts.OnChange
	return f
}

// Start begins at the category choice.
func (f *SuggestionFlow) Start() {
	f.env.Session.Begin(f)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
	f.notifyLocked()
}

func (f *SuggestionFlow) resetLocked() {
	f.invalidateLocked()
	f.category, f.reasons, f.problem, f.retry = nil, nil, nil, nil
	f.phone.set(InputNone, 0)
	f.state = SuggestionCategoryStep
}

// Snapshot returns the flow's current state.
func (f *SuggestionFlow) Snapshot() SuggestionSnapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snapLocked()
}

func (f *SuggestionFlow) snapLocked() SuggestionSnapshot {
	s := SuggestionSnapshot{State: f.state, Reasons: slices.Clone(f.reasons), Problem: f.problem, CanRetry: f.retry != nil}
	if f.state == SuggestionCategoryStep {
		s.Categories = SuggestionCategories
	}
	if f.category != nil {
		s.Category, s.Offered = f.category.Code, f.category.Reasons
	}
	if f.typingLocked() {
		s.Input = f.phone.input()
	}
	return s
}

func (f *SuggestionFlow) notifyLocked() { f.out.push(f.snapLocked()) }

// toggle removes code from reasons when it is there and appends it when not.
func toggle(reasons []string, code string) []string {
	if i := slices.Index(reasons, code); i >= 0 {
		return slices.Delete(reasons, i, i+1)
	}
	return append(reasons, code)
}

// checkDetails checks a reasons step (rating's and suggestion's): at least
// one reason, and the typed phone either empty or a valid mobile number,
// which it returns normalized.
func checkDetails(reasons []string, typed string) (phone string, p *Problem) {
	if len(reasons) == 0 {
		return "", problem(ReasonIncomplete, errors.New("no reason chosen"))
	}
	if typed == "" {
		return "", nil
	}
	phone, err := ParsePhone(typed)
	if err != nil {
		return "", problem(ReasonInvalidPhone, err)
	}
	return phone, nil
}

// SelectCategory chooses a category code of SuggestionCategories.
func (f *SuggestionFlow) SelectCategory(code string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != SuggestionCategoryStep {
		return
	}
	for i := range SuggestionCategories {
		if SuggestionCategories[i].Code == code {
			f.category = &SuggestionCategories[i]
			f.reasons = nil
			f.phone.set(InputDigits, 11)
			f.state = SuggestionDetails
			f.notifyLocked()
			return
		}
	}
}

// ToggleReason selects or deselects one of the category's reason codes.
func (f *SuggestionFlow) ToggleReason(code string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != SuggestionDetails || !slices.Contains(f.category.Reasons, code) {
		return
	}
	f.reasons = toggle(f.reasons, code)
	f.notifyLocked()
}

// typingLocked reports whether the keypad field is on screen.
func (f *SuggestionFlow) typingLocked() bool { return f.state == SuggestionDetails }

// Key types into the phone number.
func (f *SuggestionFlow) Key(s string) {
	f.editInput(f.typingLocked, &f.phone, func(fd *field) bool { return fd.key(s) }, f.notifyLocked)
}

// Backspace deletes the last digit of the phone number.
func (f *SuggestionFlow) Backspace() {
	f.editInput(f.typingLocked, &f.phone, (*field).backspace, f.notifyLocked)
}

// Submit records the suggestion: at least one reason, and the phone empty
// or a valid mobile number. The store queues it for the back office, so it
// works offline.
func (f *SuggestionFlow) Submit() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != SuggestionDetails {
		return
	}
	phone, p := checkDetails(f.reasons, f.phone.value())
	if p != nil {
		f.problem = p
		f.notifyLocked()
		return
	}
	f.saveLocked(api.Suggestion{Category: f.category.Code, Reasons: slices.Clone(f.reasons), Phone: phone})
}

func (f *SuggestionFlow) saveLocked(sg api.Suggestion) {
	f.problem, f.retry = nil, nil
	sg.At = f.clk.Now()
	f.runLocked(0, true, func(ctx context.Context, _ func(func()) bool) func() {
		err := f.env.Store.RecordSuggestion(ctx, sg)
		return func() {
			if err != nil {
				f.state = SuggestionFailed
				f.problem = problem(Classify(err), fmt.Errorf("record suggestion: %w", err))
				f.env.logFailure("suggestion", f.problem)
				f.retry = func() { f.saveLocked(sg) }
				f.notifyLocked()
				return
			}
			f.phone.wipe()
			f.state = SuggestionThanks
			f.notifyLocked()
		}
	})
	f.state = SuggestionSaving
	f.notifyLocked()
}

// Retry records again after a failure, when CanRetry.
func (f *SuggestionFlow) Retry() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state == SuggestionFailed && f.retry != nil {
		f.retry()
	}
}

// Back returns from the details (or a failure) to the categories.
func (f *SuggestionFlow) Back() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state == SuggestionDetails || f.state == SuggestionFailed {
		f.resetLocked()
		f.notifyLocked()
	}
}

// Wipe forgets the phone number and the choices.
func (f *SuggestionFlow) Wipe() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
	f.notifyLocked()
}
