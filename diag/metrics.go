package diag

import (
	"context"
	"errors"
	"net/http"
	"time"

	"hallkiosk/clock"
	"hallkiosk/devices"
	"hallkiosk/devices/idcard"
	"hallkiosk/flow"
	"hallkiosk/metrics"
	"hallkiosk/offline"
)

// Metric names, for dashboards and alert rules.
const (
	MetricUp                 = "kiosk_up"
	MetricUptime             = "kiosk_uptime_seconds"
	MetricTicketsIssued      = "kiosk_tickets_issued_total"
	MetricCheckIns           = "kiosk_checkins_total"
	MetricPrintFailures      = "kiosk_print_failures_total"
	MetricCardReads          = "kiosk_card_reads_total"
	MetricCardReadFailures   = "kiosk_card_read_failures_total"
	MetricSyncPending        = "kiosk_sync_pending"
	MetricSyncDeadLetters    = "kiosk_sync_dead_letters"
	MetricSyncOldest         = "kiosk_sync_oldest_unsynced_seconds"
	MetricSyncLastSuccess    = "kiosk_sync_last_success_timestamp_seconds"
	MetricSyncOnline         = "kiosk_sync_online"
	MetricSyncLatency        = "kiosk_sync_latency_seconds"
	MetricSyncAttempts       = "kiosk_sync_attempts_total"
	MetricSyncFailures       = "kiosk_sync_failures_total"
	MetricSyncAcknowledged   = "kiosk_sync_records_acknowledged_total"
	MetricDBBytes            = "kiosk_db_bytes"
	MetricDBIntegrityOK      = "kiosk_db_integrity_ok"
	MetricAlarms             = "kiosk_alarms"
	MetricPrinterConnected   = "kiosk_printer_connected"
	MetricIDCardConnected    = "kiosk_idcard_connected"
	MetricScannerConnected   = "kiosk_scanner_connected"
	MetricPaperLeftMM        = "kiosk_paper_left_mm"
	MetricPaperNearEnd       = "kiosk_paper_near_end"
	MetricPrinterStatusFault = "kiosk_printer_not_ready"
)

// syncLatencyBounds are the histogram's buckets in seconds: a healthy batch
// on a hall LAN takes tens of milliseconds, a slow 4G link seconds, and the
// client's timeout is 30 s.
var syncLatencyBounds = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// MetricsOptions are the parts of the status document that do not come
// from the store or the devices.
type MetricsOptions struct {
	Clock   clock.Clock
	Started time.Time
	Version string
	KioskID string
}

// Metrics counts the kiosk's transactions and reads the store's and the
// devices' state at scrape time, for the loopback health endpoint
// (metrics.Handler) and the diagnostics bundle. A nil *Metrics is valid and
// counts nothing, so wiring without metrics needs no special case.
type Metrics struct {
	reg   *metrics.Registry
	store *offline.Store
	set   *devices.Set
	o     MetricsOptions
	clk   clock.Clock

	tickets, checkIns, printFailures      *metrics.Counter
	cardReads, cardReadFailures           *metrics.Counter
	syncAttempts, syncFailures, syncAcked *metrics.Counter
	syncLatency                           *metrics.Histogram
}

// NewMetrics registers the kiosk's metrics in reg. store and set may be nil
// (their gauges then read 0).
//
// Wiring, in outline (the store's OnEvent must exist before the store
// opens, and the metrics need the store, so the hook goes through a
// variable assigned before the sync loop starts):
//
//	var m *diag.Metrics
//	store, _ := offline.Open(offline.Options{…, Sync: offline.SyncOptions{OnEvent: func(ev offline.SyncEvent) { m.OnSyncEvent(ev) }}})
//	set, _ := devices.Open(devices.Options{…, ReaderEvents: func(ev idcard.Event) { m.ReaderEvent(ev) }})
//	m = diag.NewMetrics(reg, store, set, diag.MetricsOptions{…})
//	go store.RunSync(ctx)
//	env.Store = diag.NewCountingStore(store, m)
//	env.Cards = diag.NewCountingCardReader(set.CardFront(), m)
//	go metrics.Serve(ctx, cfg.Diag.HealthAddr, m.Handler())
func NewMetrics(reg *metrics.Registry, store *offline.Store, set *devices.Set, o MetricsOptions) *Metrics {
	m := &Metrics{reg: reg, store: store, set: set, o: o, clk: clock.Or(o.Clock)}
	if m.o.Started.IsZero() {
		m.o.Started = m.clk.Now()
	}
	m.tickets = reg.Counter(MetricTicketsIssued, "Queue tickets issued (walk-in and appointment check-in), committed to the store.")
	m.checkIns = reg.Counter(MetricCheckIns, "Appointments checked in.")
	m.printFailures = reg.Counter(MetricPrintFailures, "Tickets whose paper did not come out.")
	m.cardReads = reg.Counter(MetricCardReads, "Identity cards read and handed to a transaction.")
	m.cardReadFailures = reg.Counter(MetricCardReadFailures, "Placed cards the reader could not read.")
	m.syncAttempts = reg.Counter(MetricSyncAttempts, "Sync attempts of the sync loop.")
	m.syncFailures = reg.Counter(MetricSyncFailures, "Sync attempts that failed (network, back office, storage).")
	m.syncAcked = reg.Counter(MetricSyncAcknowledged, "Records the back office acknowledged.")
	m.syncLatency = reg.Histogram(MetricSyncLatency, "Duration of one sync batch (POST /v1/sync and its bookkeeping).", syncLatencyBounds)

	health := func(f func(offline.Health) float64) func() float64 {
		return func() float64 {
			if m.store == nil {
				return 0
			}
			return f(m.store.Health(context.Background()))
		}
	}
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	reg.GaugeFunc(MetricUp, "1 while the kiosk program runs.", func() float64 { return 1 })
	reg.GaugeFunc(MetricUptime, "Seconds since the kiosk program started.", func() float64 { return m.clk.Now().Sub(m.o.Started).Seconds() })
	reg.GaugeFunc(MetricSyncPending, "Records waiting for the back office.", health(func(h offline.Health) float64 { return float64(h.Pending) }))
	reg.GaugeFunc(MetricSyncDeadLetters, "Records the back office rejected for good.", health(func(h offline.Health) float64 { return float64(h.DeadLetters) }))
	reg.GaugeFunc(MetricSyncOldest, "Age of the oldest record not yet acknowledged.", health(func(h offline.Health) float64 { return h.OldestPending.Seconds() }))
	reg.GaugeFunc(MetricSyncLastSuccess, "Unix time of the last batch the back office acknowledged (0: never).", health(func(h offline.Health) float64 {
		if h.LastSync.IsZero() {
			return 0
		}
		return float64(h.LastSync.UnixNano()) / 1e9
	}))
	reg.GaugeFunc(MetricSyncOnline, "1 when the last contact with the back office got an answer.", health(func(h offline.Health) float64 { return b(h.Online) }))
	reg.GaugeFunc(MetricDBBytes, "Size of the database and its WAL.", health(func(h offline.Health) float64 { return float64(h.DBBytes) }))
	reg.GaugeFunc(MetricDBIntegrityOK, "1 when the database passed its integrity check.", health(func(h offline.Health) float64 { return b(h.IntegrityOK) }))
	reg.GaugeFunc(MetricAlarms, "Number of store alarms raised.", health(func(h offline.Health) float64 { return float64(len(h.Alarms)) }))
	connected := func(k devices.Kind) func() float64 {
		return func() float64 {
			if m.set == nil {
				return 0
			}
			return b(m.set.Info(k).Connected)
		}
	}
	reg.GaugeFunc(MetricPrinterConnected, "1 when the printer's port is open.", connected(devices.Printer))
	reg.GaugeFunc(MetricIDCardConnected, "1 when the ID reader's port is open.", connected(devices.IDCard))
	reg.GaugeFunc(MetricScannerConnected, "1 when the scanner's port is open.", connected(devices.Scanner))
	reg.GaugeFunc(MetricPaperLeftMM, "Paper left on the roll by the software counter, in mm.", func() float64 {
		if m.set == nil || m.set.Paper() == nil {
			return 0
		}
		return m.set.Paper().Left()
	})
	reg.GaugeFunc(MetricPaperNearEnd, "1 when the paper is near its end (sensor or counter).", func() float64 {
		if m.set == nil {
			return 0
		}
		p, err := m.set.PrinterDriver()
		return b(err == nil && p.NearEnd())
	})
	reg.GaugeFunc(MetricPrinterStatusFault, "1 when the printer's last status refused printing (paper end, cover open …).", func() float64 {
		if m.set == nil {
			return 0
		}
		p, err := m.set.PrinterDriver()
		if errors.Is(err, devices.ErrAbsent) {
			return 0
		}
		if err != nil {
			return 1
		}
		st, at, err := p.LastStatus()
		return b(!at.IsZero() && (err != nil || st.Err() != nil))
	})
	return m
}

// Registry returns the registry the metrics live in.
func (m *Metrics) Registry() *metrics.Registry { return m.reg }

// Handler serves /metrics, /status (Status) and /healthz.
func (m *Metrics) Handler() http.Handler { return metrics.Handler(m.reg, m.Status) }

// OnSyncEvent counts the sync loop's attempts; give it to
// offline.SyncOptions.OnEvent. offline.SyncEvent carries no duration, so the
// loop's batches do not reach kiosk_sync_latency_seconds (see TimeSync).
func (m *Metrics) OnSyncEvent(ev offline.SyncEvent) {
	if m == nil {
		return
	}
	m.syncAttempts.Inc()
	if ev.Err != nil {
		m.syncFailures.Inc()
	}
	m.syncAcked.Add(uint64(max(ev.Acknowledged, 0)))
	// Latency of batches that carried records: an idle poll that sent
	// nothing says nothing about how long a sync takes.
	if ev.Sent > 0 && ev.Err == nil {
		m.syncLatency.Observe(ev.Took.Seconds())
	}
}

// ObserveSyncLatency records the duration of one sync batch.
func (m *Metrics) ObserveSyncLatency(d time.Duration) {
	if m == nil {
		return
	}
	m.syncLatency.Observe(d.Seconds())
}

// TimeSync runs st.SyncOnce and records its duration (when it sent
// something) and outcome. The technician's "sync now" goes through it.
// It works on a nil *Metrics too.
func (m *Metrics) TimeSync(ctx context.Context, st *offline.Store) (offline.SyncResult, error) {
	clk := clock.Clock(clock.Real{})
	if m != nil {
		clk = m.clk
	}
	start := clk.Now()
	res, err := st.SyncOnce(ctx)
	if m != nil && (res.Sent > 0 || err != nil) {
		m.ObserveSyncLatency(clk.Now().Sub(start))
		m.OnSyncEvent(offline.SyncEvent{Sent: res.Sent, Acknowledged: res.Acknowledged, Rejected: res.Rejected, Dead: res.Dead, Err: err})
	}
	return res, err
}

// ReaderEvent counts failed card reads; give it to
// devices.Options.ReaderEvents. Successful reads are counted where a
// transaction takes the card (CountingCardReader), so a technician's test
// read is not a citizen's.
func (m *Metrics) ReaderEvent(ev idcard.Event) {
	if m == nil {
		return
	}
	if ev.Kind == idcard.EventReadFailed {
		m.cardReadFailures.Inc()
	}
}

// CountingStore is a flow.Store that counts issued tickets, check-ins and
// print failures. Every other method passes through.
type CountingStore struct {
	flow.Store
	m *Metrics
}

// NewCountingStore wraps s.
func NewCountingStore(s flow.Store, m *Metrics) *CountingStore { return &CountingStore{Store: s, m: m} }

// IssueTicket counts a committed ticket.
func (c *CountingStore) IssueTicket(ctx context.Context, r offline.TicketRequest) (*offline.Ticket, error) {
	t, err := c.Store.IssueTicket(ctx, r)
	if err == nil && c.m != nil {
		c.m.tickets.Inc()
	}
	return t, err
}

// CheckIn counts a check-in and the priority ticket it issues.
func (c *CountingStore) CheckIn(ctx context.Context, r offline.CheckInRequest) (*offline.Ticket, error) {
	t, err := c.Store.CheckIn(ctx, r)
	if err == nil && c.m != nil {
		c.m.checkIns.Inc()
		c.m.tickets.Inc()
	}
	return t, err
}

// RecordPrintFailure counts a ticket whose paper did not come out, whether
// or not recording it succeeded (the failure happened either way).
func (c *CountingStore) RecordPrintFailure(ctx context.Context, t *offline.Ticket, reason string) error {
	if c.m != nil {
		c.m.printFailures.Inc()
	}
	return c.Store.RecordPrintFailure(ctx, t, reason)
}

// CountingCardReader is a flow.CardReader that counts the cards it hands to
// transactions.
type CountingCardReader struct {
	flow.CardReader
	m *Metrics
}

// NewCountingCardReader wraps r.
func NewCountingCardReader(r flow.CardReader, m *Metrics) *CountingCardReader {
	return &CountingCardReader{CardReader: r, m: m}
}

// WaitCard counts a card handed out (also one whose check digit is wrong:
// the reader read it).
func (c *CountingCardReader) WaitCard(ctx context.Context) (*idcard.Card, error) {
	card, err := c.CardReader.WaitCard(ctx)
	if card != nil && c.m != nil {
		c.m.cardReads.Inc()
	}
	return card, err
}

// StatusDoc is the /status document: health, devices and sync, and every
// metric's value. It holds no personal data.
type StatusDoc struct {
	KioskID       string             `json:"kiosk_id"`
	Version       string             `json:"version"`
	Now           time.Time          `json:"now"`
	UptimeSeconds float64            `json:"uptime_seconds"`
	Health        StatusHealth       `json:"health"`
	Sync          StatusSync         `json:"sync"`
	Devices       []DeviceView       `json:"devices"`
	Metrics       map[string]float64 `json:"metrics"`
}

// StatusHealth is the store's health in the status document.
type StatusHealth struct {
	OK             bool     `json:"ok"` // no alarms, integrity fine
	IntegrityOK    bool     `json:"integrity_ok"`
	IntegrityCheck string   `json:"integrity_check"`
	DBBytes        int64    `json:"db_bytes"`
	DiskBudget     int64    `json:"disk_budget_bytes"`
	Alarms         []string `json:"alarms"`
}

// StatusSync is the sync state in the status document.
type StatusSync struct {
	Pending               int       `json:"pending"`
	DeadLetters           int       `json:"dead_letters"`
	OldestUnsyncedSeconds float64   `json:"oldest_unsynced_seconds"`
	LastSync              time.Time `json:"last_sync,omitzero"`
	LastSyncError         string    `json:"last_sync_error,omitempty"`
	Online                bool      `json:"online"`
	Stopped               bool      `json:"stopped"`
}

// Status builds the /status document (a metrics.StatusFunc).
func (m *Metrics) Status(ctx context.Context) any {
	now := m.clk.Now()
	doc := StatusDoc{KioskID: m.o.KioskID, Version: m.o.Version, Now: now, UptimeSeconds: now.Sub(m.o.Started).Seconds(),
		Devices: deviceViews(m.set), Metrics: m.reg.Snapshot()}
	if m.store != nil {
		h := m.store.Health(ctx)
		doc.Health = StatusHealth{OK: h.IntegrityOK && len(h.Alarms) == 0, IntegrityOK: h.IntegrityOK, IntegrityCheck: h.IntegrityCheck,
			DBBytes: h.DBBytes, DiskBudget: h.DiskBudget, Alarms: h.Alarms}
		doc.Sync = StatusSync{Pending: h.Pending, DeadLetters: h.DeadLetters, OldestUnsyncedSeconds: h.OldestPending.Seconds(),
			LastSync: h.LastSync, LastSyncError: scrub(h.LastSyncError), Online: h.Online, Stopped: h.SyncStopped}
	} else {
		doc.Health.IntegrityCheck = "no store"
	}
	if doc.Health.Alarms == nil {
		doc.Health.Alarms = []string{}
	}
	if doc.Devices == nil {
		doc.Devices = []DeviceView{}
	}
	return doc
}
