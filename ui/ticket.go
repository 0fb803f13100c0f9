package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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

	search searchView
}

func (s *ticketScreen) start() { s.s = flow.TicketSnapshot{}; s.f.Start() }

// startSearch begins a ticket at the search (the home screen's 找事项).
func (s *ticketScreen) startSearch() { s.s = flow.TicketSnapshot{}; s.f.StartSearch() }

func (s *ticketScreen) refresh() { s.f.Refresh() }

// stepName names the flow's step for Deps.OnScreen. The search adds the
// services its page shows ("search sb-card"), which change with every
// letter typed, so that a test driving the real window sees what its taps
// on the letter keys found.
func (s *ticketScreen) stepName() string {
	name := s.s.State.String()
	if s.s.State == flow.TicketSearch && len(s.s.Services) > 0 {
		ids := make([]string, len(s.s.Services))
		for i, svc := range s.s.Services {
			ids[i] = svc.ID
		}
		name += " " + strings.Join(ids, ",")
	}
	return name
}

// update shows a new snapshot of the flow.
func (s *ticketScreen) update(snap flow.TicketSnapshot) {
	typing := s.k.current == s && s.search.kp != nil && s.s.State == flow.TicketSearch && snap.State == flow.TicketSearch
	s.s = snap
	if typing {
		s.search.show(snap.Query.Value, s.searchResults())
		s.k.traceScreen(s)
		return
	}
	s.k.refreshScreen(s)
}

func (s *ticketScreen) searchResults() fyne.CanvasObject {
	snap := s.s
	return s.k.searchResults(snap.Query.Value, snap.Services, snap.Page, true, s.f.SelectService, s.f.PrevPage, s.f.NextPage)
}

func (s *ticketScreen) buildUI() fyne.CanvasObject {
	k, snap := s.k, s.s
	title := k.t("ticket.title")
	back := when(snap.CanBack, s.f.Back)
	s.search = searchView{}
	switch snap.State {
	case flow.TicketDepartments:
		items := k.departmentTiles(snap.Departments, s.f.SelectDepartment)
		return k.pageWith(title, k.t("ticket.step_department"), k.pager(items, snap.Page, s.f.PrevPage, s.f.NextPage),
			k.navBar(back, k.searchButton(s.f.OpenSearch)))

	case flow.TicketServices:
		items := k.serviceTiles(snap.Services, true, s.f.SelectService)
		step := k.servicesStep(snap.Department.Name, "ticket.step_service")
		return k.pageWith(title, step, k.pager(items, snap.Page, s.f.PrevPage, s.f.NextPage),
			k.navBar(back, k.searchButton(s.f.OpenSearch)))

	case flow.TicketSearch:
		body := k.searchBody(&s.search, snap.Query, s.f.SearchKey, s.f.SearchBackspace)
		s.search.show(snap.Query.Value, s.searchResults())
		return k.page(title, k.t("search.step"), body, back)

	case flow.TicketCard:
		note := k.t("ticket.card_optional")
		if snap.CardRequired {
			note = k.t("ticket.card_required")
		}
		return k.page(k.t("card.title"), k.text(snap.Service.Name), k.cardGuide(note, snap.CardLying, s.skipCard(snap)...), back)

	case flow.TicketIssuing:
		hint := ""
		if snap.CardName != "" || snap.CardID != "" {
			hint = k.t("card.read_ok", "Name", snap.CardName, "ID", snap.CardID)
		}
		return k.busyPage(title, k.t("ticket.issuing"), hint, nil)

	case flow.TicketPrinting, flow.TicketDone:
		return k.resultPage(title, k.t("ticket.issuing"), snap.Result, snap.State == flow.TicketPrinting, s.f.RetryPrint)

	case flow.TicketFailed:
		return k.failedPage(title, k.text(snap.Service.Name), snap.Problem, when(snap.CanRetry, s.f.Retry), back, s.skipCard(snap)...)
	}
	return k.busyPage(title, k.t("common.loading"), "", nil)
}

// skipCard is "no ID card, take a number" when the service allows it, and
// "I have no ID card with me" when it needs one.
func (s *ticketScreen) skipCard(snap flow.TicketSnapshot) []fyne.CanvasObject {
	switch {
	case snap.CanSkipCard:
		return []fyne.CanvasObject{s.k.button(s.k.t("ticket.skip_card"), nil, widget.MediumImportance, s.f.SkipCard)}
	case snap.CanGoWithoutCard:
		return []fyne.CanvasObject{s.k.button(s.k.t("ticket.no_card"), nil, widget.MediumImportance, s.f.NoCard)}
	}
	return nil
}

// resultPage shows an issued ticket: the number beside (or above) what
// goes with it, "done" to finish, and after a print failure "print again" —
// the number stays on screen either way, since the citizen may have no
// paper. Its buttons replace the navigation bar: 完成 is the way out. Until
// the flow has the ticket (r nil) it says issuing.
func (k *Kiosk) resultPage(title, issuing string, r *flow.TicketResult, printing bool, retryPrint func()) fyne.CanvasObject {
	return k.resultPageFor(title, issuing, r, nil, printing, retryPrint)
}

// resultPageFor is resultPage for a check-in when appt is set: titled
// checked in, with the booked time beside the number.
func (k *Kiosk) resultPageFor(title, issuing string, r *flow.TicketResult, appt *flow.AppointmentInfo, printing bool, retryPrint func()) fyne.CanvasObject {
	if r == nil {
		return k.busyPage(title, issuing, "", nil)
	}
	v := k.ticketViewOf(r, printing)
	if appt != nil {
		v.Slot = k.t("checkin.slot", "Start", appt.Start.Format("15:04"), "End", appt.End.Format("15:04"))
	}
	var actions []fyne.CanvasObject
	if !printing {
		if v.PrintProblem != nil {
			actions = append(actions, k.button(k.t("ticket.print_again"), theme.DocumentPrintIcon(), widget.MediumImportance, retryPrint))
		}
		actions = append(actions, k.button(k.t("action.finish"), theme.ConfirmIcon(), widget.HighImportance, k.finish))
	}
	// The information gets the wider side: it holds the service's windows,
	// one a line, which in English are long.
	body := container.New(&flex{weights: []float32{2, 3}}, k.ticketNumber(v), k.ticketInfo(v))
	title = k.t("ticket.done_title")
	if appt != nil {
		title = k.t("checkin.done_title")
	}
	if v.PrintProblem != nil {
		title = k.t("ticket.keep_number_title")
	}
	var bar []fyne.CanvasObject
	if chip := k.cardChip(); chip != nil {
		// Beside 完成: the card is what a citizen leaves behind.
		bar = append(bar, chip)
	}
	if len(actions) > 0 {
		bar = append(bar, actionRow(actions...))
	}
	var bottom fyne.CanvasObject
	switch len(bar) {
	case 1:
		bottom = bar[0]
	case 2:
		bottom = container.NewBorder(nil, nil, bar[0], nil, bar[1])
	}
	return k.pageWith(title, "", body, bottom)
}

// cardGuide is the "place your ID card" panel: the drawing, what to do, a
// note, a working indicator and any alternatives. lying says that a card
// the visit has not read lies on the reader already: it is used only once
// placed again, and the panel says so.
func (k *Kiosk) cardGuide(note string, lying bool, actions ...fyne.CanvasObject) fyne.CanvasObject {
	keep := k.t("card.keep_still")
	if lying {
		// The notice says what matters now; in elder mode the panel has
		// no room for both.
		keep, note = "", ""
	}
	text := container.NewVBox(
		block(fyne.TextAlignLeading,
			para{text: k.t("card.place"), size: theme.SizeNameSubHeadingText, bold: true},
			para{text: keep},
			para{text: note},
			para{text: k.t("card.waiting"), bold: true},
		),
		activity(),
	)
	if lying {
		text.Add(panel(colorNameNoticeBackground, block(fyne.TextAlignLeading,
			para{text: k.t("card.lying"), color: colorNameNoticeForeground})))
	}
	for _, a := range actions {
		text.Add(vspace(1))
		text.Add(touchMin(a))
	}
	return container.New(&flex{weights: []float32{2, 3}, tall: []float32{1}}, cardIllustration(), text)
}
