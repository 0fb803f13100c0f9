package ui

import (
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/linebreak"
)

// Fyne's own wrapping breaks a line at its last space, or, in Chinese,
// after whatever character fills it: "综合窗/口·绿色通道", "（零星/）报销".
// A lineText breaks its lines itself by the Chinese rules of package
// linebreak, measured with the bundled font at the width it gets, and
// hands Fyne lines that already fit; the printed slips break by the same
// rules (devices/escpos), so screen and paper agree.

// keepWords holds the words the catalog's texts keep whole
// (api.Text.Keep), learnt as the screens show catalog texts (Kiosk.text).
// Words are only ever added: a catalog update brings new names, and an
// old name kept whole does no harm.
var keepWords struct {
	mu    sync.Mutex
	words map[string]bool
	br    *linebreak.Breaker
}

// learnKeep adds words to keepWords.
func learnKeep(ws []string) {
	if len(ws) == 0 {
		return
	}
	keepWords.mu.Lock()
	defer keepWords.mu.Unlock()
	added := false
	for _, w := range ws {
		if !keepWords.words[w] {
			if keepWords.words == nil {
				keepWords.words = map[string]bool{}
			}
			keepWords.words[w] = true
			added = true
		}
	}
	if added {
		all := make([]string, 0, len(keepWords.words))
		for w := range keepWords.words {
			all = append(all, w)
		}
		keepWords.br = linebreak.New(all...)
	}
}

// breaker is the line breaker with every word learnt so far.
func breaker() *linebreak.Breaker {
	keepWords.mu.Lock()
	defer keepWords.mu.Unlock()
	return keepWords.br
}

// lineText is a RichText whose paragraphs break by linebreak's rules. Its
// segments' texts are the broken ones; src keeps what was set.
type lineText struct {
	widget.RichText

	src   []string // each segment's text as set
	hang  []string // each segment's lead ("办理窗口：") that later lines are indented under; "" none
	width float32  // the width src was last broken for; 0 not yet
}

// newLineText returns a wrapping lineText of text segments.
func newLineText(segs ...*widget.TextSegment) *lineText {
	t := &lineText{}
	t.Scroll = container.ScrollNone
	t.Wrapping = fyne.TextWrapWord
	for _, s := range segs {
		t.Segments = append(t.Segments, s)
		t.src = append(t.src, s.Text)
		t.hang = append(t.hang, "")
	}
	t.ExtendBaseWidget(t)
	return t
}

// setSource sets segment i's text (and its hanging lead) and breaks it
// again at the current width.
func (t *lineText) setSource(i int, s, hang string) {
	t.src[i], t.hang[i] = s, hang
	t.rebreak(t.Size().Width)
	t.RichText.Refresh()
}

// Resize breaks the text for the new width before Fyne lays it out.
func (t *lineText) Resize(s fyne.Size) {
	if s.Width != t.width {
		t.rebreak(s.Width)
	}
	t.RichText.Resize(s)
}

// Refresh breaks the text again (a segment's size or style may have
// changed) and redraws it.
func (t *lineText) Refresh() {
	t.rebreak(t.Size().Width)
	t.RichText.Refresh()
}

// rebreak sets every segment's text to its source broken into lines that
// fit width w, less the padding RichText puts around its text.
func (t *lineText) rebreak(w float32) {
	t.width = w
	th := t.Theme()
	avail := w - 2*th.Size(theme.SizeNameInnerPadding)
	br := breaker()
	// After an inline segment the next one goes on in the same row, in
	// the room the previous one's last row leaves (as RichText lays it).
	used, inline := float32(0), false
	for i, seg := range t.Segments {
		ts, ok := seg.(*widget.TextSegment)
		if !ok {
			used, inline = 0, false
			continue
		}
		if avail <= 0 {
			ts.Text = t.src[i]
			continue
		}
		size := th.Size(theme.SizeNameText)
		if ts.Style.SizeName != "" {
			size = th.Size(ts.Style.SizeName)
		}
		style := ts.Style.TextStyle
		m := func(s string) float32 { return fyne.MeasureText(s, size, style).Width }
		if !inline {
			used = 0
		}
		text := fill(br, t.src[i], t.hang[i], avail-used, avail, m)
		if first, _, _ := strings.Cut(text, "\n"); used > 0 && m(first) > avail-used {
			// Not even the first word fits beside the previous segment: the
			// segment starts on a row of its own.
			text = "\n" + fill(br, strings.TrimLeft(t.src[i], " \u3000"), t.hang[i], avail, avail, m)
			used = 0
		}
		ts.Text = text
		if k := strings.LastIndexByte(text, '\n'); k >= 0 {
			used = m(text[k+1:])
		} else {
			used += m(text)
		}
		inline = ts.Style.Inline
	}
}

// fill breaks s into lines joined by '\n', the first of width first and
// the others of width w; with a hanging lead (s starting with it), the
// lines after the first are indented by spaces as wide as the lead, when
// the lead takes at most a third of the line and the indent costs no extra
// line (on a small panel in elder mode a line of height matters more).
func fill(br *linebreak.Breaker, s, hang string, first, w float32, m linebreak.Measure) string {
	lines := br.Fill(s, first, w, m)
	if hang == "" || len(lines) < 2 || !strings.HasPrefix(s, hang) {
		return strings.Join(lines, "\n")
	}
	lw, sp := m(hang), m(" ")
	if lw > w/3 || sp <= 0 {
		return strings.Join(lines, "\n")
	}
	pad := strings.Repeat(" ", int(lw/sp))
	hung := br.Fill(s, first, w-m(pad), m)
	if len(hung) > len(lines) {
		return strings.Join(lines, "\n")
	}
	for i := 1; i < len(hung); i++ {
		hung[i] = pad + hung[i]
	}
	return strings.Join(hung, "\n")
}

// oneLine is the width the text needs to stay on one line.
func (t *lineText) oneLine() float32 {
	w := float32(0)
	for i, seg := range t.Segments {
		if ts, ok := seg.(*widget.TextSegment); ok {
			w += fyne.MeasureText(t.src[i], theme.Size(ts.Style.SizeName), ts.Style.TextStyle).Width
		}
	}
	return w + 2*theme.Size(theme.SizeNameInnerPadding)
}
