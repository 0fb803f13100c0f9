package ui

import (
	"errors"
	"time"

	"hallkiosk/devices/sim/printersim"
	"hallkiosk/flow"
)

// The scenes of TestScreenshots: every screen in the states worth looking
// at, reached the way a citizen reaches them, by taps on the kiosk with the
// real parts behind it (parts_test.go). A state the flow only passes
// through (issuing, printing, looking up) is caught by running the UI's
// queue one update at a time and stopping there (harness.pause).
//
// One scene is still made by hand: rating_failed, the rating that cannot
// be recorded because the disk is full. A full disk needs the store on a
// tiny file system in a mount namespace (flow's TestStorageFull does that);
// the screenshot test runs in the ordinary process.

// scene puts a kiosk into one state worth looking at.
type scene struct {
	name string
	// set brings the kiosk to the scene's state: from the home screen of a
	// kiosk with nothing wrong, or, with cont, from the previous scene's
	// state, continuing its transaction.
	set  func(h *harness)
	cont bool
	// each, when set, runs after every resize before the shot: for a state
	// that depends on the window, such as the last page of a paged column.
	each func(h *harness)
}

// Data of the scenes, booked in setUpScenes.
const (
	sceneCode      = "YY2611240017" // today at 09:40 (window open)
	sceneCodeLate  = "YY2611240003" // today at 07:30 (window closed)
	sceneCodeWrong = "YY2611249999" // booked nowhere
)

// setUpScenes books what the scenes look up: appointments for the check-in
// scenes, an application for the progress scenes, and a ticket of earlier
// today for the rating scenes, whose number it returns.
func setUpScenes(p *parts) string {
	p.t.Helper()
	p.book(sceneCode, "gjj-draw", testStart.Add(10*time.Minute), cardWang)
	p.book(sceneCodeLate, "gjj-draw", testStart.Add(-2*time.Hour), cardWang)
	// 李秀英's appointment is two hours away: too early to check in.
	p.book("YY2611240021", "bdc-reg", testStart.Add(2*time.Hour), cardLi)
	p.putProgress(progressReceipt, cardWang)
	return p.issueTicket("sb-unemp")
}

// resetScene brings the kiosk back to the home screen of a kiosk with
// nothing wrong: paper in, the back office up, no card on the reader, no
// transaction, Chinese.
func (h *harness) resetScene() {
	h.t.Helper()
	p := h.parts
	p.hook.setAfterCommit(nil)
	p.paper(printersim.State{})
	p.removeCard()
	if !p.client.Online() {
		p.goOnline()
	}
	h.k.env.Session.Home()
	h.k.applyLanguage(Chinese)
	h.k.goHome()
	h.settle("a working home screen", func() bool {
		if h.k.current != h.k.home || h.k.overlay.Visible() || !h.k.online {
			return false
		}
		ts := tiles(h.content())
		for _, t := range ts {
			if t.Disabled() {
				return false
			}
		}
		return len(ts) == len(flow.Tiles)+1 // and 找事项
	})
}

// scenes lists every screen state the kiosk can show. number is the ticket
// setUpScenes issued.
func scenes(number string) []scene {
	return []scene{
		{name: "home", set: func(h *harness) {}},
		{name: "home_unavailable", set: func(h *harness) {
			h.parts.paper(printersim.State{PaperOut: true})
			h.parts.goOffline()
			h.k.goHome()
			h.settle("ticket tile disabled, offline", func() bool {
				return h.tile(h.tr("home.ticket.title")).Disabled() && h.shows(h.tr("status.offline"))
			})
		}},
		{name: "idle", set: func(h *harness) {
			h.tapTile(h.tr("home.suggestion.title"))
			// The idle time is longer in elder mode; the session says how long.
			h.clk.Advance(h.k.Session().Snapshot().IdleLimit + time.Second)
			h.settle("countdown", func() bool { return h.k.overlay.Visible() })
		}},

		{name: "ticket_departments", set: func(h *harness) {
			h.tapTile(h.tr("home.ticket.title"))
			h.settle("departments", h.ticketIn(flow.TicketDepartments))
		}},
		{name: "ticket_services", cont: true, set: func(h *harness) {
			h.tapTile("社会保障")
			// One service sells tickets only from the afternoon.
			h.settle("services, one closed", func() bool {
				for _, t := range tiles(h.content()) {
					if t.Disabled() {
						return true
					}
				}
				return false
			})
		}},
		{name: "ticket_card", cont: true, set: func(h *harness) {
			h.tapTile("失业登记")
			h.settle("card step", h.ticketIn(flow.TicketCard))
		}},
		{name: "ticket_issuing", set: func(h *harness) {
			h.cardStep("社会保障", "社会保障卡补换")
			h.parts.place(cardWang)
			h.pause("issuing", h.ticketIn(flow.TicketIssuing))
		}},
		{name: "ticket_printing", cont: true, set: func(h *harness) {
			h.pause("printing", h.ticketIn(flow.TicketPrinting))
		}},
		{name: "ticket_done", cont: true, set: func(h *harness) {
			h.settle("done", h.ticketIn(flow.TicketDone))
		}},
		{name: "ticket_done_offline", set: func(h *harness) {
			h.parts.goOffline()
			h.walkIn("社会保障", "失业登记")
			h.settle("done offline", func() bool {
				return h.ticketIn(flow.TicketDone)() && h.k.ticket.s.Result.Offline
			})
		}},
		{name: "ticket_print_failed", set: func(h *harness) {
			h.parts.hook.setAfterCommit(func() { h.parts.paper(printersim.State{PaperOut: true}) })
			h.walkIn("社会保障", "失业登记")
			h.waitShows(h.tr("ticket.print_failed"))
		}},
		{name: "ticket_failed_cap", set: func(h *harness) { h.reachCap() }},
		{name: "ticket_failed_card", set: func(h *harness) {
			h.cardStep("社会保障", "失业登记")
			h.parts.cards.Status41MidRead()
			h.parts.place(cardLi)
			h.waitShows(h.tr("reason.card_read_failed"))
		}},

		{name: "search", set: func(h *harness) {
			h.tapTile(h.tr("home.search.title"))
			h.settle("search", h.ticketIn(flow.TicketSearch))
		}},
		{name: "search_many", cont: true, set: func(h *harness) {
			h.typeKeys("S") // most of 社会保障: more than a page
			h.settle("a page of results", func() bool { return h.k.ticket.s.Page.HasNext && h.caughtUp() })
		}},
		{name: "search_found", cont: true, set: func(h *harness) {
			h.typeKeys("BK")
			h.settle("SBK", func() bool { return h.k.ticket.s.Query.Value == "SBK" && h.caughtUp() })
			h.waitShows("社会保障卡补换")
		}},
		{name: "search_none", cont: true, set: func(h *harness) {
			h.typeKeys("Q")
			h.settle("nothing found", func() bool { return h.k.ticket.s.Query.Value == "SBKQ" && h.caughtUp() })
		}},
		{name: "guide_search", set: func(h *harness) {
			h.tapTile(h.tr("home.guide.title"))
			h.tapWhen(h.tr("search.open"))
			h.typeKeys("GJJ")
			h.settle("GJJ", func() bool { return h.k.guide.s.Query.Value == "GJJ" && h.caughtUp() })
			h.waitShows("公积金提取")
		}},

		{name: "checkin_choose", set: func(h *harness) {
			h.tapTile(h.tr("home.check_in.title"))
			h.settle("methods", h.checkInIn(flow.CheckInChoose))
		}},
		{name: "checkin_card", cont: true, set: func(h *harness) {
			h.tapTile(h.tr("checkin.card"))
			h.settle("card step", h.checkInIn(flow.CheckInCard))
		}},
		{name: "checkin_scan", set: func(h *harness) {
			h.startCheckIn("checkin.scan")
			h.settle("scan step", h.checkInIn(flow.CheckInScan))
		}},
		{name: "checkin_keypad", set: func(h *harness) {
			h.startCheckIn("checkin.code")
			h.typeKeys(sceneCode)
		}},
		{name: "checkin_issuing", cont: true, set: func(h *harness) {
			h.tapWhen(h.tr("keypad.ok"))
			h.pause("issuing", h.checkInIn(flow.CheckInIssuing))
		}},
		{name: "checkin_done", cont: true, set: func(h *harness) {
			h.settle("done", h.checkInIn(flow.CheckInDone))
		}},
		{name: "checkin_too_early", set: func(h *harness) {
			h.startCheckIn("checkin.card")
			h.settle("card step", h.checkInIn(flow.CheckInCard))
			h.parts.place(cardLi)
			h.waitShows(h.tr("reason.too_early"))
		}},
		{name: "checkin_too_late", set: func(h *harness) {
			h.checkInByCode(sceneCodeLate)
			h.waitShows(h.tr("reason.too_late"))
		}},
		{name: "checkin_wrong_code", set: func(h *harness) {
			h.checkInByCode(sceneCodeWrong)
			h.waitShows(h.tr("reason.wrong_code"))
		}},

		{name: "guide_departments", set: func(h *harness) {
			h.tapTile(h.tr("home.guide.title"))
			h.waitShows(h.tr("guide.step_department"))
		}},
		{name: "guide_services", cont: true, set: func(h *harness) {
			h.tapTile("社会保障")
			h.waitShows("社会保障卡补换")
		}},
		{name: "guide_detail", cont: true, set: func(h *harness) {
			h.tapTile("社会保障卡补换")
			h.waitShows(h.tr("guide.print"))
		}},
		{name: "guide_detail_printed", cont: true, set: func(h *harness) {
			h.tapWhen(h.tr("guide.print"))
			h.waitShows(h.tr("guide.printed"))
		}},
		{name: "guide_detail_last_page", cont: true, set: func(h *harness) {}, each: func(h *harness) {
			// A painted frame lays the column out at this size, which hides
			// the rows of other pages and disables "next" on the last one.
			for range 10 {
				h.k.win.Canvas().Capture()
				if !h.hasButton(h.tr("pager.next")) || h.button(h.tr("pager.next")).Disabled() {
					break
				}
				h.tapWhen(h.tr("pager.next"))
			}
			h.waitShows(h.tr("guide.scan_full"))
		}},
		{name: "guide_print_failed", set: func(h *harness) {
			h.tapTile(h.tr("home.guide.title"))
			h.tapTile("社会保障")
			h.tapTile("社会保障卡补换")
			h.parts.paper(printersim.State{CoverOpen: true})
			h.tapWhen(h.tr("guide.print"))
			h.waitShows(h.tr("guide.print_failed"))
		}},

		{name: "rating_ticket", set: func(h *harness) {
			h.tapTile(h.tr("home.rating.title"))
			h.typeKeys(number[:len(number)-1])
		}},
		{name: "rating_invalid", set: func(h *harness) {
			// A number of this kiosk's own offline series that it never
			// issued.
			h.startRating("C07-999")
			h.waitShows(h.tr("reason.ticket_not_found"))
		}},
		{name: "rating_scores", set: func(h *harness) {
			h.startRating(number)
			h.tapTile(h.tr("rating.level.2"))
			h.tapWhen(h.tr("rating.prev_question")) // back to the choice made
		}},
		{name: "rating_scores_last", cont: true, set: func(h *harness) {
			h.tapWhen(h.tr("rating.next_question"))
			h.tapTile(h.tr("rating.level.4"))
			h.tapTile(h.tr("rating.level.5"))
			h.tapTile(h.tr("rating.level.1"))
			h.waitShows(h.tr("rating.next_step"))
		}},
		{name: "rating_reasons", cont: true, set: func(h *harness) {
			h.tapWhen(h.tr("rating.next_step"))
			h.tapTile(h.tr("rating.reason.long_wait"))
			h.tapTile(h.tr("rating.reason.unclear_guidance"))
			h.settle("two reasons ticked", func() bool { return len(h.k.rating.s.Reasons) == 2 })
		}},
		{name: "rating_phone", cont: true, set: func(h *harness) {
			h.tap(h.tr("phone.add"))
			h.typeKeys("1381234")
		}},
		{name: "rating_reasons_problem", cont: true, set: func(h *harness) {
			h.tapWhen(h.tr("keypad.ok"))
			h.tapWhen(h.tr("common.submit"))
			h.waitShows(h.tr("reason.invalid_phone"))
		}},
		{name: "rating_thanks", cont: true, set: func(h *harness) {
			h.tapWhen(h.tr("phone.change", "Phone", maskPhone("1381234")))
			h.typeAndOK("5678")
			h.tapWhen(h.tr("common.submit"))
			h.waitShows(h.tr("rating.thanks"))
		}},
		{name: "rating_failed", set: func(h *harness) {
			// Made by hand; see the comment at the top.
			s := h.k.rating
			h.k.show(s)
			s.update(flow.RatingSnapshot{State: flow.RatingFailed, Problem: prob(flow.ReasonStorageFull), CanRetry: true})
		}},

		{name: "suggestion_category", set: func(h *harness) {
			h.tapTile(h.tr("home.suggestion.title"))
			h.waitShows(h.tr("suggest.choose"))
		}},
		{name: "suggestion_details", cont: true, set: func(h *harness) {
			h.tapTile(h.tr("suggest.cat.complaint"))
			h.tapTile(h.tr("suggest.reason.long_wait"))
			h.tap(h.tr("phone.add"))
			h.typeAndOK("13812345678")
			h.waitShows("138****5678")
		}},
		{name: "suggestion_phone", set: func(h *harness) {
			h.tapTile(h.tr("home.suggestion.title"))
			h.tapTile(h.tr("suggest.cat.suggestion"))
			h.tapWhen(h.tr("phone.add"))
			h.waitShows(h.tr("phone.why"))
		}},
		{name: "suggestion_thanks", set: func(h *harness) {
			h.tapTile(h.tr("home.suggestion.title"))
			h.tapTile(h.tr("suggest.cat.praise"))
			h.tapTile(h.tr("suggest.reason." + flow.SuggestionCategories[2].Reasons[0]))
			h.tapWhen(h.tr("common.submit"))
			h.waitShows(h.tr("suggest.thanks"))
		}},

		{name: "progress_receipt", set: func(h *harness) {
			h.tapTile(h.tr("home.progress.title"))
			h.typeKeys(progressReceipt)
		}},
		{name: "progress_identity", cont: true, set: func(h *harness) {
			h.tapWhen(h.tr("keypad.ok"))
			h.typeAndOK("12")
			h.waitShows(h.tr("reason.invalid_id_last4"))
		}},
		{name: "progress_card", cont: true, set: func(h *harness) {
			h.tapWhen(h.tr("progress.use_card"))
			h.settle("card step", h.progressIn(flow.ProgressCard))
		}},
		{name: "progress_looking", cont: true, set: func(h *harness) {
			h.parts.place(cardWang)
			h.pause("looking", h.progressIn(flow.ProgressLooking))
		}},
		{name: "progress_result", cont: true, set: func(h *harness) {
			h.settle("result", h.progressIn(flow.ProgressResult))
		}},
		{name: "progress_offline", set: func(h *harness) {
			// The network fails after the citizen has started.
			h.enterReceipt(progressReceipt)
			h.parts.goOffline()
			h.typeAndOK(h.parts.idTail(cardWang))
			h.waitShows(h.tr("reason.offline"))
		}},
	}
}

func prob(r flow.Reason) *flow.Problem {
	return &flow.Problem{Reason: r, Advice: r.Advice(), Err: errors.New(r.String())}
}
