package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/flow"
)

// ticketScreen is 取号: department → service → ID card → issuing →
// printing → the number, driven by flow.TicketFlow.
type ticketScreen struct {
	k *Kiosk
	f *flow.TicketFlow
	s flow.TicketSnapshot
}

func (s *ticketScreen) start()   { s.s = flow.TicketSnapshot{}; s.f.Start() }
func (s *ticketScreen) refresh() { s.f.Refresh() }

// update shows a new snapshot of the flow.
func (s *ticketScreen) update(snap flow.TicketSnapshot) {
	s.s = snap
	s.k.refreshScreen(s)
}

func (s *ticketScreen) buildUI() fyne.CanvasObject {
	k, snap := s.k, s.s
	title := k.t("ticket.title")
	var back func()
	if snap.CanBack {
		back = s.f.Back
	}
	switch snap.State {
	case flow.TicketDepartments:
		items := make([]fyne.CanvasObject, 0, len(snap.Departments))
		for _, d := range snap.Departments {
			id := d.ID
			items = append(items, NewTile(nil, k.text(d.Name), k.t("ticket.dept_services", "N", d.Services),
				k.tap(func() { s.f.SelectDepartment(id) })))
		}
		return k.page(title, k.t("ticket.step_department"), k.pager(items, snap.Page, s.f.PrevPage, s.f.NextPage), back)

	case flow.TicketServices:
		items := make([]fyne.CanvasObject, 0, len(snap.Services))
		for _, sv := range snap.Services {
			items = append(items, k.serviceTile(sv, func(id string) { s.f.SelectService(id) }))
		}
		step := k.t("ticket.step_service")
		if n := k.text(snap.Department.Name); n != "" {
			step = k.t("ticket.step_service_in", "Department", n)
		}
		return k.page(title, step, k.pager(items, snap.Page, s.f.PrevPage, s.f.NextPage), back)

	case flow.TicketCard:
		var actions []fyne.CanvasObject
		if snap.CanSkipCard {
			actions = append(actions, k.button(k.t("ticket.skip_card"), nil, widget.MediumImportance, s.f.SkipCard))
		}
		note := k.t("ticket.card_optional")
		if snap.CardRequired {
			note = k.t("ticket.card_required")
		}
		return k.page(k.t("card.title"), k.text(snap.Service.Name), k.cardGuide(note, actions...), back)

	case flow.TicketIssuing:
		hint := ""
		if snap.CardName != "" || snap.CardID != "" {
			hint = k.t("card.read_ok", "Name", snap.CardName, "ID", snap.CardID)
		}
		return k.busyPage(title, k.t("ticket.issuing"), hint, nil)

	case flow.TicketPrinting, flow.TicketDone:
		if snap.Result == nil {
			return k.busyPage(title, k.t("ticket.issuing"), "", nil)
		}
		return k.resultPage(title, snap.Result, snap.State == flow.TicketPrinting, s.f.RetryPrint)

	case flow.TicketFailed:
		var actions []fyne.CanvasObject
		if snap.CanRetry {
			actions = append(actions, k.retryButton(snap.Problem, s.f.Retry))
		}
		if snap.CanSkipCard {
			actions = append(actions, k.button(k.t("ticket.skip_card"), nil, widget.MediumImportance, s.f.SkipCard))
		}
		p, _ := problemOf(snap.Problem)
		step := k.text(snap.Service.Name)
		return k.page(title, step, container.NewVBox(k.problemPanel(p, actions...), layout.NewSpacer()), back)
	}
	return k.busyPage(title, k.t("common.loading"), "", nil)
}

// serviceTile is a service's tile: its name, "needs ID card", and, outside
// its ticketing hours, disabled with the hour it opens.
func (k *Kiosk) serviceTile(sv flow.ServiceItem, choose func(id string)) *Tile {
	id := sv.ID
	sub := ""
	if sv.RequiresIDCard {
		sub = k.t("ticket.needs_id")
	}
	t := NewTile(nil, k.text(sv.Name), sub, k.tap(func() { choose(id) }))
	if !sv.Open {
		p := problemView{Reason: flow.ReasonHallClosed.String(), Advice: flow.ReasonHallClosed.Advice().String(), At: sv.OpensAt}
		t.Reason = k.t("reason." + p.Reason)
		t.Hint = k.adviceText(p)
		t.Disable()
	}
	return t
}

// retryButton is "try again", worded for the step that failed.
func (k *Kiosk) retryButton(p *flow.Problem, retry func()) *widget.Button {
	text := k.t("action.retry")
	if p != nil && p.Advice == flow.AdviceReplaceCard {
		text = k.t("action.retry_card")
	}
	return k.button(text, theme.ViewRefreshIcon(), widget.HighImportance, retry)
}

// resultPage shows an issued ticket: the number beside (or above) what
// goes with it, "done" to finish, and after a print failure "print again" —
// the number stays on screen either way, since the citizen may have no
// paper. Its buttons replace the navigation bar: 完成 is the way out.
func (k *Kiosk) resultPage(title string, r *flow.TicketResult, printing bool, retryPrint func()) fyne.CanvasObject {
	v := k.ticketViewOf(r, printing)
	var actions []fyne.CanvasObject
	if !printing {
		if v.PrintProblem != nil {
			actions = append(actions, k.button(k.t("ticket.print_again"), theme.DocumentPrintIcon(), widget.MediumImportance, retryPrint))
		}
		actions = append(actions, k.button(k.t("action.finish"), theme.ConfirmIcon(), widget.HighImportance, k.finish))
	}
	body := container.New(&flex{weights: []float32{1, 1}}, k.ticketNumber(v), k.ticketInfo(v))
	title = k.t("ticket.done_title")
	if v.PrintProblem != nil {
		title = k.t("ticket.keep_number_title")
	}
	var bottom fyne.CanvasObject
	if len(actions) > 0 {
		bottom = actionRow(actions...)
	}
	return k.pageWith(title, "", body, bottom)
}

// cardGuide is the "place your ID card" panel: the drawing, what to do, a
// note, a working indicator and any alternatives.
func (k *Kiosk) cardGuide(note string, actions ...fyne.CanvasObject) fyne.CanvasObject {
	text := container.NewVBox(
		block(fyne.TextAlignLeading,
			para{text: k.t("card.place"), size: theme.SizeNameSubHeadingText, bold: true},
			para{text: k.t("card.keep_still")},
			para{text: note},
			para{text: k.t("card.waiting"), bold: true},
		),
		activity(),
	)
	for _, a := range actions {
		text.Add(vspace(1))
		text.Add(touchMin(a))
	}
	return container.New(&flex{weights: []float32{2, 3}, tall: []float32{1}}, cardIllustration(), text)
}
