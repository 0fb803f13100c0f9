package backoffice

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/readings"
)

// catalog is the parsed catalog with the indexes the handlers need. It is
// immutable after Open, so handlers read it without locking.
type catalog struct {
	api.Catalog
	bytes []byte
	etag  string
	// services by id; counters by id with the services each one serves.
	services      map[string]*api.Service
	counterSvcs   map[string][]string
	countersOfSvc map[string]int
	hours         map[string][]interval // per service; the hall's when none of its own
}

// interval is an opening interval in minutes since local midnight on some
// weekdays.
type interval struct {
	weekdays   [7]bool
	open, shut int
}

var prefixRE = regexp.MustCompile(`^[A-Z]{1,2}$`)

// parseCatalog checks a catalog the way a hall integrator would want a typo
// caught: at start-up, not when the first citizen presses the button.
func parseCatalog(b []byte) (*catalog, error) {
	c := &catalog{
		bytes:         b,
		services:      map[string]*api.Service{},
		counterSvcs:   map[string][]string{},
		countersOfSvc: map[string]int{},
		hours:         map[string][]interval{},
	}
	if err := json.Unmarshal(b, &c.Catalog); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	sum := sha256.Sum256(b)
	// A strong validator: the bytes served are exactly the bytes hashed.
	c.etag = `"` + hex.EncodeToString(sum[:16]) + `"`

	if c.Version == "" {
		return nil, errors.New("catalog: no version")
	}
	if len(c.Services) == 0 {
		return nil, errors.New("catalog: no services")
	}
	// A wrong reading would hide a service from the kiosks' pinyin search.
	if _, err := readings.Parse(c.Readings); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	hallHours, err := parseHours(c.Hall.OpenHours)
	if err != nil {
		return nil, fmt.Errorf("catalog: hall hours: %w", err)
	}
	depts := map[string]bool{}
	for _, d := range c.Departments {
		if d.ID == "" || depts[d.ID] {
			return nil, fmt.Errorf("catalog: department id %q empty or repeated", d.ID)
		}
		depts[d.ID] = true
	}
	prefixes := map[string]string{}
	for i := range c.Services {
		s := &c.Services[i]
		switch {
		case s.ID == "":
			return nil, fmt.Errorf("catalog: service %d has no id", i)
		case c.services[s.ID] != nil:
			return nil, fmt.Errorf("catalog: service id %q repeated", s.ID)
		case !depts[s.DepartmentID]:
			return nil, fmt.Errorf("catalog: service %s: unknown department %q", s.ID, s.DepartmentID)
		case !prefixRE.MatchString(s.Prefix):
			return nil, fmt.Errorf("catalog: service %s: ticket prefix %q is not one or two capital letters", s.ID, s.Prefix)
		case prefixes[s.Prefix] != "":
			// Numbers are unique hall-wide only because prefixes are.
			return nil, fmt.Errorf("catalog: services %s and %s share ticket prefix %s", prefixes[s.Prefix], s.ID, s.Prefix)
		case s.DailyCap < 0 || s.AvgMinutes < 0:
			return nil, fmt.Errorf("catalog: service %s: negative daily cap or average minutes", s.ID)
		}
		prefixes[s.Prefix] = s.ID
		c.services[s.ID] = s
		c.hours[s.ID] = hallHours
		if len(s.OpenHours) > 0 {
			h, err := parseHours(s.OpenHours)
			if err != nil {
				return nil, fmt.Errorf("catalog: service %s hours: %w", s.ID, err)
			}
			c.hours[s.ID] = h
		}
	}
	// A counter serves a service when either side lists the other, so an
	// integrator who fills in only one of the two lists is still right.
	serves := map[string]map[string]bool{}
	add := func(counter, svc string) {
		if serves[counter] == nil {
			serves[counter] = map[string]bool{}
		}
		serves[counter][svc] = true
	}
	counters := map[string]bool{}
	for _, k := range c.Counters {
		if k.ID == "" || counters[k.ID] {
			return nil, fmt.Errorf("catalog: counter id %q empty or repeated", k.ID)
		}
		counters[k.ID] = true
		c.counterSvcs[k.ID] = nil // a counter serving nothing yet still exists
		for _, svc := range k.Services {
			if c.services[svc] == nil {
				return nil, fmt.Errorf("catalog: counter %s: unknown service %q", k.ID, svc)
			}
			add(k.ID, svc)
		}
	}
	for _, s := range c.Services {
		for _, k := range s.Counters {
			if !counters[k] {
				return nil, fmt.Errorf("catalog: service %s: unknown counter %q", s.ID, k)
			}
			add(k, s.ID)
		}
	}
	for k, set := range serves {
		for svc := range set {
			c.counterSvcs[k] = append(c.counterSvcs[k], svc)
			c.countersOfSvc[svc]++
		}
		sort.Strings(c.counterSvcs[k])
	}
	return c, nil
}

func parseHours(hs []api.OpenHours) ([]interval, error) {
	var out []interval
	for _, h := range hs {
		var iv interval
		for _, d := range h.Weekdays {
			if d < 0 || d > 6 {
				return nil, fmt.Errorf("weekday %d outside 0–6", d)
			}
			iv.weekdays[d] = true
		}
		var err error
		if iv.open, err = parseHHMM(h.Open); err != nil {
			return nil, err
		}
		if iv.shut, err = parseHHMM(h.Close); err != nil {
			return nil, err
		}
		if iv.shut <= iv.open {
			return nil, fmt.Errorf("closes at %s before it opens at %s", h.Close, h.Open)
		}
		out = append(out, iv)
	}
	return out, nil
}

// parseHHMM reads "HH:MM" as minutes since midnight; "24:00" is allowed as
// a closing time.
func parseHHMM(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	return h*60 + m, nil
}

// isOpen reports whether a service takes tickets at local time t. A
// service without hours of its own follows the hall's; with neither it takes
// no tickets. The kiosk's offline numbering applies the same rule, so a
// kiosk offline never issues what the back office would refuse.
func (c *catalog) isOpen(serviceID string, t time.Time) bool {
	min := t.Hour()*60 + t.Minute()
	for _, iv := range c.hours[serviceID] {
		if iv.weekdays[t.Weekday()] && min >= iv.open && min < iv.shut {
			return true
		}
	}
	return false
}

// counters returns how many counters serve a service, at least 1 so that a
// wait estimate never divides by zero for a service nobody staffs yet.
func (c *catalog) counters(serviceID string) int {
	if n := c.countersOfSvc[serviceID]; n > 0 {
		return n
	}
	return 1
}

// counterName is a counter's name in the catalog, or its id.
func (c *catalog) counterName(id string) api.Text {
	for _, k := range c.Counters {
		if k.ID == id {
			return k.Name
		}
	}
	return api.Text{Zh: id, En: id}
}

// serialOf returns the serial of an online number of a service ("A023" → 23),
// or 0 when the number is not one (offline numbers look like "A07-015").
func (c *catalog) serialOf(serviceID, number string) int {
	s := c.services[serviceID]
	if s == nil || len(number) != len(s.Prefix)+3 || number[:len(s.Prefix)] != s.Prefix {
		return 0
	}
	n, err := strconv.Atoi(number[len(s.Prefix):])
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// offlineSeriesOf returns the kiosk number of an offline number of a
// service ("A07-015" → 7), formed as package offline forms it: the
// prefix, the kiosk number in two digits, a dash and a serial of at least
// three digits (a kiosk offline all day past 999 prints A07-1000).
func (c *catalog) offlineSeriesOf(serviceID, number string) (int, bool) {
	s := c.services[serviceID]
	if s == nil || len(number) < len(s.Prefix)+6 || len(number) > len(s.Prefix)+9 || number[:len(s.Prefix)] != s.Prefix {
		return 0, false
	}
	rest := number[len(s.Prefix):]
	if rest[2] != '-' || !digits(rest[:2]) || !digits(rest[3:]) {
		return 0, false
	}
	kiosk, _ := strconv.Atoi(rest[:2])
	serial, _ := strconv.Atoi(rest[3:])
	if kiosk < 1 || serial < 1 {
		return 0, false
	}
	return kiosk, true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// loadLocation resolves the hall's zone. Mainland China has no daylight
// saving time, so when the system lacks tzdata a fixed +08:00 zone is exact
// for Asia/Shanghai (and its old aliases); any other zone must load.
func loadLocation(name string) (*time.Location, error) {
	if name == "" {
		name = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(name)
	if err == nil {
		return loc, nil
	}
	switch name {
	case "Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC":
		return time.FixedZone("CST", 8*3600), nil
	}
	return nil, fmt.Errorf("hall time zone %q: %w", name, err)
}
