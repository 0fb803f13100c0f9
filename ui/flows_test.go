package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"hallkiosk/backoffice/api"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/flow"
	"hallkiosk/internal/layoutcheck"
	"hallkiosk/offline"
)

// These tests drive the real flows through the screens, on the real parts
// (parts_test.go): taps on the buttons, tiles and keys a citizen would
// touch, then checks of what is on screen and of what the parts did: the
// records the back office received from the store, the paper the printer
// simulator cut.

// display returns the text in the keypad's display field.
func (h *harness) display(kp *keypad) string {
	h.q.Drain()
	if kp == nil || kp.display == nil {
		return ""
	}
	return kp.display.Text
}

// noRawID fails if the card's raw ID number or name is anywhere on screen.
func (h *harness) noRawID(c idcard.Card) {
	h.t.Helper()
	for _, s := range texts(h.content()) {
		if strings.Contains(s, c.IDNumber) || strings.Contains(s, c.Name) {
			h.t.Errorf("personal data on screen unmasked: %q", s)
		}
	}
}

// issued returns the one ticket the back office holds from this kiosk.
func (p *parts) issued() api.TicketIssued {
	p.t.Helper()
	tks := payloads[api.TicketIssued](p, api.KindTicketIssued)
	if len(tks) != 1 {
		p.t.Fatalf("the back office holds %d issued tickets, want 1: %+v", len(tks), tks)
	}
	return tks[0]
}

// issueTicket commits a walk-in ticket straight to the store, as another
// citizen's visit earlier in the day would have, and returns its number.
func (p *parts) issueTicket(serviceID string) string {
	p.t.Helper()
	tk, err := p.store.IssueTicket(context.Background(), offline.TicketRequest{ServiceID: serviceID})
	if err != nil {
		p.t.Fatalf("issue ticket: %v", err)
	}
	return tk.Number
}

func TestTicketWithoutCard(t *testing.T) {
	p := newParts(t)
	h := newHarness(t, p)
	h.walkIn("社会保障", "失业登记")
	h.waitShows(h.tr("ticket.take_ticket"))
	tk := p.issued()
	if tk.ServiceID != "sb-unemp" || tk.Offline || tk.IDHash != "" {
		t.Errorf("issued %+v", tk)
	}
	if !h.shows(tk.Number) {
		t.Errorf("number %s not on screen: %q", tk.Number, texts(h.content()))
	}
	if paper := p.printed(); !strings.Contains(paper, tk.Number) {
		t.Errorf("printed ticket lacks %s:\n%s", tk.Number, paper)
	}
	h.tap(h.tr("action.finish"))
	h.waitShows(h.tr("home.welcome"))
}

// TestTicketWithCard: the card guide, then the number with the ID masked by
// flow; the raw number and name never reach the screen, the paper or the
// back office.
func TestTicketWithCard(t *testing.T) {
	p := newParts(t)
	h := newHarness(t, p)
	card := p.card(cardWang)
	h.cardStep("社会保障", "社会保障卡补换")
	if h.hasButton(h.tr("ticket.skip_card")) {
		t.Error("a service that needs the card offers to skip it")
	}
	p.place(cardWang)
	h.waitShows(h.tr("ticket.take_ticket"))
	tk := p.issued()
	h.waitShows(tk.Number)
	h.waitShows(maskedID(card.IDNumber))
	h.noRawID(card)
	if tk.ServiceID != "sb-card" || tk.IDHash == "" || strings.Contains(tk.IDHash, card.IDNumber) {
		t.Errorf("issued %+v", tk)
	}
	paper := p.printed()
	if !strings.Contains(paper, tk.Number) || !strings.Contains(paper, maskedID(card.IDNumber)) {
		t.Errorf("printed ticket lacks the number or the masked ID:\n%s", paper)
	}
	if strings.Contains(paper, card.IDNumber) || strings.Contains(paper, card.Name) {
		t.Errorf("printed ticket carries personal data:\n%s", paper)
	}
}

// TestTicketPrinterFailsAfterCommit: the ticket is committed, then the
// paper runs out before it prints; the number stays large on screen with
// what to do, the failure is recorded, and "print again" prints it once
// the paper is back.
func TestTicketPrinterFailsAfterCommit(t *testing.T) {
	p := newParts(t)
	p.hook.setAfterCommit(func() { p.paper(printersim.State{PaperOut: true}) })
	h := newHarness(t, p)
	h.walkIn("社会保障", "失业登记")
	h.waitShows(h.tr("ticket.print_failed"))
	tk := p.issued()
	if !h.shows(tk.Number) || !h.shows(h.tr("ticket.keep_number_title")) {
		t.Fatalf("the number %s is not on screen: %q", tk.Number, texts(h.content()))
	}
	fails := payloads[api.TicketPrintFailed](p, api.KindTicketPrintFail)
	if len(fails) != 1 || fails[0].Number != tk.Number || fails[0].Reason != "printer_out_of_paper" {
		t.Errorf("print failures at the back office: %+v", fails)
	}
	if n := p.cuts(); n != 0 {
		t.Errorf("%d tickets came out of a printer without paper", n)
	}
	p.hook.setAfterCommit(nil)
	p.paper(printersim.State{})
	h.tapWhen(h.tr("ticket.print_again"))
	h.settle("reprint", func() bool { return !h.shows(h.tr("ticket.print_failed")) && h.shows(h.tr("ticket.take_ticket")) })
	if paper := p.printed(); !strings.Contains(paper, tk.Number) {
		t.Errorf("reprint lacks %s:\n%s", tk.Number, paper)
	}
	if n := p.cuts(); n != 1 {
		t.Errorf("%d tickets printed after the retry, want 1", n)
	}
	if n := len(p.records(api.KindTicketIssued)); n != 1 {
		t.Errorf("the reprint issued another ticket: %d in all", n)
	}
}

// TestTicketCapReached: once the service's daily tickets are gone, the
// screen says why and what to do, and offers no "try again" that would
// fail the same way.
func TestTicketCapReached(t *testing.T) {
	p := newParts(t)
	h := newHarness(t, p)
	h.reachCap()
	if !h.shows(h.tr("advice.come_tomorrow")) {
		t.Errorf("no advice on screen: %q", texts(h.content()))
	}
	if h.hasButton(h.tr("action.retry")) {
		t.Error("a cap offers to try again")
	}
	if !h.hasButton(h.tr("nav.home")) {
		t.Error("no way home from a failure")
	}
	if tk := p.issued(); tk.ServiceID != capService {
		t.Errorf("issued %+v", tk)
	}
	if n := p.cuts(); n != 1 {
		t.Errorf("%d tickets printed, want the one within the cap", n)
	}
}

// TestTicketCardReadFailed: a card pulled away mid-read asks to place it
// again; placed again, it gives the ticket.
func TestTicketCardReadFailed(t *testing.T) {
	p := newParts(t)
	h := newHarness(t, p)
	h.cardStep("社会保障", "社会保障卡补换")
	p.cards.Status41MidRead()
	p.place(cardWang)
	h.waitShows(h.tr("reason.card_read_failed"))
	h.waitShows(h.tr("advice.replace_card"))
	if n := len(p.records(api.KindTicketIssued)); n != 0 {
		t.Fatalf("a failed read issued %d tickets", n)
	}
	h.tapWhen(h.tr("action.retry_card"))
	h.waitShows(h.tr("card.place"))
	p.place(cardWang)
	h.waitShows(h.tr("ticket.take_ticket"))
	h.waitShows(p.issued().Number)
	h.waitShows(maskedID(p.card(cardWang).IDNumber))
}

// TestHomeTilesUnavailable: a tile that cannot work is shown disabled with
// its reason, not hidden; the offline badge is visible. Paper and network
// back, the tiles work again.
func TestHomeTilesUnavailable(t *testing.T) {
	p := newParts(t)
	p.paper(printersim.State{PaperOut: true})
	p.goOffline()
	h := newHarness(t, p)
	ticket := h.tr("home.ticket.title")
	h.settle("ticket tile disabled", func() bool { return h.tile(ticket).Disabled() })
	if got := h.tile(ticket).Reason; got != h.tr("reason.printer_out_of_paper") {
		t.Errorf("ticket tile reason = %q", got)
	}
	progress := h.tile(h.tr("home.progress.title"))
	if !progress.Disabled() || progress.Reason != h.tr("reason.offline") {
		t.Errorf("progress tile: disabled=%v reason=%q", progress.Disabled(), progress.Reason)
	}
	if h.tile(h.tr("home.rating.title")).Disabled() {
		t.Error("ratings work offline and without the printer")
	}
	if !h.shows(h.tr("status.offline")) {
		t.Error("no offline badge")
	}
	if len(tiles(h.content())) != 7 {
		t.Errorf("%d tiles on home, want all 6 and 找事项", len(tiles(h.content())))
	}
	// Disabled tiles ignore taps.
	test.Tap(h.tile(ticket))
	h.q.Drain()
	if h.k.current != h.k.home {
		t.Error("a disabled tile opened its screen")
	}

	p.paper(printersim.State{})
	p.goOnline()
	h.k.goHome() // as when the next citizen comes back to home
	// 找事项 still works: the guide's search, reading needs no printer.
	h.tapTile(h.tr("home.search.title"))
	h.settle("the guide's search", func() bool {
		return h.k.current == h.k.guide && h.k.guide.s.State == flow.GuideSearch && h.k.guide.s.Query.Kind == flow.InputLetters
	})
	h.k.env.Session.Home()

	p.paper(printersim.State{})
	p.goOnline()
	h.k.goHome() // as when the next citizen comes back to home
	h.settle("tiles back", func() bool {
		return !h.tile(ticket).Disabled() && !h.tile(h.tr("home.progress.title")).Disabled() && !h.shows(h.tr("status.offline"))
	})
}

// TestCheckInByCode types an appointment code on the keypad and gets the
// priority ticket for it.
func TestCheckInByCode(t *testing.T) {
	p := newParts(t)
	p.book("YY26-0017", "gjj-draw", testStart.Add(10*time.Minute), cardWang)
	h := newHarness(t, p)
	h.startCheckIn("checkin.code")
	h.settle("keypad", func() bool { return h.k.checkIn.kp != nil })
	kp := h.k.checkIn.kp
	h.typeKeys("YY26-00178")
	h.tapKey(h.tr("keypad.delete"))
	h.settle("display", func() bool { return h.display(h.k.checkIn.kp) == "YY26-0017" })
	if h.k.checkIn.kp != kp {
		t.Error("a key rebuilt the screen instead of updating the field")
	}
	h.tapWhen(h.tr("keypad.ok"))
	h.waitShows(h.tr("ticket.your_priority_number"))
	ins := payloads[api.CheckIn](p, api.KindCheckIn)
	if len(ins) != 1 || ins[0].AppointmentCode != "YY26-0017" || ins[0].Method != "code" || ins[0].ServiceID != "gjj-draw" {
		t.Fatalf("check-ins at the back office: %+v", ins)
	}
	h.waitShows(ins[0].Number)
	if paper := p.printed(); !strings.Contains(paper, ins[0].Number) {
		t.Errorf("printed ticket lacks %s:\n%s", ins[0].Number, paper)
	}
	// The done screen says she is checked in, not that she took a ticket,
	// and shows the time she booked.
	h.waitShows(h.tr("checkin.done_title"))
	if h.shows(h.tr("ticket.done_title")) {
		t.Errorf("the check-in's done screen is titled %q", h.tr("ticket.done_title"))
	}
	a := h.k.checkIn.f.Snapshot().Appointment
	if a == nil {
		t.Fatal("the done check-in has no appointment")
	}
	if slot := h.tr("checkin.slot", "Start", a.Start.Format("15:04"), "End", a.End.Format("15:04")); !h.shows(slot) {
		t.Errorf("the done screen lacks the booked time %q: %q", slot, texts(h.content()))
	}
}

// TestCheckInWrongCode: a code the day's appointments do not hold offers
// to type again and the other ways in; the booking's QR on the scanner
// then checks in.
func TestCheckInWrongCode(t *testing.T) {
	p := newParts(t)
	p.book("YY26-0017", "gjj-draw", testStart.Add(10*time.Minute), cardWang)
	h := newHarness(t, p)
	h.checkInByCode("YY26-0018")
	h.waitShows(h.tr("reason.wrong_code"))
	for _, b := range []string{h.tr("action.retry"), h.tr("checkin.card"), h.tr("checkin.scan")} {
		if !h.hasButton(b) {
			t.Errorf("no %q after a wrong code", b)
		}
	}
	if n := len(p.records(api.KindCheckIn)); n != 0 {
		t.Fatalf("a wrong code checked in %d appointments", n)
	}
	h.tap(h.tr("checkin.scan"))
	h.waitShows(h.tr("checkin.scan_what"))
	p.scan("HKA1|YY26-0017")
	h.waitShows(h.tr("ticket.your_priority_number"))
	ins := payloads[api.CheckIn](p, api.KindCheckIn)
	if len(ins) != 1 || ins[0].AppointmentCode != "YY26-0017" || ins[0].Method != "qr" {
		t.Fatalf("check-ins at the back office: %+v", ins)
	}
}

// TestGuideAndChecklist reads a service's guide and prints its checklist.
func TestGuideAndChecklist(t *testing.T) {
	p := newParts(t)
	h := newHarness(t, p)
	h.tapTile(h.tr("home.guide.title"))
	h.tapTile("社会保障")
	h.tapTile("社会保障卡补换")
	h.waitShows("不收费")
	h.tapWhen(h.tr("guide.print"))
	h.waitShows(h.tr("guide.printed"))
	paper := p.printed()
	for _, want := range []string{"社会保障卡补换", "居民身份证", "近期一寸免冠彩色照片"} {
		if !strings.Contains(paper, want) {
			t.Errorf("checklist lacks %q:\n%s", want, paper)
		}
	}
	// Page through the materials with the big buttons.
	h.tapWhen(h.tr("pager.next"))
	h.settle("the next page", func() bool { return h.k.guide.detailPage == 1 })
	// The last page carries a QR code of the full guide for a phone.
	for range 5 {
		if h.shows(h.tr("guide.scan_full")) {
			break
		}
		h.tapWhen(h.tr("pager.next"))
	}
	if got, want := h.scanQR(), "https://zw.example.gov.cn/g/sb-card"; got != want {
		t.Errorf("guide QR reads %q, want %q", got, want)
	}
	// Take a ticket for this service straight from its guide.
	h.tapWhen(h.tr("guide.take_ticket"))
	h.waitShows(h.tr("card.place"))
	if n := len(p.records(api.KindTicketIssued)); n != 0 {
		t.Errorf("reading a guide issued %d tickets", n)
	}
}

// ratingKiosk is a kiosk on the rating's questions for an unemployment
// registration ticket issued earlier today, whose number it returns.
func ratingKiosk(t *testing.T) (*parts, *harness, string) {
	p := newParts(t)
	number := p.issueTicket("sb-unemp")
	h := newHarness(t, p)
	h.startRating(number)
	return p, h, number
}

// TestRating rates a ticket issued earlier: four questions, then thanks;
// the rating reaches the back office with the ticket's service.
func TestRating(t *testing.T) {
	p, h, number := ratingKiosk(t)
	for range ratingQuestions {
		h.tapTile(h.tr("rating.level.5"))
	}
	h.tapWhen(h.tr("rating.submit"))
	h.waitShows(h.tr("rating.thanks"))
	rs := payloads[api.Rating](p, api.KindRating)
	if len(rs) != 1 || rs[0].Overall != 5 || rs[0].TicketNumber != number || rs[0].ServiceID != "sb-unemp" {
		t.Fatalf("ratings at the back office: %+v", rs)
	}
	for _, q := range ratingQuestions[1:] {
		if rs[0].Indicators[q] != 5 {
			t.Errorf("%s = %d, want 5", q, rs[0].Indicators[q])
		}
	}
	h.tap(h.tr("action.finish"))
	h.waitShows(h.tr("home.welcome"))
}

// TestRatingPoorAsksWhy: a poor level leads to the reasons and an optional
// phone number, typed on the keypad.
func TestRatingPoorAsksWhy(t *testing.T) {
	p, h, number := ratingKiosk(t)
	h.tapTile(h.tr("rating.level.1"))
	for range ratingQuestions[1:] {
		h.tapTile(h.tr("rating.level.4"))
	}
	h.tapWhen(h.tr("rating.next_step"))
	h.waitShows(h.tr("rating.reasons_title"))
	h.tap(h.tr("common.submit")) // no reason yet
	h.waitShows(h.tr("reason.incomplete"))
	h.tapTile(h.tr("rating.reason.long_wait"))
	h.tap(h.tr("phone.add"))
	h.typeAndOK("13812345678")
	h.waitShows("138****5678")
	h.tap(h.tr("common.submit"))
	h.waitShows(h.tr("rating.thanks"))
	rs := payloads[api.Rating](p, api.KindRating)
	if len(rs) != 1 {
		t.Fatalf("%d ratings at the back office", len(rs))
	}
	if r := rs[0]; r.Overall != 1 || len(r.Reasons) != 1 || r.Reasons[0] != "long_wait" || r.Phone != "13812345678" || r.TicketNumber != number {
		t.Errorf("rating = %+v", r)
	}
}

// TestSuggestion leaves a complaint with a reason.
func TestSuggestion(t *testing.T) {
	p := newParts(t)
	h := newHarness(t, p)
	h.tapTile(h.tr("home.suggestion.title"))
	h.tapTile(h.tr("suggest.cat.complaint"))
	h.tapTile(h.tr("suggest.reason.long_wait"))
	h.settle("selected", func() bool { return h.tile(h.tr("suggest.reason.long_wait")).Selected })
	h.tap(h.tr("common.submit"))
	h.waitShows(h.tr("suggest.thanks"))
	sg := payloads[api.Suggestion](p, api.KindSuggestion)
	if len(sg) != 1 || sg[0].Category != "complaint" || len(sg[0].Reasons) != 1 || sg[0].Reasons[0] != "long_wait" {
		t.Errorf("suggestions at the back office: %+v", sg)
	}
}

// progressKiosk is a kiosk on the ID-tail step of 办件进度 for
// progressReceipt, an application the back office holds for 王喆.
func progressKiosk(t *testing.T) (*parts, *harness) {
	p := newParts(t)
	p.putProgress(progressReceipt, cardWang)
	h := newHarness(t, p)
	h.enterReceipt(progressReceipt)
	return p, h
}

// TestProgress looks an application up by receipt and ID tail.
func TestProgress(t *testing.T) {
	p, h := progressKiosk(t)
	h.typeAndOK(p.idTail(cardWang))
	h.waitShows(progressReady)
	h.waitShows("受理")
}

// TestProgressWrongTail: a wrong ID tail says so and lets the citizen type
// again; the right one shows the application.
func TestProgressWrongTail(t *testing.T) {
	p, h := progressKiosk(t)
	h.typeAndOK(p.idTail(cardLi))
	h.waitShows(h.tr("reason.not_found"))
	if h.shows(progressReady) {
		t.Fatal("a wrong ID tail shows the application")
	}
	h.tapWhen(h.tr("action.retry"))
	h.settle("identity step", h.progressIn(flow.ProgressIdentity))
	h.typeAndOK(p.idTail(cardWang))
	h.waitShows(progressReady)
}

// TestProgressTooManyTries: after five wrong ID tails the back office
// makes the receipt wait; the screen says how long in words, in both
// languages, and does not show the application.
func TestProgressTooManyTries(t *testing.T) {
	p, h := progressKiosk(t)
	for i := range 5 {
		h.typeAndOK(p.idTail(cardLi))
		h.waitShows(h.tr("reason.not_found"))
		h.tapWhen(h.tr("action.retry"))
		h.settle(fmt.Sprintf("identity step after guess %d", i), h.progressIn(flow.ProgressIdentity))
	}
	h.typeAndOK(p.idTail(cardWang))
	h.waitShows(h.tr("reason.too_many_tries"))
	h.waitShows("请 15 分钟后再查询。")
	if h.shows(progressReady) {
		t.Fatal("a throttled lookup shows the application")
	}
	h.tap(h.tr("lang.en"))
	h.waitShows("Please try again in 15 minutes.")
}

// TestProgressBackOfficeFails: a back office that answers 500 cannot
// handle the question now: the screen says so, sends the citizen to staff
// and offers to try again, which works once the back office answers again.
func TestProgressBackOfficeFails(t *testing.T) {
	p, h := progressKiosk(t)
	p.office.fail(true)
	h.typeAndOK(p.idTail(cardWang))
	h.waitShows(h.tr("reason.backoffice_error"))
	h.waitShows(h.tr("advice.ask_staff"))
	if h.shows(progressReady) {
		t.Fatal("a failing back office shows the application")
	}
	// The 500 also marked the client offline; trying again asks the back
	// office anyway, without waiting for the sync loop to notice it is back.
	p.office.fail(false)
	h.tapWhen(h.tr("action.retry"))
	h.waitShows(progressReady)
}

// TestIdleCountdown: idle → the full-screen countdown → "continue" keeps
// the session; idle again → home, with the transaction wiped and the
// default language back.
func TestIdleCountdown(t *testing.T) {
	h := newHarness(t, newParts(t))
	h.tap(h.tr("lang.en"))
	h.tapTile(h.tr("home.suggestion.title"))
	h.tapTile(h.tr("suggest.cat.complaint"))
	if !h.clk.WaitPending(1, time.Second) {
		t.Fatal("no idle timer")
	}
	h.clk.Advance(61 * time.Second)
	h.waitShows(h.tr("idle.title"))
	h.waitShows("10")
	if !h.k.overlay.Visible() {
		t.Fatal("overlay hidden")
	}
	h.clk.Advance(time.Second)
	h.waitShows("9")
	h.tap(h.tr("idle.continue"))
	h.settle("overlay gone", func() bool { return !h.k.overlay.Visible() })
	if h.k.current != h.k.suggest {
		t.Fatal("continue left the screen")
	}
	// Walk away: the countdown runs out.
	h.clk.Advance(61 * time.Second)
	h.waitShows(h.tr("idle.title"))
	for range 11 {
		h.clk.Advance(time.Second)
		h.q.Drain()
	}
	h.settle("home after timeout", func() bool { return h.k.current == h.k.home && !h.k.overlay.Visible() })
	if h.k.lang != Chinese {
		t.Errorf("language after timeout = %s, want the default", h.k.lang)
	}
}

// TestElderMode: the toggle applies the larger theme live, on the screen
// the citizen is on, with fewer tiles per page.
func TestElderMode(t *testing.T) {
	h := newHarness(t, newParts(t))
	h.tapTile(h.tr("home.ticket.title"))
	h.tapTile("社会保障")
	h.settle("8 services", func() bool { return len(tiles(h.content())) == 8 })
	h.tap(h.tr("status.elder"))
	if !h.k.elder || !isElder() {
		t.Fatal("elder theme not applied")
	}
	if got := h.app.Settings().Theme().Size("text"); got < 24 {
		t.Errorf("elder body text %v", got)
	}
	h.settle("4 services", func() bool { return len(tiles(h.content())) == 4 })
	if !h.k.Session().Elder() {
		t.Error("session not told")
	}
	h.tap(h.tr("status.elder"))
	h.settle("8 services again", func() bool { return len(tiles(h.content())) == 8 })
}

// TestWindow: full screen, no decorations to close it, no menu.
func TestWindow(t *testing.T) {
	h := newHarness(t, nil)
	h.k.Show(true, fyne.NewSize(1280, 800))
	if !h.k.win.FullScreen() {
		t.Error("not full screen")
	}
	if h.k.win.MainMenu() != nil {
		t.Error("a main menu gets a Quit item from the driver")
	}
	if h.k.win.Padded() {
		t.Error("padded window")
	}
}

// TestElderModeLastsTheVisit: an elderly citizen who turns elder mode on
// for a ticket keeps it for her next task; 完成 wipes the ticket, not her
// choice. Walking away ends the visit and brings the normal mode back.
func TestElderModeLastsTheVisit(t *testing.T) {
	p := newParts(t)
	h := newHarness(t, p)
	h.tap(h.tr("status.elder"))
	h.walkIn("社会保障", "失业登记")
	h.waitShows(h.tr("ticket.take_ticket"))
	number := p.issued().Number
	h.tap(h.tr("action.finish"))
	h.waitShows(h.tr("home.welcome"))
	if !h.k.elder || !isElder() || !h.k.Session().Elder() {
		t.Fatalf("elder mode ended with the ticket: kiosk %v, theme %v, session %v", h.k.elder, isElder(), h.k.Session().Elder())
	}
	if h.shows(number) || h.k.ticket.f.Snapshot().Result != nil {
		t.Errorf("the finished ticket %s is still held or shown", number)
	}

	// She walks away: the countdown runs out and the next citizen gets
	// the normal mode.
	for i := 0; i < 400 && (h.k.elder || h.k.overlay.Visible()); i++ {
		if !h.clk.WaitPending(1, time.Second) {
			t.Fatal("no idle timer")
		}
		h.clk.Advance(time.Second)
		h.q.Drain()
	}
	h.settle("normal mode after the visit", func() bool { return !h.k.elder && !isElder() && h.k.current == h.k.home })
}

// TestNeedsIDStaysOnLongNames: "ID card needed" is a requirement, not a
// nicety: a service tile keeps it when the English name takes two lines
// (the basic pension's), in normal and elder mode; the name gives way.
func TestNeedsIDStaysOnLongNames(t *testing.T) {
	h := newHarness(t, newParts(t))
	h.tap(h.tr("lang.en"))
	h.tapTile(h.tr("home.ticket.title"))
	h.settle("departments", h.ticketIn(flow.TicketDepartments))
	h.tapTileOnPages("Social security")
	h.settle("services", h.ticketIn(flow.TicketServices))
	for _, elder := range []bool{false, true} {
		if elder {
			h.tap(h.tr("status.elder"))
			h.settle("elder pages of 4", func() bool { return isElder() && len(tiles(h.content())) == 4 })
		}
		tile := h.tile("Pension transfer")
		tile.Title = "Claiming the basic pension (retirement benefit assessment)"
		tile.Refresh()
		h.q.Drain()
		layoutcheck.Relayout(h.content()) // as the driver lays out a frame
		if got := texts(tile); !slices.Contains(got, h.tr("ticket.needs_id")) {
			t.Errorf("elder %v: the tile %q shows %q, without %q", elder, tile.Title, got, h.tr("ticket.needs_id"))
		}
		// and none of its text sticks out of it
		ts, at := tile.Size(), tile.Position() // walk's positions start from the tile's own
		walk(tile, func(o fyne.CanvasObject, p fyne.Position, _ []fyne.CanvasObject) {
			p = p.Subtract(at)
			if x, ok := o.(*canvas.Text); ok && x.Text != "" {
				if s := x.Size(); p.X < -2 || p.Y < -2 || p.X+s.Width > ts.Width+2 || p.Y+s.Height > ts.Height+2 {
					t.Errorf("elder %v: %q at %v+%v sticks out of its tile %v", elder, x.Text, p, s, ts)
				}
			}
		})
	}
}

// TestEnglishPrintoutsWordCounts: an English ticket and checklist word
// their counts as English does: "People ahead: 0", "1 copy", never
// "0 people" after "People ahead" or "copies 1".
func TestEnglishPrintoutsWordCounts(t *testing.T) {
	p := newParts(t)
	h := newHarness(t, p)
	h.tap(h.tr("lang.en"))
	h.walkIn("Social security", "Unemployment registration")
	h.waitShows(h.tr("ticket.take_ticket"))
	ticket := p.printed()
	if !strings.Contains(ticket, h.tr("print.people_ahead")) || strings.Contains(ticket, " people") {
		t.Errorf("the English ticket words the people ahead badly:\n%s", ticket)
	}
	h.tap(h.tr("action.finish"))
	h.waitShows(h.tr("home.welcome"))

	h.tapTile(h.tr("home.guide.title"))
	h.tapTile("Social security")
	h.tapTile("Social security card replacement")
	h.waitShows("Free of charge")
	h.tapWhen(h.tr("guide.print"))
	h.waitShows(h.tr("guide.printed"))
	list := p.printed()
	if !strings.Contains(list, "1 copy") || !strings.Contains(list, "1 original") || strings.Contains(list, "copies 1") || strings.Contains(list, "original 1") {
		t.Errorf("the English checklist words its counts badly:\n%s", list)
	}
}

// TestHallNameFitsInLargeText: the hall's name in the status bar is read
// whole in English large text, whose words are longest: the name gets
// smaller before it is cut short.
func TestHallNameFitsInLargeText(t *testing.T) {
	h := newHarness(t, newParts(t))
	for _, step := range []string{"lang.en", "status.elder"} {
		h.tap(h.tr(step))
		h.q.Drain()
	}
	h.settle("large text", isElder)
	// The seed hall's English name is longer than the test hall's.
	for _, name := range []string{h.k.hallName(), "Qinglan Municipal Government Service Center"} {
		h.k.hall.En = name
		h.k.renderStatus()
		layoutcheck.Relayout(h.content())
		// on one line, or on two when even the smallest size is too wide
		if all := strings.Join(texts(h.content()), " "); !strings.Contains(all, name) || strings.Contains(all, "…") {
			t.Errorf("the status bar does not show the whole hall name %q: %q", name, texts(h.content()))
		}
	}
}

// TestElderHomeKeepsTileLines: in elder mode the home tiles keep the line
// under their names (选择业务，领取排队号 …) at 1280×800; they were a few
// dots short of room and dropped it.
func TestElderHomeKeepsTileLines(t *testing.T) {
	h := newHarness(t, newParts(t))
	h.tap(h.tr("status.elder"))
	h.settle("large text", isElder)
	layoutcheck.Relayout(h.content())
	for _, id := range []string{tileTicket, tileCheckIn, tileGuide, tileRating, tileSuggestion, tileProgress} {
		tile := h.tile(h.tr("home." + id + ".title"))
		// the line may wrap: its pieces, joined, are the line
		if sub := h.tr("home." + id + ".sub"); !strings.Contains(strings.Join(texts(tile), ""), sub) {
			t.Errorf("the %s tile lost its line %q: %q", id, sub, texts(tile))
		}
	}
	checkLayout(t, h.k.win.Canvas())
}
