package flow

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"hallkiosk/backoffice/api"
)

// DepartmentItem is one department tile.
type DepartmentItem struct {
	ID   string
	Name api.Text
	Icon string
	// Services is how many services the department offers on the kiosk.
	Services int
}

// ServiceItem is one service tile.
type ServiceItem struct {
	ID             string
	DepartmentID   string
	Name           api.Text
	Prefix         string
	RequiresIDCard bool
	// Open is false outside the service's ticketing hours; OpensAt is then
	// the next opening when the catalog has one.
	Open    bool
	OpensAt time.Time
}

// catalogIndex answers the questions flows ask of a catalog. It is built
// once per catalog read and never modified, so flows may share it.
type catalogIndex struct {
	cat      *api.Catalog
	loc      *time.Location
	services map[string]*api.Service
	depts    []api.Department
	byDept   map[string][]*api.Service
	counters map[string]*api.Counter
	keep     []string // every word the catalog's texts keep whole (api.Text.Keep)
	find     *searchIndex
}

func newCatalogIndex(cat *api.Catalog) *catalogIndex {
	ix := &catalogIndex{
		cat:      cat,
		loc:      hallLocation(cat.Hall.Timezone),
		services: make(map[string]*api.Service, len(cat.Services)),
		byDept:   make(map[string][]*api.Service),
		counters: make(map[string]*api.Counter, len(cat.Counters)),
	}
	for i := range cat.Services {
		s := &cat.Services[i]
		ix.services[s.ID] = s
		ix.byDept[s.DepartmentID] = append(ix.byDept[s.DepartmentID], s)
	}
	for _, d := range cat.Departments {
		// A department with no service would be a tile that leads nowhere.
		if len(ix.byDept[d.ID]) > 0 {
			ix.depts = append(ix.depts, d)
		}
	}
	for i := range cat.Counters {
		ix.counters[cat.Counters[i].ID] = &cat.Counters[i]
	}
	ix.keep = KeepWords(cat)
	ix.find = searchIndexOf(cat)
	return ix
}

// lastSearch is the search index of the catalog read last. The store hands
// out one *api.Catalog until a new one arrives, and every flow reads it
// when it starts: the pinyin is derived once per catalog, not per visit.
var lastSearch struct {
	sync.Mutex
	cat *api.Catalog
	ix  *searchIndex
}

func searchIndexOf(cat *api.Catalog) *searchIndex {
	lastSearch.Lock()
	defer lastSearch.Unlock()
	if lastSearch.cat != cat {
		lastSearch.cat, lastSearch.ix = cat, newSearchIndex(cat)
	}
	return lastSearch.ix
}

// KeepWords returns the words the catalog's texts mark as not to be broken
// across lines (api.Text.Keep), for the screens and the printed slips.
func KeepWords(cat *api.Catalog) []string {
	if cat == nil {
		return nil
	}
	var ws []string
	add := func(t api.Text) { ws = append(ws, t.Keep...) }
	add(cat.Hall.Name)
	add(cat.Hall.Address)
	for _, d := range cat.Departments {
		add(d.Name)
	}
	for _, s := range cat.Services {
		for _, t := range []api.Text{s.Name, s.Fee, s.TimeLimit, s.LegalBasis, s.Conditions} {
			add(t)
		}
		for _, m := range s.Materials {
			add(m.Name)
			add(m.Note)
		}
	}
	for _, c := range cat.Counters {
		add(c.Name)
	}
	return ws
}

// hallLocation loads the hall's zone. Mainland China has had one offset
// without daylight saving since 1991, so a machine without tzdata still gets
// the right hall time for the default zone.
func hallLocation(name string) *time.Location {
	if name == "" {
		name = "Asia/Shanghai"
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

func (ix *catalogIndex) departmentItems() []DepartmentItem {
	out := make([]DepartmentItem, 0, len(ix.depts))
	for _, d := range ix.depts {
		out = append(out, DepartmentItem{ID: d.ID, Name: d.Name, Icon: d.Icon, Services: len(ix.byDept[d.ID])})
	}
	return out
}

func (ix *catalogIndex) serviceItem(s *api.Service, now time.Time) ServiceItem {
	open, next := ix.open(s, now)
	it := ServiceItem{
		ID: s.ID, DepartmentID: s.DepartmentID, Name: s.Name, Prefix: s.Prefix,
		RequiresIDCard: s.RequiresIDCard, Open: open,
	}
	if !open {
		it.OpensAt = next
	}
	return it
}

func (ix *catalogIndex) serviceItems(list []*api.Service, now time.Time) []ServiceItem {
	out := make([]ServiceItem, 0, len(list))
	for _, s := range list {
		out = append(out, ix.serviceItem(s, now))
	}
	return out
}

// hours returns the ticketing hours of s: its own, else the hall's.
func (ix *catalogIndex) hours(s *api.Service) []api.OpenHours {
	if s != nil && len(s.OpenHours) > 0 {
		return s.OpenHours
	}
	return ix.cat.Hall.OpenHours
}

// open reports whether tickets for s can be taken at t, and if not, the next
// opening (zero when the catalog has none within a week).
func (ix *catalogIndex) open(s *api.Service, t time.Time) (bool, time.Time) {
	return openAt(ix.hours(s), t.In(ix.loc))
}

// businessDate is t's date in the hall's zone, YYYY-MM-DD, as the store
// stamps tickets.
func (ix *catalogIndex) businessDate(t time.Time) string {
	return t.In(ix.loc).Format(time.DateOnly)
}

// counterText names the counters that serve s one a line, e.g.
// "6号窗口 社保卡服务\n20号窗口 综合窗口·绿色通道": a list of long window
// names run together on one line breaks in the middle of a name. The names
// come from the catalog in the language asked for.
func (ix *catalogIndex) counterText(s *api.Service, lang string) string {
	var names []string
	for _, id := range s.Counters {
		if c, ok := ix.counters[id]; ok && c.Name.In(lang) != "" {
			names = append(names, c.Name.In(lang))
		} else {
			names = append(names, id)
		}
	}
	return strings.Join(names, "\n")
}

// openAt reports whether t (already in the hall's zone) falls in one of
// hours, and otherwise the next opening within a week. A catalog without
// hours means "always open": refusing every ticket because of a missing
// setting would be worse than issuing one at an odd time.
func openAt(hours []api.OpenHours, t time.Time) (bool, time.Time) {
	if len(hours) == 0 {
		return true, time.Time{}
	}
	mins := t.Hour()*60 + t.Minute()
	wd := int(t.Weekday())
	for _, h := range hours {
		o, c, ok := parseSpan(h)
		if ok && hasDay(h.Weekdays, wd) && o <= mins && mins < c {
			return true, time.Time{}
		}
	}
	var best time.Time
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	for d := 0; d <= 7; d++ {
		date := day.AddDate(0, 0, d)
		for _, h := range hours {
			o, _, ok := parseSpan(h)
			if !ok || !hasDay(h.Weekdays, int(date.Weekday())) {
				continue
			}
			at := date.Add(time.Duration(o) * time.Minute)
			if at.After(t) && (best.IsZero() || at.Before(best)) {
				best = at
			}
		}
		if !best.IsZero() {
			break
		}
	}
	return false, best
}

func hasDay(days []int, wd int) bool {
	for _, d := range days {
		if d == wd || (d == 7 && wd == 0) { // accept 7 for Sunday too
			return true
		}
	}
	return false
}

// parseSpan parses "HH:MM" open and close into minutes of the day; close may
// be "24:00".
func parseSpan(h api.OpenHours) (open, close int, ok bool) {
	o, ok1 := parseHHMM(h.Open)
	c, ok2 := parseHHMM(h.Close)
	return o, c, ok1 && ok2 && o < c
}

func parseHHMM(s string) (int, bool) {
	hh, mm, found := strings.Cut(strings.TrimSpace(s), ":")
	if !found {
		return 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// materialLines formats a service's materials for a printout, one line each:
// the name, then the originals and copies with the caller's words.
func materialLines(ms []api.Material, lang string, w PrintWords) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		line := m.Name.In(lang)
		var parts []string
		if m.Original > 0 {
			parts = append(parts, w.quantity(false, m.Original))
		}
		if m.Copies > 0 {
			parts = append(parts, w.quantity(true, m.Copies))
		}
		parts = slices.DeleteFunc(parts, func(s string) bool { return s == "" })
		if len(parts) > 0 {
			line += " (" + strings.Join(parts, ", ") + ")"
		}
		if !m.Required && w.IfAny != "" {
			line += " " + w.IfAny
		}
		if note := m.Note.In(lang); note != "" {
			line += " — " + note
		}
		out = append(out, line)
	}
	return out
}

// PrintWords are the few fixed words flow puts on printouts besides the
// ticket labels; they come from the UI's translations in the session
// language (flow holds no display text).
type PrintWords struct {
	Original string // 原件
	Copies   string // 复印件
	IfAny    string // (如有)
	// Quantity, when set, words a number of originals or copies in the
	// session language ("原件 1 份", "2 copies"); otherwise it is Original
	// or Copies and the number.
	Quantity func(copies bool, n int) string
}

// quantity words n originals or copies; "" when there are no words for it.
func (w PrintWords) quantity(copies bool, n int) string {
	if w.Quantity != nil {
		return w.Quantity(copies, n)
	}
	word := w.Original
	if copies {
		word = w.Copies
	}
	if word == "" {
		return ""
	}
	return word + " " + strconv.Itoa(n)
}

// search returns the services matching what was typed (searchIndex.find):
// names before keywords before materials, a match at the start of a text
// before one further in, then catalog order.
func (ix *catalogIndex) search(query string) []*api.Service {
	return ix.find.find(query)
}
