package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/backoffice/api"
	"hallkiosk/flow"
)

// The thin layer between flow's snapshots and the screens' views: codes and
// catalog texts in, words in the kiosk's language out. No rule is decided
// here; flow has decided them (what failed, what to advise, what is
// possible next).

// problemOf is the view of a flow problem; ok is false for none.
func problemOf(p *flow.Problem) (problemView, bool) {
	if p == nil || p.Reason == flow.ReasonNone {
		return problemView{}, false
	}
	return problemView{Reason: p.Reason.String(), Advice: p.Advice.String(), At: p.At}, true
}

// pageOf is the view of flow's page of a list.
func pageOf(p flow.PageInfo) pageView {
	return pageView{Index: p.Index, Count: p.Count, HasPrev: p.HasPrev, HasNext: p.HasNext}
}

// joinTexts joins catalog texts in the kiosk's language with its list
// separator (、 or a comma).
func (k *Kiosk) joinTexts(ts []api.Text) string {
	parts := make([]string, 0, len(ts))
	for _, t := range ts {
		if s := k.text(t); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, k.t("list.sep"))
}

// ticketViewOf is the result panel's view of an issued ticket.
func (k *Kiosk) ticketViewOf(r *flow.TicketResult, printing bool) ticketView {
	v := ticketView{
		Number:         r.Number,
		Service:        k.text(r.ServiceName),
		PeopleAhead:    r.PeopleAhead,
		EstWaitMinutes: r.EstWaitMinutes,
		Counters:       k.joinTexts(r.Counters),
		Offline:        r.Offline,
		Priority:       r.Priority,
		Late:           r.Late,
		MaskedID:       r.MaskedID,
		Printing:       printing,
	}
	if p, ok := problemOf(r.PrintProblem); ok && !r.Printed {
		v.PrintProblem = &p
	}
	return v
}

// pager builds the paged grid of a flow list.
func (k *Kiosk) pager(items []fyne.CanvasObject, p flow.PageInfo, prev, next func()) fyne.CanvasObject {
	size := p.Size
	if size <= 0 {
		size = max(len(items), 1)
	}
	pg := &pagedGrid{
		items:    items,
		perPage:  size,
		page:     pageOf(p),
		prevText: k.t("pager.prev"),
		nextText: k.t("pager.next"),
		pageText: func(n, count int) string { return k.t("pager.page", "N", n, "Count", count) },
		onPrev:   k.tap(prev),
		onNext:   k.tap(next),
	}
	return pg.buildUI()
}

// localPager pages items the flow hands over whole (a service's materials,
// a rating's questions): the page index lives in the screen.
func (k *Kiosk) localPager(items []fyne.CanvasObject, perPage int, page *int, cols int, rebuild func()) fyne.CanvasObject {
	lo, hi, pv := listPage(*page, len(items), perPage)
	*page = pv.Index
	var grid fyne.CanvasObject
	if cols <= 1 {
		grid = container.NewVBox(items[lo:hi]...)
	} else {
		grid = container.NewGridWithColumns(cols, items[lo:hi]...)
	}
	if pv.Count <= 1 {
		return grid
	}
	prev := k.button(k.t("pager.prev"), theme.NavigateBackIcon(), widget.MediumImportance, func() { *page--; rebuild() })
	next := k.button(k.t("pager.next"), theme.NavigateNextIcon(), widget.MediumImportance, func() { *page++; rebuild() })
	next.IconPlacement = widget.ButtonIconTrailingText
	if !pv.HasPrev {
		prev.Disable()
	}
	if !pv.HasNext {
		next.Disable()
	}
	label := centered(k.t("pager.page", "N", pv.Index+1, "Count", pv.Count), theme.SizeNameText, false)
	label.Wrapping = fyne.TextWrapOff
	bar := container.NewGridWithColumns(3, touchMin(prev), container.NewCenter(label), touchMin(next))
	return container.NewBorder(nil, bar, nil, nil, container.NewVBox(grid, layout.NewSpacer()))
}

// busyPage is a whole screen that only says the kiosk is working.
func (k *Kiosk) busyPage(title, what, hint string, back func()) fyne.CanvasObject {
	return k.page(title, "", container.NewCenter(busyPanel(what, hint)), back)
}
