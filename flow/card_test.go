package flow

import (
	"hallkiosk/backoffice/api"

	"testing"
	"time"
)

// The ID card across one citizen's visit, on the real reader driver over
// the simulator: read again for a second transaction while it lies there,
// never used for the next citizen's, and never left behind silently.

func cardOn(on bool) func(SessionSnapshot) bool {
	return func(s SessionSnapshot) bool { return s.CardOnReader == on }
}

// takeTicketWithCard takes a ticket for gjj-01 (it needs the card) with
// 王喆's card, which stays on the reader.
func takeTicketWithCard(t *testing.T, r *rig) {
	t.Helper()
	f, w := r.ticketFlow(TicketOptions{})
	f.Start()
	chooseService(t, f, w, "gjj", "gjj-01")
	w.until("card step", ticketIn(TicketCard))
	r.place("resident-wangzhe")
	if s := w.until("done", ticketIn(TicketDone)); s.Result.MaskedID != "110101********001X" {
		t.Fatalf("ticket %+v", s.Result)
	}
	// The print holds the session until it is out; the idle timer starts
	// only then, so a test that advances the clock waits for the release.
	r.sessW.until("the card on the reader, the session released", func(s SessionSnapshot) bool {
		return cardOn(true)(s) && !s.Held
	})
}

// TestSecondCardStepReadsCardOnReader: after a ticket with her card, the
// check-in of the same visit reads the card still lying on the reader; she
// need not lift it and place it again.
func TestSecondCardStepReadsCardOnReader(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.book(apptCode, "sb-01", "10:10", "resident-wangzhe")
	takeTicketWithCard(t, r)

	f, w := startCheckIn(t, r)
	f.UseCard()
	if s := w.until("card step", checkInIn(CheckInCard)); s.CardLying {
		t.Error("the visit's own card is reported as someone else's")
	}
	s := w.until("checked in", checkInIn(CheckInDone))
	if !s.Result.Priority || s.Result.MaskedID != "110101********001X" {
		t.Fatalf("result %+v", s.Result)
	}
}

// TestCardOfEndedVisitNotUsed: a card left on the reader by a citizen
// whose visit ended is not read for the next citizen; the card step says
// that a card lies there, and without a placement the wait ends with "no
// card".
func TestCardOfEndedVisitNotUsed(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.book(apptCode, "sb-01", "10:10", "resident-wangzhe")
	takeTicketWithCard(t, r)
	r.session.End()
	r.sessW.until("the visit over", isState(SessionIdle))

	f, w := startCheckIn(t, r)
	f.UseCard()
	if s := w.until("card step", checkInIn(CheckInCard)); !s.CardLying {
		t.Fatal("the card step does not say that a card lies on the reader")
	}
	r.advance(30 * time.Second)
	s := w.until("failure", checkInIn(CheckInFailed))
	if s.Problem.Reason != ReasonNoCard {
		t.Fatalf("problem %v", s.Problem)
	}
	if n := len(r.records(api.KindCheckIn)); n != 0 {
		t.Fatalf("%d check-ins with the former citizen's card", n)
	}
}

// TestCardPlacedWhileIdleNotUsed: a card read while nobody was at the
// kiosk is not handed to the visit that starts next.
func TestCardPlacedWhileIdleNotUsed(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.place("resident-wangzhe")
	deadline := time.Now().Add(waitLimit)
	for r.reader.Status().CardsRead == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the reader never read the card")
		}
		time.Sleep(time.Millisecond)
	}
	f, w := r.ticketFlow(TicketOptions{})
	f.Start()
	chooseService(t, f, w, "gjj", "gjj-01")
	if s := w.until("card step", ticketIn(TicketCard)); !s.CardLying {
		t.Fatal("the card step does not say that a card lies on the reader")
	}
	r.advance(30 * time.Second)
	if s := w.until("failure", ticketIn(TicketFailed)); s.Problem.Reason != ReasonNoCard {
		t.Fatalf("problem %v", s.Problem)
	}
	if r.hook.calls() != 0 {
		t.Fatal("a ticket was issued with a card placed before the visit")
	}
}

// TestWalkAwayWithoutCard: a service that needs the card says, when none
// came, that none was placed (not that reading failed), and offers a way
// on without one: where to go instead.
func TestWalkAwayWithoutCard(t *testing.T) {
	r := newRig(t, rigOpts{})
	f, w := r.ticketFlow(TicketOptions{})
	f.Start()
	chooseService(t, f, w, "gjj", "gjj-01")
	if s := w.until("card step", ticketIn(TicketCard)); !s.CanGoWithoutCard || s.CanSkipCard {
		t.Fatalf("card step %+v", s)
	}
	r.advance(30 * time.Second)
	s := w.until("failure", ticketIn(TicketFailed))
	if s.Problem.Reason != ReasonNoCard || s.Problem.Advice != AdvicePlaceCard || !s.CanRetry || !s.CanGoWithoutCard {
		t.Fatalf("after the wait: %+v, %+v", s, s.Problem)
	}
	f.NoCard()
	s = w.until("no card with her", func(s TicketSnapshot) bool {
		return s.State == TicketFailed && s.Problem.Reason == ReasonIDCardRequired
	})
	if s.Problem.Advice != AdviceCounter || s.CanRetry || !s.CanBack || s.CanGoWithoutCard {
		t.Fatalf("without a card: %+v, %+v", s, s.Problem)
	}
	f.Back()
	w.until("back at the services", ticketIn(TicketServices))
	if r.hook.calls() != 0 {
		t.Fatal("a ticket was issued without the card")
	}
}

// TestCardReminderAndFinish: while the visit's card lies on the reader the
// session says so, the countdown gives the longer CardCountdown, and
// "finish" keeps the visit until the card is taken away.
func TestCardReminderAndFinish(t *testing.T) {
	r := newRig(t, rigOpts{})
	takeTicketWithCard(t, r)

	r.advance(60 * time.Second)
	s := r.sessW.until("countdown", isState(SessionWarning))
	if !s.CardOnReader || s.Remaining != 30 {
		t.Fatalf("countdown with the card on the reader: %+v", s)
	}
	r.session.Continue()
	r.sessW.until("active", isState(SessionActive))

	if r.session.Finish() {
		t.Fatal("finish ended the visit with the card on the reader")
	}
	if st := r.session.Snapshot(); st.State != SessionActive || !st.CardOnReader {
		t.Fatalf("after finish: %+v", st)
	}
	r.removeCard()
	r.sessW.until("the visit over once the card is taken", isState(SessionIdle))
	if st := r.session.Snapshot(); st.CardOnReader {
		t.Fatalf("after the card was taken: %+v", st)
	}
	// Without a card on the reader, finish ends at once.
	r.session.Touch()
	if !r.session.Finish() {
		t.Fatal("finish kept a visit with no card on the reader")
	}
}
