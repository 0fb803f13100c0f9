package backoffice

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"hallkiosk/assets"
	"hallkiosk/backoffice/api"
	"hallkiosk/backoffice/pages"
	"hallkiosk/clock"
)

// DefaultMaxBodyBytes limits a request body when Options.MaxBodyBytes is 0.
// A sync batch is at most 100 records or 256 KB by the kiosk's rule
// (docs/offline-sync.md §5.2); 4 MiB leaves room for an old kiosk with a large
// backlog and still bounds memory per request.
const DefaultMaxBodyBytes = 4 << 20

// MaxBatchRecords is the most records one sync request may carry (413 above).
const MaxBatchRecords = 1000

// maxGaps bounds the gap list of one answer; the kiosk alarms on the first.
const maxGaps = 100

// Options configure a back office. The zero value of every field but Tokens
// and DBPath (or Storage) has a working default.
type Options struct {
	// DBPath is the SQLite database file, created when missing; ":memory:"
	// keeps everything in memory. Ignored when Storage is set.
	DBPath string
	// Storage replaces the SQLite default (a fleet deployment's PostgreSQL).
	// Close closes it.
	Storage Storage
	// Tokens maps a bearer token to the kiosk id it authenticates (a kiosk
	// token whose offline series is bound on first use).
	Tokens map[string]string
	// Principals maps further bearer tokens to who they authenticate: kiosk
	// tokens with their offline series number, counter tokens bound to
	// their counters, admin tokens. A token may not be in both maps.
	Principals map[string]Principal
	// Catalog is the catalog JSON served to kiosks; nil = the embedded seed
	// (assets/catalog/seed.json).
	Catalog []byte
	// Demo loads demonstration appointments (valid on any day) and
	// application progress records from assets/catalog/demo.json.
	Demo bool
	// Clock is the time source; nil = the wall clock.
	Clock clock.Clock
	// MaxBodyBytes limits request bodies (413 above); 0 = DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Logger receives structured logs, never personal data; nil = discard.
	Logger *slog.Logger
	// Location is the hall's time zone, which decides the business date
	// (numbering resets at local midnight) and opening hours; nil = the
	// catalog's hall timezone, else Asia/Shanghai.
	Location *time.Location
	// Reject, when set, is asked about every new record before it is
	// stored; a non-empty answer rejects the record with that reason. Fault
	// tests use it to produce dead letters on the kiosk deterministically.
	Reject func(api.Record) string
	// TicketsPerMinute is how many ticket numbers one kiosk token may take
	// a minute (default DefaultTicketsPerMinute); past it the answer is 429
	// and the kiosk numbers from its offline series.
	TicketsPerMinute int
	// IgnoreHours issues tickets outside opening hours (demos after hours,
	// tests on the wall clock). Daily caps still apply.
	IgnoreHours bool
	// Clips gives the hall display recorded clips for a call, for browsers
	// without speech synthesis; nil = speech synthesis only.
	Clips pages.Clips
}

// Server is the reference back office: the sync endpoint, the catalog,
// hall-wide ticket numbering, the queue, appointments and progress. Its
// state lives in Storage; it is safe for concurrent use.
type Server struct {
	store       Storage
	cat         *catalog
	clock       clock.Clock
	loc         *time.Location
	log         *slog.Logger
	creds       atomic.Pointer[credentials]
	maxBody     int64
	reject      func(api.Record) string
	ignoreHours bool
	demo        *demoData
	demoDays    sync.Map // business date → struct{}: demo appointments loaded
	handler     http.Handler

	est         estimator
	syncWriters chan struct{} // see handleSync
	live        *liveHub
	pages       *pages.Pages

	progressByToken   *throttle
	progressByReceipt *throttle
	apptsByToken      *throttle
	ticketsByToken    *throttle
}

// Open opens the storage, applies migrations and checks the catalog, the
// tokens and (with Demo) the demo data.
func Open(opts Options) (*Server, error) {
	if len(opts.Tokens)+len(opts.Principals) == 0 {
		return nil, errors.New("backoffice: no tokens configured")
	}
	s := &Server{
		clock: clock.Or(opts.Clock),
		log:   opts.Logger,

		progressByToken:   newThrottle(progressPerToken, time.Minute),
		progressByReceipt: newThrottle(progressPerReceipt, progressReceiptWindow),
		apptsByToken:      newThrottle(appointmentsPerToken, time.Minute),
		ticketsByToken:    newThrottle(cmp.Or(max(opts.TicketsPerMinute, 0), DefaultTicketsPerMinute), time.Minute),
		syncWriters:       make(chan struct{}, 2),
		maxBody:           opts.MaxBodyBytes,
		reject:            opts.Reject,
		ignoreHours:       opts.IgnoreHours,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	raw := opts.Catalog
	if raw == nil {
		raw = assets.SeedCatalog()
	}
	cat, err := parseCatalog(raw)
	if err != nil {
		return nil, fmt.Errorf("backoffice: %w", err)
	}
	s.cat = cat
	creds, err := s.credentials(opts.Tokens, opts.Principals)
	if err != nil {
		return nil, fmt.Errorf("backoffice: %w", err)
	}
	s.creds.Store(creds)
	s.loc = opts.Location
	if s.loc == nil {
		if s.loc, err = loadLocation(cat.Hall.Timezone); err != nil {
			return nil, fmt.Errorf("backoffice: %w", err)
		}
	}
	if opts.Demo {
		b, err := assets.Catalog.ReadFile("catalog/demo.json")
		if err != nil {
			return nil, fmt.Errorf("backoffice: demo data missing from the build: %w", err)
		}
		if s.demo, err = parseDemo(b, cat, s.log); err != nil {
			return nil, fmt.Errorf("backoffice: %w", err)
		}
	}
	s.store = opts.Storage
	if s.store == nil {
		if s.store, err = OpenSQLite(opts.DBPath); err != nil {
			return nil, fmt.Errorf("backoffice: %w", err)
		}
	}
	if s.demo != nil {
		if err := s.loadDemo(context.Background()); err != nil {
			s.store.Close()
			return nil, fmt.Errorf("backoffice: %w", err)
		}
	}
	s.live = newLiveHub(s)
	if s.pages, err = pages.New(s, opts.Clips, cat.Hall.Name); err != nil {
		s.live.close()
		s.store.Close()
		return nil, fmt.Errorf("backoffice: %w", err)
	}
	s.handler = s.routes()
	s.log.Info("back office ready", "catalog_version", cat.Version, "services", len(cat.Services),
		"tokens", len(creds.tokens), "demo", opts.Demo, "zone", s.loc.String())
	return s, nil
}

// credentials are the tokens the back office accepts, swapped whole when
// the tokens file is read again (ReloadTokens).
type credentials struct {
	// tokens are indexed by their hash, which keeps a lookup's timing
	// independent of how much of a guessed token is right.
	tokens  map[[32]byte]*Principal
	numbers map[string]int // kiosk id → configured offline series number
}

// principal is who a bearer token authenticates, nil for none.
func (s *Server) principal(token string) *Principal {
	return s.creds.Load().tokens[sha256.Sum256([]byte(token))]
}

// seriesNumbers is the configured offline series number of each kiosk.
func (s *Server) seriesNumbers() map[string]int { return s.creds.Load().numbers }

// credentials checks and indexes the tokens.
func (s *Server) credentials(kiosks map[string]string, principals map[string]Principal) (*credentials, error) {
	c := &credentials{tokens: map[[32]byte]*Principal{}, numbers: map[string]int{}}
	add := func(tok string, p Principal) error {
		if tok == "" {
			return errors.New("empty token in tokens")
		}
		if err := p.check(s.cat.counterSvcs); err != nil {
			return err
		}
		h := sha256.Sum256([]byte(tok))
		if c.tokens[h] != nil {
			return fmt.Errorf("token of %s given twice", p.logName())
		}
		if p.Role == RoleKiosk && p.Number != 0 {
			if n, ok := c.numbers[p.Kiosk]; ok && n != p.Number {
				return fmt.Errorf("kiosk %s given numbers %d and %d", p.Kiosk, n, p.Number)
			}
			for k, n := range c.numbers {
				if n == p.Number && k != p.Kiosk {
					return fmt.Errorf("kiosks %s and %s share number %d", k, p.Kiosk, n)
				}
			}
			c.numbers[p.Kiosk] = p.Number
		}
		c.tokens[h] = &p
		return nil
	}
	for tok, kiosk := range kiosks {
		if kiosk == "" {
			return nil, errors.New("empty token or kiosk id in tokens")
		}
		if err := add(tok, Principal{Role: RoleKiosk, Kiosk: kiosk}); err != nil {
			return nil, err
		}
	}
	for tok, p := range principals {
		if err := add(tok, p); err != nil {
			return nil, err
		}
	}
	if len(c.tokens) == 0 {
		return nil, errors.New("no tokens configured")
	}
	return c, nil
}

// ReloadTokens replaces every token at once, as the tokens file says now:
// a token taken out (a stolen kiosk's, a counter's that left) is refused
// from the next request on, without a restart. Tokens that fail the checks
// of Open leave the current ones in force.
func (s *Server) ReloadTokens(kiosks map[string]string, principals map[string]Principal) error {
	c, err := s.credentials(kiosks, principals)
	if err != nil {
		return fmt.Errorf("backoffice: tokens not reloaded: %w", err)
	}
	old := s.creds.Swap(c)
	s.log.Info("tokens reloaded", "tokens", len(c.tokens), "before", len(old.tokens))
	return nil
}

// Handler returns the HTTP handler of every endpoint (see package api).
func (s *Server) Handler() http.Handler { return s.handler }

// Close closes the storage. The handler must not be used afterwards.
func (s *Server) Close() error {
	s.live.close()
	if err := s.store.Close(); err != nil {
		return fmt.Errorf("backoffice: close: %w", err)
	}
	return nil
}

// Records returns every stored record of a kiosk in seq order, payloads
// byte for byte as received. Tests and audits use it.
func (s *Server) Records(kioskID string) ([]api.Record, error) {
	var out []api.Record
	err := s.store.View(context.Background(), func(tx Tx) error {
		rs, err := tx.KioskRecords(kioskID)
		for _, r := range rs {
			out = append(out, r.Record)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("backoffice: records of %s: %w", kioskID, err)
	}
	return out, nil
}

// RecordCount returns how many records of a kiosk are stored.
func (s *Server) RecordCount(kioskID string) (int, error) {
	var n int
	err := s.store.View(context.Background(), func(tx Tx) (err error) {
		n, err = tx.CountRecords(kioskID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("backoffice: count records of %s: %w", kioskID, err)
	}
	return n, nil
}

// AddAppointment books (or replaces) an appointment; its business date is
// the date of Start in the hall's time zone. An empty Status means booked.
func (s *Server) AddAppointment(a api.Appointment) error {
	if a.Code == "" || s.cat.services[a.ServiceID] == nil {
		return fmt.Errorf("backoffice: add appointment: empty code or unknown service %q", a.ServiceID)
	}
	if a.Status == "" {
		a.Status = "booked"
	}
	date := s.businessDate(a.Start)
	err := s.store.Update(context.Background(), func(tx Tx) error { return tx.PutAppointment(date, a) })
	if err != nil {
		return fmt.Errorf("backoffice: add appointment %s: %w", a.Code, err)
	}
	return nil
}

// PutProgress stores (or replaces) an application's progress. idLast4 is
// the last four characters of the applicant's ID number, which a citizen
// must give to see it.
func (s *Server) PutProgress(p api.Progress, idLast4 string) error {
	idLast4 = strings.ToUpper(idLast4)
	// Receipts are looked up in capitals, whatever case a citizen types.
	p.Receipt = strings.ToUpper(p.Receipt)
	if p.Receipt == "" || !validLast4(idLast4) {
		return errors.New("backoffice: put progress: empty receipt or malformed ID tail")
	}
	if p.Service.Zh == "" {
		if svc := s.cat.services[p.ServiceID]; svc != nil {
			p.Service = svc.Name
		}
	}
	err := s.store.Update(context.Background(), func(tx Tx) error { return tx.PutProgress(p, idLast4) })
	if err != nil {
		return fmt.Errorf("backoffice: put progress %s: %w", p.Receipt, err)
	}
	return nil
}

// businessDate is the hall-local calendar date of t: numbering and the
// queue reset at local midnight, not UTC midnight (08:00 in the hall).
func (s *Server) businessDate(t time.Time) string {
	return t.In(s.loc).Format(time.DateOnly)
}

// validLast4 accepts the tail of a GB 11643 number: four digits, or three
// digits and the check character X.
func validLast4(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		c := s[i]
		if c >= '0' && c <= '9' || (i == 3 && c == 'X') {
			continue
		}
		return false
	}
	return true
}
