package offline

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"hallkiosk/backoffice/api"
)

// catalogState is the parsed catalog the store works from. It is replaced
// whole, never mutated, so readers need no lock.
type catalogState struct {
	cat      *api.Catalog
	services map[string]*api.Service
	loc      *time.Location
	etag     string
	source   string // "back office" or "seed"
}

func parseCatalog(body []byte, etag, source string) (*catalogState, error) {
	var c api.Catalog
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, fmt.Errorf("parse catalog: %w", err)
	}
	cs := &catalogState{cat: &c, services: make(map[string]*api.Service, len(c.Services)), etag: etag, source: source}
	for i := range c.Services {
		sv := &c.Services[i]
		if sv.ID == "" {
			return nil, fmt.Errorf("parse catalog: service %d has no id", i)
		}
		if _, dup := cs.services[sv.ID]; dup {
			return nil, fmt.Errorf("parse catalog: service %q listed twice", sv.ID)
		}
		if err := checkHours(sv.OpenHours); err != nil {
			return nil, fmt.Errorf("parse catalog: service %q: %w", sv.ID, err)
		}
		cs.services[sv.ID] = sv
	}
	if err := checkHours(c.Hall.OpenHours); err != nil {
		return nil, fmt.Errorf("parse catalog: hall: %w", err)
	}
	if c.Hall.Timezone != "" {
		if l, err := time.LoadLocation(c.Hall.Timezone); err == nil {
			cs.loc = l
		}
	}
	return cs, nil
}

// loadCatalog installs the cached back-office catalog, or the seed when the
// back office has never answered (first run offline).
func (s *Store) loadCatalog(ctx context.Context) error {
	var body []byte
	var etag string
	err := s.rdb.QueryRowContext(ctx, `SELECT body, etag FROM catalog_cache WHERE id = 1`).Scan(&body, &etag)
	if err == nil {
		cs, perr := parseCatalog(body, etag, "back office")
		if perr == nil {
			s.catalog.Store(cs)
			return nil
		}
		// A cached catalog that no longer parses (an older build wrote a
		// shape this one rejects) must not stop ticketing: fall back.
		s.log.Warn("cached catalog unusable, using the seed", "error", perr)
	} else if !errors.Is(err, sql.ErrNoRows) && s.broken.Load() == nil {
		return classify("load catalog", err)
	}
	cs, err := parseCatalog(s.seedCatalog(), "", "seed")
	if err != nil {
		return fmt.Errorf("offline: seed catalog: %w", err)
	}
	s.catalog.Store(cs)
	return nil
}

// Catalog returns the current service catalog: the back office's latest,
// cached in SQLite so that it survives restarts offline, or the embedded
// seed before the first contact. The result is shared; do not modify it.
func (s *Store) Catalog(ctx context.Context) (*api.Catalog, error) {
	return s.catalog.Load().cat, nil
}

// refreshCatalog asks the back office for a newer catalog (If-None-Match).
func (s *Store) refreshCatalog(ctx context.Context) error {
	cur := s.catalog.Load()
	etag := ""
	if cur.source == "back office" {
		etag = cur.etag
	}
	body, newTag, notModified, err := s.client.fetchCatalog(ctx, etag)
	if err != nil {
		return err
	}
	if notModified {
		return nil
	}
	cs, err := parseCatalog(body, newTag, "back office")
	if err != nil {
		return fmt.Errorf("offline: back office catalog rejected: %w", err)
	}
	now := s.now().UnixNano()
	if err := s.write(ctx, "store catalog", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO catalog_cache (id, etag, body, fetched_at) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET etag = excluded.etag, body = excluded.body, fetched_at = excluded.fetched_at`,
			newTag, body, now)
		return err
	}); err != nil {
		return err
	}
	s.catalog.Store(cs)
	s.log.Info("catalog updated", "version", cs.cat.Version, "services", len(cs.services))
	return nil
}

// service finds a service of the current catalog.
func (s *Store) service(id string) (*api.Service, *api.Catalog, error) {
	cs := s.catalog.Load()
	sv, ok := cs.services[id]
	if !ok {
		return nil, nil, fmt.Errorf("offline: service %q: %w", id, ErrNotFound)
	}
	return sv, cs.cat, nil
}

// checkHours validates "HH:MM" intervals so a bad catalog is refused when
// it arrives, not when a citizen is waiting.
func checkHours(hs []api.OpenHours) error {
	for _, h := range hs {
		o, err1 := minutesOf(h.Open)
		c, err2 := minutesOf(h.Close)
		if err1 != nil || err2 != nil || c <= o {
			return fmt.Errorf("bad opening hours %q–%q", h.Open, h.Close)
		}
		for _, d := range h.Weekdays {
			if d < 0 || d > 6 {
				return fmt.Errorf("bad weekday %d", d)
			}
		}
	}
	return nil
}

// minutesOf reads "HH:MM" as minutes since midnight; "24:00" is allowed as
// a closing time (the back office reads hours the same way).
func minutesOf(hhmm string) (int, error) {
	if len(hhmm) != 5 || hhmm[2] != ':' {
		return 0, fmt.Errorf("time %q is not HH:MM", hhmm)
	}
	h, err1 := strconv.Atoi(hhmm[:2])
	m, err2 := strconv.Atoi(hhmm[3:])
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("time %q is not HH:MM", hhmm)
	}
	return h*60 + m, nil
}

// isOpen reports whether tickets for sv may be issued at t (hall time). The
// service's own hours override the hall's; a service with neither takes no
// tickets — the same rule as the back office, so a kiosk offline never
// issues what it would refuse online.
func isOpen(sv *api.Service, hall api.Hall, t time.Time) bool {
	hs := sv.OpenHours
	if len(hs) == 0 {
		hs = hall.OpenHours
	}
	m := t.Hour()*60 + t.Minute()
	wd := int(t.Weekday())
	for _, h := range hs {
		o, _ := minutesOf(h.Open)
		c, _ := minutesOf(h.Close)
		for _, d := range h.Weekdays {
			if d == wd && m >= o && m < c {
				return true
			}
		}
	}
	return false
}
