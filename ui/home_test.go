package ui

import (
	"testing"

	"hallkiosk/flow"
)

// The home flow reports the tiles after every check, mostly unchanged. An
// unchanged report keeps the tiles on screen; a change builds them anew,
// with the change shown.
func TestHomeRebuiltOnlyWhenAvailabilityChanges(t *testing.T) {
	h := newHarness(t, nil)
	// The kiosk's own check of the tiles runs on a goroutine of its own and
	// may report late on a loaded machine: let its report reach the screen,
	// then stop it, so that only this test's reports change the tiles.
	h.settle("the kiosk's own tile check on screen", func() bool {
		st := h.k.homeFlow.Tiles()
		v, _ := tilesView(st)
		return st != nil && h.k.home.view.equal(v)
	})
	h.k.homeFlow.Stop()
	var builds int
	h.k.deps.OnScreen = func(name string) {
		if name == "home" {
			builds++
		}
	}
	report := func(broken flow.Tile, reason flow.Reason) {
		var st []flow.TileStatus
		for _, tile := range flow.Tiles {
			st = append(st, flow.TileStatus{Tile: tile, Enabled: tile != broken || reason == flow.ReasonNone, Reason: reason})
		}
		h.k.onTiles(st)
		h.q.Drain()
	}
	title := h.tr("home.ticket.title")

	report(flow.TileTicket, flow.ReasonNone)
	first, n := h.tile(title), builds
	if first.Disabled() {
		t.Fatal("the ticket tile is disabled with every tile reported working")
	}
	report(flow.TileTicket, flow.ReasonNone)
	if h.tile(title) != first || builds != n {
		t.Errorf("an unchanged report built the home screen again (%d builds before, %d after)", n, builds)
	}

	report(flow.TileTicket, flow.ReasonPrinterOutOfPaper)
	if got := h.tile(title); got == first || !got.Disabled() {
		t.Errorf("the ticket tile was not rebuilt disabled when the printer ran out of paper (same tile: %v)", got == first)
	}
	if builds != n+1 {
		t.Errorf("home built %d times for one change, want 1", builds-n)
	}
}
