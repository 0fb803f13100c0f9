package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/flow"
	"hallkiosk/internal/layoutcheck"
)

// elderGuide is a kiosk in elder mode at 1280×800 on the guide of
// 社会保障卡补换 (five materials).
func elderGuide(t *testing.T) (*parts, *harness) {
	p := newParts(t)
	h := newHarness(t, p)
	h.tap(h.tr("status.elder"))
	h.tapTile(h.tr("home.guide.title"))
	h.tapTile("社会保障")
	h.tapTile("社会保障卡补换")
	h.waitShows(h.tr("guide.print"))
	return p, h
}

// buttonRects returns where every visible button is on screen, by text.
func buttonRects(h *harness) map[string]fyne.Position {
	layoutcheck.Relayout(h.content())
	out := map[string]fyne.Position{}
	walk(h.content(), func(o fyne.CanvasObject, at fyne.Position, _ []fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			out[b.Text] = at.Add(fyne.NewPos(b.Size().Width/2, b.Size().Height/2))
		}
	})
	return out
}

// TestGuidePrintKeepsButtons: printing the checklist moves no button. The
// print button says "print another copy" once a copy is out, a tap where
// 下一页 was still turns the page, and a second copy is printed only by the
// labelled button, with the screen saying so.
func TestGuidePrintKeepsButtons(t *testing.T) {
	p, h := elderGuide(t)
	next, prev, take := h.tr("pager.next"), h.tr("pager.prev"), h.tr("guide.take_ticket")
	printIt, again := h.tr("guide.print"), h.tr("guide.print_again")
	before := buttonRects(h)
	for _, b := range []string{next, prev, take, printIt} {
		if _, ok := before[b]; !ok {
			t.Fatalf("no %q button on the guide: %q", b, texts(h.content()))
		}
	}
	same := func(state string, now map[string]fyne.Position, printLabel string) {
		t.Helper()
		for _, b := range []string{next, prev, take} {
			if now[b] != before[b] {
				t.Errorf("%s: %q moved from %v to %v", state, b, before[b], now[b])
			}
		}
		if got, ok := now[printLabel]; !ok || got != before[printIt] {
			t.Errorf("%s: the print button %q is at %v (found %v), was at %v", state, printLabel, got, ok, before[printIt])
		}
	}

	h.tap(printIt)
	h.pause("printing", func() bool { return h.k.guide.s.PrintStatus == flow.PrintBusy })
	same("printing", buttonRects(h), printIt)
	h.settle("printed", func() bool { return h.k.guide.s.PrintStatus == flow.PrintDone })
	h.waitShows(h.tr("guide.printed"))
	p.printed()
	now := buttonRects(h)
	same("printed", now, again)
	if _, ok := now[printIt]; ok {
		t.Errorf("after a copy came out the button still reads %q", printIt)
	}

	// A tap meant for 下一页, where it was before the print, turns the page.
	page := h.k.guide.detailPage
	test.TapCanvas(h.k.win.Canvas(), before[next])
	h.q.Drain()
	if h.k.guide.detailPage != page+1 {
		t.Errorf("a tap at 下一页's place left the guide on page %d (was %d)", h.k.guide.detailPage, page)
	}
	if s := h.k.guide.f.Snapshot(); s.PrintStatus != flow.PrintDone || s.Printed != 1 {
		t.Errorf("a tap at 下一页's place printed: status %v, %d copies", s.PrintStatus, s.Printed)
	}

	// The second copy: asked for by name, and announced.
	h.tap(again)
	h.settle("second copy", func() bool {
		return h.k.guide.s.PrintStatus == flow.PrintDone && h.k.guide.s.Printed == 2
	})
	h.waitShows(h.tr("guide.printed_again", "N", 2))
	p.printed()
	if n := p.cuts(); n != 2 {
		t.Errorf("%d copies printed, want 2", n)
	}
}

// textBox is the extent of the visible texts of o on screen.
func textBox(o fyne.CanvasObject) (top, bottom float32, ok bool) {
	walk(o, func(x fyne.CanvasObject, at fyne.Position, _ []fyne.CanvasObject) {
		if t, is := x.(*canvas.Text); is && t.Text != "" {
			if !ok || at.Y < top {
				top = at.Y
			}
			bottom = max(bottom, at.Y+t.Size().Height)
			ok = true
		}
	})
	return top, bottom, ok
}

// TestGuideElderPagesFull: in elder mode on the 1280×800 panel, before and
// after printing, every page of a guide but the last is filled: the free
// height under its last line is less than the next page's first item needs,
// its text plus one padding, measured on screen. Items are spaced one
// padding apart, and a print leaves the page its height.
func TestGuideElderPagesFull(t *testing.T) {
	_, h := elderGuide(t)
	check := func(state string) {
		t.Helper()
		col := shown[*pagedColumn](h.content())
		if len(col) != 1 {
			t.Fatalf("%s: %d paged columns on screen", state, len(col))
		}
		c := col[0]
		ip := theme.Size(theme.SizeNameInnerPadding)
		h.k.guide.detailPage = 0
		for {
			c.Refresh()
			layoutcheck.Relayout(h.content())
			page := *c.page
			barTop := c.bar.Position().Y
			_, last, _ := textBox(c.box)
			lastRow := len(c.rows)
			if page+1 < len(c.starts) {
				lastRow = c.starts[page+1]
			}
			var gaps []float32
			prevBottom := float32(-1)
			for i := c.starts[page]; i < lastRow; i++ {
				top, bottom, ok := textBox(c.rows[i])
				if _, text := c.rows[i].(*lineText); !ok || !text {
					prevBottom = -1 // a QR code beside its caption
					continue
				}
				if prevBottom >= 0 {
					gaps = append(gaps, top-prevBottom)
				}
				prevBottom = bottom
			}
			for _, g := range gaps {
				if g > ip+2 {
					t.Errorf("%s, page %d: items %.0f apart, want one padding (%.0f)", state, page+1, g, ip)
				}
			}
			if page+1 >= len(c.starts) {
				break
			}
			// The next page's first item, as it is drawn there.
			*c.page = page + 1
			c.Refresh()
			layoutcheck.Relayout(h.content())
			first := c.starts[page+1]
			top, bottom, _ := textBox(c.rows[first])
			if c.heading[first] && first+1 < len(c.rows) {
				// A heading goes with the item under it.
				_, bottom, _ = textBox(c.rows[first+1])
			}
			need := bottom - top + ip
			if _, text := c.rows[first].(*lineText); !text {
				need = c.rows[first].Size().Height // a QR code beside its caption
			}
			gap := theme.Size(theme.SizeNamePadding) // between the page and the bar
			if free := barTop - gap - last - ip; free >= need {
				t.Errorf("%s, page %d of %d: %.0f free under the last line, the next item needs %.0f",
					state, page+1, len(c.starts), free, need)
			}
		}
	}
	check("before printing")
	h.tap(h.tr("guide.print"))
	h.settle("printed", func() bool { return h.k.guide.s.PrintStatus == flow.PrintDone })
	check("after printing")
}
