package ui

// Fakes of flow's ports, so the UI tests drive the real flows. Only this
// test file names offline/ and devices/idcard types, because flow's port
// interfaces are written in them; the ui package itself imports neither.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
	"hallkiosk/flow"
	"hallkiosk/offline"
)

// testCatalog is a small hall: five departments, one with enough services
// to need a second page.
func testCatalog() *api.Catalog {
	hours := []api.OpenHours{{Weekdays: []int{1, 2, 3, 4, 5}, Open: "08:30", Close: "17:30"}}
	cat := &api.Catalog{
		Version: "test-1",
		Hall: api.Hall{
			ID:        "hall-1",
			Name:      api.Text{Zh: "滨江区政务服务中心", En: "Binjiang Government Service Center"},
			OpenHours: hours,
			Timezone:  "Asia/Shanghai",
		},
		Departments: []api.Department{
			{ID: "shebao", Name: api.Text{Zh: "社会保障", En: "Social security"}},
			{ID: "gjj", Name: api.Text{Zh: "住房公积金", En: "Housing provident fund"}},
			{ID: "budongchan", Name: api.Text{Zh: "不动产登记", En: "Real estate registration"}},
			{ID: "hukou", Name: api.Text{Zh: "户籍与出入境", En: "Household and exit-entry"}},
			{ID: "shichang", Name: api.Text{Zh: "市场监管", En: "Market regulation"}},
		},
		Counters: []api.Counter{
			{ID: "c3", Name: api.Text{Zh: "3号窗口", En: "Counter 3"}},
			{ID: "c4", Name: api.Text{Zh: "4号窗口", En: "Counter 4"}},
		},
	}
	add := func(dept, id, zh, en string, card bool) {
		cat.Services = append(cat.Services, api.Service{
			ID: id, DepartmentID: dept, Name: api.Text{Zh: zh, En: en}, Prefix: "A",
			RequiresIDCard: card, AvgMinutes: 5, Counters: []string{"c3", "c4"},
			Fee:       api.Text{Zh: "不收费", En: "Free of charge"},
			TimeLimit: api.Text{Zh: "即办", En: "Same day"},
			Conditions: api.Text{Zh: "本市参保人员，社会保障卡遗失或损坏。",
				En: "Insured in this city, with a lost or damaged social security card."},
			LegalBasis:   api.Text{Zh: "《社会保障卡管理办法》", En: "Social Security Card Regulations"},
			GuideVersion: "v3", GuideDate: "2026-03-01", GuideURL: "https://zw.example.gov.cn/g/" + id,
			Materials: []api.Material{
				{Name: api.Text{Zh: "居民身份证", En: "Resident identity card"}, Original: 1, Required: true},
				{Name: api.Text{Zh: "近期一寸免冠彩色照片", En: "Recent 1-inch colour photo"}, Copies: 1, Required: true,
					Note: api.Text{Zh: "白色背景", En: "White background"}},
				{Name: api.Text{Zh: "社会保障卡补换申请表", En: "Card replacement application form"}, Original: 1, Required: true},
				{Name: api.Text{Zh: "委托书", En: "Letter of authorisation"}, Original: 1,
					Note: api.Text{Zh: "代办时提供", En: "When applying for someone else"}},
				{Name: api.Text{Zh: "受托人身份证", En: "Agent's identity card"}, Original: 1, Copies: 1},
			},
		})
	}
	add("shebao", "sb-card", "社会保障卡补换", "Social security card replacement", true)
	add("shebao", "sb-pension", "养老保险关系转移", "Pension transfer", true)
	add("shebao", "sb-unemp", "失业登记", "Unemployment registration", false)
	add("shebao", "sb-medical", "医保异地就医备案", "Out-of-town medical care filing", false)
	add("shebao", "sb-cert", "参保证明打印", "Insurance certificate printing", false)
	add("shebao", "sb-injury", "工伤认定申请", "Work injury claim", true)
	add("shebao", "sb-birth", "生育津贴申领", "Maternity allowance claim", true)
	add("shebao", "sb-retire", "退休审批", "Retirement approval", true)
	add("shebao", "sb-flex", "灵活就业人员参保登记", "Flexible workers' insurance registration", false)
	add("gjj", "gjj-draw", "公积金提取", "Provident fund withdrawal", true)
	add("budongchan", "bdc-reg", "不动产权证书申领", "Property certificate application", true)
	add("hukou", "hk-move", "户口迁移", "Household registration transfer", true)
	add("shichang", "sc-license", "营业执照办理", "Business licence application", false)
	return cat
}

// fakeStore is flow.Store in memory.
type fakeStore struct {
	mu          sync.Mutex
	cat         *api.Catalog
	catErr      error
	issueErr    error
	offline     bool
	next        int
	tickets     []*offline.Ticket
	appts       map[string]*offline.Appointment // by code
	byID        map[string]string               // ID number → code
	printFails  []string
	ratings     []api.Rating
	suggestions []api.Suggestion
	health      offline.Health
}

func newFakeStore() *fakeStore {
	return &fakeStore{
		cat:    testCatalog(),
		appts:  map[string]*offline.Appointment{},
		byID:   map[string]string{},
		health: offline.Health{IntegrityOK: true, Online: true},
	}
}

func (s *fakeStore) Catalog(context.Context) (*api.Catalog, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cat, s.catErr
}

func (s *fakeStore) issue(serviceID string, priority bool) *offline.Ticket {
	s.next++
	t := &offline.Ticket{
		RecordID: fmt.Sprintf("rec-%d", s.next), Seq: int64(s.next),
		Number: fmt.Sprintf("A%03d", 22+s.next), ServiceID: serviceID,
		BusinessDate: testStart.Format(time.DateOnly), IssuedAt: testStart,
		PeopleAhead: 3, EstWaitMinutes: 15, Priority: priority,
	}
	if s.offline {
		t.Number, t.Offline, t.PeopleAhead = fmt.Sprintf("A07-%03d", s.next), true, -1
	}
	s.tickets = append(s.tickets, t)
	return t
}

func (s *fakeStore) IssueTicket(_ context.Context, r offline.TicketRequest) (*offline.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.issueErr != nil {
		return nil, s.issueErr
	}
	return s.issue(r.ServiceID, r.Priority), nil
}

func (s *fakeStore) FindAppointment(_ context.Context, q offline.AppointmentQuery) (*offline.Appointment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	code := q.Code
	if q.IDNumber != "" {
		code = s.byID[q.IDNumber]
	}
	a, ok := s.appts[code]
	if !ok {
		return nil, offline.ErrNotFound
	}
	c := *a
	return &c, nil
}

func (s *fakeStore) CheckIn(_ context.Context, r offline.CheckInRequest) (*offline.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.appts[r.Code]
	if !ok {
		return nil, offline.ErrNotFound
	}
	if a.CheckedIn {
		return nil, offline.ErrAlreadyCheckedIn
	}
	a.CheckedIn = true
	return s.issue(a.ServiceID, true), nil
}

func (s *fakeStore) RecordPrintFailure(_ context.Context, t *offline.Ticket, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.printFails = append(s.printFails, t.Number+":"+reason)
	return nil
}

func (s *fakeStore) RecordRating(_ context.Context, r api.Rating) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ratings = append(s.ratings, r)
	return nil
}

func (s *fakeStore) RecordSuggestion(_ context.Context, sg api.Suggestion) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.suggestions = append(s.suggestions, sg)
	return nil
}

func (s *fakeStore) FindTicket(_ context.Context, number, date string) (*offline.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tickets {
		if t.Number == number && t.BusinessDate == date {
			return t, nil
		}
	}
	return nil, offline.ErrNotFound
}

func (s *fakeStore) Health(context.Context) offline.Health {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.health
}

// fakePrinter is flow.Printer; its errors say what fails.
type fakePrinter struct {
	mu       sync.Mutex
	readyErr error
	printErr error
	tickets  int
	lists    int
}

func (p *fakePrinter) PrintTicket(context.Context, escpos.Ticket) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.printErr != nil {
		return p.printErr
	}
	p.tickets++
	return nil
}

func (p *fakePrinter) PrintChecklist(context.Context, escpos.Checklist) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.printErr != nil {
		return p.printErr
	}
	p.lists++
	return nil
}

func (p *fakePrinter) Ready(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.readyErr
}

func (p *fakePrinter) set(ready, print error) {
	p.mu.Lock()
	p.readyErr, p.printErr = ready, print
	p.mu.Unlock()
}

// fakeCards is flow.CardReader: a card (or a read error) arrives when the
// test sends one.
type fakeCards struct {
	ch   chan *idcard.Card
	errs chan error
}

func (c *fakeCards) WaitCard(ctx context.Context) (*idcard.Card, error) {
	select {
	case card := <-c.ch:
		return card, nil
	case err := <-c.errs:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fakeScanner is flow.Scanner: a code arrives when the test sends one.
type fakeScanner struct{ ch chan string }

func (s *fakeScanner) WaitCode(ctx context.Context) (string, error) {
	select {
	case code := <-s.ch:
		return code, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// fakeBackOffice is flow.BackOffice.
type fakeBackOffice struct {
	mu       sync.Mutex
	online   bool
	progress map[string]*api.Progress // by receipt + "/" + last4
}

func (b *fakeBackOffice) Progress(_ context.Context, receipt, last4 string) (*api.Progress, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.online {
		return nil, offline.ErrOffline
	}
	p, ok := b.progress[receipt+"/"+last4]
	if !ok {
		return nil, offline.ErrNotFound
	}
	return p, nil
}

func (b *fakeBackOffice) Online() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.online
}

func (b *fakeBackOffice) setOnline(on bool) {
	b.mu.Lock()
	b.online = on
	b.mu.Unlock()
}

// testCard is a fictional resident card.
func testCard() *idcard.Card {
	return &idcard.Card{Type: idcard.Resident, Name: "张小三", IDNumber: "110101199003071234", CheckDigitOK: true}
}

// ports is a set of fakes wired into a flow.Env.
type ports struct {
	store   *fakeStore
	printer *fakePrinter
	cards   *fakeCards
	scanner *fakeScanner
	office  *fakeBackOffice
}

func newPorts() *ports {
	return &ports{
		store:   newFakeStore(),
		printer: &fakePrinter{},
		cards:   &fakeCards{ch: make(chan *idcard.Card, 1), errs: make(chan error, 1)},
		scanner: &fakeScanner{ch: make(chan string, 1)},
		office:  &fakeBackOffice{online: true, progress: map[string]*api.Progress{}},
	}
}

func (p *ports) env() flow.Env {
	return flow.Env{Store: p.store, Printer: p.printer, Cards: p.cards, Scanner: p.scanner, BackOffice: p.office}
}

// errPaperOut is the printer driver's paper-end error, as flow classifies it.
var errPaperOut = fmt.Errorf("print: %w", escpos.ErrPaperEnd)

var _ = errors.New
