package ui

import (
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/flow"
)

// The citizen's ID card across her visit, on the real parts: the reminder
// to take it back, the card left on the reader read again for her next
// transaction (and never for the next citizen's), and the way on for a
// citizen who has not brought it.

// ticketWithCard takes a ticket for a service that needs the card, with
// 王喆's card, which stays on the reader.
func (h *harness) ticketWithCard() {
	h.t.Helper()
	h.ticketWithCardStep()
	h.parts.place(cardWang)
	h.settle("the ticket", h.ticketIn(flow.TicketDone))
}

// lead is the start of a long text, which the screen wraps over lines.
func lead(s string) string {
	r := []rune(s)
	return string(r[:min(len(r), 10)])
}

// ticketWithCardStep chooses a service that needs the card and waits for
// the card step.
func (h *harness) ticketWithCardStep() {
	h.t.Helper()
	if h.k.lang == English {
		h.cardStep("Social security", "Social security card replacement")
	} else {
		h.cardStep("社会保障", "社会保障卡补换")
	}
}

// TestCardReminder: while her card lies on the reader the done screen,
// the countdown and, after "finish", the home screen remind her to take
// it, in Chinese and English and in elder mode, with none of the card's
// data; taking it ends a visit that has no choices of its own (English
// and elder mode last until the kiosk is left idle).
func TestCardReminder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		en    bool
		elder bool
	}{{"zh", false, false}, {"en", true, false}, {"elder", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			p := newParts(t)
			h := newHarness(t, p)
			if tc.en {
				h.tap(h.tr("lang.en"))
			}
			if tc.elder {
				h.tap(h.tr("status.elder"))
			}
			h.ticketWithCard()
			h.waitShows(h.tr("card.take_back"))
			h.waitShows(h.tr("ticket.take_ticket"))
			h.noRawID(p.card(cardWang))
			checkLayout(t, h.k.win.Canvas())

			// Walking away: the countdown says it plainly, and gives time.
			h.idleUntilCountdown()
			h.waitShows(lead(h.tr("idle.card")))
			checkLayout(t, h.k.win.Canvas())
			if s := h.k.Session().Snapshot(); s.Remaining != 30 {
				t.Errorf("countdown with the card on the reader: %d s", s.Remaining)
			}
			h.noRawID(p.card(cardWang))
			h.tap(h.tr("idle.continue"))
			h.settle("overlay gone", func() bool { return !h.k.overlay.Visible() })

			// Finish with the card there: home, still reminded.
			h.tap(h.tr("action.finish"))
			h.settle("home", func() bool { return h.k.current == h.k.home })
			h.waitShows(h.tr("card.take_back"))
			checkLayout(t, h.k.win.Canvas())
			if h.k.lang != map[bool]Lang{true: English, false: Chinese}[tc.en] || h.k.elder != tc.elder {
				t.Error("finish with the card on the reader dropped the citizen's language or mode")
			}

			p.removeCard()
			h.settle("the reminder gone once the card is taken", func() bool { return !h.shows(h.tr("card.take_back")) })
			if tc.en || tc.elder {
				// A visit with choices of its own (English, elder mode)
				// lasts until the kiosk is left idle, card or no card.
				if s := h.k.Session().Snapshot(); s.State == flow.SessionIdle || h.k.elder != tc.elder {
					t.Errorf("taking the card ended a visit in %s: state %v, elder %v", tc.name, s.State, h.k.elder)
				}
				h.idleUntilCountdown()
				for i := 0; i < 60 && h.k.Session().Snapshot().State != flow.SessionIdle; i++ {
					if !h.clk.WaitPending(1, time.Second) {
						break
					}
					h.clk.Advance(time.Second)
					h.q.Drain()
				}
			}
			h.settle("the visit over", func() bool { return h.k.Session().Snapshot().State == flow.SessionIdle && h.k.current == h.k.home })
			if h.k.lang != Chinese || h.k.elder {
				t.Errorf("next citizen gets lang %s, elder %v", h.k.lang, h.k.elder)
			}
		})
	}
}

// TestCheckInReadsCardOnReader: a ticket with her card, "finish", then
// the check-in by ID card reads the card still lying on the reader.
func TestCheckInReadsCardOnReader(t *testing.T) {
	p := newParts(t)
	p.book("YY26-0017", "gjj-draw", testStart.Add(10*time.Minute), cardWang)
	h := newHarness(t, p)
	h.ticketWithCard()
	h.tap(h.tr("action.finish"))
	h.startCheckIn("checkin.card")
	h.waitShows(h.tr("ticket.your_priority_number"))
	ins := payloads[api.CheckIn](p, api.KindCheckIn)
	if len(ins) != 1 || ins[0].AppointmentCode != "YY26-0017" || ins[0].Method != "id_card" {
		t.Fatalf("check-ins at the back office: %+v", ins)
	}
	h.noRawID(p.card(cardWang))
}

// TestCardOfFormerCitizenNotUsed: a card left on the reader after the
// visit ran out is not read for the next citizen: the card step says a
// card lies there, and nothing is checked in with it.
func TestCardOfFormerCitizenNotUsed(t *testing.T) {
	p := newParts(t)
	p.book("YY26-0017", "gjj-draw", testStart.Add(10*time.Minute), cardWang)
	h := newHarness(t, p)
	h.ticketWithCard()
	h.tap(h.tr("action.finish"))
	h.idleUntilCountdown()
	for h.k.current != h.k.home || h.k.overlay.Visible() || h.k.Session().Snapshot().State != flow.SessionIdle {
		h.clk.Advance(time.Second)
		h.q.Drain()
	}

	h.startCheckIn("checkin.card")
	h.waitShows(lead(h.tr("card.lying")))
	if !h.clk.WaitPending(2, time.Second) {
		t.Fatal("no card timeout armed")
	}
	h.clk.Advance(30 * time.Second)
	h.waitShows(h.tr("reason.no_card"))
	if ins := payloads[api.CheckIn](p, api.KindCheckIn); len(ins) != 0 {
		t.Fatalf("checked in with a former citizen's card: %+v", ins)
	}
}

// TestNoCardWayOut: with no card placed the screen says none was placed
// (not that reading failed) and what to do; "I have no ID card with me"
// says where to go instead, and the way back to the services is there.
func TestNoCardWayOut(t *testing.T) {
	p := newParts(t)
	h := newHarness(t, p)
	h.cardStep("社会保障", "社会保障卡补换")
	if !h.hasButton(h.tr("ticket.no_card")) {
		t.Fatalf("no way out at the card step: %q", texts(h.content()))
	}
	if !h.clk.WaitPending(2, time.Second) {
		t.Fatal("no card timeout armed")
	}
	h.clk.Advance(30 * time.Second)
	h.waitShows(h.tr("reason.no_card"))
	h.waitShows(lead(h.tr("advice.place_card")))
	// Nothing was read, nothing failed: the words say that no card came.
	if strings.Contains(h.tr("reason.no_card"), "读") || h.shows(h.tr("reason.card_read_failed")) {
		t.Errorf("a wait without a card is told as a failed read: %q", h.tr("reason.no_card"))
	}
	h.tapWhen(h.tr("ticket.no_card"))
	h.waitShows(h.tr("reason.id_card_required"))
	h.waitShows(lead(h.tr("advice.counter")))
	if h.hasButton(h.tr("action.retry")) {
		t.Error("without a card, \"try again\" is offered")
	}
	h.tapWhen(h.tr("nav.back"))
	h.settle("services", h.ticketIn(flow.TicketServices))
	if n := len(p.records(api.KindTicketIssued)); n != 0 {
		t.Fatalf("%d tickets issued without the card", n)
	}
}

// TestCardLyingBeforeVisit: a card read while nobody was at the kiosk is
// not taken for the citizen who comes next: the card step says that a
// card lies on the reader, beside "I have no ID card with me", and fits
// the panel in both languages and in elder mode.
func TestCardLyingBeforeVisit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		en    bool
		elder bool
	}{{"zh", false, false}, {"en elder", true, true}, {"zh elder", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			p := newParts(t)
			p.place(cardWang)
			deadline := time.Now().Add(settleLimit)
			for !p.reader.hasCard() {
				if time.Now().After(deadline) {
					t.Fatal("the reader never saw the card")
				}
				time.Sleep(time.Millisecond)
			}
			h := newHarness(t, p)
			if tc.en {
				h.tap(h.tr("lang.en"))
			}
			if tc.elder {
				h.tap(h.tr("status.elder"))
			}
			h.ticketWithCardStep()
			h.waitShows(lead(h.tr("card.lying")))
			if !h.hasButton(h.tr("ticket.no_card")) {
				t.Errorf("no way on without a card: %q", texts(h.content()))
			}
			checkLayout(t, h.k.win.Canvas())
			if h.k.ticket.s.State != flow.TicketCard {
				t.Fatalf("the card lying on the reader was used: %s", h.k.ticket.s.State)
			}
		})
	}
}
