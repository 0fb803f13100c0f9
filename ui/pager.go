package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/flow"
)

// pageView is the page of a list on screen: flow.PageInfo's fields the UI
// draws. flow owns the paging (it remembers the first item, so switching to
// elder mode's smaller pages keeps that item in view); the UI only shows the
// page and reports the buttons.
type pageView struct {
	Index, Count     int
	HasPrev, HasNext bool
}

// pagedGrid shows one page of tiles in a tileGrid with large 上一页/下一页
// buttons under it. Lists are paged because dragging does not scroll on
// desktop Fyne (docs/fyne-notes.md 0.3, fyne-io/fyne#5755). perPage fixes the grid,
// so a short last page keeps the tile size of the full ones.
type pagedGrid struct {
	items    []fyne.CanvasObject
	perPage  int
	page     pageView
	prevText string
	nextText string
	// pageText renders "第 1/3 页".
	pageText func(index, count int) string
	onPrev   func()
	onNext   func()
	// column lays the page out as one column (tileGrid.column).
	column bool
}

func (p *pagedGrid) buildUI() fyne.CanvasObject {
	grid := container.New(&tileGrid{n: p.perPage, column: p.column}, p.items...)
	if p.page.Count <= 1 {
		return grid
	}
	prev := newButton(p.prevText, theme.NavigateBackIcon(), widget.MediumImportance, p.onPrev)
	next := newButton(p.nextText, theme.NavigateNextIcon(), widget.MediumImportance, p.onNext)
	next.IconPlacement = widget.ButtonIconTrailingText
	if !p.page.HasPrev {
		prev.Disable()
	}
	if !p.page.HasNext {
		next.Disable()
	}
	label := centered(p.pageText(p.page.Index+1, p.page.Count), theme.SizeNameText, false)
	label.Wrapping = fyne.TextWrapOff
	var bar fyne.CanvasObject
	if p.column {
		// A column beside a keypad is narrow: the buttons take their own
		// width, not a third each of the widest.
		bar = container.NewBorder(nil, nil, touchMin(prev), touchMin(next), container.NewCenter(label))
	} else {
		bar = container.NewGridWithColumns(3, touchMin(prev), container.NewCenter(label), touchMin(next))
	}
	return container.NewBorder(nil, bar, nil, nil, grid)
}

// listPage returns the slice bounds and pageView of page index of a list of
// total items, size per page. Screens without a flow pager behind them
// (the UI's own view-model tests) use it.
func listPage(index, total, size int) (lo, hi int, pv pageView) {
	in := flow.PageAt(index, total, max(size, 1))
	lo, hi = in.Bounds()
	return lo, hi, pageOf(in)
}
