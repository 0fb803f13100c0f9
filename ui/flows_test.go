package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// tapTile taps the tile titled s and runs what it queued.
func (h *harness) tapTile(s string) {
	h.t.Helper()
	h.settle("tile "+s, func() bool {
		for _, t := range tiles(h.content()) {
			if t.Title == s {
				return true
			}
		}
		return false
	})
	tl := h.tile(s)
	if tl.Disabled() {
		h.t.Fatalf("tile %q is disabled: %s", s, tl.Reason)
	}
	test.Tap(tl)
	h.q.drain()
}

// tapWhen waits for the button with text s, then taps it.
func (h *harness) tapWhen(s string) {
	h.t.Helper()
	h.settle("button "+s, func() bool {
		for _, b := range buttons(h.content()) {
			if b.Text == s && !b.Disabled() {
				return true
			}
		}
		return false
	})
	h.tap(s)
}

func TestTicketWithoutCard(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
	h.tapTile(h.tr("home.ticket.title"))
	h.waitShows(h.tr("ticket.step_department"))
	h.tapTile("社会保障")
	h.tapTile("失业登记")
	h.tapWhen(h.tr("ticket.skip_card"))
	h.waitShows("A023")
	h.waitShows(h.tr("ticket.take_ticket"))
	if p.printer.tickets != 1 {
		t.Errorf("printed %d tickets", p.printer.tickets)
	}
	h.tap(h.tr("action.finish"))
	h.waitShows(h.tr("home.welcome"))
}
