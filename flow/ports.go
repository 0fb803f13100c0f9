package flow

import (
	"context"

	"hallkiosk/backoffice/api"
	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
	"hallkiosk/offline"
)

// The flows reach devices and storage only through these small interfaces,
// defined here by their user. cmd/kiosk wires the real implementations
// (devices/escpos, devices/idcard, devices/scanner, offline); tests wire the
// same real drivers against the simulators.

// Printer prints tickets and checklists. It checks the printer's real-time
// status first and refuses, with an escpos error, when the ticket cannot be
// finished (paper end, cover open, cutter error, no answer).
type Printer interface {
	PrintTicket(ctx context.Context, t escpos.Ticket) error
	PrintChecklist(ctx context.Context, c escpos.Checklist) error
	// Ready reports whether a ticket could be printed now; the error says why not.
	Ready(ctx context.Context) error
}

// CardReader hands out identity cards placed on the reader.
type CardReader interface {
	// WaitCard returns the next card placed after the call, or a card lying
	// on the reader that has not been handed out yet. Each placement is
	// handed out once.
	WaitCard(ctx context.Context) (*idcard.Card, error)
	// ReadCard reads the card lying on the reader now, whether handed out
	// before or not; with none there the error matches idcard.ErrNoCard.
	ReadCard(ctx context.Context) (*idcard.Card, error)
	// CardPresent reports whether a card lies on the reader.
	CardPresent() bool
	// WaitRemoved returns once no card lies on the reader.
	WaitRemoved(ctx context.Context) error
	// Forget drops a card read but not handed out yet, so that the next
	// WaitCard waits for a card placed after the call.
	Forget()
}

// Scanner hands out scanned QR and bar codes.
type Scanner interface {
	// WaitCode returns the next code scanned after the call.
	WaitCode(ctx context.Context) (string, error)
}

// Store is the offline store: every method that records something commits it
// (with its outbox record) before returning.
type Store interface {
	Catalog(ctx context.Context) (*api.Catalog, error)
	IssueTicket(ctx context.Context, r offline.TicketRequest) (*offline.Ticket, error)
	FindAppointment(ctx context.Context, q offline.AppointmentQuery) (*offline.Appointment, error)
	CheckIn(ctx context.Context, r offline.CheckInRequest) (*offline.Ticket, error)
	RecordPrintFailure(ctx context.Context, t *offline.Ticket, reason string) error
	RecordRating(ctx context.Context, r api.Rating) error
	RecordSuggestion(ctx context.Context, s api.Suggestion) error
	// FindTicket looks up a ticket this kiosk issued (for ratings).
	FindTicket(ctx context.Context, number, businessDate string) (*offline.Ticket, error)
	Health(ctx context.Context) offline.Health
}

// BackOffice answers the questions only the back office can: where an
// application is. It returns offline.ErrOffline when unreachable and
// offline.ErrNotFound for an unknown receipt or a wrong ID tail.
type BackOffice interface {
	Progress(ctx context.Context, receipt, idLast4 string) (*api.Progress, error)
	Online() bool
}
