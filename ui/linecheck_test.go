package ui

import (
	"fmt"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The Chinese line-breaking rules as a reader checks them on screen,
// written out here rather than taken from package linebreak, so that the
// check does not share the breaker's mistakes.
const (
	// Marks no line may start with (GB/T 15834: 点号 and closing marks).
	mustNotStart = "、，。：；！？）」》』】〕”’…—·%,.;:!?)]}"
	// Marks no line may end with (opening marks).
	mustNotEnd = "（「《『【〔“‘([{"
)

// shownText is a text widget on screen: the text it was given and the
// rows it draws.
type shownText struct {
	src  []string // its paragraphs as set
	rows []string // the rows drawn, in order
	// fits reports whether s fits one row of the paragraph at index i.
	fits func(i int, s string) bool
}

// textsOnScreen returns every text widget under o with its rows.
func textsOnScreen(o fyne.CanvasObject) []shownText {
	var out []shownText
	walk(o, func(obj fyne.CanvasObject, _ fyne.Position, _ []fyne.CanvasObject) {
		var rt *widget.RichText
		var src []string
		switch x := obj.(type) {
		case *lineText:
			rt, src = &x.RichText, x.src
		case *widget.RichText:
			rt = x
			for _, s := range x.Segments {
				if ts, ok := s.(*widget.TextSegment); ok {
					src = append(src, ts.Text)
				}
			}
		default:
			return
		}
		st := shownText{src: src}
		for _, r := range test.WidgetRenderer(obj.(fyne.Widget)).Objects() {
			if t, ok := r.(*canvas.Text); ok && r.Visible() {
				st.rows = append(st.rows, t.Text)
			}
		}
		segs := rt.Segments
		avail := rt.Size().Width - 2*theme.Size(theme.SizeNameInnerPadding)
		st.fits = func(i int, s string) bool {
			ts, ok := segs[min(i, len(segs)-1)].(*widget.TextSegment)
			if !ok {
				return true
			}
			size := theme.Size(theme.SizeNameText)
			if ts.Style.SizeName != "" {
				size = theme.Size(ts.Style.SizeName)
			}
			return fyne.MeasureText(s, size, ts.Style.TextStyle).Width <= avail
		}
		out = append(out, st)
	})
	return out
}

// lineBreakFaults finds every break between two rows of a text on screen
// that a Chinese reader would object to: a row that starts with a closing
// mark or a row that ends with an opening one, a number or Latin word cut
// in two, a number parted from its measure word (20号), and a break inside
// a word the catalog keeps whole (keep) when that word fits a row.
func lineBreakFaults(o fyne.CanvasObject, keep []string) []string {
	var faults []string
	for _, st := range textsOnScreen(o) {
		faults = append(faults, st.faults(keep)...)
	}
	return faults
}

func (st shownText) faults(keep []string) []string {
	var faults []string
	var src []rune
	var paraOf []int // the paragraph (segment) each rune of src is in
	for i, p := range st.src {
		if i > 0 {
			src, paraOf = append(src, '\n'), append(paraOf, i)
		}
		for _, r := range p {
			src, paraOf = append(src, r), append(paraOf, i)
		}
	}
	pos := 0
	skip := func() {
		for pos < len(src) && unicode.IsSpace(src[pos]) {
			pos++
		}
	}
	for i, row := range st.rows {
		row = strings.TrimLeft(row, " \u3000")
		if row == "" {
			continue
		}
		skip()
		r := []rune(row)
		if pos+len(r) > len(src) || string(src[pos:pos+len(r)]) != row {
			if strings.HasSuffix(row, "…") {
				break // truncated on purpose
			}
			faults = append(faults, fmt.Sprintf("row %q of %q does not follow its text", row, string(src)))
			break
		}
		pos += len(r)
		end := pos
		// Was this row ended by a wrap (not by the text's own '\n')?
		j := end
		for j < len(src) && src[j] == ' ' {
			j++
		}
		if j >= len(src) || src[j] == '\n' || i == len(st.rows)-1 {
			continue
		}
		before, after := r[len(r)-1], src[j]
		where := fmt.Sprintf("%q | %q in %q", row, string(src[j:min(j+8, len(src))]), string(src))
		switch {
		case strings.ContainsRune(mustNotStart, after):
			faults = append(faults, "row starts with "+string(after)+": "+where)
		case strings.ContainsRune(mustNotEnd, before):
			faults = append(faults, "row ends with "+string(before)+": "+where)
		case j == end && isASCIIWord(before) && isASCIIWord(after):
			faults = append(faults, "word or number split: "+where)
		case j == end && unicode.IsDigit(before) && unicode.Is(unicode.Han, after):
			faults = append(faults, "number parted from its measure word: "+where)
		}
		for _, w := range keep {
			if at := coveringWord(src, end, w); at >= 0 && st.fits(paraOf[end-1], w) {
				faults = append(faults, fmt.Sprintf("break inside %q, which fits a row: %s", w, where))
			}
		}
	}
	return faults
}

func isASCIIWord(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// coveringWord returns where an occurrence of w in src starts that the
// break before src[at] falls strictly inside, or -1.
func coveringWord(src []rune, at int, w string) int {
	wr := []rune(w)
	for st := max(0, at-len(wr)+1); st < at && st+len(wr) <= len(src); st++ {
		if string(src[st:st+len(wr)]) == w {
			return st
		}
	}
	return -1
}
