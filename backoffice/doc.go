// Package backoffice is the reference back office the kiosks sync to; small
// halls run it as is (cmd/backoffice), a kiosk can embed it, and the kiosk's
// tests start it with httptest. The wire contract is package api.
//
// # Sync
//
// POST /v1/sync stores each record of a batch at most once, for ever: the
// storage keeps unique indexes on the record id and on (kiosk, seq), so a
// resent batch answers "duplicate" and a record that reuses an id with
// other content, or a seq another record holds, answers "rejected". The
// whole batch, with its side effects, commits in one transaction before the
// answer is written; acked_through_seq counts only stored records, so a
// rejected (dead-lettered) seq stays a gap until an operator acts.
//
// Side effects: ticket.issued puts the ticket in its service's queue (a
// ticket numbered online through POST /v1/tickets is already there under
// the same record id and is not added twice); appointment.checked_in marks
// the appointment and, when the payload carries a number, puts that ticket
// in the queue as an appointment ticket; ticket.print_failed flags the
// ticket; rating feeds the rating table. Suggestions and technician actions
// are kept as records.
//
// # Tokens
//
// Every endpoint but /healthz needs a bearer token, and the token's role
// decides what it may do (Principal): a kiosk token syncs its own records,
// takes numbers and reads appointments, progress and the hall key; a
// counter token calls at the counters it is bound to; an admin token calls
// at any counter. Anything else answers 403 "forbidden".
//
// Synced records, appointments (ID numbers, names), progress, the hall key
// and ticket requests carrying an ID hash are served only over TLS or to a
// client on the loopback interface; elsewhere they answer 403
// "tls_required", whatever the token.
//
// # Ticket numbers
//
// Numbers are the service's prefix and three digits (A001…A999), one series
// per service per business day in the hall's time zone, never reused.
//
// A number in a synced record joins the queue only when the back office
// issued it (it is already queued for that kiosk) or when it comes from the
// sending kiosk's own offline series, <prefix><kiosk number>-<serial>
// (A07-015): the kiosk number is the token's Principal.Number, or the first
// series a kiosk without one reports. A reported number never moves the
// hall-wide series.
//
// The wait estimate is
//
//	est_wait_minutes = ceil(people_ahead × minutes_per_ticket / counters)
//
// where minutes_per_ticket is the median call-to-done time of the
// service's latest done tickets in the same hour of the day (estimate.go,
// docs/queue-pages.md), counters is the number of the catalog's counters
// serving the service (at least 1), and people_ahead counts the waiting
// tickets of the service called before this one: priority and
// appointment tickets first, then by issue time.
//
// # Pages
//
// The back office serves a ticket's live page (/t/<token>, the token made
// by the kiosk and carried in the ticket's records), the hall display and
// the counter page (package pages); counter tokens call next, recall, mark
// a no-show or done at their counters (/v1/counters/{counter}/…).
//
// # Error codes
//
// Besides the generic ones of package api (bad_request, unauthorized,
// forbidden, not_found, too_large, internal, unavailable): POST /v1/tickets
// answers 409 "closed" outside the service's hours (Options.IgnoreHours
// lifts this for demos), 409 "cap_reached" at the daily cap or after number
// 999, and 409 "conflict" when a record id already numbered a ticket of
// another service or kiosk; call-next answers 404 "queue_empty"; a known
// path with the wrong method answers 405 "method_not_allowed". Progress
// lookups are limited per token and, for misses, per receipt, and
// appointment lists per token; over a limit they answer 429
// "too_many_requests" with Retry-After. Storage that
// is locked or full answers 503 "unavailable" with Retry-After.
//
// # Storage
//
// State lives behind Storage; OpenSQLite is the default (WAL,
// synchronous=FULL, one writer, BEGIN IMMEDIATE, versioned migrations).
package backoffice
