package readings

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Marks are a catalog's reading marks: the words whose characters are not
// read with their most frequent readings, and how they are read. The zero
// value marks nothing.
type Marks struct {
	words   map[string][]string // word → one toneless syllable per character
	longest int                 // the longest word, in characters
}

// Parse checks the catalog's marks (word → space-separated syllables, tone
// marks or tone digits allowed: "银行": "yín háng" or "yin2 hang2") and
// returns the valid ones. A word must be Chinese characters only, with one
// syllable each, and each syllable one of the character's readings. The
// error names every mark left out, so a back office refuses the catalog
// while a kiosk that meets it anyway still reads the rest.
func Parse(marks map[string]string) (Marks, error) {
	m := Marks{words: make(map[string][]string, len(marks))}
	var errs []error
	words := make([]string, 0, len(marks))
	for w := range marks {
		words = append(words, w)
	}
	sort.Strings(words) // errors in a stable order
	for _, w := range words {
		syl, err := parseMark(w, marks[w])
		if err != nil {
			errs = append(errs, fmt.Errorf("reading of %q: %w", w, err))
			continue
		}
		m.words[w] = syl
		m.longest = max(m.longest, len(syl))
	}
	return m, errors.Join(errs...)
}

func parseMark(word, reading string) ([]string, error) {
	if word == "" {
		return nil, errors.New("empty word")
	}
	if !utf8.ValidString(word) || !utf8.ValidString(reading) {
		return nil, errors.New("not UTF-8")
	}
	syl := strings.Fields(reading)
	if n := utf8.RuneCountInString(word); n != len(syl) {
		return nil, fmt.Errorf("%d characters but %d syllables in %q", n, len(syl), reading)
	}
	i := 0
	for _, r := range word {
		if !unicode.Is(unicode.Han, r) {
			return nil, fmt.Errorf("%q is not a Chinese character", r)
		}
		s := Toneless(syl[i])
		if !isSyllable(s) {
			return nil, fmt.Errorf("%q is not a pinyin syllable", syl[i])
		}
		if !contains(Of(r), s) {
			return nil, fmt.Errorf("%c is not read %q (its readings: %s)", r, s, strings.Join(Of(r), ", "))
		}
		syl[i] = s
		i++
	}
	return syl, nil
}

func isSyllable(s string) bool {
	if s == "" || len(s) > 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// known holds the readings Of has looked up (rune → []string): a catalog
// repeats the same few hundred characters many times, and each lookup in
// the table makes a new slice.
var known sync.Map

// Of returns the distinct toneless readings of r, most frequent first
// ("xing", "hang", "heng" for 行); nil when r is not a Chinese character
// the dictionary knows. The slice is shared: callers must not modify it.
func Of(r rune) []string {
	if v, ok := known.Load(r); ok {
		return v.([]string)
	}
	out := of(r)
	known.Store(r, out)
	return out
}

func of(r rune) []string {
	dictOnce.Do(func() { dict = open(table) })
	return dict.lookup(r)
}

// Toneless folds a pinyin syllable to lower-case letters: tone marks and
// tone digits go, ü becomes v (as typed on a keyboard: lv for 绿).
func Toneless(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == '\u0308': // the diaeresis of ü, after its u
			str := b.String()
			if strings.HasSuffix(str, "u") {
				b.Reset()
				b.WriteString(str[:len(str)-1] + "v")
			}
		}
	}
	return b.String()
}

// Tokens splits text into what a citizen may type for it: each Chinese
// character as its toneless syllable (a marked word as marked, else the
// character's most frequent reading), each run of Latin letters or digits
// as one lower-case word. Punctuation and spaces separate tokens and are
// dropped.
func (m Marks) Tokens(text string) []string {
	rs := []rune(text)
	var out []string
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.Is(unicode.Han, r):
			if syl := m.word(rs[i:]); syl != nil {
				out = append(out, syl...)
				i += len(syl)
				continue
			}
			if rd := Of(r); len(rd) > 0 {
				out = append(out, rd[0])
			}
			i++
		case isWordRune(r):
			j := i
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
			out = append(out, foldWord(string(rs[i:j])))
			i = j
		default:
			i++
		}
	}
	return out
}

// word returns the syllables of the longest marked word rs starts with.
func (m Marks) word(rs []rune) []string {
	for n := min(m.longest, len(rs)); n > 0; n-- {
		if syl, ok := m.words[string(rs[:n])]; ok {
			return syl
		}
	}
	return nil
}

func isWordRune(r rune) bool {
	return !unicode.Is(unicode.Han, r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// foldWord lower-cases a Latin word and drops its accents (café → cafe), as
// a letter keypad types it.
func foldWord(w string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(strings.ToLower(w)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
