package ui

import (
	"errors"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/flow"
)

// The scenes of TestScreenshots: every screen in the states worth looking
// at, from hand-made flow snapshots (no ports behind them).

func prob(r flow.Reason) *flow.Problem {
	return &flow.Problem{Reason: r, Advice: r.Advice(), Err: errors.New(r.String())}
}

func testDepartments() []flow.DepartmentItem {
	cat := testCatalog()
	count := map[string]int{}
	for _, s := range cat.Services {
		count[s.DepartmentID]++
	}
	var out []flow.DepartmentItem
	for _, d := range cat.Departments {
		out = append(out, flow.DepartmentItem{ID: d.ID, Name: d.Name, Services: count[d.ID]})
	}
	return out
}

func testServices(dept string, n int) []flow.ServiceItem {
	var out []flow.ServiceItem
	for _, s := range testCatalog().Services {
		if s.DepartmentID == dept && len(out) < n {
			out = append(out, flow.ServiceItem{ID: s.ID, DepartmentID: dept, Name: s.Name, RequiresIDCard: s.RequiresIDCard, Open: true})
		}
	}
	return out
}

func testResult() *flow.TicketResult {
	return &flow.TicketResult{
		Number: "A023", ServiceID: "sb-card",
		ServiceName:  api.Text{Zh: "社会保障卡补换", En: "Social security card replacement"},
		BusinessDate: "2026-11-24", IssuedAt: testStart, PeopleAhead: 3, EstWaitMinutes: 15,
		Counters: []api.Text{{Zh: "3号窗口", En: "Counter 3"}, {Zh: "4号窗口", En: "Counter 4"}},
		MaskedID: "110101********1234", Printed: true,
	}
}

func testDetail() *flow.ServiceDetail {
	s := testCatalog().Services[0]
	return &flow.ServiceDetail{
		ID: s.ID, Department: api.Text{Zh: "社会保障", En: "Social security"}, Name: s.Name,
		Conditions: s.Conditions, Materials: s.Materials, Fee: s.Fee, TimeLimit: s.TimeLimit,
		Counters:   []api.Text{{Zh: "3号窗口", En: "Counter 3"}, {Zh: "4号窗口", En: "Counter 4"}},
		LegalBasis: s.LegalBasis, GuideURL: s.GuideURL, GuideVersion: s.GuideVersion, GuideDate: s.GuideDate,
		RequiresIDCard: true, Open: true,
	}
}

func testAppointment() *flow.AppointmentInfo {
	start := testStart.Add(10 * time.Minute)
	return &flow.AppointmentInfo{
		Code: "YY2611240017", ServiceID: "gjj-draw",
		ServiceName: api.Text{Zh: "公积金提取", En: "Provident fund withdrawal"},
		Start:       start, End: start.Add(30 * time.Minute), NameMasked: "张*三",
		WindowOpen: start.Add(-30 * time.Minute), WindowClose: start.Add(15 * time.Minute),
	}
}

func allMethods() []flow.CheckInMethod {
	return []flow.CheckInMethod{flow.MethodCard, flow.MethodScan, flow.MethodKeypad}
}

// ticketScene shows the ticket screen with snap.
func ticketScene(snap flow.TicketSnapshot) func(h *harness) {
	return func(h *harness) { h.k.show(h.k.ticket); h.k.ticket.update(snap) }
}

func checkInScene(snap flow.CheckInSnapshot) func(h *harness) {
	return func(h *harness) { h.k.show(h.k.checkIn); h.k.checkIn.update(snap) }
}

func guideScene(snap flow.GuideSnapshot) func(h *harness) {
	return func(h *harness) { h.k.show(h.k.guide); h.k.guide.update(snap) }
}

func ratingScene(snap flow.RatingSnapshot, setup func(s *ratingScreen)) func(h *harness) {
	return func(h *harness) {
		s := h.k.rating
		h.k.show(s)
		s.s = flow.RatingSnapshot{}
		s.question, s.phoneOpen, s.reasonPage = 0, false, 0
		s.update(snap)
		if setup != nil {
			setup(s)
			h.k.refreshScreen(s)
		}
	}
}

func suggestionScene(snap flow.SuggestionSnapshot, phone bool) func(h *harness) {
	return func(h *harness) {
		s := h.k.suggest
		h.k.show(s)
		s.s = flow.SuggestionSnapshot{}
		s.update(snap)
		if phone {
			s.phoneOpen = true
			h.k.refreshScreen(s)
		}
	}
}

func progressScene(snap flow.ProgressSnapshot) func(h *harness) {
	return func(h *harness) { h.k.show(h.k.progress); h.k.progress.update(snap) }
}

// pageFor is the first page of the nine 社会保障 services as flow would
// hand it over in the kiosk's mode (fewer tiles in elder mode).
func pageFor(h *harness, services []flow.ServiceItem) ([]flow.ServiceItem, flow.PageInfo) {
	size := flow.DefaultPageSize
	if h.k.elder {
		size = flow.DefaultElderPageSize
	}
	var p flow.Pager
	info := p.Info(9, size)
	return services[:min(size, len(services))], info
}

// scenes lists every screen state the kiosk can show.
func scenes() []scene {
	dept := testDepartments()[0]
	services := testServices("shebao", 8)
	services[3].Open, services[3].OpensAt = false, testStart.Add(5*time.Hour)
	selected := testServices("shebao", 1)[0]
	printFailed := testResult()
	printFailed.Printed, printFailed.PrintProblem = false, prob(flow.ReasonPrinterOutOfPaper)
	offlineResult := testResult()
	offlineResult.Number, offlineResult.Offline, offlineResult.PeopleAhead = "A07-015", true, -1
	priority := testResult()
	priority.Priority, priority.Number = true, "Y005"
	tooEarly := prob(flow.ReasonTooEarly)
	tooEarly.At = testStart.Add(40 * time.Minute)
	stepAt := testStart.Add(-48 * time.Hour)
	progress := &api.Progress{
		Receipt: "SB20261118-0042", Service: api.Text{Zh: "社会保障卡补换", En: "Social security card replacement"},
		Status: "ready", StatusMsg: api.Text{Zh: "新卡已制好，可以领取", En: "Your new card is ready"},
		Steps: []api.ProgressStep{
			{Name: api.Text{Zh: "受理", En: "Accepted"}, Done: true, At: &stepAt},
			{Name: api.Text{Zh: "审核", En: "Reviewed"}, Done: true, At: &stepAt},
			{Name: api.Text{Zh: "制卡", En: "Card made"}, Done: true, At: &stepAt},
			{Name: api.Text{Zh: "领取", En: "Collected"}},
		},
		Pickup: api.Text{Zh: "凭身份证到 3 号窗口领取", En: "Collect at counter 3 with your ID card"},
	}
	ratingScores := flow.RatingSnapshot{
		State: flow.RatingScores, Ticket: "A023", ServiceName: selected.Name,
		Overall: flow.LevelDissatisfied, Scores: map[string]int{flow.IndicatorEfficiency: 0},
	}
	return []scene{
		{"home", func(h *harness) {}},
		{"home_unavailable", func(h *harness) {
			h.k.home.update(homeView{
				Unavailable: map[string]problemView{
					tileTicket:   {Reason: "printer_out_of_paper", Advice: "ask_staff"},
					tileProgress: {Reason: "offline", Advice: "ask_staff"},
				},
				Limited: map[string]string{tileCheckIn: "offline", tileGuide: "printer_out_of_paper"},
			})
			h.k.setOnline(false)
		}},
		{"idle", func(h *harness) { h.k.showCountdown(10) }},

		{"ticket_departments", ticketScene(flow.TicketSnapshot{State: flow.TicketDepartments, Departments: testDepartments(),
			Page: flow.PageInfo{Count: 1, Size: 8, Total: 5}})},
		{"ticket_services", func(h *harness) {
			svc, pg := pageFor(h, services)
			ticketScene(flow.TicketSnapshot{State: flow.TicketServices, Services: svc, Department: dept, Page: pg, CanBack: true})(h)
		}},
		{"ticket_card", ticketScene(flow.TicketSnapshot{State: flow.TicketCard, Service: selected, CanSkipCard: true, CanBack: true})},
		{"ticket_issuing", ticketScene(flow.TicketSnapshot{State: flow.TicketIssuing, Service: selected, CardName: "张*三", CardID: "110101********1234"})},
		{"ticket_printing", ticketScene(flow.TicketSnapshot{State: flow.TicketPrinting, Result: testResult()})},
		{"ticket_done", ticketScene(flow.TicketSnapshot{State: flow.TicketDone, Result: testResult()})},
		{"ticket_done_offline", ticketScene(flow.TicketSnapshot{State: flow.TicketDone, Result: offlineResult})},
		{"ticket_print_failed", ticketScene(flow.TicketSnapshot{State: flow.TicketDone, Result: printFailed})},
		{"ticket_failed_cap", ticketScene(flow.TicketSnapshot{State: flow.TicketFailed, Service: selected, Problem: prob(flow.ReasonCapReached), CanBack: true})},
		{"ticket_failed_card", ticketScene(flow.TicketSnapshot{State: flow.TicketFailed, Service: selected,
			Problem: prob(flow.ReasonCardReadFailed), CanRetry: true, CanSkipCard: true, CanBack: true})},

		{"checkin_choose", checkInScene(flow.CheckInSnapshot{State: flow.CheckInChoose, Methods: allMethods()})},
		{"checkin_card", checkInScene(flow.CheckInSnapshot{State: flow.CheckInCard, Method: flow.MethodCard, Methods: allMethods()})},
		{"checkin_scan", checkInScene(flow.CheckInSnapshot{State: flow.CheckInScan, Method: flow.MethodScan, Methods: allMethods()})},
		{"checkin_keypad", checkInScene(flow.CheckInSnapshot{State: flow.CheckInKeypad, Method: flow.MethodKeypad, Methods: allMethods(),
			Input: flow.Input{Kind: flow.InputAlnum, Value: "YY2611240017", Max: 24}})},
		{"checkin_issuing", checkInScene(flow.CheckInSnapshot{State: flow.CheckInIssuing, Appointment: testAppointment()})},
		{"checkin_done", checkInScene(flow.CheckInSnapshot{State: flow.CheckInDone, Appointment: testAppointment(), Result: priority})},
		{"checkin_too_early", checkInScene(flow.CheckInSnapshot{State: flow.CheckInFailed, Method: flow.MethodCard, Methods: allMethods(),
			Appointment: testAppointment(), Problem: tooEarly, CanRetry: true})},
		{"checkin_too_late", checkInScene(flow.CheckInSnapshot{State: flow.CheckInFailed, Method: flow.MethodKeypad, Methods: allMethods(),
			Appointment: testAppointment(), Problem: prob(flow.ReasonTooLate), CanTakeLate: true})},
		{"checkin_wrong_code", checkInScene(flow.CheckInSnapshot{State: flow.CheckInFailed, Method: flow.MethodKeypad, Methods: allMethods(),
			Problem: prob(flow.ReasonWrongCode), CanRetry: true})},

		{"guide_departments", guideScene(flow.GuideSnapshot{State: flow.GuideDepartments, Departments: testDepartments()})},
		{"guide_services", func(h *harness) {
			svc, pg := pageFor(h, services)
			guideScene(flow.GuideSnapshot{State: flow.GuideServices, Services: svc, Department: dept, Page: pg, CanBack: true})(h)
		}},
		{"guide_detail", guideScene(flow.GuideSnapshot{State: flow.GuideDetail, Detail: testDetail(), CanBack: true})},
		{"guide_detail_printed", guideScene(flow.GuideSnapshot{State: flow.GuideDetail, Detail: testDetail(), CanBack: true, PrintStatus: flow.PrintDone})},
		{"guide_print_failed", guideScene(flow.GuideSnapshot{State: flow.GuideDetail, Detail: testDetail(), CanBack: true,
			PrintStatus: flow.PrintFailed, PrintProblem: prob(flow.ReasonPrinterCoverOpen)})},

		{"rating_ticket", ratingScene(flow.RatingSnapshot{State: flow.RatingTicket, Scanning: true,
			Input: flow.Input{Kind: flow.InputAlnum, Value: "A02", Max: 12}}, nil)},
		{"rating_invalid", ratingScene(flow.RatingSnapshot{State: flow.RatingTicket, Problem: prob(flow.ReasonScannerFault),
			Input: flow.Input{Kind: flow.InputAlnum, Max: 12}}, nil)},
		{"rating_scores", ratingScene(ratingScores, nil)},
		{"rating_scores_last", ratingScene(flow.RatingSnapshot{State: flow.RatingScores, Ticket: "A023", Overall: 5,
			Scores:       map[string]int{flow.IndicatorEfficiency: 4, flow.IndicatorSkill: 5, flow.IndicatorAttitude: 1},
			NeedsReasons: true, CanNext: true}, func(s *ratingScreen) { s.question = 3 })},
		{"rating_reasons", ratingScene(flow.RatingSnapshot{State: flow.RatingReasonsStep, Ticket: "A023",
			Reasons: []string{"long_wait", "unclear_guidance"}, Input: flow.Input{Kind: flow.InputDigits, Max: 11}}, nil)},
		{"rating_reasons_problem", ratingScene(flow.RatingSnapshot{State: flow.RatingReasonsStep, Ticket: "A023",
			Problem: prob(flow.ReasonInvalidPhone), Input: flow.Input{Kind: flow.InputDigits, Value: "1381234", Max: 11}}, nil)},
		{"rating_phone", ratingScene(flow.RatingSnapshot{State: flow.RatingReasonsStep, Ticket: "A023",
			Input: flow.Input{Kind: flow.InputDigits, Value: "1381234", Max: 11}}, func(s *ratingScreen) { s.phoneOpen = true })},
		{"rating_thanks", ratingScene(flow.RatingSnapshot{State: flow.RatingThanks}, nil)},
		{"rating_failed", ratingScene(flow.RatingSnapshot{State: flow.RatingFailed, Problem: prob(flow.ReasonStorageFull), CanRetry: true}, nil)},

		{"suggestion_category", suggestionScene(flow.SuggestionSnapshot{State: flow.SuggestionCategoryStep, Categories: flow.SuggestionCategories}, false)},
		{"suggestion_details", suggestionScene(flow.SuggestionSnapshot{State: flow.SuggestionDetails, Category: "complaint",
			Offered: flow.SuggestionCategories[0].Reasons, Reasons: []string{"long_wait"},
			Input: flow.Input{Kind: flow.InputDigits, Value: "13812345678", Max: 11}}, false)},
		{"suggestion_phone", suggestionScene(flow.SuggestionSnapshot{State: flow.SuggestionDetails, Category: "suggestion",
			Offered: flow.SuggestionCategories[1].Reasons, Input: flow.Input{Kind: flow.InputDigits, Max: 11}}, true)},
		{"suggestion_thanks", suggestionScene(flow.SuggestionSnapshot{State: flow.SuggestionThanks}, false)},

		{"progress_receipt", progressScene(flow.ProgressSnapshot{State: flow.ProgressReceipt, Scanning: true,
			Input: flow.Input{Kind: flow.InputAlnum, Value: "SB20261118-0042", Max: 32}})},
		{"progress_identity", progressScene(flow.ProgressSnapshot{State: flow.ProgressIdentity, Receipt: "SB20261118-0042",
			CardAvailable: true, Problem: prob(flow.ReasonInvalidIDLast4), Input: flow.Input{Kind: flow.InputIDTail, Value: "12", Max: 4}})},
		{"progress_card", progressScene(flow.ProgressSnapshot{State: flow.ProgressCard, Receipt: "SB20261118-0042"})},
		{"progress_looking", progressScene(flow.ProgressSnapshot{State: flow.ProgressLooking, Receipt: "SB20261118-0042"})},
		{"progress_result", progressScene(flow.ProgressSnapshot{State: flow.ProgressResult, Receipt: "SB20261118-0042", Result: progress})},
		{"progress_offline", progressScene(flow.ProgressSnapshot{State: flow.ProgressFailed, Problem: prob(flow.ReasonOffline), CanRetry: true})},
	}
}
