package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"hallkiosk/flow"
	"hallkiosk/internal/layoutcheck"
)

// Sizes and modes the window line is looked at in: the small landscape
// panel, the portrait totem, each in normal and elder mode.
var lineSizes = []fyne.Size{fyne.NewSize(1280, 800), fyne.NewSize(1080, 1920)}

// printCols is how many print columns s takes: two for a Chinese
// character, one for ASCII.
func printCols(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x2E80 {
			n++
		}
	}
	return n
}

// windowRows returns the rows of the text on screen that names window
// first, or nil when none does.
func windowRows(o fyne.CanvasObject, first string) []string {
	for _, st := range textsOnScreen(o) {
		for _, s := range st.src {
			if strings.Contains(s, first) {
				return st.rows
			}
		}
	}
	return nil
}

// checkWindowLine checks the screen at every size in both modes: each of
// the service's windows on a row of its own, each window's name whole, and
// no line anywhere on screen broken against the Chinese rules.
func checkWindowLine(t *testing.T, h *harness, keep []string, where string) {
	t.Helper()
	for _, elder := range []bool{false, true} {
		if isElder() != elder {
			h.tap(h.tr("status.elder"))
		}
		for _, sz := range lineSizes {
			h.k.win.Resize(sz)
			layoutcheck.Relayout(h.content())
			at := func(f string) { t.Errorf("%s, %v, elder %v: "+f, where, sz, elder) }
			rows := windowRows(h.content(), "6号窗口 社保卡服务")
			if rows == nil {
				at("no window line on screen")
				continue
			}
			// The row of each window, and that it holds the name whole.
			find := func(s string) int {
				for i, r := range rows {
					if strings.Contains(r, s) {
						return i
					}
				}
				return -1
			}
			six, twenty := find("6号窗口 社保卡服务"), find("20号窗口 综合窗口·绿色通道")
			if six < 0 || twenty < 0 {
				at(fmt.Sprintf("a window's name is split: rows %q", rows))
			} else if six == twenty {
				at("two windows on one row: " + rows[six])
			}
			for _, f := range lineBreakFaults(h.content(), keep) {
				at(f)
			}
		}
	}
	if isElder() {
		h.tap(h.tr("status.elder"))
	}
}

// TestWindowLine: the window line of an issued ticket and of a service's
// guide shows one window a row, whole, on the landscape panel and the
// portrait totem, normal and elder; and the printed ticket has one window a
// line, the second under the first.
func TestWindowLine(t *testing.T) {
	p := newParts(t)
	h := newHarness(t, p)
	keep := flow.KeepWords(p.cat)

	h.walkIn("社会保障", "失业登记")
	h.settle("done", h.ticketIn(flow.TicketDone))
	checkWindowLine(t, h, keep, "ticket")

	paper := p.printed()
	lines := strings.Split(paper, "\n")
	found := false
	for i, l := range lines {
		if strings.Contains(l, "6号窗口") {
			found = true
			if got, want := strings.TrimSpace(l), "办理窗口：6号窗口 社保卡服务"; got != want {
				t.Errorf("printed window line %q, want %q", got, want)
			}
			if i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) != "20号窗口 综合窗口·绿色通道" ||
				printCols(lines[i+1][:strings.Index(lines[i+1], "20")]) != printCols(l[:strings.Index(l, "6号")]) {
				t.Errorf("printed second window %q, want it whole under the first (%q)", lines[min(i+1, len(lines)-1)], l)
			}
		}
	}
	if !found {
		t.Errorf("no window line on the ticket:\n%s", paper)
	}

	h.tapWhen(h.tr("action.finish"))
	h.tapTile(h.tr("home.guide.title"))
	h.tapTile("社会保障")
	h.tapTile("社会保障卡补换")
	h.waitShows(h.tr("guide.print"))
	checkWindowLine(t, h, keep, "guide")
}
