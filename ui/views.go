package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

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
	v := problemView{Reason: p.Reason.String(), Advice: p.Advice.String(), At: p.At}
	if p.Wait > 0 {
		v.Minutes = int((p.Wait + time.Minute - 1) / time.Minute)
	}
	return v, true
}

// lines puts catalog texts in the kiosk's language one a line: the
// windows of a service, whose names run together on one line would break
// in the middle of a name.
func (k *Kiosk) lines(ts []api.Text) string {
	parts := make([]string, 0, len(ts))
	for _, t := range ts {
		if s := k.text(t); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n")
}

// ticketViewOf is the result panel's view of an issued ticket.
func (k *Kiosk) ticketViewOf(r *flow.TicketResult, printing bool) ticketView {
	v := ticketView{
		Number:         r.Number,
		Service:        k.text(r.ServiceName),
		PeopleAhead:    r.PeopleAhead,
		EstWaitMinutes: r.EstWaitMinutes,
		Counters:       k.lines(r.Counters),
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

// pager builds the paged grid of a list flow pages (it hands over one page
// at a time).
func (k *Kiosk) pager(items []fyne.CanvasObject, p flow.PageInfo, prev, next func()) fyne.CanvasObject {
	return k.pagerOf(items, p, false, prev, next)
}

// pagerOf is pager, in one column when column is set.
func (k *Kiosk) pagerOf(items []fyne.CanvasObject, p flow.PageInfo, column bool, prev, next func()) fyne.CanvasObject {
	size := p.Size
	if size <= 0 {
		size = max(len(items), 1)
	}
	return k.pagedGrid(items, size, p, column, prev, next)
}

// ownPager builds the paged grid of a list flow hands over whole (the
// guide's departments, the reasons to tick): the screen keeps the page
// index in *page and rebuild draws it again after a turn.
func (k *Kiosk) ownPager(items []fyne.CanvasObject, size int, page *int, rebuild func()) fyne.CanvasObject {
	lo, hi, in := listPage(*page, len(items), size)
	*page = in.Index
	return k.pagedGrid(items[lo:hi], size, in, false, func() { *page--; rebuild() }, func() { *page++; rebuild() })
}

func (k *Kiosk) pagedGrid(items []fyne.CanvasObject, size int, in flow.PageInfo, column bool, prev, next func()) fyne.CanvasObject {
	pg := &pagedGrid{column: column, items: items, perPage: size, page: in}
	if in.Count > 1 {
		pg.bar = k.pageBar(prev, next)
	}
	return pg.buildUI()
}

// when returns fn when ok and nil otherwise: an action a snapshot may not
// allow (a nil back or retry draws no button).
func when(ok bool, fn func()) func() {
	if !ok {
		return nil
	}
	return fn
}

// redraw shows a keypad screen's new snapshot: when only the typed value
// changed and the keypad is on screen, just its display field (rebuilding
// would make new keys under the citizen's finger), else the whole screen.
func redraw[S any](k *Kiosk, s screen, kp *keypad, prev, snap S, typed string) {
	if kp != nil && k.current == s && onlyInputChanged(prev, snap) {
		kp.setValue(typed)
		return
	}
	k.refreshScreen(s)
}

// busyPage is a whole screen that only says the kiosk is working.
func (k *Kiosk) busyPage(title, what, hint string, back func()) fyne.CanvasObject {
	return k.page(title, "", container.NewCenter(busyPanel(what, hint)), back)
}
