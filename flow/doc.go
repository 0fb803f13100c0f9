// Package flow holds the kiosk's transactions as plain Go state machines —
// take a ticket, check in an appointment, read a service guide, rate the
// service, leave a suggestion, ask for an application's progress — and the
// idle session that wipes personal data. It imports no Fyne package: every
// flow is tested without a window, against the real store, back office and
// drivers on the simulators.
//
// # Shape of every flow
//
// A flow (TicketFlow, CheckInFlow, GuideFlow, RatingFlow, SuggestionFlow,
// ProgressFlow) is made once from an Env and its Options, and started with
// Start for each citizen. It owns an explicit State (an enum with String),
// and a Snapshot that holds everything its screen shows: the tiles of the
// page on screen, the typed Input, the Problem, what is possible next
// (CanRetry, CanBack, CanSkipCard, CanTakeLate …) and the Result. The UI
// renders snapshots and calls methods for the citizen's actions; it holds
// no rules.
//
// Methods are safe from the UI goroutine and never block on I/O: device,
// store and network work runs on a goroutine and reports through the
// Options' OnChange callback, which receives every snapshot in order on a
// goroutine of its own (never under a flow lock, never synchronously), so
// the UI wraps it in fyne.Do. Snapshot returns the current state at any
// time.
//
// # Failures
//
// Every failure is a *Problem: a Reason code (ReasonNoCard,
// ReasonCardReadFailed, ReasonWrongCode, ReasonCapReached, ReasonHallClosed,
// ReasonPrinterOutOfPaper, ReasonOffline, ReasonStorageFull, ReasonTooEarly
// …), the Advice for the citizen (try again, re-place the card, check the
// number, another method, wait until Problem.At, take a ticket, ask staff,
// come tomorrow) and the underlying error for logs. flow carries no display
// text except catalog data (api.Text with zh and en); the UI turns Reason
// and Advice into words.
//
// # Session
//
// Session tracks idleness (Touch on every input; 60 s, 120 s on reading
// pages such as the guide, doubled in elder mode; then a 10 s countdown),
// the language and elder mode. Flows Begin themselves as the session's
// Transaction and Hold it open while a card read, a commit or a print runs.
// When the countdown runs out, or on Home and End, the session calls the
// transaction's Wipe, which cancels its work and zeroes what it held (card
// fields and bytes, typed phone numbers, receipt, ID tail, codes). Home
// and Finish (the kiosk's 返回首页 and 完成) keep the language and elder
// mode for the rest of the visit; the timeout and End bring the defaults
// back. Every
// timeout runs on the injected clock, so tests use clock.Fake and never
// sleep.
//
// The session also keeps the visit's ID card, as a salted hash of its
// number: a later card step of the same visit reads the card still lying
// on the reader again and uses it when the number matches; a card the
// visit did not read is never used until placed again. While the visit's
// card lies on the reader, snapshots say so (CardOnReader), the countdown
// lasts CardCountdown, and Finish keeps the visit until the card is taken.
//
// # Ports
//
// The flows reach devices and storage only through the small interfaces of
// ports.go: Printer (escpos.Printer), CardReader (idcard.Reader), Scanner
// (scanner.Scanner), Store (offline.Store) and BackOffice (offline.Client).
package flow
