package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hallkiosk/offline"
)

// Reason says, as a stable code, why a step failed or a tile is disabled.
// The UI turns it into words and a "what to do" line; flow never carries
// citizen-facing text. String returns the code used in logs and in the
// print-failure record sent to the back office, so those codes must not
// change once shipped.
type Reason int

// Reasons. ReasonNone is the zero value: nothing is wrong.
const (
	ReasonNone Reason = iota

	// Identity card.
	ReasonNoCard          // no card was placed before the wait ended (nothing failed to read)
	ReasonCardReadFailed  // the card was pulled or moved mid-read: re-place it
	ReasonCardReaderFault // the reader does not answer or is unplugged
	ReasonIDCardRequired  // this service needs an ID card; it cannot be skipped

	// Scanner and keypad input.
	ReasonNoCode             // nothing was scanned before the wait ended
	ReasonScannerFault       // the scanner does not answer or is unplugged
	ReasonWrongCode          // the appointment code is malformed or unknown
	ReasonNoAppointment      // the ID card has no appointment today
	ReasonInvalidTicket      // the ticket number or ticket QR is malformed
	ReasonTicketNotFound     // a number of this kiosk's own series it never issued
	ReasonTicketNotToday     // the ticket was issued on another day
	ReasonInvalidReceipt     // the receipt (办件) number is malformed
	ReasonInvalidIDLast4     // the last four characters of the ID number are malformed
	ReasonInvalidPhone       // not a mainland mobile number (1[3-9] and 9 digits)
	ReasonIncomplete         // a required choice (level, category, reason) is missing
	ReasonAlreadyCheckedIn   // the appointment was checked in before
	ReasonTooEarly           // before the appointment's check-in window; Problem.At says when it opens
	ReasonTooLate            // after the check-in window; a normal (late) ticket is offered
	ReasonServiceUnknown     // the service is not (any more) in the catalog
	ReasonCatalogUnavailable // no catalog could be read (never synced, store error)

	// Ticketing rules.
	ReasonHallClosed       // outside the opening hours; Problem.At is the next opening when known
	ReasonCapReached       // the service issued its daily number of tickets
	ReasonAlreadyHasTicket // this ID already holds an active ticket for the service today

	// Printer.
	ReasonPrinterOutOfPaper // paper end: staff must load a roll
	ReasonPrinterCoverOpen  // the cover is open
	ReasonPrinterFailed     // cutter, unrecoverable error, no answer or anything else

	// Network, back office, storage.
	ReasonOffline         // the back office cannot be reached
	ReasonTimeout         // the back office did not answer in time
	ReasonBackOfficeError // the back office answered with an error
	ReasonNotFound        // the back office knows no such application for this ID
	ReasonStorageFull     // the kiosk's database or disk is full; nothing was recorded
	ReasonStorageBroken   // the kiosk's database cannot be used
	ReasonInternal        // anything not classified above (a bug, an unexpected error)
	ReasonTooManyTries    // the back office throttles lookups; Problem.Wait says how long
	reasonCount           // keep last
)

var reasonCodes = [...]string{
	ReasonNone:               "none",
	ReasonNoCard:             "no_card",
	ReasonCardReadFailed:     "card_read_failed",
	ReasonCardReaderFault:    "card_reader_fault",
	ReasonIDCardRequired:     "id_card_required",
	ReasonNoCode:             "no_code",
	ReasonScannerFault:       "scanner_fault",
	ReasonWrongCode:          "wrong_code",
	ReasonNoAppointment:      "no_appointment",
	ReasonInvalidTicket:      "invalid_ticket",
	ReasonTicketNotFound:     "ticket_not_found",
	ReasonTicketNotToday:     "ticket_not_today",
	ReasonInvalidReceipt:     "invalid_receipt",
	ReasonInvalidIDLast4:     "invalid_id_last4",
	ReasonInvalidPhone:       "invalid_phone",
	ReasonIncomplete:         "incomplete",
	ReasonAlreadyCheckedIn:   "already_checked_in",
	ReasonTooEarly:           "too_early",
	ReasonTooLate:            "too_late",
	ReasonServiceUnknown:     "service_unknown",
	ReasonCatalogUnavailable: "catalog_unavailable",
	ReasonHallClosed:         "hall_closed",
	ReasonCapReached:         "cap_reached",
	ReasonAlreadyHasTicket:   "already_has_ticket",
	ReasonPrinterOutOfPaper:  "printer_out_of_paper",
	ReasonPrinterCoverOpen:   "printer_cover_open",
	ReasonPrinterFailed:      "printer_failed",
	ReasonOffline:            "offline",
	ReasonTimeout:            "timeout",
	ReasonBackOfficeError:    "backoffice_error",
	ReasonNotFound:           "not_found",
	ReasonStorageFull:        "storage_full",
	ReasonStorageBroken:      "storage_broken",
	ReasonInternal:           "internal",
	ReasonTooManyTries:       "too_many_tries",
}

// String returns the reason's stable code, e.g. "printer_out_of_paper".
func (r Reason) String() string {
	if r < 0 || r >= reasonCount {
		return fmt.Sprintf("reason(%d)", int(r))
	}
	return reasonCodes[r]
}

// Advice is what the citizen should do about a Reason. It is a rule, so it
// lives here; the UI only turns it into a sentence.
type Advice int

// Advices.
const (
	AdviceNone         Advice = iota
	AdviceTryAgain            // try the same step again now
	AdviceReplaceCard         // take the card off and place it on the reader again
	AdviceCheckInput          // look at the number and type (or scan) it again
	AdviceOtherMethod         // use another way: keypad instead of card, scan instead of typing
	AdviceWait                // come back at Problem.At (check-in opens, hall opens)
	AdviceTakeTicket          // take a normal ticket instead
	AdviceAskStaff            // go to the information desk (咨询台)
	AdviceComeTomorrow        // nothing more can be done today
	// AdvicePlaceCard: place the card and try again; without one, another
	// way (a counter, another service or method) is named.
	AdvicePlaceCard
	// AdviceCounter: the step cannot be done here without what is missing;
	// a service counter (人工窗口) can help, or choose another service.
	AdviceCounter
	AdviceTryLater // try again after Problem.Wait
)

var adviceCodes = [...]string{"none", "try_again", "replace_card", "check_input", "other_method", "wait", "take_ticket", "ask_staff", "come_tomorrow", "place_card", "counter", "try_later"}

// String returns the advice's code.
func (a Advice) String() string {
	if a < 0 || int(a) >= len(adviceCodes) {
		return fmt.Sprintf("advice(%d)", int(a))
	}
	return adviceCodes[a]
}

// Advice returns what the citizen should do about r.
func (r Reason) Advice() Advice {
	switch r {
	case ReasonNone:
		return AdviceNone
	case ReasonNoCard:
		// Nobody placed a card: perhaps she has none with her, which a
		// "try again" alone would not help.
		return AdvicePlaceCard
	case ReasonIDCardRequired:
		return AdviceCounter
	case ReasonNoCode, ReasonTimeout:
		return AdviceTryAgain
	case ReasonCardReadFailed:
		return AdviceReplaceCard
	case ReasonCardReaderFault, ReasonScannerFault:
		// A dead reader or scanner is not the citizen's doing; the keypad
		// or the desk are the way on.
		return AdviceOtherMethod
	case ReasonWrongCode, ReasonInvalidTicket, ReasonInvalidReceipt, ReasonInvalidIDLast4,
		ReasonInvalidPhone, ReasonIncomplete, ReasonNotFound, ReasonNoAppointment:
		return AdviceCheckInput
	case ReasonTooEarly, ReasonHallClosed:
		return AdviceWait
	case ReasonTooLate:
		return AdviceTakeTicket
	case ReasonCapReached:
		return AdviceComeTomorrow
	case ReasonTooManyTries:
		return AdviceTryLater
	case ReasonOffline, ReasonBackOfficeError:
		return AdviceAskStaff
	default:
		return AdviceAskStaff
	}
}

// Problem is a failure as the UI shows it: a reason code, its advice, an
// optional time (when check-in or the hall opens), and the underlying error
// for logs only — its text may carry technical details and is never shown
// to the citizen.
type Problem struct {
	Reason Reason
	Advice Advice
	// At is when the citizen can come back (ReasonTooEarly: the window
	// opens; ReasonHallClosed: the next opening), zero otherwise.
	At time.Time
	// Wait is how long to wait before trying again (ReasonTooManyTries:
	// the back office's Retry-After), zero when unknown.
	Wait time.Duration
	// Err is the classified error, for logs and diagnostics.
	Err error
}

// Error makes a Problem usable as an error in logs.
func (p *Problem) Error() string {
	if p == nil {
		return "<nil>"
	}
	if p.Err != nil {
		return p.Reason.String() + ": " + p.Err.Error()
	}
	return p.Reason.String()
}

// Unwrap returns the underlying error.
func (p *Problem) Unwrap() error { return p.Err }

func problem(r Reason, err error) *Problem {
	return &Problem{Reason: r, Advice: r.Advice(), Err: err}
}

// errTimedOut is the cancel cause of a context whose clock deadline passed;
// flows tell "the citizen walked away" (or "the back office is slow") from
// "the citizen pressed back" by it.
var errTimedOut = errors.New("flow: timed out")

// Classify maps an error from a port (store, printer, card reader, scanner,
// back office) to a Reason. Device errors are told apart with errors.Is on
// the sentinels their packages export; unknown errors are ReasonInternal so
// they are visible, never silently retried.
func Classify(err error) Reason {
	if err == nil {
		return ReasonNone
	}
	var p *Problem
	if errors.As(err, &p) {
		return p.Reason
	}
	if r := deviceReason(err); r != ReasonNone {
		return r
	}
	switch {
	// A deadline first: a driver or client may also wrap its own
	// "unreachable" around a context that our clock cancelled.
	case errors.Is(err, errTimedOut), errors.Is(err, context.DeadlineExceeded):
		return ReasonTimeout
	// Business answers, whether the store or the back office gave them.
	case errors.Is(err, offline.ErrDailyCapReached):
		return ReasonCapReached
	case errors.Is(err, offline.ErrAlreadyHasTicket):
		return ReasonAlreadyHasTicket
	case errors.Is(err, offline.ErrAlreadyCheckedIn):
		return ReasonAlreadyCheckedIn
	case errors.Is(err, offline.ErrClosed):
		return ReasonHallClosed
	case errors.Is(err, offline.ErrNotFound):
		return ReasonNotFound
	case errors.Is(err, offline.ErrTooManyTries):
		return ReasonTooManyTries
	case errors.Is(err, offline.ErrStorageFull):
		return ReasonStorageFull
	case errors.Is(err, offline.ErrStorageBroken):
		return ReasonStorageBroken
	case errors.Is(err, offline.ErrUnauthorized):
		// For the citizen the back office is simply not available.
		return ReasonOffline
	case errors.As(err, new(*offline.HTTPError)):
		// The back office answered, with an error of its own (5xx, 429):
		// reachable but failing, which staff should hear about.
		return ReasonBackOfficeError
	case errors.Is(err, offline.ErrOffline):
		return ReasonOffline
	}
	return ReasonInternal
}
