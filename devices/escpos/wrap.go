package escpos

import (
	"strings"

	"hallkiosk/linebreak"
)

// columns measures text in print columns (TextWidth), for linebreak.
func columns(s string) float32 { return float32(TextWidth(s)) }

// Wrap splits s into lines no wider than cols print columns (TextWidth: 2
// for a Chinese character, 1 for ASCII) by the Chinese line-breaking rules
// of package linebreak: between Chinese characters and at spaces, Latin
// words and numbers whole, closing punctuation never at the start of a
// line nor opening punctuation at its end, '\n' honoured. A printer wraps
// an over-long line by itself, so no line returned is wider than cols.
func Wrap(s string, cols int) []string { return wrap(nil, s, cols) }

func wrap(br *linebreak.Breaker, s string, cols int) []string {
	return br.Lines(s, float32(max(cols, 2)), columns)
}

// WrapBalanced wraps s like Wrap but evens out the line lengths, for
// centred headings: "不动产登记（二手房转移登记）" at 24 columns becomes two
// lines of 7 characters instead of 12 and 2.
func WrapBalanced(s string, cols int) []string { return wrapBalanced(nil, s, cols) }

func wrapBalanced(br *linebreak.Breaker, s string, cols int) []string {
	best := wrap(br, s, cols)
	if len(best) < 2 || strings.Contains(s, "\n") {
		return best
	}
	if len(best) == 2 {
		// Two lines: break before a bracketed qualifier when both halves fit,
		// "不动产登记" / "（二手房转移登记）".
		for i, r := range s {
			if i > 0 && linebreak.Opening(r) && !br.Inside(s, i) {
				head, tail := strings.TrimRight(s[:i], " "), s[i:]
				if TextWidth(head) <= cols && TextWidth(tail) <= cols {
					return []string{head, tail}
				}
			}
		}
	}
	for c := cols - 1; c >= 2; c-- {
		try := wrap(br, s, c)
		if len(try) > len(best) {
			break
		}
		best = try
	}
	return best
}
