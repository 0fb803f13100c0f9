package escpos

import (
	"strings"
	"unicode/utf8"
)

// Punctuation that must not start a line (closing marks) or end one
// (opening marks), the light form of the Chinese line-breaking rules.
const (
	noLineStart = "，。、；：？！）》」』】〕”’…—,.;:?!)]}%·"
	noLineEnd   = "（《「『【〔“‘([{"
)

// Wrap splits s into lines no wider than cols print columns (TextWidth: 2
// for a Chinese character, 1 for ASCII). It breaks between Chinese
// characters and at spaces, keeps Latin words whole when they fit, keeps
// closing punctuation off the start of a line and opening punctuation off
// the end, and honours '\n'. A printer wraps an over-long line by itself,
// so no line returned is wider than cols.
func Wrap(s string, cols int) []string {
	cols = max(cols, 2)
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		lines = append(lines, wrapPara(para, cols)...)
	}
	return lines
}

type token struct {
	text  string
	width int
	space bool
}

func tokenize(s string) []token {
	var toks []token
	glue := false // the previous token was an opening mark: join the next one to it
	for _, r := range s {
		w := runeWidth(r)
		ch := string(r)
		n := len(toks)
		switch {
		case r == ' ':
			toks = append(toks, token{text: " ", width: 1, space: true})
			glue = false
			continue
		case n > 0 && !toks[n-1].space && (glue || strings.ContainsRune(noLineStart, r)):
			toks[n-1].text += ch
			toks[n-1].width += w
		case n > 0 && w == 1 && !toks[n-1].space && isNarrowWord(toks[n-1]):
			toks[n-1].text += ch
			toks[n-1].width += w
		default:
			toks = append(toks, token{text: ch, width: w})
		}
		glue = strings.ContainsRune(noLineEnd, r)
	}
	return toks
}

// isNarrowWord reports whether t ends in a narrow (Latin) character, so a
// following narrow character continues the same word.
func isNarrowWord(t token) bool {
	r, _ := utf8.DecodeLastRuneInString(t.text)
	return runeWidth(r) == 1 && !strings.ContainsRune(noLineEnd, r)
}

func wrapPara(s string, cols int) []string {
	var lines []string
	var cur strings.Builder
	w := 0
	flush := func() {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
		cur.Reset()
		w = 0
	}
	for _, t := range tokenize(s) {
		if t.space {
			if w == 0 {
				continue // no leading spaces on a wrapped line
			}
			if w+1 > cols {
				flush()
				continue
			}
			cur.WriteString(" ")
			w++
			continue
		}
		if w+t.width <= cols {
			cur.WriteString(t.text)
			w += t.width
			continue
		}
		if w > 0 {
			flush()
		}
		if t.width <= cols {
			cur.WriteString(t.text)
			w = t.width
			continue
		}
		// A token wider than the line (a long URL or number): hard break.
		for _, r := range t.text {
			rw := runeWidth(r)
			if w+rw > cols {
				flush()
			}
			cur.WriteRune(r)
			w += rw
		}
	}
	if w > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// WrapBalanced wraps s like Wrap but evens out the line lengths, for
// centred headings: "不动产登记（二手房转移登记）" at 24 columns becomes two
// lines of 7 characters instead of 12 and 2.
func WrapBalanced(s string, cols int) []string {
	best := Wrap(s, cols)
	if len(best) < 2 || strings.Contains(s, "\n") {
		return best
	}
	if len(best) == 2 {
		// Two lines: break before a bracketed qualifier when both halves fit,
		// "不动产登记" / "（二手房转移登记）".
		for i, r := range s {
			if i > 0 && strings.ContainsRune(noLineEnd, r) {
				head, tail := strings.TrimRight(s[:i], " "), s[i:]
				if TextWidth(head) <= cols && TextWidth(tail) <= cols {
					return []string{head, tail}
				}
			}
		}
	}
	for c := cols - 1; c >= 2; c-- {
		try := Wrap(s, c)
		if len(try) > len(best) {
			break
		}
		best = try
	}
	return best
}
