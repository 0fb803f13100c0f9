package flow

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"hallkiosk/backoffice/api"
	"hallkiosk/readings"
)

// MaxQuery is the most characters a search query keeps: the longest full
// pinyin of a service name a citizen would type is shorter.
const MaxQuery = 32

// Where a query matched, best first: a service's name (either language),
// its keywords, its materials.
const (
	fieldName = iota
	fieldKeyword
	fieldMaterial
)

// searchText is one text of a service as the search sees it.
type searchText struct {
	field int
	// plain is the text normalised like a query, for queries with Chinese
	// characters (the guide's keyword search).
	plain string
	// tokens are the text's syllables and words (readings.Marks.Tokens),
	// for queries of letters.
	tokens []string
}

// searchEntry is one service and its texts.
type searchEntry struct {
	svc   *api.Service
	texts []searchText
}

// searchIndex finds services by what a citizen types. It is derived when
// a catalog is read, with the catalog's reading marks, and never modified.
type searchIndex struct {
	entries []searchEntry
}

func newSearchIndex(cat *api.Catalog) *searchIndex {
	// A mark the back office would refuse is left out here, not fatal: the
	// rest of the catalog still reads, and the character's usual reading
	// still finds most words.
	marks, _ := readings.Parse(cat.Readings)
	ix := &searchIndex{entries: make([]searchEntry, 0, len(cat.Services))}
	for i := range cat.Services {
		s := &cat.Services[i]
		e := searchEntry{svc: s}
		add := func(field int, texts ...string) {
			for _, t := range texts {
				if t == "" {
					continue
				}
				e.texts = append(e.texts, searchText{field: field, plain: normalizeQuery(t), tokens: marks.Tokens(t)})
			}
		}
		add(fieldName, s.Name.Zh, s.Name.En)
		add(fieldKeyword, s.Keywords...)
		for _, m := range s.Materials {
			add(fieldMaterial, m.Name.Zh, m.Name.En)
		}
		ix.entries = append(ix.entries, e)
	}
	return ix
}

// normalizeQuery folds what was typed (or a catalog text) into what the
// search compares: lower-case Latin letters and digits, full-width forms
// narrowed, accents and tone marks dropped (ü typed as v), Chinese
// characters kept, everything else (spaces, apostrophes, punctuation)
// removed; at most MaxQuery characters.
func normalizeQuery(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = norm.NFD.String(width.Narrow.String(strings.ToLower(s)))
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n >= MaxQuery {
			break
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
		case r == '\u0308' && strings.HasSuffix(b.String(), "u"): // ü → v, as pinyin is typed
			str := b.String()
			b.Reset()
			b.WriteString(str[:len(str)-1])
			r = 'v'
			n--
		case unicode.Is(unicode.Han, r):
		case unicode.IsLetter(r) && r < 0x250: // a Latin letter with its accent already split off
			r = unicode.ToLower(r)
		default:
			continue
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// hasHan reports whether q holds a Chinese character.
func hasHan(q string) bool {
	for _, r := range q {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// match reports whether the normalised query q matches t, and whether at
// its start (0) or further in (1). A query of letters matches consecutive
// tokens, each typed whole or by its first letters: "sbk", "shebaoka" and
// "shebk" all match 社保卡, "housingfund" matches "Housing Fund". A query
// with Chinese characters matches a run of the text.
func (t searchText) match(q string) (pos int, ok bool) {
	if hasHan(q) {
		i := strings.Index(t.plain, q)
		if i < 0 {
			return 0, false
		}
		return min(i, 1), true
	}
	for start := range t.tokens {
		if tokensMatch(t.tokens[start:], q) {
			return min(start, 1), true
		}
	}
	return 0, false
}

// tokensMatch reports whether q is typed by a prefix (non-empty) of each of
// a run of tokens from the first. reach holds, as bits, the lengths of q
// typed so far; a query is at most MaxQuery letters, so 64 bits hold them.
func tokensMatch(tokens []string, q string) bool {
	if q == "" || len(q) > 63 {
		return false
	}
	var reach uint64 = 1 // nothing typed yet
	done := uint64(1) << len(q)
	for _, tok := range tokens {
		var next uint64
		for j := 0; j < len(q); j++ {
			if reach&(1<<j) == 0 {
				continue
			}
			for k := 1; k <= len(tok) && j+k <= len(q) && q[j+k-1] == tok[k-1]; k++ {
				next |= 1 << (j + k)
			}
		}
		if next&done != 0 {
			return true
		}
		if next == 0 {
			return false
		}
		reach = next
	}
	return false
}

// find returns the services matching query, best first: by where the
// match is (name, keyword, material), then whether it is at the start of
// that text, then in catalog order.
func (ix *searchIndex) find(query string) []*api.Service {
	q := normalizeQuery(query)
	if q == "" {
		return nil
	}
	type hit struct {
		svc       *api.Service
		rank, pos int
	}
	var hits []hit
	for i, e := range ix.entries {
		best := -1
		for _, t := range e.texts {
			if best >= 0 && t.field*2 >= best {
				break // texts come in field order: no better rank follows
			}
			if p, ok := t.match(q); ok && (best < 0 || t.field*2+p < best) {
				best = t.field*2 + p
			}
		}
		if best >= 0 {
			hits = append(hits, hit{e.svc, best, i})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].rank < hits[j].rank })
	out := make([]*api.Service, len(hits))
	for i, h := range hits {
		out[i] = h.svc
	}
	return out
}

// finder is a search on screen: the letters typed on the keypad and the
// services they find, found again after every letter. 取号 and 办事指南
// each hold one.
type finder struct {
	query   field
	results []*api.Service
}

// open starts an empty search.
func (fd *finder) open() {
	fd.query.set(InputLetters, MaxQuery)
	fd.results = nil
}

// key types s and searches again; it reports whether the query changed.
func (fd *finder) key(ix *catalogIndex, s string) bool {
	if !fd.query.key(s) {
		return false
	}
	fd.results = ix.search(fd.query.value())
	return true
}

// backspace deletes the last letter and searches again.
func (fd *finder) backspace(ix *catalogIndex) bool {
	if !fd.query.backspace() {
		return false
	}
	fd.results = ix.search(fd.query.value())
	return true
}

// has reports whether id is among the results.
func (fd *finder) has(id string) bool {
	for _, s := range fd.results {
		if s.ID == id {
			return true
		}
	}
	return false
}

// close forgets the search.
func (fd *finder) close() {
	fd.query.set(InputNone, 0)
	fd.results = nil
}
