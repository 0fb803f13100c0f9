package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"hallkiosk/backoffice/api"
	"hallkiosk/devices/idcard"
	"hallkiosk/offline"
)

// These tests drive the real flows through the screens, with fake ports
// behind them: taps on the buttons, tiles and keys a citizen would touch,
// then checks of what is on screen and of what reached the ports.

// tapTile waits for the tile titled s and taps it.
func (h *harness) tapTile(s string) {
	h.t.Helper()
	h.settle("tile "+s, func() bool {
		for _, t := range tiles(h.content()) {
			if t.Title == s {
				return true
			}
		}
		return false
	})
	tl := h.tile(s)
	if tl.Disabled() {
		h.t.Fatalf("tile %q is disabled: %s", s, tl.Reason)
	}
	test.Tap(tl)
	h.q.drain()
}

// tapWhen waits for an enabled button with text s, then taps it.
func (h *harness) tapWhen(s string) {
	h.t.Helper()
	h.settle("button "+s, func() bool {
		for _, b := range buttons(h.content()) {
			if b.Text == s && !b.Disabled() {
				return true
			}
		}
		return false
	})
	h.tap(s)
}

// tapKey taps the keypad key labelled label.
func (h *harness) tapKey(label string) {
	h.t.Helper()
	var k *key
	h.settle("key "+label, func() bool {
		walk(h.content(), fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position, _ []fyne.CanvasObject) {
			if kk, ok := o.(*key); ok && kk.label == label {
				k = kk
			}
		}, nil)
		return k != nil
	})
	test.Tap(k)
	h.q.drain()
}

// typeKeys taps the keypad's keys for s, one by one, letting each
// keystroke's snapshot arrive.
func (h *harness) typeKeys(s string) {
	h.t.Helper()
	for _, r := range s {
		h.tapKey(string(r))
	}
}

// display returns the text in the keypad's display field.
func (h *harness) display(kp *keypad) string {
	h.q.drain()
	if kp == nil || kp.display == nil {
		return ""
	}
	return kp.display.Text
}

// noRawID fails if the raw ID number of testCard is anywhere on screen.
func (h *harness) noRawID() {
	h.t.Helper()
	for _, s := range texts(h.content()) {
		if strings.Contains(s, testCard().IDNumber) || strings.Contains(s, testCard().Name) {
			h.t.Errorf("personal data on screen unmasked: %q", s)
		}
	}
}

func TestTicketWithoutCard(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
	h.tapTile(h.tr("home.ticket.title"))
	h.waitShows(h.tr("ticket.step_department"))
	h.tapTile("社会保障")
	h.tapTile("失业登记")
	h.tapWhen(h.tr("ticket.skip_card"))
	h.waitShows("A023")
	h.waitShows(h.tr("ticket.take_ticket"))
	if p.printer.tickets != 1 {
		t.Errorf("printed %d tickets", p.printer.tickets)
	}
	h.tap(h.tr("action.finish"))
	h.waitShows(h.tr("home.welcome"))
}

// TestTicketWithCard: the card guide, then the number with the ID masked by
// flow; the raw number and name never reach the screen.
func TestTicketWithCard(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
	h.tapTile(h.tr("home.ticket.title"))
	h.tapTile("社会保障")
	h.tapTile("社会保障卡补换")
	h.waitShows(h.tr("card.place"))
	if h.hasButton(h.tr("ticket.skip_card")) {
		t.Error("a service that needs the card offers to skip it")
	}
	h.noRawID()
	p.cards.ch <- testCard()
	h.waitShows("A023")
	h.waitShows("110101********1234")
	h.noRawID()
}

// TestTicketPrinterFailsAfterCommit: the ticket is committed, the printer
// fails; the number stays large on screen with what to do, the failure is
// recorded, and "print again" prints it once the paper is back.
func TestTicketPrinterFailsAfterCommit(t *testing.T) {
	p := newPorts()
	p.printer.set(nil, errPaperOut) // ready before, fails while printing
	h := newHarness(t, p)
	h.tapTile(h.tr("home.ticket.title"))
	h.tapTile("社会保障")
	h.tapTile("失业登记")
	h.tapWhen(h.tr("ticket.skip_card"))
	h.waitShows(h.tr("ticket.print_failed"))
	if !h.shows("A023") || !h.shows(h.tr("ticket.keep_number_title")) {
		t.Fatalf("the number is not on screen: %q", texts(h.content()))
	}
	if len(p.store.printFails) != 1 || !strings.Contains(p.store.printFails[0], "printer_out_of_paper") {
		t.Errorf("print failure not recorded: %q", p.store.printFails)
	}
	p.printer.set(nil, nil)
	h.tapWhen(h.tr("ticket.print_again"))
	h.settle("reprint", func() bool { return !h.shows(h.tr("ticket.print_failed")) && h.shows(h.tr("ticket.take_ticket")) })
	if p.printer.tickets != 1 {
		t.Errorf("printed %d tickets after the retry", p.printer.tickets)
	}
}

// TestTicketCapReached: a rule failure says why and what to do, and offers
// no "try again" that would fail the same way.
func TestTicketCapReached(t *testing.T) {
	p := newPorts()
	p.store.issueErr = fmt.Errorf("issue: %w", offline.ErrDailyCapReached)
	h := newHarness(t, p)
	h.tapTile(h.tr("home.ticket.title"))
	h.tapTile("社会保障")
	h.tapTile("失业登记")
	h.tapWhen(h.tr("ticket.skip_card"))
	h.waitShows(h.tr("reason.cap_reached"))
	if !h.shows(h.tr("advice.come_tomorrow")) {
		t.Errorf("no advice on screen: %q", texts(h.content()))
	}
	if h.hasButton(h.tr("action.retry")) {
		t.Error("a cap offers to try again")
	}
	if !h.hasButton(h.tr("nav.home")) {
		t.Error("no way home from a failure")
	}
}

// TestTicketCardReadFailed: a card moved mid-read asks to place it again.
func TestTicketCardReadFailed(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
	h.tapTile(h.tr("home.ticket.title"))
	h.tapTile("社会保障")
	h.tapTile("社会保障卡补换")
	h.waitShows(h.tr("card.place"))
	p.cards.errs <- fmt.Errorf("read: %w", idcard.ErrReplaceCard)
	h.waitShows(h.tr("reason.card_read_failed"))
	h.waitShows(h.tr("advice.replace_card"))
	h.tapWhen(h.tr("action.retry_card"))
	h.waitShows(h.tr("card.place"))
	p.cards.ch <- testCard()
	h.waitShows("A023")
}

// TestHomeTilesUnavailable: a tile that cannot work is shown disabled with
// its reason, not hidden; the offline badge is visible.
func TestHomeTilesUnavailable(t *testing.T) {
	p := newPorts()
	p.printer.set(errPaperOut, nil)
	p.office.setOnline(false)
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
	if len(tiles(h.content())) != 6 {
		t.Errorf("%d tiles on home, want all 6", len(tiles(h.content())))
	}
	// Disabled tiles ignore taps.
	test.Tap(h.tile(ticket))
	h.q.drain()
	if h.k.current != h.k.home {
		t.Error("a disabled tile opened its screen")
	}
}

// TestCheckInByCode types an appointment code on the keypad.
func TestCheckInByCode(t *testing.T) {
	p := newPorts()
	p.store.appts["YY26-0017"] = &offline.Appointment{
		Code: "YY26-0017", ServiceID: "gjj-draw", Start: testStart.Add(10 * time.Minute),
		End: testStart.Add(40 * time.Minute), NameMasked: "张*三",
	}
	h := newHarness(t, p)
	h.tapTile(h.tr("home.check_in.title"))
	h.tapTile(h.tr("checkin.code"))
	h.settle("keypad", func() bool { return h.k.checkIn.kp != nil })
	kp := h.k.checkIn.kp
	h.typeKeys("YY26-00178")
	h.tapKey(h.tr("keypad.delete"))
	h.settle("display", func() bool { return h.display(h.k.checkIn.kp) == "YY26-0017" })
	if h.k.checkIn.kp != kp {
		t.Error("a key rebuilt the screen instead of updating the field")
	}
	h.tapWhen(h.tr("keypad.ok"))
	h.waitShows("A023")
	h.waitShows(h.tr("ticket.your_priority_number"))
}

// TestCheckInWrongCode: a wrong code offers to type again and the other
// ways in.
func TestCheckInWrongCode(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
	h.tapTile(h.tr("home.check_in.title"))
	h.tapTile(h.tr("checkin.code"))
	h.typeKeys("AB12-9999")
	h.tapWhen(h.tr("keypad.ok"))
	h.waitShows(h.tr("reason.wrong_code"))
	for _, b := range []string{h.tr("action.retry"), h.tr("checkin.card"), h.tr("checkin.scan")} {
		if !h.hasButton(b) {
			t.Errorf("no %q after a wrong code", b)
		}
	}
	h.tap(h.tr("checkin.scan"))
	h.waitShows(h.tr("checkin.scan_what"))
}

// TestGuideAndChecklist reads a service's guide and prints its checklist.
func TestGuideAndChecklist(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
	h.tapTile(h.tr("home.guide.title"))
	h.tapTile("社会保障")
	h.tapTile("社会保障卡补换")
	h.waitShows("不收费")
	h.tapWhen(h.tr("guide.print"))
	h.waitShows(h.tr("guide.printed"))
	if p.printer.lists != 1 {
		t.Errorf("printed %d checklists", p.printer.lists)
	}
	// Page through the materials with the big buttons.
	h.tapWhen(h.tr("pager.next"))
	h.waitShows("居民身份证")
	// Take a ticket for this service straight from its guide.
	h.tapWhen(h.tr("guide.take_ticket"))
	h.waitShows(h.tr("card.place"))
}

// TestRating rates a ticket: four questions, then thanks; the rating
// reaches the store.
func TestRating(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
	h.tapTile(h.tr("home.rating.title"))
	h.waitShows(h.tr("rating.ticket_placeholder"))
	h.typeKeys("A023")
	h.tapWhen(h.tr("keypad.ok"))
	for range ratingQuestions {
		h.tapTile(h.tr("rating.level.5"))
	}
	h.tapWhen(h.tr("rating.submit"))
	h.waitShows(h.tr("rating.thanks"))
	if len(p.store.ratings) != 1 || p.store.ratings[0].Overall != 5 || p.store.ratings[0].TicketNumber != "A023" {
		t.Fatalf("ratings = %+v", p.store.ratings)
	}
	h.tap(h.tr("action.finish"))
	h.waitShows(h.tr("home.welcome"))
}

// TestRatingPoorAsksWhy: a poor level leads to the reasons and an optional
// phone number, typed on the keypad.
func TestRatingPoorAsksWhy(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
	h.tapTile(h.tr("home.rating.title"))
	h.typeKeys("A023")
	h.tapWhen(h.tr("keypad.ok"))
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
	h.typeKeys("13812345678")
	h.tapWhen(h.tr("keypad.ok"))
	h.waitShows("138****5678")
	h.tap(h.tr("common.submit"))
	h.waitShows(h.tr("rating.thanks"))
	r := p.store.ratings[0]
	if r.Overall != 1 || len(r.Reasons) != 1 || r.Reasons[0] != "long_wait" || r.Phone != "13812345678" {
		t.Errorf("rating = %+v", r)
	}
}

// TestSuggestion leaves a complaint with a reason.
func TestSuggestion(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
	h.tapTile(h.tr("home.suggestion.title"))
	h.tapTile(h.tr("suggest.cat.complaint"))
	h.tapTile(h.tr("suggest.reason.long_wait"))
	h.settle("selected", func() bool { return h.tile(h.tr("suggest.reason.long_wait")).Selected })
	h.tap(h.tr("common.submit"))
	h.waitShows(h.tr("suggest.thanks"))
	if len(p.store.suggestions) != 1 || p.store.suggestions[0].Category != "complaint" {
		t.Errorf("suggestions = %+v", p.store.suggestions)
	}
}

// TestProgress looks an application up by receipt and ID tail.
func TestProgress(t *testing.T) {
	p := newPorts()
	p.office.progress["SB20261118-0042/1234"] = &api.Progress{
		Receipt: "SB20261118-0042", Service: api.Text{Zh: "社会保障卡补换", En: "Social security card replacement"},
		Status: "ready", StatusMsg: api.Text{Zh: "新卡已制好，可以领取", En: "Your new card is ready"},
		Steps: []api.ProgressStep{{Name: api.Text{Zh: "受理", En: "Accepted"}, Done: true}, {Name: api.Text{Zh: "领取", En: "Collected"}}},
	}
	h := newHarness(t, p)
	h.tapTile(h.tr("home.progress.title"))
	h.typeKeys("SB20261118-0042")
	h.tapWhen(h.tr("keypad.ok"))
	h.waitShows(h.tr("progress.last4_placeholder"))
	h.typeKeys("1234")
	h.tapWhen(h.tr("keypad.ok"))
	h.waitShows("新卡已制好，可以领取")
	h.waitShows("受理")
}

// TestProgressWrongTail: a wrong ID tail says so and lets the citizen type
// again.
func TestProgressWrongTail(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
	h.tapTile(h.tr("home.progress.title"))
	h.typeKeys("SB20261118-0042")
	h.tapWhen(h.tr("keypad.ok"))
	h.typeKeys("999X")
	h.tapWhen(h.tr("keypad.ok"))
	h.waitShows(h.tr("reason.not_found"))
	h.tapWhen(h.tr("action.retry"))
	h.waitShows(h.tr("progress.last4_placeholder"))
}

// TestIdleCountdown: idle → the full-screen countdown → "continue" keeps
// the session; idle again → home, with the transaction wiped and the
// default language back.
func TestIdleCountdown(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
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
		h.q.drain()
	}
	h.settle("home after timeout", func() bool { return h.k.current == h.k.home && !h.k.overlay.Visible() })
	if h.k.lang != Chinese {
		t.Errorf("language after timeout = %s, want the default", h.k.lang)
	}
}

// TestElderMode: the toggle applies the larger theme live, on the screen
// the citizen is on, with fewer tiles per page.
func TestElderMode(t *testing.T) {
	p := newPorts()
	h := newHarness(t, p)
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
