package flow

import (
	"testing"

	"hallkiosk/devices/sim/printersim"
)

func tileMap(ts []TileStatus) map[Tile]TileStatus {
	m := map[Tile]TileStatus{}
	for _, t := range ts {
		m[t.Tile] = t
	}
	return m
}

func TestAvailability(t *testing.T) {
	type want struct {
		enabled bool
		reason  Reason
		limited bool
	}
	ok := want{true, ReasonNone, false}
	tests := []struct {
		name  string
		setup func(r *rig)
		want  map[Tile]want
	}{
		{"everything works", nil, map[Tile]want{
			TileTicket: ok, TileCheckIn: ok, TileGuide: ok, TileRating: ok, TileSuggestion: ok, TileProgress: ok,
		}},
		{"printer out of paper", func(r *rig) { r.paper(printersim.State{PaperOut: true}) }, map[Tile]want{
			TileTicket:  {false, ReasonPrinterOutOfPaper, false},
			TileCheckIn: {false, ReasonPrinterOutOfPaper, false},
			TileGuide:   {true, ReasonPrinterOutOfPaper, true},
			TileRating:  ok, TileSuggestion: ok, TileProgress: ok,
		}},
		{"printer switched off", func(r *rig) { r.paper(printersim.State{NoReply: true}) }, map[Tile]want{
			TileTicket:  {false, ReasonPrinterFailed, false},
			TileCheckIn: {false, ReasonPrinterFailed, false},
			TileGuide:   {true, ReasonPrinterFailed, true},
			TileRating:  ok, TileSuggestion: ok, TileProgress: ok,
		}},
		{"back office offline", func(r *rig) { r.goOffline() }, map[Tile]want{
			TileTicket:     {true, ReasonOffline, true},
			TileCheckIn:    {true, ReasonOffline, true},
			TileGuide:      ok,
			TileRating:     ok,
			TileSuggestion: ok,
			TileProgress:   {false, ReasonOffline, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, rigOpts{})
			if tt.setup != nil {
				tt.setup(r)
			}
			got := tileMap(Availability(t.Context(), r.env))
			for tile, w := range tt.want {
				g := got[tile]
				if g.Enabled != w.enabled || g.Reason != w.reason || g.Limited != w.limited {
					t.Errorf("%v: got %+v, want %+v", tile, g, w)
				}
			}
		})
	}
}

func TestHomeReportsChanges(t *testing.T) {
	r := newRig(t, rigOpts{})
	w := newWatcher[[]TileStatus](t)
	h := NewHome(r.env, HomeOptions{OnChange: w.fn})
	h.Run()
	defer h.Stop()
	first := w.until("first check", func(ts []TileStatus) bool { return len(ts) == len(Tiles) })
	if !tileMap(first)[TileTicket].Enabled {
		t.Fatalf("ticket tile %+v", first)
	}
	r.paper(printersim.State{CoverOpen: true})
	r.advance(15 * 1e9)
	got := w.until("printer change", func(ts []TileStatus) bool { return !tileMap(ts)[TileTicket].Enabled })
	if tileMap(got)[TileTicket].Reason != ReasonPrinterCoverOpen {
		t.Fatalf("tiles %+v", got)
	}
	r.paper(printersim.State{})
	h.Refresh()
	w.until("printer back", func(ts []TileStatus) bool { return tileMap(ts)[TileTicket].Enabled })
}
