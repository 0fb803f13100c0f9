package flow

import (
	"context"
	"fmt"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/devices/idcard"
	"hallkiosk/offline"
)

// TicketState is a step of taking a queue ticket (取号).
type TicketState int

// Ticket states, in the order a citizen meets them.
const (
	TicketLoading     TicketState = iota // reading the catalog
	TicketDepartments                    // choose a department (skipped when there is one)
	TicketServices                       // choose a service, paged
	TicketCard                           // place the ID card (CardRequired, else it may be skipped)
	TicketIssuing                        // checking hours and printer, committing the ticket
	TicketPrinting                       // the committed ticket is printing
	TicketDone                           // Result holds the ticket; it may carry a PrintProblem
	TicketFailed                         // Problem says why; Retry / Back say what is possible
	TicketSearch                         // type letters (Query) to find a service among all departments
)

// String returns the state's name.
func (s TicketState) String() string {
	names := [...]string{"loading", "departments", "services", "card", "issuing", "printing", "done", "failed", "search"}
	if s < 0 || int(s) >= len(names) {
		return fmt.Sprintf("TicketState(%d)", int(s))
	}
	return names[s]
}

// TicketSnapshot is what the ticket screens render.
type TicketSnapshot struct {
	State TicketState
	// Departments or Services hold the tiles of the page on screen
	// (TicketDepartments / TicketServices, and TicketSearch's results,
	// best first), paged by Page.
	Departments []DepartmentItem
	Services    []ServiceItem
	Page        PageInfo
	// Department and Service are the choices so far (empty ID = none).
	Department DepartmentItem
	Service    ServiceItem
	// Query is what was typed at TicketSearch (letters: pinyin, its
	// initials or English words).
	Query Input
	// CardRequired: the service needs an ID card; otherwise CanSkipCard.
	CardRequired bool
	CanSkipCard  bool
	// CanGoWithoutCard: the service needs an ID card and the citizen may
	// say she has none with her (NoCard), at the card step or after it
	// failed: she is told where to go instead.
	CanGoWithoutCard bool
	// CardLying: at the card step, a card this visit has not read lies on
	// the reader; it is read only once placed again (a former citizen's
	// card is never used silently).
	CardLying bool
	// CardName and CardID show the card read, masked (张*, 110101********1234).
	CardName string
	CardID   string
	Problem  *Problem
	// CanRetry: Retry repeats the failed step (card wait, commit, catalog).
	CanRetry bool
	// CanBack: Back goes to the previous choice.
	CanBack bool
	Result  *TicketResult
}

// TicketOptions configures the ticket flow. Zero fields take the defaults.
type TicketOptions struct {
	// PageSize and ElderPageSize are the service tiles per page
	// (defaults DefaultPageSize and DefaultElderPageSize).
	PageSize      int
	ElderPageSize int
	// CardTimeout is how long the card step waits for a card (default
	// 30 s); then ReasonNoCard offers to try again (or to skip).
	CardTimeout time.Duration
	Print       PrintOptions
	// OnChange receives every snapshot on a goroutine of its own.
	OnChange func(TicketSnapshot)
}

// TicketFlow is the 取号 transaction: department → service → (ID card) →
// rules → commit → print → done. Methods are safe from the UI goroutine and
// never block on I/O; results arrive through OnChange.
type TicketFlow struct {
	machine
	pagedList
	opts TicketOptions
	out  notifier[TicketSnapshot]

	state    TicketState
	ix       *catalogIndex
	dept     string
	svc      *api.Service
	card     *idcard.Card
	skipped  bool
	problem  *Problem
	retry    func() // repeats the failed step; nil = no retry
	ticket   *offline.Ticket
	result   *TicketResult
	printing bool
	lying    bool // another card lay on the reader when the card step began
	find     finder
	// fromSearch: the service was chosen from the search, so Back returns
	// there; searchFirst: the flow opens at the search once the catalog
	// is read (StartSearch).
	fromSearch  bool
	searchFirst bool
}

// NewTicketFlow returns a ticket flow; Start begins it.
func NewTicketFlow(env Env, opts TicketOptions) *TicketFlow {
	if opts.CardTimeout <= 0 {
		opts.CardTimeout = 30 * time.Second
	}
	f := &TicketFlow{machine: newMachine(env), opts: opts}
	f.pagedList = newPagedList(&f.machine, opts.PageSize, opts.ElderPageSize, f.pageExtentLocked, f.notifyLocked)
	f.out.fn = opts.OnChange
	return f
}

// Start begins a new ticket at the first choice, making the flow the
// session's transaction.
func (f *TicketFlow) Start() {
	f.env.Session.Begin(f)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
	f.loadLocked()
}

// StartService begins a ticket for one service directly, as when a late
// check-in is offered a normal ticket.
func (f *TicketFlow) StartService(serviceID string) {
	f.env.Session.Begin(f)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
	f.state = TicketLoading
	f.notifyLocked()
	f.runLocked(0, false, func(ctx context.Context, _ func(func()) bool) func() {
		cat, err := f.env.Store.Catalog(ctx)
		return func() {
			if err != nil {
				f.failLocked(problem(catalogReason(err), fmt.Errorf("read catalog: %w", err)), func() { f.loadLocked() })
				return
			}
			f.ix = newCatalogIndex(cat)
			svc, ok := f.ix.services[serviceID]
			if !ok {
				f.failLocked(problem(ReasonServiceUnknown, fmt.Errorf("service %q not in catalog", serviceID)), nil)
				return
			}
			f.dept = svc.DepartmentID
			f.chooseLocked(svc)
		}
	})
}

// StartSearch begins a new ticket at the search: the citizen types the
// pinyin initials (SBK), the pinyin or English words of the service.
func (f *TicketFlow) StartSearch() {
	f.env.Session.Begin(f)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
	f.searchFirst = true
	f.loadLocked()
}

// OpenSearch opens the search from the departments or a department's
// services.
func (f *TicketFlow) OpenSearch() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ix == nil || f.state != TicketDepartments && f.state != TicketServices {
		return
	}
	f.openSearchLocked()
	f.notifyLocked()
}

func (f *TicketFlow) openSearchLocked() {
	f.find.open()
	f.pager.Reset()
	f.state = TicketSearch
}

// SearchKey types letters into the search; the results follow at once.
func (f *TicketFlow) SearchKey(s string) {
	f.editInput(f.searchingLocked, &f.find.query, func(*field) bool { return f.find.key(f.ix, s) }, f.searchedLocked)
}

// SearchBackspace deletes the last letter of the search.
func (f *TicketFlow) SearchBackspace() {
	f.editInput(f.searchingLocked, &f.find.query, func(*field) bool { return f.find.backspace(f.ix) }, f.searchedLocked)
}

func (f *TicketFlow) searchingLocked() bool { return f.state == TicketSearch && f.ix != nil }

func (f *TicketFlow) searchedLocked() {
	f.pager.Reset()
	f.notifyLocked()
}

func (f *TicketFlow) resetLocked() {
	f.invalidateLocked()
	wipeCard(f.card)
	f.find.close()
	f.fromSearch, f.searchFirst = false, false
	f.card, f.dept, f.svc, f.skipped = nil, "", nil, false
	f.problem, f.retry, f.ticket, f.result, f.printing = nil, nil, nil, nil, false
	f.pager.Reset()
}

func (f *TicketFlow) loadLocked() {
	f.state = TicketLoading
	f.problem, f.retry = nil, nil
	f.notifyLocked()
	f.runLocked(0, false, func(ctx context.Context, _ func(func()) bool) func() {
		cat, err := f.env.Store.Catalog(ctx)
		return func() {
			if err != nil {
				f.failLocked(problem(catalogReason(err), fmt.Errorf("read catalog: %w", err)), func() { f.loadLocked() })
				return
			}
			f.ix = newCatalogIndex(cat)
			f.pager.Reset()
			if f.searchFirst {
				f.searchFirst = false
				f.openSearchLocked()
			} else if d := f.ix.depts; len(d) == 1 {
				// One department is no choice: go straight to its services.
				f.dept = d[0].ID
				f.state = TicketServices
			} else {
				f.state = TicketDepartments
			}
			f.notifyLocked()
		}
	})
}

func catalogReason(err error) Reason {
	switch r := Classify(err); r {
	case ReasonStorageBroken, ReasonStorageFull:
		return r
	}
	return ReasonCatalogUnavailable
}

// Snapshot returns the flow's current state.
func (f *TicketFlow) Snapshot() TicketSnapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snapLocked()
}

func (f *TicketFlow) pageSizeLocked() int {
	return f.pageSize(f.state == TicketSearch)
}

func (f *TicketFlow) listLenLocked() int {
	switch {
	case f.ix == nil:
		return 0
	case f.state == TicketDepartments:
		return len(f.ix.depts)
	case f.state == TicketServices:
		return len(f.ix.byDept[f.dept])
	case f.state == TicketSearch:
		return len(f.find.results)
	}
	return 0
}

func (f *TicketFlow) snapLocked() TicketSnapshot {
	s := TicketSnapshot{State: f.state, Problem: f.problem, CanRetry: f.retry != nil, Result: f.result}
	size := f.pageSizeLocked()
	now := f.clk.Now()
	if f.ix != nil {
		switch f.state {
		case TicketDepartments:
			s.Departments, s.Page = pageOf(&f.pager, f.ix.departmentItems(), size)
		case TicketServices:
			s.Services, s.Page = pageOf(&f.pager, f.ix.serviceItems(f.ix.byDept[f.dept], now), size)
		case TicketSearch:
			s.Services, s.Page = pageOf(&f.pager, f.ix.serviceItems(f.find.results, now), size)
			s.Query = f.find.query.input()
		}
		for _, d := range f.ix.departmentItems() {
			if d.ID == f.dept {
				s.Department = d
			}
		}
		if f.svc != nil {
			s.Service = f.ix.serviceItem(f.svc, now)
			s.CardRequired = f.svc.RequiresIDCard
		}
	}
	s.CanSkipCard = f.svc != nil && !f.svc.RequiresIDCard && f.state == TicketCard ||
		f.state == TicketFailed && f.svc != nil && !f.svc.RequiresIDCard && isCardReason(f.problem)
	s.CanGoWithoutCard = f.svc != nil && f.svc.RequiresIDCard &&
		(f.state == TicketCard || f.state == TicketFailed && isCardReason(f.problem))
	s.CardLying = f.state == TicketCard && f.lying
	if f.card != nil {
		s.CardName = idcard.MaskName(cardName(f.card))
		s.CardID = idcard.MaskID(f.card.IDNumber)
	}
	switch f.state {
	case TicketServices:
		s.CanBack = f.ix != nil && len(f.ix.depts) > 1
	case TicketCard, TicketSearch:
		s.CanBack = true
	case TicketFailed:
		s.CanBack = f.svc != nil || f.dept != ""
	}
	return s
}

func isCardReason(p *Problem) bool {
	if p == nil {
		return false
	}
	switch p.Reason {
	case ReasonNoCard, ReasonCardReadFailed, ReasonCardReaderFault:
		return true
	}
	return false
}

func cardName(c *idcard.Card) string {
	if c.Name != "" {
		return c.Name
	}
	return c.NameEN
}

func (f *TicketFlow) notifyLocked() { f.out.push(f.snapLocked()) }

func (f *TicketFlow) failLocked(p *Problem, retry func()) {
	f.env.logFailure("ticket", p)
	f.state = TicketFailed
	f.problem = p
	f.retry = retry
	f.notifyLocked()
}

// SelectDepartment opens a department's services.
func (f *TicketFlow) SelectDepartment(id string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != TicketDepartments || f.ix == nil || len(f.ix.byDept[id]) == 0 {
		return
	}
	f.dept = id
	f.pager.Reset()
	f.state = TicketServices
	f.notifyLocked()
}

// SelectService chooses a service: closed services fail at once with
// ReasonHallClosed (no card is asked for a ticket that cannot be issued);
// otherwise the card step or the commit follows.
func (f *TicketFlow) SelectService(id string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ix == nil {
		return
	}
	svc, ok := f.ix.services[id]
	switch {
	case !ok:
		return
	case f.state == TicketSearch && f.find.has(id):
		f.dept, f.fromSearch = svc.DepartmentID, true
	case f.state != TicketServices || svc.DepartmentID != f.dept:
		return
	}
	f.chooseLocked(svc)
}

func (f *TicketFlow) chooseLocked(svc *api.Service) {
	f.svc = svc
	f.skipped = false
	if p := f.hoursProblemLocked(); p != nil {
		f.failLocked(p, nil)
		return
	}
	if f.env.Cards == nil && !svc.RequiresIDCard {
		f.skipped = true
		f.issueLocked()
		return
	}
	f.waitCardLocked()
}

func (f *TicketFlow) hoursProblemLocked() *Problem {
	open, next := f.ix.open(f.svc, f.clk.Now())
	if open {
		return nil
	}
	p := problem(ReasonHallClosed, fmt.Errorf("service %s closed for tickets", f.svc.ID))
	p.At = next
	return p
}

func (f *TicketFlow) waitCardLocked() {
	wipeCard(f.card)
	f.card = nil
	f.problem, f.retry = nil, nil
	if f.env.Cards == nil {
		f.failLocked(problem(ReasonCardReaderFault, fmt.Errorf("no card reader configured")), nil)
		return
	}
	f.lying = otherCardLying(f.env)
	f.runLocked(f.opts.CardTimeout, true, func(ctx context.Context, _ func(func()) bool) func() {
		card, err := takeCard(ctx, f.env)
		err = causeErr(ctx, err)
		return func() {
			if err != nil {
				f.failLocked(problem(cardReason(err), fmt.Errorf("wait for card: %w", err)), f.waitCardLocked)
				return
			}
			f.card = card
			f.issueLocked()
		}
	})
	f.state = TicketCard
	f.notifyLocked()
}

// SkipCard goes on without a card when the service allows it.
func (f *TicketFlow) SkipCard() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.svc == nil || f.svc.RequiresIDCard {
		return
	}
	if f.state != TicketCard && !(f.state == TicketFailed && isCardReason(f.problem)) {
		return
	}
	f.skipped = true
	f.issueLocked()
}

// NoCard is "I have no ID card with me" for a service that needs one: the
// card wait ends and the citizen is told what to do instead (a counter, or
// another service), with ReasonIDCardRequired.
func (f *TicketFlow) NoCard() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.snapLocked().CanGoWithoutCard {
		return
	}
	f.invalidateLocked()
	f.failLocked(problem(ReasonIDCardRequired, fmt.Errorf("service %s needs an ID card; the citizen has none", f.svc.ID)), nil)
}

// issueLocked checks the rules and the printer, commits the ticket, then
// prints it. The session is held throughout: a commit must never be
// followed by a wipe before the ticket is out.
func (f *TicketFlow) issueLocked() {
	f.problem, f.retry = nil, nil
	svc, ix := f.svc, f.ix
	var idNumber, masked string
	if f.card != nil {
		idNumber, masked = f.card.IDNumber, idcard.MaskID(f.card.IDNumber)
	}
	if p := f.hoursProblemLocked(); p != nil {
		f.failLocked(p, nil)
		return
	}
	f.runLocked(0, true, func(ctx context.Context, step func(func()) bool) func() {
		if p := checkPrinter(ctx, f.env); p != nil {
			return func() { f.failLocked(p, f.issueLocked) }
		}
		t, err := f.env.Store.IssueTicket(ctx, offline.TicketRequest{ServiceID: svc.ID, IDNumber: idNumber})
		idNumber = ""
		if err != nil {
			err = causeErr(ctx, err)
			r := Classify(err)
			retry := f.issueLocked
			switch r {
			case ReasonCapReached, ReasonAlreadyHasTicket:
				retry = nil // the answer will not change today
			}
			return func() {
				// Nothing was issued; the card is not needed any more.
				wipeCard(f.card)
				f.card = nil
				f.failLocked(problem(r, fmt.Errorf("issue ticket for %s: %w", svc.ID, err)), retry)
			}
		}
		lang := f.lang()
		res := newTicketResult(ix, svc, t, masked, f.opts.Print.QRBase)
		job := ticketJob(ix, svc, res, lang, f.opts.Print)
		step(func() {
			wipeCard(f.card) // committed: the card has done its job
			f.card = nil
			f.ticket, f.result = t, res
			f.state = TicketPrinting
			f.notifyLocked()
		})
		p := printAfterCommit(ctx, f.env, f.opts.Print, t, job)
		return func() { f.printedLocked(p) }
	})
	f.state = TicketIssuing
	f.notifyLocked()
}

// printedLocked records the print outcome p on the done ticket.
func (f *TicketFlow) printedLocked(p *Problem) {
	f.result = f.result.withPrint(p)
	f.state = TicketDone
	f.notifyLocked()
}

// RetryPrint prints the done ticket again after a print failure (staff
// loaded paper, closed the cover).
func (f *TicketFlow) RetryPrint() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != TicketDone || f.result == nil || f.result.Printed || f.ticket == nil {
		return
	}
	job := ticketJob(f.ix, f.svc, f.result, f.lang(), f.opts.Print)
	f.reprintLocked(f.opts.Print, f.ticket, job, f.printedLocked)
	f.state = TicketPrinting
	f.notifyLocked()
}

// Retry repeats the step that failed, when Snapshot().CanRetry.
func (f *TicketFlow) Retry() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != TicketFailed || f.retry == nil {
		return
	}
	f.retry()
}

// Back returns to the previous choice: services or the search →
// departments, card or a failure → services, or the search the service was
// found with.
func (f *TicketFlow) Back() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch f.state {
	case TicketServices:
		if f.ix == nil || len(f.ix.depts) <= 1 {
			return
		}
		f.dept = ""
		f.state = TicketDepartments
	case TicketSearch:
		if f.ix == nil {
			return
		}
		f.find.close()
		f.dept, f.state = "", TicketDepartments
		if d := f.ix.depts; len(d) == 1 {
			f.dept, f.state = d[0].ID, TicketServices
		}
	case TicketCard, TicketFailed:
		if f.ix == nil {
			return
		}
		f.invalidateLocked()
		wipeCard(f.card)
		f.card, f.svc, f.problem, f.retry = nil, nil, nil, nil
		if f.fromSearch {
			// The query is still typed: the citizen picks another result.
			f.fromSearch = false
			f.state = TicketSearch
			f.notifyLocked()
			return
		} else if f.dept == "" {
			f.state = TicketDepartments
		} else {
			f.state = TicketServices
		}
	default:
		return
	}
	f.pager.Reset()
	f.notifyLocked()
}

// pageExtentLocked is the list the page buttons turn: its length and page
// size.
func (f *TicketFlow) pageExtentLocked() (total, size int) {
	return f.listLenLocked(), f.pageSizeLocked()
}

// Refresh re-sends the snapshot, e.g. after elder mode changed the page size.
func (f *TicketFlow) Refresh() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notifyLocked()
}

// Wipe cancels any card wait and forgets the card and the ticket: the
// session calls it on timeout, "home" and the next transaction.
func (f *TicketFlow) Wipe() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetLocked()
	f.ix = nil
	f.state = TicketLoading
	f.notifyLocked()
}

// wipeCard zeroes a card's fields and its photo, fingerprint and raw text
// bytes (idcard.Card.Clear). Go strings cannot be overwritten in place;
// dropping every reference is what makes them unreachable.
func wipeCard(c *idcard.Card) { c.Clear() }
