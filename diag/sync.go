package diag

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"hallkiosk/clock"
	"hallkiosk/config"
	"hallkiosk/offline"
)

// SyncView is the sync screen: what waits, what is stuck, and when the
// back office last took records.
type SyncView struct {
	Pending int `json:"pending"`
	// OldestUnsynced is the age of the oldest record not yet acknowledged.
	OldestUnsynced time.Duration    `json:"oldest_unsynced"`
	DeadLetters    []DeadLetterView `json:"dead_letters"`
	LastSync       time.Time        `json:"last_sync,omitzero"`
	LastSyncError  string           `json:"last_sync_error,omitempty"`
	Online         bool             `json:"online"`
	// Stopped: syncing stopped after the back office refused the token or
	// presented an untrusted certificate; Alarms says which.
	Stopped bool     `json:"stopped"`
	Alarms  []string `json:"alarms,omitempty"`
}

// DeadLetterView is a record the back office rejected for good, without its
// payload (which may hold personal data).
type DeadLetterView struct {
	ID         string    `json:"id"`
	Seq        int64     `json:"seq"`
	Kind       string    `json:"kind"`
	OccurredAt time.Time `json:"occurred_at"`
	Attempts   int       `json:"attempts"`
	Reason     string    `json:"reason"`
	// Sealed: the payload holds personal data (it is never exported).
	Sealed bool `json:"sealed"`
}

var errNoStore = errors.New("diag: the kiosk has no store")

func syncView(ctx context.Context, st *offline.Store) (SyncView, error) {
	if st == nil {
		return SyncView{}, errNoStore
	}
	h := st.Health(ctx)
	v := SyncView{Pending: h.Pending, OldestUnsynced: h.OldestPending, LastSync: h.LastSync,
		LastSyncError: h.LastSyncError, Online: h.Online, Stopped: h.SyncStopped, Alarms: h.Alarms}
	dl, err := st.DeadLetters(ctx)
	if err != nil {
		return v, fmt.Errorf("list dead letters: %w", err)
	}
	v.DeadLetters = make([]DeadLetterView, 0, len(dl))
	for _, d := range dl {
		v.DeadLetters = append(v.DeadLetters, DeadLetterView{ID: d.ID, Seq: d.Seq, Kind: d.Kind, OccurredAt: d.OccurredAt,
			Attempts: d.Attempts, Reason: scrub(d.Reason), Sealed: d.Sealed})
	}
	return v, nil
}

// Sync returns the sync state and the dead letters with their reasons.
func (s *Session) Sync(ctx context.Context) (SyncView, error) {
	if err := s.begin(); err != nil {
		return SyncView{}, err
	}
	return syncView(ctx, s.g.o.Store)
}

// Requeue puts the selected dead letters back in the queue (after their
// cause was fixed at the back office) and wakes the sync loop. The store
// records the technician action in the same transaction. It returns how
// many were requeued.
func (s *Session) Requeue(ctx context.Context, ids ...string) (int, error) {
	if err := s.begin(); err != nil {
		return 0, err
	}
	if s.g.o.Store == nil {
		return 0, errNoStore
	}
	return s.g.o.Store.Requeue(ctx, ids...)
}

// RequeueAll puts every dead letter back in the queue.
func (s *Session) RequeueAll(ctx context.Context) (int, error) {
	if err := s.begin(); err != nil {
		return 0, err
	}
	st := s.g.o.Store
	if st == nil {
		return 0, errNoStore
	}
	dl, err := st.DeadLetters(ctx)
	if err != nil {
		return 0, fmt.Errorf("list dead letters: %w", err)
	}
	ids := make([]string, len(dl))
	for i, d := range dl {
		ids[i] = d.ID
	}
	return st.Requeue(ctx, ids...)
}

// ExportDeadLetters writes the dead letters as JSON lines
// (offline.Store.ExportDeadLetters: payloads with personal data left out)
// to a new file in dir, e.g. a USB stick's mount point, and returns its
// path. The file appears whole or not at all.
func (s *Session) ExportDeadLetters(ctx context.Context, dir string) (string, error) {
	if err := s.begin(); err != nil {
		return "", err
	}
	st := s.g.o.Store
	if st == nil {
		return "", errNoStore
	}
	name := fmt.Sprintf("dead-letters-%s-%s.jsonl", safeName(s.g.cfg.live().KioskID), s.clk.Now().Format("20060102-150405"))
	path, err := writeAtomic(dir, name, func(w io.Writer) error { return st.ExportDeadLetters(ctx, w) })
	if err != nil {
		s.g.audit.record(ctx, ActionExportDead, "export failed: "+err.Error())
		return "", err
	}
	s.g.audit.record(ctx, ActionExportDead, "exported to "+path)
	return path, nil
}

// ForceSync sends one batch now (offline.Store.SyncOnce) and kicks the sync
// loop so that it goes on with the rest without waiting out its back-off —
// also after a 401/403 stop, once the technician has fixed the token.
func (s *Session) ForceSync(ctx context.Context) (offline.SyncResult, error) {
	if err := s.begin(); err != nil {
		return offline.SyncResult{}, err
	}
	st := s.g.o.Store
	if st == nil {
		return offline.SyncResult{}, errNoStore
	}
	// Audited first, so the audit record itself rides in this batch.
	s.g.audit.record(ctx, ActionForceSync, "sync now")
	res, err := s.g.o.Metrics.TimeSync(ctx, st)
	st.Kick()
	return res, err
}

// Reachability is the result of a GET <back office>/healthz.
type Reachability struct {
	URL       string        `json:"url"`
	Reachable bool          `json:"reachable"`
	Status    int           `json:"status,omitempty"`
	RTT       time.Duration `json:"rtt"`
	// ServerTime is the back office's clock: its answer's server_time when
	// it sends one, else its Date header (1 s resolution).
	ServerTime time.Time `json:"server_time,omitzero"`
	// LocalTime is the kiosk's clock halfway through the request, to
	// compare with ServerTime.
	LocalTime time.Time `json:"local_time,omitzero"`
	Error     string    `json:"error,omitempty"`
}

// CheckBackOffice asks the back office's /healthz with the kiosk's client
// settings (its CA file, TLS 1.2 minimum, no redirects) and reports
// reachability, round-trip time and the back office's clock.
func (s *Session) CheckBackOffice(ctx context.Context) (Reachability, error) {
	if err := s.begin(); err != nil {
		return Reachability{}, err
	}
	return probeBackOffice(ctx, s.g.backOfficeURL(), s.g.cfg.live().BackOffice, s.clk, s.g.o.ProbeTimeout), nil
}

func (g *Gate) backOfficeURL() string {
	if g.o.BackOfficeURL != "" {
		return g.o.BackOfficeURL
	}
	return g.cfg.live().BackOffice.URL
}

// probeBackOffice does the reachability check. The token is not sent:
// /healthz needs none, and a probe has no reason to expose it.
func probeBackOffice(ctx context.Context, base string, bo config.BackOffice, clk clock.Clock, timeout time.Duration) Reachability {
	r := Reachability{URL: base}
	if base == "" {
		r.Error = "no back office configured"
		return r
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		r.Error = fmt.Sprintf("back-office URL %q is not an absolute URL", base)
		return r
	}
	if u.Scheme == "http" && !bo.AllowInsecureHTTP && !loopbackHost(u.Hostname()) {
		r.Error = "plain http:// is not allowed for this back office (backoffice.allow_insecure_http)"
		return r
	}
	hc, err := httpClient(bo.CAFile)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	u = u.JoinPath("healthz")
	r.URL = u.String()
	pctx, cancel := withClockTimeout(ctx, clk, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(pctx, http.MethodGet, r.URL, nil)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	start := clk.Now()
	resp, err := hc.Do(req)
	end := clk.Now()
	r.RTT = end.Sub(start)
	r.LocalTime = start.Add(r.RTT / 2)
	if err != nil {
		if timedOut(pctx) {
			r.Error = fmt.Sprintf("no answer within %s", timeout)
		} else {
			r.Error = err.Error()
		}
		return r
	}
	defer resp.Body.Close()
	r.Status = resp.StatusCode
	var body struct {
		ServerTime time.Time `json:"server_time"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body) == nil && !body.ServerTime.IsZero() {
		r.ServerTime = body.ServerTime
	} else if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		// The Date header is cut to the second: move it to the middle of
		// its second so the error is ±0.5 s, not 0..1 s.
		r.ServerTime = t.Add(500 * time.Millisecond)
	}
	r.Reachable = resp.StatusCode == http.StatusOK
	if !r.Reachable {
		r.Error = "HTTP " + resp.Status
	}
	return r
}

func loopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// httpClient builds a client like offline.NewClient's: the CA file added to
// the trusted roots, TLS 1.2 at least, and no redirects (one could lead the
// kiosk to plain http or another host).
func httpClient(caFile string) (*http.Client, error) {
	var roots *x509.CertPool
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		if roots, err = x509.SystemCertPool(); err != nil || roots == nil {
			roots = x509.NewCertPool()
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", caFile)
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	// A probe opens a fresh connection each time: the RTT then includes
	// the TCP and TLS handshakes, which is what a sync pays after a pause.
	tr.DisableKeepAlives = true
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}

// safeName keeps a kiosk id usable in a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// Failure says why a back-office check failed, from the check's own error
// (err: the session had ended) or the back office's answer; failed is
// false when the back office answered 200.
func (r Reachability) Failure(err error) (reason string, failed bool) {
	switch {
	case err != nil:
		return err.Error(), true
	case !r.Reachable:
		return r.Error, true
	}
	return "", false
}

// RequeueOutcome is what re-queueing one dead letter did.
type RequeueOutcome int

// The outcomes of RequeueOne.
const (
	// Requeued: the record waits to sync again.
	Requeued RequeueOutcome = iota
	// RequeueGone: there was no such dead letter any more (another
	// technician, or Requeue all, took it back first).
	RequeueGone
)

// RequeueOne puts the dead letter id back in the outbox and says whether
// it was still there.
func (s *Session) RequeueOne(ctx context.Context, id string) (RequeueOutcome, error) {
	n, err := s.Requeue(ctx, id)
	switch {
	case err != nil:
		return RequeueGone, err
	case n == 0:
		return RequeueGone, nil
	}
	return Requeued, nil
}
