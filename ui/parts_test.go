package ui

// The real parts behind the kiosk in tests: the offline store on SQLite in
// a temporary directory, the reference back office on a loopback HTTP
// server with its own SQLite store, and the device drivers on the
// simulators' pseudo-terminals, opened by devices.Open exactly as
// cmd/kiosk opens them. Only this test file names offline/, backoffice/
// and devices/; the ui package itself imports none of them.
//
// Time: the flows, the idle session, the store and the back office share
// one clock.Fake, so business dates, opening hours and the idle countdown
// follow the test. The drivers keep the wall clock for their byte-level
// timeouts, which are real I/O on a pseudo-terminal.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/config"
	"hallkiosk/devices"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/sim/idcardsim"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/devices/sim/scannersim"
	"hallkiosk/flow"
	"hallkiosk/internal/synccheck"
	"hallkiosk/offline"
)

const (
	testKioskID     = "K07"
	testKioskNumber = 7
	testKioskToken  = "tok-k07"
)

// testStart is the fake clock's start: Tuesday 24 November 2026, 09:30 in
// the hall's zone, within opening hours.
var testStart = time.Date(2026, 11, 24, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

// TestMain runs the tests on the hall's time, as cmd/kiosk runs the kiosk
// (setHallTime): the screens show times of day in the local zone, and on a
// machine kept on UTC an 11:30 appointment would read 03:30.
func TestMain(m *testing.M) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600) // the same: mainland China has no DST
	}
	time.Local = loc
	code := m.Run()
	removeTestClips()
	os.Exit(code)
}

// Services of testCatalog with a rule the tests rely on.
const (
	// capService issues one ticket a day.
	capService, capServiceName = "sc-license", "营业执照办理"
	// laterService sells tickets only from 14:30, five hours after testStart.
	laterService = "sb-medical"
)

// testCatalog is a small hall: five departments, one with enough services
// to need a second page. Every service has its own ticket prefix, as the
// back office requires.
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
			// The hall's windows are named and numbered as in the seed
			// catalog (the number is what the call says), with the words
			// no line may break inside marked.
			{ID: "6", Name: api.Text{Zh: "6号窗口 社保卡服务", En: "Window 6 · Social security cards",
				Keep: []string{"6号窗口", "社保卡服务", "Window 6"}}},
			{ID: "20", Name: api.Text{Zh: "20号窗口 综合窗口·绿色通道", En: "Window 20 · General window · priority lane",
				Keep: []string{"20号窗口", "综合窗口·绿色通道", "综合窗口", "绿色通道", "Window 20"}}},
		},
	}
	add := func(dept, id, prefix, zh, en string, card bool) {
		cat.Services = append(cat.Services, api.Service{
			ID: id, DepartmentID: dept, Name: api.Text{Zh: zh, En: en}, Prefix: prefix,
			RequiresIDCard: card, AvgMinutes: 5, Counters: []string{"6", "20"},
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
	add("shebao", "sb-card", "A", "社会保障卡补换", "Social security card replacement", true)
	cat.Services[len(cat.Services)-1].Keywords = []string{"社保卡", "补卡"} // SBK finds it
	add("shebao", "sb-pension", "B", "养老保险关系转移", "Pension transfer", true)
	add("shebao", "sb-unemp", "C", "失业登记", "Unemployment registration", false)
	add("shebao", laterService, "D", "医保异地就医备案", "Out-of-town medical care filing", false)
	add("shebao", "sb-cert", "E", "参保证明打印", "Insurance certificate printing", false)
	add("shebao", "sb-injury", "F", "工伤认定申请", "Work injury claim", true)
	add("shebao", "sb-birth", "G", "生育津贴申领", "Maternity allowance claim", true)
	add("shebao", "sb-retire", "H", "退休审批", "Retirement approval", true)
	add("shebao", "sb-flex", "J", "灵活就业人员参保登记", "Flexible workers' insurance registration", false)
	add("gjj", "gjj-draw", "K", "公积金提取", "Provident fund withdrawal", true)
	add("budongchan", "bdc-reg", "L", "不动产权证书申领", "Property certificate application", true)
	add("hukou", "hk-move", "M", "户口迁移", "Household registration transfer", true)
	add("shichang", capService, "N", capServiceName, "Business licence application", false)
	// The words of the longer names that no line may break inside.
	keep := map[string][]string{
		"sb-card":    {"社会保障卡", "补换", "Social security card"},
		"sb-pension": {"养老保险", "关系转移"},
		"sb-flex":    {"灵活就业人员", "参保登记"},
		laterService: {"医保", "异地就医", "备案"},
		"bdc-reg":    {"不动产权证书", "申领"},
	}
	for i := range cat.Services {
		cat.Services[i].Name.Keep = keep[cat.Services[i].ID]
		switch cat.Services[i].ID {
		case capService:
			cat.Services[i].DailyCap = 1
		case laterService:
			cat.Services[i].OpenHours = []api.OpenHours{{Weekdays: []int{1, 2, 3, 4, 5}, Open: "14:30", Close: "17:30"}}
		}
	}
	return cat
}

// Card profiles of the ID card simulator (assets/cards/profiles.json).
const (
	cardWang = "resident-wangzhe"   // 王喆, 11010119880314001X
	cardLi   = "resident-lixiuying" // 李秀英, 310104195007200029
)

// parts are the kiosk's real surroundings in a test.
type parts struct {
	t   testing.TB
	clk *clock.Fake
	cat *api.Catalog

	bo     *backoffice.Server
	office *officeServer
	client *offline.Client
	store  *offline.Store
	hook   *storeHook

	set     *devices.Set
	printer *printersim.Sim
	cards   *idcardsim.Sim
	scanner *scannersim.Sim
	reader  readerWatch
}

// readerWatch follows the ID reader's events: whether it has a card on
// it, as far as the reader knows.
type readerWatch struct {
	mu     sync.Mutex
	placed bool
}

func (w *readerWatch) event(e idcard.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch e.Kind {
	case idcard.EventReading, idcard.EventCardRead, idcard.EventReadFailed:
		w.placed = true
	case idcard.EventCardRemoved:
		w.placed = false
	}
}

func (w *readerWatch) hasCard() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.placed
}

// newParts opens the back office, the store and the devices in t's
// temporary directories, with the clock at testStart, and makes first
// contact so the kiosk starts online with the day's appointments.
func newParts(t testing.TB) *parts {
	t.Helper()
	p := &parts{t: t, clk: clock.NewFake(testStart), cat: testCatalog()}
	catJSON, err := json.Marshal(p.cat)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)

	p.bo, err = backoffice.Open(backoffice.Options{
		DBPath:  filepath.Join(t.TempDir(), "backoffice.db"),
		Tokens:  map[string]string{testKioskToken: testKioskID},
		Catalog: catJSON, Clock: p.clk, Logger: quiet,
	})
	if err != nil {
		t.Fatalf("backoffice.Open: %v", err)
	}
	t.Cleanup(func() { p.bo.Close() })
	p.office = &officeServer{t: t, bo: p.bo}
	p.office.start()
	t.Cleanup(p.office.stop)

	p.client, err = offline.NewClient(offline.ClientOptions{
		BaseURL: "http://" + p.office.addr, AllowInsecureHTTP: true,
		Token: testKioskToken, KioskID: testKioskID, Clock: p.clk, Logger: quiet,
		// Longer than every flow's own timeout, so a test that advances the
		// fake clock sees the flow's verdict, not the client's.
		Timeout: time.Minute, TicketTimeout: time.Minute, QueryTimeout: time.Minute,
	})
	if err != nil {
		t.Fatalf("offline.NewClient: %v", err)
	}
	p.store, err = offline.Open(offline.Options{
		Path: filepath.Join(t.TempDir(), "kiosk.db"), KioskID: testKioskID, KioskNumber: testKioskNumber,
		Key: bytes.Repeat([]byte{7}, 32), Client: p.client, Clock: p.clk, SeedCatalog: catJSON, Logger: quiet,
	})
	if err != nil {
		t.Fatalf("offline.Open: %v", err)
	}
	t.Cleanup(func() { p.store.Close() })
	p.hook = &storeHook{Store: p.store}
	p.refresh()

	// No clock for the devices: their timeouts are byte-level waits on a
	// real pseudo-terminal.
	p.set, err = devices.Open(devices.Options{
		Config: config.Default().Devices, DataDir: t.TempDir(), Logger: quiet, ReaderEvents: p.reader.event,
	})
	if err != nil {
		t.Fatalf("devices.Open: %v", err)
	}
	t.Cleanup(func() { p.set.Close() })
	sims := p.set.Sims()
	p.printer, p.cards, p.scanner = sims.Printer, sims.IDCard, sims.Scanner
	return p
}

// env is what the kiosk's flows get: the same ports cmd/kiosk wires.
func (p *parts) env() flow.Env {
	return flow.Env{
		Store: p.hook, Printer: p.set.PrinterFront(), Cards: p.set.CardFront(),
		Scanner: p.set.ScannerFront(), BackOffice: p.client, Clock: p.clk,
	}
}

// refresh brings the catalog and today's appointments down from the back
// office, as the sync loop does.
func (p *parts) refresh() {
	p.t.Helper()
	if err := p.store.Refresh(context.Background()); err != nil {
		p.t.Fatalf("refresh: %v", err)
	}
}

// goOffline stops the back office's server and lets the client find out
// on its next contact, as the sync loop's next refresh would.
func (p *parts) goOffline() {
	p.t.Helper()
	p.office.stop()
	if err := p.store.Refresh(context.Background()); !errors.Is(err, offline.ErrOffline) {
		p.t.Fatalf("refresh with the back office stopped: %v, want offline", err)
	}
	if p.client.Online() {
		p.t.Fatal("client online with the back office stopped")
	}
}

// goOnline starts the back office's server again on its address and
// makes contact.
func (p *parts) goOnline() {
	p.t.Helper()
	p.office.start()
	p.refresh()
	if !p.client.Online() {
		p.t.Fatal("client offline after a successful refresh")
	}
}

// paper sets the printer simulator's state.
func (p *parts) paper(st printersim.State) { p.printer.SetState(st) }

// card returns a card profile of the simulator.
func (p *parts) card(profile string) idcard.Card {
	p.t.Helper()
	pr, ok := p.cards.Profile(profile)
	if !ok {
		p.t.Fatalf("no card profile %s", profile)
	}
	return pr.Card
}

// idTail is the last four characters of a card profile's ID number.
func (p *parts) idTail(profile string) string {
	id := p.card(profile).IDNumber
	return id[len(id)-4:]
}

// place puts a card on the simulated reader.
func (p *parts) place(profile string) {
	p.t.Helper()
	if err := p.cards.Place(profile); err != nil {
		p.t.Fatal(err)
	}
}

// removeCard takes any card off the simulated reader and waits until the
// reader has noticed, so that placing the same card again is a new
// placement rather than the card still lying there.
func (p *parts) removeCard() {
	p.t.Helper()
	p.cards.Remove()
	deadline := time.Now().Add(5 * time.Second)
	for p.reader.hasCard() {
		if time.Now().After(deadline) {
			p.t.Fatal("the reader did not notice the card going")
		}
		time.Sleep(time.Millisecond)
	}
}

// scan sends a code from the scanner once a flow waits for one: the
// scanner hands a code only to those waiting when it arrives.
func (p *parts) scan(code string) {
	p.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		sc, err := p.set.ScannerDriver()
		if err == nil && sc.Status().Waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			p.t.Fatal("nobody waits for a scan")
		}
		time.Sleep(time.Millisecond)
	}
	if err := p.scanner.Scan(code); err != nil {
		p.t.Fatal(err)
	}
}

// book adds an appointment for a card holder to the back office, today at
// start, and brings it down to the kiosk.
func (p *parts) book(code, serviceID string, start time.Time, profile string) {
	p.t.Helper()
	c := p.card(profile)
	err := p.bo.AddAppointment(api.Appointment{
		Code: code, ServiceID: serviceID, Start: start, End: start.Add(30 * time.Minute),
		IDNumber: c.IDNumber, Name: c.Name,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	p.refresh()
}

// progressReceipt is an application's receipt number, and progressReady
// its status as the back office words it.
const (
	progressReceipt = "SB20261118-0042"
	progressReady   = "新卡已制好，可以领取"
)

// testProgress is an application ready to be collected.
func testProgress(receipt string) api.Progress {
	at := testStart.Add(-48 * time.Hour)
	return api.Progress{
		Receipt: receipt, ServiceID: "sb-card",
		Status: "ready", StatusMsg: api.Text{Zh: progressReady, En: "Your new card is ready"},
		Steps: []api.ProgressStep{
			{Name: api.Text{Zh: "受理", En: "Accepted"}, Done: true, At: &at},
			{Name: api.Text{Zh: "审核", En: "Reviewed"}, Done: true, At: &at},
			{Name: api.Text{Zh: "制卡", En: "Card made"}, Done: true, At: &at},
			{Name: api.Text{Zh: "领取", En: "Collected"}},
		},
		Pickup: api.Text{Zh: "凭身份证到 3 号窗口领取", En: "Collect at counter 3 with your ID card"},
	}
}

// putProgress stores an application at the back office for the holder of
// a card profile.
func (p *parts) putProgress(receipt, profile string) {
	p.t.Helper()
	if err := p.bo.PutProgress(testProgress(receipt), p.idTail(profile)); err != nil {
		p.t.Fatal(err)
	}
}

// records syncs the kiosk's outbox and returns the back office's records
// of one kind: what the kiosk committed and delivered.
func (p *parts) records(kind string) []api.Record {
	p.t.Helper()
	return synccheck.Records(p.t, p.store, p.bo, testKioskID, kind)
}

// payloads decodes the records of a kind into T.
func payloads[T any](p *parts, kind string) []T {
	p.t.Helper()
	var out []T
	for _, r := range p.records(kind) {
		var v T
		if err := json.Unmarshal(r.Payload, &v); err != nil {
			p.t.Fatalf("%s record: %v", kind, err)
		}
		out = append(out, v)
	}
	return out
}

// printed waits for the printer simulator to cut its next piece of paper
// and returns what was printed on it.
func (p *parts) printed() string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tk, err := p.printer.WaitTicket(ctx)
	if err != nil {
		p.t.Fatalf("nothing printed: %v", err)
	}
	return tk.Text
}

// cuts is how many pieces of paper the printer simulator has cut.
func (p *parts) cuts() int { return p.printer.Printed() }

// storeHook passes every call to the real store; a test can run code right
// after a ticket is committed, to pull the printer's paper at the worst
// moment, between the flow's status check and the print, as the hardware
// can.
type storeHook struct {
	*offline.Store
	mu          sync.Mutex
	afterCommit func()
}

func (h *storeHook) IssueTicket(ctx context.Context, r offline.TicketRequest) (*offline.Ticket, error) {
	t, err := h.Store.IssueTicket(ctx, r)
	h.committed(err)
	return t, err
}

func (h *storeHook) CheckIn(ctx context.Context, r offline.CheckInRequest) (*offline.Ticket, error) {
	t, err := h.Store.CheckIn(ctx, r)
	h.committed(err)
	return t, err
}

func (h *storeHook) committed(err error) {
	h.mu.Lock()
	fn := h.afterCommit
	h.mu.Unlock()
	if err == nil && fn != nil {
		fn()
	}
}

func (h *storeHook) setAfterCommit(fn func()) {
	h.mu.Lock()
	h.afterCommit = fn
	h.mu.Unlock()
}

// officeServer serves the back office over HTTP on a loopback port with
// the back office's own server settings. stop takes it off the network
// (the kiosk's connections are refused); start brings it back on the same
// address. While failing is set it answers every request with a 500, as a
// back office does whose application server has failed behind its proxy:
// the reference back office has no switch for that, so a handler in front
// of it gives the answer.
type officeServer struct {
	t  testing.TB
	bo *backoffice.Server

	mu      sync.Mutex
	addr    string
	srv     *http.Server
	served  chan struct{}
	failing bool
}

func (o *officeServer) start() {
	o.t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.srv != nil {
		return
	}
	addr := o.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		o.t.Fatalf("back office listen on %s: %v", addr, err)
	}
	o.addr = ln.Addr().String()
	o.srv = o.bo.HTTPServer(o.addr)
	o.srv.Handler = o.front(o.srv.Handler)
	o.served = make(chan struct{})
	go func(srv *http.Server, done chan struct{}) {
		defer close(done)
		srv.Serve(ln)
	}(o.srv, o.served)
}

func (o *officeServer) stop() {
	o.mu.Lock()
	srv, served := o.srv, o.served
	o.srv = nil
	o.mu.Unlock()
	if srv == nil {
		return
	}
	srv.Close() // closes the listener and every open connection
	<-served
}

// fail makes the back office answer 500 (true) or work again (false).
func (o *officeServer) fail(on bool) {
	o.mu.Lock()
	o.failing = on
	o.mu.Unlock()
}

func (o *officeServer) front(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		failing := o.failing
		o.mu.Unlock()
		if failing {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			json.NewEncoder(w).Encode(api.ErrorBody{Error: api.ErrorDetail{Code: "internal", Message: "internal error"}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// maskedID is an ID number as flow masks it for the screen and the ticket.
func maskedID(id string) string {
	return id[:6] + strings.Repeat("*", len(id)-10) + id[len(id)-4:]
}
