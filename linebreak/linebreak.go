package linebreak

import (
	"slices"
	"strings"
	"unicode"
)

// Punctuation that must not start a line (closing marks, pause marks, the
// interpunct, dashes and ellipses) or end one (opening marks).
const (
	closing = "、，。．：；！？）》」』】〕〗〉”’…—·・‥％,.;:?!)]}%"
	opening = "（《「『【〔〖〈“‘([{"
)

// Closing reports whether no line may start with r.
func Closing(r rune) bool { return strings.ContainsRune(closing, r) }

// Opening reports whether no line may end with r.
func Opening(r rune) bool { return strings.ContainsRune(opening, r) }

// Measure returns the width of a line of text in the caller's unit:
// printer columns for a ticket, dp of the bundled font for a screen.
type Measure func(s string) float32

// Breaker breaks lines by the package's rules, keeping the words it was
// given whole. A nil Breaker keeps no words but follows every other rule.
type Breaker struct {
	keep []string // longest first, so a longer word is marked before its parts
}

// New returns a Breaker that does not break inside any of the words keep
// (blank and one-character words are ignored; duplicates are fine).
func New(keep ...string) *Breaker {
	var ws []string
	for _, w := range keep {
		w = strings.TrimSpace(w)
		if len([]rune(w)) > 1 {
			ws = append(ws, w)
		}
	}
	slices.SortFunc(ws, func(a, b string) int {
		if d := len(b) - len(a); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return &Breaker{keep: slices.Compact(ws)}
}

// Words returns the words b keeps whole, longest first.
func (b *Breaker) Words() []string {
	if b == nil {
		return nil
	}
	return slices.Clone(b.keep)
}

// Lines breaks s into lines no wider than width as m measures them. '\n'
// ends a line; spaces at a break are dropped. A line holds at least one
// character, so a character wider than width is a line of its own.
func (b *Breaker) Lines(s string, width float32, m Measure) []string {
	return b.Fill(s, width, width, m)
}

// Fill is Lines with a first line of width first and every later line,
// after a wrap or a '\n', of width rest: text with a hanging indent
// ("办理窗口：" over the lines under it).
func (b *Breaker) Fill(s string, first, rest float32, m Measure) []string {
	var out []string
	for para := range strings.SplitSeq(s, "\n") {
		w := rest
		if len(out) == 0 {
			w = first
		}
		out = append(out, b.fill(para, w, rest, m)...)
	}
	return out
}

// never marks a place the rules forbid a break: it is taken only when
// nothing else fits. Elsewhere a place's rating is the number of kept words
// around it: 0 is a free place, 1 inside one word, 2 inside a word within a
// word ("综合窗口" within "综合窗口·绿色通道"), and the fewer the better.
const never = -1

// levels rates the place before each rune of rs (levels[0] is unused).
func (b *Breaker) levels(s string, rs []rune) []int {
	lv := make([]int, len(rs))
	for i := 1; i < len(rs); i++ {
		lv[i] = between(rs, i)
	}
	if b == nil {
		return lv
	}
	// runeAt maps a byte offset of s to the index of its rune in rs.
	runeAt := make([]int, len(s)+1)
	k := 0
	for i := range s {
		runeAt[i] = k
		k++
	}
	for _, w := range b.keep {
		n := len([]rune(w))
		from := 0
		for {
			j := strings.Index(s[from:], w)
			if j < 0 {
				break
			}
			at := runeAt[from+j]
			for r := at + 1; r < at+n && r < len(lv); r++ {
				if lv[r] != never {
					lv[r]++
				}
			}
			from += j + len(w)
		}
	}
	return lv
}

// between rates a break before rs[i] by the punctuation and script rules.
func between(rs []rune, i int) int {
	a, c := rs[i-1], rs[i]
	switch {
	case isSpace(c), Closing(c), Opening(a):
		return never
	case a == c && (a == '—' || a == '…'):
		return never
	case isSpace(a):
		return 0
	case !wide(a) && !wide(c):
		return never // inside a Latin word, number, date or address
	case unicode.IsDigit(a) && wide(c):
		return never // a number and its measure word: 20号, 3个工作日
	}
	return 0
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\u3000' }

// wide reports whether r is a Chinese (or other East Asian) character or
// full-width form, between which lines may break.
func wide(r rune) bool {
	switch {
	case r >= 0x2E80 && r <= 0x9FFF, // radicals, CJK symbols and punctuation, kana, ideographs
		r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // vertical forms
		r >= 0xFF00 && r <= 0xFF60, // full-width forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD: // supplementary ideographs
		return true
	}
	return r == '…' || r == '—' || r == '“' || r == '”' || r == '‘' || r == '’' || r == '·'
}

// fill breaks one paragraph: the first line in width first, the rest in
// width rest.
func (b *Breaker) fill(s string, first, rest float32, m Measure) []string {
	rs := []rune(s)
	if len(rs) == 0 {
		return []string{""}
	}
	lv := b.levels(s, rs)
	var out []string
	st, w := 0, first
	for st < len(rs) {
		e := fit(rs, st, w, m)
		for e < len(rs) && isSpace(rs[e]) {
			e++ // spaces at the end of a line take no room
		}
		if e >= len(rs) {
			out = append(out, trimEnd(rs[st:]))
			break
		}
		br := best(rs, lv, st, e)
		out = append(out, trimEnd(rs[st:br]))
		st, w = br, rest
		for st < len(rs) && isSpace(rs[st]) {
			st++
		}
	}
	return out
}

// fit returns the end of the longest run rs[st:e] that m measures within
// w, at least st+1. It gallops from st and then halves, so a line costs a
// few measures of about its own length however long the paragraph.
func fit(rs []rune, st int, w float32, m Measure) int {
	lo := st + 1 // rs[st:lo] is a line whatever its width
	if lo >= len(rs) || m(string(rs[st:lo])) > w {
		return lo
	}
	var hi int // rs[st:hi] does not fit; the gallop sets it or returns
	for step := 1; ; step *= 2 {
		next := min(lo+step, len(rs))
		if m(string(rs[st:next])) > w {
			hi = next
			break
		}
		lo = next
		if lo == len(rs) {
			return lo
		}
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if m(string(rs[st:mid])) <= w {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// best picks the break for a line from st that fits up to e: the last
// place inside the fewest kept words (a free place if there is one), else
// e itself moved back so that closing punctuation does not start the next
// line nor opening punctuation end this one.
func best(rs []rune, lv []int, st, e int) int {
	at := -1
	for i := e; i > st; i-- {
		if lv[i] != never && (at < 0 || lv[i] < lv[at]) {
			at = i
			if lv[i] == 0 {
				break
			}
		}
	}
	if at > 0 {
		return at
	}
	br := e
	for br > st+1 && (Closing(rs[br]) || Opening(rs[br-1]) || isSpace(rs[br])) {
		br--
	}
	return br
}

func trimEnd(rs []rune) string {
	return strings.TrimRight(string(rs), " \t\u3000")
}

// Inside reports whether byte offset i of s falls strictly inside a word b
// keeps whole, where no break may go.
func (b *Breaker) Inside(s string, i int) bool {
	if b == nil {
		return false
	}
	for _, w := range b.keep {
		for from := 0; ; {
			j := strings.Index(s[from:], w)
			if j < 0 {
				break
			}
			at := from + j
			if at < i && i < at+len(w) {
				return true
			}
			from = at + len(w)
		}
	}
	return false
}
