package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/flow"
)

// PageBar is the bar under a paged list: a previous and a next button with
// the page number between them. Lists are paged because dragging does not
// scroll on desktop Fyne (docs/fyne-notes.md 0.3, fyne-io/fyne#5755). It is
// shared by the citizen's lists and the technician's. Each side makes its
// own buttons (its words, its touch sizes, its activity tracking), words
// the page number its own way and lays the bar out as its screen needs;
// what the bar shows for a page is written once here, in Set.
type PageBar struct {
	Prev, Next *widget.Button
	// Label shows the page number; Text renders it, page n (from 1) of
	// count.
	Label *widget.Label
	Text  func(n, count int) string
}

// NewPageBar makes a bar of prev and next with a centred one-line page
// number.
func NewPageBar(prev, next *widget.Button, text func(n, count int) string) *PageBar {
	return &PageBar{Prev: prev, Next: next, Label: centered("", theme.SizeNameText, false), Text: text}
}

// Set shows page in: its number, and the buttons enabled when there is a
// page that way. With one page there is nothing to page to, so the buttons
// are hidden: two grey buttons would only take room from the list.
func (b *PageBar) Set(in flow.PageInfo) {
	b.Label.SetText(b.Text(in.Index+1, in.Count))
	setEnabled(b.Prev, in.HasPrev)
	setEnabled(b.Next, in.HasNext)
	setShown(b.Prev, in.Count > 1)
	setShown(b.Next, in.Count > 1)
}

// setEnabled enables or disables b, and leaves it alone (no redraw) when it
// already is.
func setEnabled(b *widget.Button, on bool) {
	if on == !b.Disabled() {
		return
	}
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// setShown shows or hides o.
func setShown(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

// pageBar is the citizen's page bar: large 上一页/下一页 buttons with
// their arrows, the page number as "第 1/3 页".
func (k *Kiosk) pageBar(prev, next func()) *PageBar {
	p := k.button(k.t("pager.prev"), theme.NavigateBackIcon(), widget.MediumImportance, prev)
	n := k.button(k.t("pager.next"), theme.NavigateNextIcon(), widget.MediumImportance, next)
	n.IconPlacement = widget.ButtonIconTrailingText
	return NewPageBar(p, n, func(page, count int) string { return k.t("pager.page", "N", page, "Count", count) })
}

// row lays a citizen's bar out across a page: the buttons a third of the
// width each.
func (b *PageBar) row() *fyne.Container {
	return container.NewGridWithColumns(3, touchMin(b.Prev), container.NewCenter(b.Label), touchMin(b.Next))
}

// narrow lays a citizen's bar out under a column beside a keypad: the
// buttons take their own width, not a third each of the widest.
func (b *PageBar) narrow() *fyne.Container {
	return container.NewBorder(nil, nil, touchMin(b.Prev), touchMin(b.Next), container.NewCenter(b.Label))
}

// pagedGrid shows one page of tiles in a tileGrid with the page bar under
// it. perPage fixes the grid, so a short last page keeps the tile size of
// the full ones. flow owns the paging (it remembers the first item, so
// switching to elder mode's smaller pages keeps that item in view); the
// grid only shows the page and reports the buttons.
type pagedGrid struct {
	items   []fyne.CanvasObject
	perPage int
	page    flow.PageInfo
	bar     *PageBar
	// column lays the page out as one column (tileGrid.column).
	column bool
}

func (p *pagedGrid) buildUI() fyne.CanvasObject {
	grid := container.New(&tileGrid{n: p.perPage, column: p.column}, p.items...)
	// The grid is built again for every page, so with one page it simply
	// has no bar (no page number either).
	if p.page.Count <= 1 {
		return grid
	}
	p.bar.Set(p.page)
	var bar fyne.CanvasObject
	if p.column {
		bar = p.bar.narrow()
	} else {
		bar = p.bar.row()
	}
	return container.NewBorder(nil, bar, nil, nil, grid)
}

// listPage returns the slice bounds and page of page index of a list of
// total items, size per page. Screens without a flow pager behind them
// (the UI's own view-model tests) use it.
func listPage(index, total, size int) (lo, hi int, in flow.PageInfo) {
	in = flow.PageAt(index, total, max(size, 1))
	lo, hi = in.Bounds()
	return lo, hi, in
}
