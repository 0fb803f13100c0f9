package flow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/devices/escpos"
)

// GuideState is a page of the service guide (办事指南).
type GuideState int

// Guide states.
const (
	GuideLoading     GuideState = iota // reading the catalog
	GuideDepartments                   // categories
	GuideServices                      // a department's services, paged
	GuideSearch                        // search results, paged
	GuideDetail                        // one service: materials, fee, time limit … (Detail)
	GuideFailed                        // the catalog could not be read
)

// String returns the state's name.
func (s GuideState) String() string {
	names := [...]string{"loading", "departments", "services", "search", "detail", "failed"}
	if s < 0 || int(s) >= len(names) {
		return fmt.Sprintf("GuideState(%d)", int(s))
	}
	return names[s]
}

// PrintStatus is where the printing of a checklist stands.
type PrintStatus int

// Print statuses.
const (
	PrintIdle   PrintStatus = iota // nothing printed yet
	PrintBusy                      // printing
	PrintDone                      // came out of the printer
	PrintFailed                    // PrintProblem says why
)

// String returns the status's name.
func (p PrintStatus) String() string {
	names := [...]string{"idle", "busy", "done", "failed"}
	if p < 0 || int(p) >= len(names) {
		return fmt.Sprintf("PrintStatus(%d)", int(p))
	}
	return names[p]
}

// ServiceDetail is everything the guide shows of one service (一次性告知).
type ServiceDetail struct {
	ID             string
	Department     api.Text
	Name           api.Text
	Conditions     api.Text
	Materials      []api.Material // Original = originals to show, Copies = copies to hand in
	Fee            api.Text
	TimeLimit      api.Text
	Counters       []api.Text
	LegalBasis     api.Text
	GuideURL       string
	GuideVersion   string
	GuideDate      string
	RequiresIDCard bool
	// Open says whether tickets can be taken now (the UI may offer 取号).
	Open bool
}

// GuideSnapshot is what the guide screens render.
type GuideSnapshot struct {
	State       GuideState
	Departments []DepartmentItem // GuideDepartments, all of them (a short list)
	Services    []ServiceItem    // GuideServices / GuideSearch: the page on screen
	Page        PageInfo
	Department  DepartmentItem
	Keyword     string // GuideSearch
	// Query is the search's letters when it is typed on the keypad
	// (OpenSearch); Kind is InputNone for a keyword given whole (Search).
	Query  Input
	Detail *ServiceDetail
	// PrintStatus and PrintProblem are the checklist printout's (GuideDetail).
	PrintStatus  PrintStatus
	PrintProblem *Problem
	// Printed counts the copies of this service's checklist that came out
	// of the printer since the citizen opened its guide: the screen says
	// when a tap printed another copy.
	Printed int
	Problem *Problem // GuideFailed
	CanBack bool
}

// GuideOptions configures the guide flow.
type GuideOptions struct {
	PageSize      int
	ElderPageSize int
	// Text gives the checklist's words in a language (labels, footer).
	Text    func(lang string) PrintText
	Timeout time.Duration // print timeout, default 45 s
	// OnChange receives every snapshot on a goroutine of its own.
	OnChange func(GuideSnapshot)
}

// GuideFlow is the 办事指南: categories → services → detail → print the
// 一次性告知单, plus a keyword search. It is a reading flow: the session
// gives it the longer idle time.
type GuideFlow struct {
	machine
	pagedList
	opts GuideOptions
	out  notifier[GuideSnapshot]

	state    GuideState
	ix       *catalogIndex
	dept     string
	keyword  string
	results  []*api.Service
	find     finder // the letters typed at GuideSearch
	svc      *api.Service
	from     GuideState // the list a detail was opened from
	printSt  PrintStatus
	printErr *Problem
	printed  int      // copies of the detail's checklist printed
	problem  *Problem // searchFirst: the guide opens at its search once the catalog is
	// read (StartSearch).
	searchFirst bool
}

// NewGuideFlow returns a guide flow; Start begins it.
func NewGuideFlow(env Env, opts GuideOptions) *GuideFlow {
	if opts.Timeout <= 0 {
		opts.Timeout = 45 * time.Second
	}
	f := &GuideFlow{machine: newMachine(env), opts: opts}
	f.pagedList = newPagedList(&f.machine, opts.PageSize, opts.ElderPageSize, f.pageExtentLocked, f.notifyLocked)
	f.out.fn = opts.OnChange
	return f
}

// Start opens the guide at its categories.
func (f *GuideFlow) Start() { f.start(false) }

// StartSearch opens the guide at its search on the letter keypad.
func (f *GuideFlow) StartSearch() { f.start(true) }

func (f *GuideFlow) start(search bool) {
	f.env.Session.Begin(f)
	f.env.Session.SetReading(true)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invalidateLocked()
	f.dept, f.keyword, f.results, f.svc, f.problem = "", "", nil, nil, nil
	f.printSt, f.printErr, f.printed = PrintIdle, nil, 0
	f.find.close()
	f.searchFirst = search
	f.pager.Reset()
	f.state = GuideLoading
	f.notifyLocked()
	f.runLocked(0, false, func(ctx context.Context, _ func(func()) bool) func() {
		cat, err := f.env.Store.Catalog(ctx)
		return func() {
			if err != nil {
				f.state = GuideFailed
				f.problem = problem(catalogReason(err), fmt.Errorf("read catalog: %w", err))
				f.env.logFailure("guide", f.problem)
				f.notifyLocked()
				return
			}
			f.ix = newCatalogIndex(cat)
			f.state = GuideDepartments
			if f.searchFirst {
				f.searchFirst = false
				f.find.open()
				f.state = GuideSearch
			}
			f.notifyLocked()
		}
	})
}

// Snapshot returns the flow's current state.
func (f *GuideFlow) Snapshot() GuideSnapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snapLocked()
}

func (f *GuideFlow) pageSizeLocked() int {
	return f.pageSize(f.state == GuideSearch && f.find.query.kind == InputLetters)
}

func (f *GuideFlow) listLocked() []*api.Service {
	switch f.state {
	case GuideServices:
		return f.ix.byDept[f.dept]
	case GuideSearch:
		return f.results
	}
	return nil
}

func (f *GuideFlow) snapLocked() GuideSnapshot {
	s := GuideSnapshot{State: f.state, Keyword: f.keyword, Problem: f.problem}
	if f.state == GuideSearch {
		s.Query = f.find.query.input()
	}
	if f.ix == nil {
		return s
	}
	now := f.clk.Now()
	switch f.state {
	case GuideDepartments:
		s.Departments = f.ix.departmentItems()
	case GuideServices, GuideSearch:
		s.Services, s.Page = pageOf(&f.pager, f.ix.serviceItems(f.listLocked(), now), f.pageSizeLocked())
		s.CanBack = true
	case GuideDetail:
		d := f.detailLocked(now)
		s.Detail = &d
		s.PrintStatus, s.PrintProblem, s.Printed = f.printSt, f.printErr, f.printed
		s.CanBack = true
	}
	for _, d := range f.ix.departmentItems() {
		if d.ID == f.dept {
			s.Department = d
		}
	}
	return s
}

func (f *GuideFlow) detailLocked(now time.Time) ServiceDetail {
	svc := f.svc
	d := ServiceDetail{
		ID: svc.ID, Name: svc.Name, Conditions: svc.Conditions, Materials: svc.Materials,
		Fee: svc.Fee, TimeLimit: svc.TimeLimit, LegalBasis: svc.LegalBasis, GuideURL: svc.GuideURL,
		GuideVersion: svc.GuideVersion, GuideDate: svc.GuideDate, RequiresIDCard: svc.RequiresIDCard,
	}
	for _, dep := range f.ix.cat.Departments {
		if dep.ID == svc.DepartmentID {
			d.Department = dep.Name
		}
	}
	for _, id := range svc.Counters {
		if c, ok := f.ix.counters[id]; ok {
			d.Counters = append(d.Counters, c.Name)
		}
	}
	d.Open, _ = f.ix.open(svc, now)
	return d
}

func (f *GuideFlow) notifyLocked() { f.out.push(f.snapLocked()) }

// SelectDepartment lists a department's services.
func (f *GuideFlow) SelectDepartment(id string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ix == nil || f.state == GuideLoading || len(f.ix.byDept[id]) == 0 {
		return
	}
	f.dept = id
	f.pager.Reset()
	f.state = GuideServices
	f.notifyLocked()
}

// Search lists the services whose Chinese or English name or keywords
// contain keyword, case-insensitively; names rank before keywords.
func (f *GuideFlow) Search(keyword string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ix == nil {
		return
	}
	f.find.close()
	f.keyword = strings.TrimSpace(keyword)
	f.results = f.ix.search(f.keyword)
	f.pager.Reset()
	f.state = GuideSearch
	f.notifyLocked()
}

// OpenSearch opens the search on the letter keypad, from the departments
// or a department's services: pinyin, its initials or English words, the
// results following every letter (SearchKey).
func (f *GuideFlow) OpenSearch() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ix == nil || f.state != GuideDepartments && f.state != GuideServices {
		return
	}
	f.find.open()
	f.dept, f.keyword, f.results = "", "", nil
	f.pager.Reset()
	f.state = GuideSearch
	f.notifyLocked()
}

// SearchKey types letters into the search opened by OpenSearch.
func (f *GuideFlow) SearchKey(s string) {
	f.editInput(f.typingLocked, &f.find.query, func(*field) bool { return f.find.key(f.ix, s) }, f.foundLocked)
}

// SearchBackspace deletes the search's last letter.
func (f *GuideFlow) SearchBackspace() {
	f.editInput(f.typingLocked, &f.find.query, func(*field) bool { return f.find.backspace(f.ix) }, f.foundLocked)
}

func (f *GuideFlow) typingLocked() bool {
	return f.state == GuideSearch && f.ix != nil && f.find.query.kind == InputLetters
}

func (f *GuideFlow) foundLocked() {
	f.keyword, f.results = f.find.query.value(), f.find.results
	f.pager.Reset()
	f.notifyLocked()
}

// SelectService opens a service's detail.
func (f *GuideFlow) SelectService(id string) {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ix == nil {
		return
	}
	svc, ok := f.ix.services[id]
	if !ok {
		return
	}
	if f.state == GuideServices || f.state == GuideSearch {
		f.from = f.state
	} else {
		f.from = GuideDepartments
	}
	f.invalidateLocked() // a checklist of the previous detail still printing keeps printing, unreported
	f.svc = svc
	f.printSt, f.printErr, f.printed = PrintIdle, nil, 0
	f.state = GuideDetail
	f.notifyLocked()
}

// PrintChecklist prints the service's 一次性告知单 with the guide's version
// and date and the QR of the full guide. Nothing is committed, so a failed
// print leaves nothing to record.
func (f *GuideFlow) PrintChecklist() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != GuideDetail || f.printSt == PrintBusy {
		return
	}
	if f.env.Printer == nil {
		f.printSt, f.printErr = PrintFailed, problem(ReasonPrinterFailed, fmt.Errorf("no printer configured"))
		f.notifyLocked()
		return
	}
	c := f.checklistLocked(f.lang())
	f.runLocked(f.opts.Timeout, true, func(ctx context.Context, _ func(func()) bool) func() {
		err := causeErr(ctx, f.env.Printer.PrintChecklist(ctx, c))
		return func() {
			if err != nil {
				f.printSt = PrintFailed
				f.printErr = problem(printerReason(err), fmt.Errorf("print checklist %s: %w", c.Service, err))
			} else {
				f.printSt, f.printErr = PrintDone, nil
				f.printed++
			}
			f.notifyLocked()
		}
	})
	f.printSt, f.printErr = PrintBusy, nil
	f.notifyLocked()
}

// Checklist returns the 一次性告知单 of the service on screen in lang, as
// PrintChecklist prints it (for a preview).
func (f *GuideFlow) Checklist(lang string) (escpos.Checklist, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != GuideDetail {
		return escpos.Checklist{}, false
	}
	return f.checklistLocked(lang), true
}

func (f *GuideFlow) checklistLocked(lang string) escpos.Checklist {
	svc := f.svc
	var txt PrintText
	if f.opts.Text != nil {
		txt = f.opts.Text(lang)
	}
	version := strings.TrimSpace(svc.GuideVersion + " " + svc.GuideDate)
	return escpos.Checklist{
		Hall:       f.ix.cat.Hall.Name.In(lang),
		Service:    svc.Name.In(lang),
		Conditions: svc.Conditions.In(lang),
		Materials:  materialLines(svc.Materials, lang, txt.Words),
		Fee:        svc.Fee.In(lang),
		TimeLimit:  svc.TimeLimit.In(lang),
		Counters:   f.ix.counterText(svc, lang),
		LegalBasis: svc.LegalBasis.In(lang),
		Version:    version,
		QR:         svc.GuideURL,
		PrintedAt:  f.clk.Now().In(f.ix.loc),
		Footer:     txt.Footer,
		Labels:     txt.Checklist,
		Keep:       f.ix.keep,
	}
}

// Back goes from a detail to the list it came from, and from a list to the
// categories.
func (f *GuideFlow) Back() {
	f.env.Session.Touch()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch f.state {
	case GuideDetail:
		f.invalidateLocked()
		f.svc, f.printSt, f.printErr, f.printed = nil, PrintIdle, nil, 0
		f.state = f.from
		if f.state == GuideServices && f.dept == "" || f.state == GuideSearch && f.keyword == "" && f.find.query.kind == InputNone {
			f.state = GuideDepartments
		}
	case GuideServices, GuideSearch:
		f.dept, f.keyword, f.results = "", "", nil
		f.find.close()
		f.pager.Reset()
		f.state = GuideDepartments
	default:
		return
	}
	f.notifyLocked()
}

// pageExtentLocked is the list the page buttons turn: its length and page
// size (no list before the catalog is read).
func (f *GuideFlow) pageExtentLocked() (total, size int) {
	if f.ix == nil {
		return 0, f.pageSizeLocked()
	}
	return len(f.listLocked()), f.pageSizeLocked()
}

// Refresh re-sends the snapshot, e.g. after elder mode changed the page size.
func (f *GuideFlow) Refresh() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notifyLocked()
}

// Wipe resets the guide. It holds no personal data; it is a Transaction so
// the session can end it like the others.
func (f *GuideFlow) Wipe() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invalidateLocked()
	f.ix, f.dept, f.keyword, f.results, f.svc = nil, "", "", nil, nil
	f.printSt, f.printErr, f.problem, f.printed = PrintIdle, nil, nil, 0
	f.find.close()
	f.state = GuideLoading
	f.notifyLocked()
}
