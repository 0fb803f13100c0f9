package diag

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/metrics"
	"hallkiosk/offline"
)

// TestHealthEndpoint is the acceptance test of the health endpoint: real
// tickets through a real store, printed by the real ESC/POS driver on the
// printer simulator, a print failure (paper out), a check-in, a card read
// through the reader simulator and a sync to a real back office; then
// /metrics and /status are read over HTTP on loopback and their numbers
// checked.
func TestHealthEndpoint(t *testing.T) {
	var m *Metrics
	syncEvents := make(chan offline.SyncEvent, 16)
	env := newHallEnv(t, envOptions{onSync: func(ev offline.SyncEvent) {
		m.OnSyncEvent(ev)
		select {
		case syncEvents <- ev:
		default:
		}
	}})
	ctx := ctxT(t)
	reg := metrics.New()
	m = NewMetrics(reg, env.store, env.set, MetricsOptions{Clock: env.clk, Started: t0.Add(-time.Hour), Version: "test-1.0", KioskID: testKioskID})
	store := NewCountingStore(env.store, m)
	cards := NewCountingCardReader(env.set.CardFront(), m)
	printer := env.set.PrinterFront()
	sims := env.set.Sims()

	// Three walk-in tickets; the third finds the printer out of paper.
	for i := range 3 {
		tk, err := store.IssueTicket(ctx, offline.TicketRequest{ServiceID: "svc-a"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			sims.Printer.SetState(printersim.State{PaperOut: true})
		}
		err = printTicket(ctx, printer.PrintTicket, escpos.Ticket{Hall: "测试大厅", Service: "甲", Number: tk.Number, IssuedAt: tk.IssuedAt})
		switch {
		case i < 2 && err != nil:
			t.Fatalf("ticket %d: %v", i, err)
		case i == 2 && !errors.Is(err, escpos.ErrPaperEnd):
			t.Fatalf("ticket without paper: %v", err)
		case i == 2:
			if err := store.RecordPrintFailure(ctx, tk, err.Error()); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Paper back in. The gauges read the printer's last status, which the
	// next ticket (here its Ready check) refreshes.
	sims.Printer.SetState(printersim.State{})
	if err := printTicket(ctx, func(ctx context.Context, _ escpos.Ticket) error { return printer.Ready(ctx) }, escpos.Ticket{}); err != nil {
		t.Fatal(err)
	}
	// A check-in, and the card read that found the appointment.
	if err := env.bo.AddAppointment(api.Appointment{Code: "AP-7", ServiceID: "svc-b", Start: t0.Add(10 * time.Minute),
		End: t0.Add(40 * time.Minute), IDNumber: "11010119880314001X", Name: "王喆"}); err != nil {
		t.Fatal(err)
	}
	if err := env.store.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sims.IDCard.Place("resident-wangzhe"); err != nil {
		t.Fatal(err)
	}
	card, err := cards.WaitCard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CheckIn(ctx, offline.CheckInRequest{Code: "AP-7", Method: "id_card", IDNumber: card.IDNumber}); err != nil {
		t.Fatal(err)
	}
	card.Clear()

	hs := httptest.NewServer(m.Handler()) // 127.0.0.1: loopback, as metrics.Serve requires
	t.Cleanup(hs.Close)
	env.clk.Advance(90 * time.Second)

	before := scrape(t, hs.URL)
	if before[MetricSyncPending] < 6 || before[MetricSyncOldest] != 90 || before[MetricSyncLastSuccess] != 0 {
		t.Fatalf("before the sync: pending %v, oldest %v s, last sync %v",
			before[MetricSyncPending], before[MetricSyncOldest], before[MetricSyncLastSuccess])
	}

	// The technician's "sync now", timed, then the sync loop's first round.
	opts := env.options(t, clock.NewFake(time.Now()), writeConfig(t, env.cfg))
	opts.Metrics = m
	opts.Config.Diag.PINHash = testHash()
	g := openGate(t, opts)
	s := enter(t, g, testPIN)
	res, err := s.ForceSync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	loopCtx, stop := context.WithCancel(ctx)
	loopDone := make(chan error, 1)
	go func() { loopDone <- env.store.RunSync(loopCtx) }()
	select {
	case ev := <-syncEvents:
		if ev.Err != nil {
			t.Fatalf("sync loop: %v", ev.Err)
		}
	case <-ctx.Done():
		t.Fatal("the sync loop reported nothing")
	}
	stop()
	<-loopDone

	got := scrape(t, hs.URL)
	want := map[string]float64{
		MetricUp:                     1,
		MetricUptime:                 3690, // started an hour before t0, 90 s later
		MetricTicketsIssued:          4,    // 3 walk-ins and the check-in's ticket
		MetricCheckIns:               1,
		MetricPrintFailures:          1,
		MetricCardReads:              1,
		MetricSyncPending:            0,
		MetricSyncDeadLetters:        0,
		MetricSyncOldest:             0,
		MetricSyncOnline:             1,
		MetricDBIntegrityOK:          1,
		MetricAlarms:                 0,
		MetricPrinterConnected:       1,
		MetricIDCardConnected:        1,
		MetricScannerConnected:       1,
		MetricSyncLatency + "_count": 2, // the forced sync, and the loop's batch carrying the "force sync" audit record
		MetricSyncAcknowledged:       float64(res.Acknowledged),
		MetricSyncFailures:           0,
		MetricPaperNearEnd:           0,
		MetricPrinterStatusFault:     0,
	}
	for name, w := range want {
		if v, ok := got[name]; !ok || v != w {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, w)
		}
	}
	if got[MetricSyncAttempts] < 2 || got[MetricDBBytes] <= 0 || got[MetricPaperLeftMM] >= escpos.DefaultRollMM ||
		got[MetricSyncLastSuccess] != float64(t0.Add(90*time.Second).Unix()) {
		t.Errorf("attempts %v, db bytes %v, paper left %v mm, last sync %v", got[MetricSyncAttempts], got[MetricDBBytes],
			got[MetricPaperLeftMM], got[MetricSyncLastSuccess])
	}
	if res.Acknowledged < 7 || res.Sent != res.Acknowledged {
		t.Errorf("sync result %+v", res)
	}

	var doc StatusDoc
	body := get(t, hs.URL+"/status")
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("status: %v\n%s", err, body)
	}
	if doc.KioskID != testKioskID || doc.Version != "test-1.0" || !doc.Health.OK || !doc.Health.IntegrityOK ||
		doc.Sync.Pending != 0 || doc.Sync.LastSync.IsZero() || !doc.Sync.Online || len(doc.Devices) != 3 {
		t.Fatalf("status document %s", body)
	}
	if !doc.Devices[0].Connected || doc.Devices[0].Printer == nil || doc.Devices[0].Printer.Paper == nil {
		t.Fatalf("printer in the status %+v", doc.Devices[0])
	}
	if doc.Metrics[MetricTicketsIssued] != 4 {
		t.Fatalf("status metrics %v", doc.Metrics)
	}
	for _, secret := range []string{"11010119880314001X", "王喆", testToken} {
		if strings.Contains(string(body), secret) {
			t.Errorf("status shows %q", secret)
		}
	}
	if b := get(t, hs.URL+"/healthz"); !strings.Contains(string(b), `"ok"`) {
		t.Fatalf("healthz %s", b)
	}
}

// printTicket prints, retrying only when the simulator missed the driver's
// status deadline on a loaded machine (see printTest).
func printTicket(ctx context.Context, print func(context.Context, escpos.Ticket) error, tk escpos.Ticket) error {
	var err error
	for range 3 {
		if err = print(ctx, tk); err == nil || !errors.Is(err, escpos.ErrNotResponding) {
			return err
		}
	}
	return err
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return b
}

func scrape(t *testing.T, base string) map[string]float64 {
	t.Helper()
	vals, err := metrics.ParseText(string(get(t, base+"/metrics")))
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

// A nil *Metrics counts nothing and breaks nothing; ReaderEvent counts
// failed reads only (successful ones are counted where a flow takes them).
func TestReaderEventsAndNilMetrics(t *testing.T) {
	var nilM *Metrics
	nilM.OnSyncEvent(offline.SyncEvent{Sent: 1})
	nilM.ObserveSyncLatency(time.Second)
	nilM.ReaderEvent(idcard.Event{Kind: idcard.EventReadFailed})

	reg := metrics.New()
	m := NewMetrics(reg, nil, nil, MetricsOptions{Clock: clock.NewFake(t0)})
	for _, k := range []idcard.EventKind{idcard.EventReading, idcard.EventReadFailed, idcard.EventCardRead, idcard.EventReadFailed} {
		m.ReaderEvent(idcard.Event{Kind: k})
	}
	snap := reg.Snapshot()
	if snap[MetricCardReadFailures] != 2 || snap[MetricCardReads] != 0 || snap[MetricUp] != 1 || snap[MetricSyncPending] != 0 {
		t.Fatalf("snapshot %v", snap)
	}
	doc := m.Status(context.Background()).(StatusDoc)
	if doc.Health.IntegrityCheck != "no store" || doc.Devices == nil || doc.Health.Alarms == nil {
		t.Fatalf("status without store and devices %+v", doc)
	}
}
