package flow

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/scanner"
	"hallkiosk/devices/serial"
	"hallkiosk/devices/sim/idcardsim"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/devices/sim/scannersim"
	"hallkiosk/internal/synccheck"
	"hallkiosk/offline"
)

// The rig wires the real parts: the offline store (SQLite in t.TempDir),
// the reference back office over HTTP (httptest), and the real drivers —
// escpos printer, idcard reader, scanner — through the real serial port
// onto the simulators' pseudo-terminals. Only time is fake: the flows,
// the store and the back office share one clock.Fake, so business dates,
// opening hours, check-in windows and every timeout are driven by the test.
// The drivers keep the wall clock for their byte-level timeouts, which are
// real I/O on a pseudo-terminal.

const (
	kioskID     = "kiosk-07"
	kioskNumber = 7
	kioskToken  = "tok-kiosk-07"
)

// thursday10 is Thursday 14 May 2026, 10:00 in the hall: open.
var thursday10 = at("2026-05-14", "10:00")

type rigOpts struct {
	// offline: the store has no back-office client at all.
	offline bool
	// start is the fake clock's start (default thursday10).
	start time.Time
	// catalog replaces testCatalog.
	catalog *api.Catalog
	// storeDir is where the SQLite file goes (default t.TempDir()).
	storeDir string
	// noDevices leaves out the printer, reader and scanner.
	noDevices bool
}

type rig struct {
	t   testing.TB
	clk *clock.Fake
	cat *api.Catalog

	bo      *backoffice.Server
	srv     *httptest.Server
	gate    *gate
	client  *offline.Client
	store   *offline.Store
	hook    *storeHook
	session *Session
	sessW   *watcher[SessionSnapshot]

	psim    *printersim.Sim
	printer *escpos.Printer
	csim    *idcardsim.Sim
	reader  *idcard.Reader
	removed chan struct{} // the reader saw the card go
	ssim    *scannersim.Sim
	scan    *scanner.Scanner

	env  Env
	logs *logBook // what the flows logged (Env.Log)
}

// gate stands between the client and the back office like a network: it
// can be cut (the kiosk is offline) or made to hold requests (a slow back
// office), or to answer 500 (a failing one).
type gate struct {
	mu    sync.Mutex
	down  bool
	fail  bool
	hold  chan struct{} // non-nil: progress requests wait for it
	inner http.Handler
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	down, fail, hold := g.down, g.fail, g.hold
	g.mu.Unlock()
	switch {
	case down:
		// Hang up without an answer, as a dead link does.
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
		w.WriteHeader(http.StatusBadGateway)
		return
	case fail:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"error":{"code":"internal","message":"test failure"}}`))
		return
	case hold != nil && len(r.URL.Path) > len("/v1/progress/") && r.URL.Path[:len("/v1/progress/")] == "/v1/progress/":
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	g.inner.ServeHTTP(w, r)
}

func (g *gate) set(fn func(g *gate)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	fn(g)
}

// storeHook passes every call to the real store; a test can run code right
// after a commit — to pull the printer's paper at the worst moment, as the
// hardware can.
type storeHook struct {
	*offline.Store
	mu          sync.Mutex
	afterIssue  func()
	issueCalls  int
	checkInCall int
}

func (h *storeHook) IssueTicket(ctx context.Context, r offline.TicketRequest) (*offline.Ticket, error) {
	t, err := h.Store.IssueTicket(ctx, r)
	h.mu.Lock()
	h.issueCalls++
	fn := h.afterIssue
	h.mu.Unlock()
	if err == nil && fn != nil {
		fn()
	}
	return t, err
}

func (h *storeHook) CheckIn(ctx context.Context, r offline.CheckInRequest) (*offline.Ticket, error) {
	t, err := h.Store.CheckIn(ctx, r)
	h.mu.Lock()
	h.checkInCall++
	fn := h.afterIssue
	h.mu.Unlock()
	if err == nil && fn != nil {
		fn()
	}
	return t, err
}

func (h *storeHook) setAfterIssue(fn func()) {
	h.mu.Lock()
	h.afterIssue = fn
	h.mu.Unlock()
}

func (h *storeHook) calls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.issueCalls + h.checkInCall
}

func newRig(t testing.TB, o rigOpts) *rig {
	t.Helper()
	if o.start.IsZero() {
		o.start = thursday10
	}
	if o.catalog == nil {
		o.catalog = testCatalog()
	}
	if o.storeDir == "" {
		o.storeDir = t.TempDir()
	}
	catJSON, err := json.Marshal(o.catalog)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, clk: clock.NewFake(o.start), cat: o.catalog}
	ctx := context.Background()

	if !o.offline {
		r.bo, err = backoffice.Open(backoffice.Options{
			DBPath:  filepath.Join(t.TempDir(), "backoffice.db"),
			Tokens:  map[string]string{kioskToken: kioskID},
			Catalog: catJSON, Clock: r.clk,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.bo.Close() })
		r.gate = &gate{inner: r.bo.Handler()}
		r.srv = httptest.NewServer(r.gate)
		t.Cleanup(r.srv.Close)
		r.client, err = offline.NewClient(offline.ClientOptions{
			BaseURL: r.srv.URL, AllowInsecureHTTP: true, Token: kioskToken, KioskID: kioskID,
			Clock: r.clk,
			// Longer than the flows' own timeouts, so that a test that
			// advances the fake clock past a flow's timeout sees the
			// flow's verdict, not the client's.
			Timeout: time.Minute, TicketTimeout: time.Minute, QueryTimeout: time.Minute,
			Logger: discardLogger(),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	r.store, err = offline.Open(offline.Options{
		Path: filepath.Join(o.storeDir, "kiosk.db"), KioskID: kioskID, KioskNumber: kioskNumber,
		Key: bytes.Repeat([]byte{7}, 32), Client: r.client, Clock: r.clk, SeedCatalog: catJSON,
		Logger: discardLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.store.Close() })
	if r.client != nil {
		// First contact: the catalog and today's appointments come down
		// and the client knows the back office is reachable.
		if err := r.store.Refresh(ctx); err != nil {
			t.Fatalf("refresh: %v", err)
		}
	}
	r.hook = &storeHook{Store: r.store}

	r.logs = &logBook{}
	r.env = Env{Store: r.hook, Clock: r.clk, Log: slog.New(slog.NewJSONHandler(r.logs, nil))}
	if r.client != nil {
		r.env.BackOffice = r.client
	}
	if !o.noDevices {
		r.startPrinter()
		r.startReader()
		r.startScanner()
	}
	// The session follows the reader as cmd/kiosk wires it.
	r.sessW = newWatcher[SessionSnapshot](t)
	r.session = NewSession(SessionOptions{Clock: r.clk, OnChange: r.sessW.fn, Cards: r.env.Cards})
	t.Cleanup(r.session.Close)
	r.env.Session = r.session
	return r
}

func openPort(t testing.TB, name, path string, baud int) *serial.Port {
	t.Helper()
	p, err := serial.Open(serial.Config{Name: name, Path: path, Baud: baud})
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func (r *rig) startPrinter() {
	var err error
	r.psim, err = printersim.Start(printersim.Opts{Dir: filepath.Join(r.t.TempDir(), "paper")})
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { r.psim.Close() })
	// The status timeout is the driver's real-time wait for a DLE EOT
	// reply; a loaded CI machine running the race detector next to the
	// simulator's PNG renderer needs more than the hardware's 400 ms.
	r.printer = escpos.NewPrinter(openPort(r.t, "printer", r.psim.Path(), 115200), escpos.Opts{StatusTimeout: 3 * time.Second})
	r.env.Printer = r.printer
}

func (r *rig) startReader() {
	var err error
	r.csim, err = idcardsim.Start(idcardsim.Opts{})
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { r.csim.Close() })
	r.removed = make(chan struct{}, 16)
	r.reader = idcard.New(openPort(r.t, "idcard", r.csim.Path(), 115200), idcard.Opts{
		PollInterval: idcard.MinPollInterval,
		OnEvent: func(e idcard.Event) {
			if e.Kind == idcard.EventCardRemoved {
				select {
				case r.removed <- struct{}{}:
				default:
				}
			}
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.reader.Run(ctx); close(done) }()
	r.t.Cleanup(func() { cancel(); r.reader.Close(); <-done })
	r.env.Cards = r.reader
}

func (r *rig) startScanner() {
	var err error
	r.ssim, err = scannersim.Start()
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { r.ssim.Close() })
	r.scan = scanner.New(openPort(r.t, "scanner", r.ssim.Path(), 9600), scanner.Opts{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.scan.Run(ctx); close(done) }()
	r.t.Cleanup(func() { cancel(); <-done })
	r.env.Scanner = r.scan
}

// scanCode sends a code from the scanner once a flow is waiting for one:
// a scanner hands a code only to those waiting when it arrives.
func (r *rig) scanCode(code string) {
	r.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for r.scan.Status().Waiting == 0 {
		if time.Now().After(deadline) {
			r.t.Fatal("nobody waits for a scan")
		}
		time.Sleep(time.Millisecond)
	}
	if err := r.ssim.Scan(code); err != nil {
		r.t.Fatal(err)
	}
}

// place puts a card profile on the reader.
func (r *rig) place(profile string) {
	r.t.Helper()
	if err := r.csim.Place(profile); err != nil {
		r.t.Fatal(err)
	}
}

// removeCard takes the card off and waits until the reader has noticed, so
// that placing it again is a new placement.
func (r *rig) removeCard() {
	r.t.Helper()
	r.csim.Remove()
	select {
	case <-r.removed:
	case <-time.After(waitLimit):
		r.t.Fatal("the reader did not notice the card going")
	}
}

// paper sets the simulated printer's state.
func (r *rig) paper(st printersim.State) { r.psim.SetState(st) }

// nextTicket waits for the simulated printer to cut the next ticket.
func (r *rig) nextTicket() printersim.Ticket {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	tk, err := r.psim.WaitTicket(ctx)
	if err != nil {
		r.t.Fatalf("no ticket printed: %v", err)
	}
	return tk
}

// printed reports how many tickets the simulated printer has cut.
func (r *rig) printed() int { return r.psim.Printed() }

// records syncs the kiosk's outbox to the back office and returns the
// records of a kind it holds.
func (r *rig) records(kind string) []api.Record {
	r.t.Helper()
	return synccheck.Records(r.t, r.store, r.bo, kioskID, kind)
}

// goOffline cuts the network between kiosk and back office and lets the
// client notice, as its next contact would.
func (r *rig) goOffline() {
	r.t.Helper()
	r.gate.set(func(g *gate) { g.down = true })
	r.store.Refresh(context.Background()) // fails; the client marks itself offline
	if r.client.Online() {
		r.t.Fatal("client still online with the network cut")
	}
}

// book adds an appointment of today at hh:mm to the back office and brings
// it down to the kiosk's cache.
func (r *rig) book(code, serviceID, hhmm, profile string) {
	r.t.Helper()
	p, ok := r.csim.Profile(profile)
	if !ok {
		r.t.Fatalf("no profile %s", profile)
	}
	start := at(r.clk.Now().In(shanghai).Format(time.DateOnly), hhmm)
	err := r.bo.AddAppointment(api.Appointment{
		Code: code, ServiceID: serviceID, Start: start, End: start.Add(30 * time.Minute),
		IDNumber: p.Card.IDNumber, Name: p.Card.Name,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.store.Refresh(context.Background()); err != nil {
		r.t.Fatalf("refresh: %v", err)
	}
}

// advance moves the fake clock once a timer is armed.
func (r *rig) advance(d time.Duration) {
	r.t.Helper()
	if !r.clk.WaitPending(1, waitLimit) {
		r.t.Fatal("no timer armed")
	}
	r.clk.Advance(d)
}

// testText are the printout words a UI would pass in (flow holds none).
func testText(lang string) PrintText {
	if lang == LangEn {
		return PrintText{
			Labels: escpos.TicketLabels{Title: "Queue ticket", PeopleAhead: "Ahead", PeopleUnit: "", EstWait: "Wait",
				Minutes: "min", Unknown: "updated when online", Time: "Time", ID: "ID", Counters: "Counters",
				Materials: "Bring", Offline: "Offline", Priority: "Appointment", ScanHint: "Scan to rate"},
			Words:  PrintWords{Original: "original", Copies: "copies", IfAny: "(if any)"},
			Footer: []string{"Hotline 12345"},
		}
	}
	return PrintText{
		Words:  PrintWords{Original: "原件", Copies: "复印件", IfAny: "(如有)"},
		Footer: []string{"过号请重新取号", "服务热线 12345"},
	}
}
