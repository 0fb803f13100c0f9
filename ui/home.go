package ui

import (
	"maps"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"

	"hallkiosk/flow"
)

// The six transactions of the home screen, in their fixed order. The IDs
// name the translation keys home.<id>.title and home.<id>.sub.
// They are flow.Tile's codes.
const (
	tileTicket     = "ticket"
	tileCheckIn    = "check_in"
	tileGuide      = "guide"
	tileRating     = "rating"
	tileSuggestion = "suggestion"
	tileProgress   = "progress"
	// tileSearch is 找事项, the search by letters: a 取号 that starts at
	// the search, or while 取号 cannot work the guide's search, which
	// always can. So it is no flow.Tile of its own.
	tileSearch = "search"
)

// tileID is the home tile of a flow.Tile.
func tileID(t flow.Tile) string { return t.String() }

var homeTiles = []struct {
	id   string
	icon fyne.Resource
}{
	{tileTicket, iconTicket},
	{tileCheckIn, iconCheckIn},
	{tileGuide, iconGuide},
	{tileRating, iconRating},
	{tileSuggestion, iconSuggestion},
	{tileProgress, iconProgress},
}

// homeView says which home tiles cannot work now and why; a tile not in
// Unavailable is enabled. Limited tiles work with a restriction (tickets
// numbered offline, no checklist printing) named by a reason code.
type homeView struct {
	Unavailable map[string]problemView
	Limited     map[string]string
}

// equal says whether v shows the same tiles as w.
func (v homeView) equal(w homeView) bool {
	return maps.Equal(v.Unavailable, w.Unavailable) && maps.Equal(v.Limited, w.Limited)
}

// homeScreen is the start screen: six large tiles. A tile that cannot work
// now (printer out of paper, back office unreachable for progress queries)
// stays on screen, disabled, with the reason and what to do instead.
type homeScreen struct {
	k    *Kiosk
	view homeView
	// open starts the transaction of a tile.
	open func(id string)

	tiles map[string]*Tile
}

func (s *homeScreen) buildUI() fyne.CanvasObject {
	k := s.k
	s.tiles = map[string]*Tile{}
	objs := make([]fyne.CanvasObject, 0, len(homeTiles))
	for _, ht := range homeTiles {
		id := ht.id
		t := NewTile(ht.icon, k.t("home."+id+".title"), k.t("home."+id+".sub"), k.tap(func() { s.onTile(id) }))
		if p, ok := s.view.Unavailable[id]; ok {
			t.Reason = k.t("reason." + p.Reason)
			t.Hint = k.adviceText(p)
			t.Disable()
		} else if r, ok := s.view.Limited[id]; ok {
			t.Subtitle = k.limitedText(id, r)
		}
		s.tiles[id] = t
		objs = append(objs, t)
	}
	grid := container.New(&tileGrid{n: len(objs)}, objs...)
	search := NewTile(iconSearch, k.t("home.search.title"), k.t("home.search.sub"), k.tap(func() { s.onTile(tileSearch) }))
	search.Small = true // one line high: the six tiles keep their room
	s.tiles[tileSearch] = search
	pad := theme.Size(theme.SizeNameInnerPadding)
	head := block(fyne.TextAlignLeading, para{text: k.t("home.welcome"), size: theme.SizeNameHeadingText, bold: true})
	foot := block(fyne.TextAlignLeading, para{text: k.t("home.help")})
	var top fyne.CanvasObject = head
	if chip := k.cardChip(); chip != nil {
		// A citizen who finished with her card on the reader: the
		// reminder takes the greeting's line, so the tiles keep their room.
		top = chip
	}
	// 找事项 takes the greeting's line, beside it: the quickest way to a
	// service whose name the citizen knows, and the six tiles keep their
	// room and their places.
	top = container.New(&flex{weights: []float32{2, 1}}, top, search)
	return container.New(layout.NewCustomPaddedLayout(pad, pad, 2*pad, 2*pad),
		container.NewBorder(top, foot, nil, nil, grid))
}

// limitedText says what a limited tile can still do, e.g. "网络中断，仍可取号".
func (k *Kiosk) limitedText(id, reason string) string {
	if key := "limited." + id + "." + reason; k.tr.Has(k.lang, key) {
		return k.t(key)
	}
	return k.t("limited." + id)
}

func (s *homeScreen) onTile(id string) {
	if s.open != nil {
		s.open(id)
	}
}

// update shows a new availability of the tiles. The home flow reports
// after every check, mostly with nothing changed; the tiles are built anew
// only when something did (each build measures every text and draws every
// icon again).
func (s *homeScreen) update(v homeView) {
	if s.view.equal(v) {
		return
	}
	s.view = v
	s.k.refreshScreen(s)
}
