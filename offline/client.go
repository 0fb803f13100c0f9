package offline

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
)

// ClientOptions configures the back-office client.
type ClientOptions struct {
	// BaseURL is the back office, e.g. https://backoffice.hall.example/.
	// Plain http:// is refused unless AllowInsecureHTTP is set: the sync
	// carries citizens' phone numbers and the kiosk token
	// (docs/offline-sync.md §4.3: encrypt personal data in transit).
	BaseURL           string
	AllowInsecureHTTP bool
	// Token is this kiosk's bearer token; KioskID its id.
	Token   string
	KioskID string
	// CAFile (PEM) and/or RootCAs are the CAs trusted for the back office's
	// certificate; neither = the system roots.
	CAFile  string
	RootCAs *x509.CertPool
	// Timeout bounds one sync, catalog or appointments request, connect to
	// last byte. Default 30 s (docs/offline-sync.md §6: per-attempt timeout).
	Timeout time.Duration
	// TicketTimeout bounds the online ticket-number request; when it passes
	// the kiosk numbers the ticket itself. Default 800 ms: a citizen in
	// front of the screen must not wait for the network.
	TicketTimeout time.Duration
	// QueryTimeout bounds interactive look-ups (progress). Default 5 s.
	QueryTimeout time.Duration
	// Clock drives the timeouts. Default real.
	Clock clock.Clock
	// Logger receives operational messages. Default slog.Default().
	Logger *slog.Logger
}

// Client talks to the back office over HTTPS with the kiosk's token. It is
// safe for concurrent use. A nil *Client is valid and always offline, so a
// kiosk without a configured back office wires the same way.
//
// Client implements flow.BackOffice.
type Client struct {
	base          *url.URL
	token         string
	kioskID       string
	hc            *http.Client
	clk           clock.Clock
	log           *slog.Logger
	timeout       time.Duration
	ticketTimeout time.Duration
	queryTimeout  time.Duration

	online       atomic.Bool
	unauthorized atomic.Bool
	tlsOnce      sync.Once    // the log line about tls_required
	lastFailure  atomic.Int64 // clock time (Unix ns) of the last failed contact
}

// NewClient checks the options and builds a client. It does not contact the
// back office.
func NewClient(o ClientOptions) (*Client, error) {
	u, err := url.Parse(o.BaseURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("offline: back office URL %q is not an absolute URL", o.BaseURL)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !o.AllowInsecureHTTP {
			return nil, fmt.Errorf("offline: back office URL %q uses plain http, which would send tokens and personal data unencrypted; use https or set AllowInsecureHTTP for a lab setup", o.BaseURL)
		}
	default:
		return nil, fmt.Errorf("offline: back office URL %q: scheme must be https", o.BaseURL)
	}
	if o.Token == "" {
		return nil, errors.New("offline: ClientOptions.Token is required")
	}
	if o.KioskID == "" {
		return nil, errors.New("offline: ClientOptions.KioskID is required")
	}
	roots := o.RootCAs
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("offline: read CA file: %w", err)
		}
		if roots != nil {
			roots = roots.Clone()
		} else {
			roots = x509.NewCertPool()
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("offline: CA file %s holds no PEM certificate", o.CAFile)
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	tr.MaxIdleConnsPerHost = 4
	c := &Client{
		base:          u,
		token:         o.Token,
		kioskID:       o.KioskID,
		clk:           clock.Or(o.Clock),
		log:           o.Logger,
		timeout:       o.Timeout,
		ticketTimeout: o.TicketTimeout,
		queryTimeout:  o.QueryTimeout,
		hc: &http.Client{
			Transport: tr,
			// A redirect could lead to plain http or another host with
			// our token; the protocol has none, so none is followed.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	c.log = c.log.With("component", "offline.client")
	if c.timeout <= 0 {
		c.timeout = 30 * time.Second
	}
	if c.ticketTimeout <= 0 {
		c.ticketTimeout = 800 * time.Millisecond
	}
	if c.queryTimeout <= 0 {
		c.queryTimeout = 5 * time.Second
	}
	return c, nil
}

// HTTPError is a non-2xx answer of the back office.
type HTTPError struct {
	Method, Path string
	Status       int
	Code         string // api.ErrorDetail.Code, e.g. "cap_reached"
	Message      string
	// RetryAfter is the parsed Retry-After header of a 429/503, 0 if none.
	RetryAfter time.Duration
}

// Error describes the answer; it never contains request bodies.
func (e *HTTPError) Error() string {
	s := fmt.Sprintf("back office %s %s: HTTP %d", e.Method, e.Path, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is lets errors.Is(err, ErrOffline) hold for answers that mean "the back
// office cannot serve now" (5xx, 429), ErrUnauthorized for 401/403 and
// ErrTooManyTries for 429.
func (e *HTTPError) Is(target error) bool {
	switch target {
	case ErrOffline:
		return e.Status >= 500 || e.Status == http.StatusTooManyRequests
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
	case ErrTooManyTries:
		return e.Status == http.StatusTooManyRequests
	}
	return false
}

// Online reports whether the last contact with the back office got a usable
// answer. False for a nil client.
func (c *Client) Online() bool {
	if c == nil {
		return false
	}
	return c.online.Load()
}

// recentlyFailed reports whether a contact failed within d; the ticket path
// uses it to skip the online request while the network is known to be down,
// so citizens do not each wait TicketTimeout.
func (c *Client) recentlyFailed(d time.Duration) bool {
	if c.online.Load() {
		return false
	}
	last := c.lastFailure.Load()
	return last != 0 && c.clk.Now().UnixNano()-last < int64(d)
}

func (c *Client) markContact(status int) {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		c.unauthorized.Store(true)
		c.online.Store(false)
		c.lastFailure.Store(c.clk.Now().UnixNano())
	case status >= 500 || status == 0:
		c.online.Store(false)
		c.lastFailure.Store(c.clk.Now().UnixNano())
	default:
		c.unauthorized.Store(false)
		c.online.Store(true)
	}
}

// maxResponseBytes bounds what the kiosk reads from the back office; a day's
// appointments of a large hall fit many times over.
const maxResponseBytes = 32 << 20

// response is a read answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request with a clock-driven timeout covering the whole
// exchange including the body. Transport failures wrap ErrOffline; non-2xx
// answers (other than 304) are *HTTPError.
func (c *Client) do(ctx context.Context, timeout time.Duration, method, path string, query url.Values, body any, hdr http.Header) (*response, error) {
	var rdr io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("offline: encode %s %s: %w", method, path, err)
		}
		rdr = bytes.NewReader(b)
	}
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawPath = ""
	if query != nil {
		u.RawQuery = query.Encode()
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The timer is armed before the request goes out, so a test with a
	// fake clock can wait for it (Fake.WaitPending) and then advance.
	timer := c.clk.NewTimer(timeout)
	defer timer.Stop()
	var timedOut atomic.Bool
	go func() {
		select {
		case <-timer.C():
			timedOut.Store(true)
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rdr)
	if err != nil {
		return nil, fmt.Errorf("offline: build %s %s: %w", method, path, err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
		resp.Body.Close()
		if err == nil && len(data) > maxResponseBytes {
			err = fmt.Errorf("answer larger than %d bytes", maxResponseBytes)
		}
	}
	if err != nil {
		if parent.Err() != nil && !timedOut.Load() {
			// The caller gave up (shutdown, citizen left); that says
			// nothing about the network.
			return nil, fmt.Errorf("offline: %s %s: %w", method, path, parent.Err())
		}
		c.markContact(0)
		var cve *tls.CertificateVerificationError
		if errors.As(err, &cve) {
			return nil, fmt.Errorf("%w: %w: %s %s: %v", ErrOffline, ErrBadCertificate, method, path, err)
		}
		if timedOut.Load() {
			return nil, fmt.Errorf("%w: %s %s: no answer within %v", ErrOffline, method, path, timeout)
		}
		return nil, fmt.Errorf("%w: %s %s: %v", ErrOffline, method, path, err)
	}
	r := &response{status: resp.StatusCode, header: resp.Header, body: data}
	if resp.StatusCode/100 == 2 || resp.StatusCode == http.StatusNotModified {
		c.markContact(resp.StatusCode)
		return r, nil
	}
	he := &HTTPError{Method: method, Path: path, Status: resp.StatusCode}
	var eb api.ErrorBody
	if json.Unmarshal(data, &eb) == nil {
		he.Code = eb.Error.Code
		he.Message = truncate(eb.Error.Message, 200)
	}
	if he.Code == codeTLSRequired {
		// The back office answered and took the token; it only keeps
		// personal data off a plain-HTTP link from another machine. The
		// kiosk is not offline for it: it says what to change, once.
		c.markContact(http.StatusOK)
		c.tlsOnce.Do(func() {
			c.log.Error("the back office sends personal data (appointments, progress) only over TLS: give backoffice.url as https://",
				"url", c.base.Redacted(), "path", path)
		})
		return r, he
	}
	c.markContact(resp.StatusCode)
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		he.RetryAfter = parseRetryAfter(ra, c.clk.Now())
	}
	return r, he
}

// codeTLSRequired is the back office's error code for personal data asked
// over plain HTTP from another machine (backoffice: private endpoints).
const codeTLSRequired = "tls_required"

// parseRetryAfter reads delta-seconds or an HTTP date (RFC 9110 §10.2.3);
// garbage and past dates give 0, absurd values are capped at an hour.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > 3600 {
			n = 3600
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d < 0 {
		return 0
	}
	return min(d, time.Hour)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary: reasons may be Chinese.
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// requestTicket asks for a hall-wide number with the short ticket timeout.
func (c *Client) requestTicket(ctx context.Context, tr api.TicketRequest) (*api.TicketResponse, error) {
	r, err := c.do(ctx, c.ticketTimeout, http.MethodPost, "/v1/tickets", nil, tr, nil)
	if err != nil {
		return nil, err
	}
	var out api.TicketResponse
	if err := json.Unmarshal(r.body, &out); err != nil || out.Number == "" {
		return nil, fmt.Errorf("offline: POST /v1/tickets: malformed answer")
	}
	return &out, nil
}

// syncBatch posts one batch and returns the raw answer for parseSyncResponse.
func (c *Client) syncBatch(ctx context.Context, req *api.SyncRequest) ([]byte, error) {
	r, err := c.do(ctx, c.timeout, http.MethodPost, "/v1/sync", nil, req, nil)
	if err != nil {
		return nil, err
	}
	return r.body, nil
}

// fetchCatalog gets the catalog unless etag still matches.
func (c *Client) fetchCatalog(ctx context.Context, etag string) (body []byte, newTag string, notModified bool, err error) {
	hdr := http.Header{}
	if etag != "" {
		hdr.Set("If-None-Match", etag)
	}
	r, err := c.do(ctx, c.timeout, http.MethodGet, "/v1/catalog", nil, nil, hdr)
	if err != nil {
		return nil, "", false, err
	}
	if r.status == http.StatusNotModified {
		return nil, etag, true, nil
	}
	return r.body, r.header.Get("ETag"), false, nil
}

// fetchAppointments gets a day's appointments unless etag still matches.
func (c *Client) fetchAppointments(ctx context.Context, date, etag string) (list *api.AppointmentList, newTag string, notModified bool, err error) {
	hdr := http.Header{}
	if etag != "" {
		hdr.Set("If-None-Match", etag)
	}
	r, err := c.do(ctx, c.timeout, http.MethodGet, "/v1/appointments", url.Values{"date": {date}}, nil, hdr)
	if err != nil {
		return nil, "", false, err
	}
	if r.status == http.StatusNotModified {
		return nil, etag, true, nil
	}
	var l api.AppointmentList
	if err := json.Unmarshal(r.body, &l); err != nil {
		return nil, "", false, fmt.Errorf("offline: GET /v1/appointments: malformed answer: %w", err)
	}
	return &l, r.header.Get("ETag"), false, nil
}

// Progress asks where an application stands (flow.BackOffice). It returns
// an error wrapping ErrOffline when the back office cannot answer,
// ErrNotFound for an unknown receipt or a wrong ID tail, and
// ErrTooManyTries (with the *HTTPError and its RetryAfter) when the back
// office throttles lookups of this kiosk or this receipt.
func (c *Client) Progress(ctx context.Context, receipt, idLast4 string) (*api.Progress, error) {
	if c == nil {
		return nil, fmt.Errorf("offline: progress: %w: no back office configured", ErrOffline)
	}
	if receipt == "" || strings.ContainsAny(receipt, "/?#") {
		return nil, fmt.Errorf("offline: progress: %w", ErrNotFound)
	}
	r, err := c.do(ctx, c.queryTimeout, http.MethodGet, "/v1/progress/"+url.PathEscape(receipt),
		url.Values{"id_last4": {idLast4}}, nil, nil)
	if err != nil {
		var he *HTTPError
		if errors.As(err, &he) {
			switch {
			case he.Status == http.StatusNotFound || he.Status == http.StatusBadRequest:
				return nil, fmt.Errorf("offline: progress: %w", ErrNotFound)
			case he.Status == http.StatusTooManyRequests:
				return nil, fmt.Errorf("offline: progress: %w", he)
			case !errors.Is(he, ErrOffline):
				// 401/403 and other refusals: for the citizen the back
				// office is just not available.
				return nil, fmt.Errorf("offline: progress: %w: %w", ErrOffline, he)
			}
		}
		return nil, fmt.Errorf("offline: progress: %w", err)
	}
	var p api.Progress
	if err := json.Unmarshal(r.body, &p); err != nil {
		return nil, fmt.Errorf("offline: progress: %w: malformed answer", ErrOffline)
	}
	return &p, nil
}
