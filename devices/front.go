package devices

import (
	"context"

	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
)

// The front objects the flows hold. They look up the current driver on every
// call, so a device that was reconnected or moved to another port is used
// without re-wiring the flows (they satisfy flow.Printer, flow.CardReader and
// flow.Scanner).

// PrinterFront prints on whatever printer the set currently has.
type PrinterFront struct{ s *Set }

// CardFront reads cards from whatever reader the set currently has.
type CardFront struct{ s *Set }

// ScannerFront takes codes from whatever scanner the set currently has.
type ScannerFront struct{ s *Set }

// PrinterFront returns the printer front object.
func (s *Set) PrinterFront() PrinterFront { return PrinterFront{s} }

// CardFront returns the ID reader front object.
func (s *Set) CardFront() CardFront { return CardFront{s} }

// ScannerFront returns the scanner front object.
func (s *Set) ScannerFront() ScannerFront { return ScannerFront{s} }

// PrintTicket prints a queue ticket.
func (f PrinterFront) PrintTicket(ctx context.Context, t escpos.Ticket) error {
	return f.do(ctx, func(p *escpos.Printer) error { return p.PrintTicket(ctx, t) })
}

// PrintChecklist prints a 一次性告知单.
func (f PrinterFront) PrintChecklist(ctx context.Context, c escpos.Checklist) error {
	return f.do(ctx, func(p *escpos.Printer) error { return p.PrintChecklist(ctx, c) })
}

// Ready reports whether a ticket could be printed now.
func (f PrinterFront) Ready(ctx context.Context) error {
	return f.do(ctx, func(p *escpos.Printer) error { return p.Ready(ctx) })
}

// do runs call on the current printer and records what it found (a fault
// starting or ending: Set.Incidents).
func (f PrinterFront) do(ctx context.Context, call func(*escpos.Printer) error) error {
	p, err := f.s.PrinterDriver()
	if err == nil {
		err = call(p)
	}
	f.s.notePrinter(ctx, err)
	return err
}

// WaitCard returns the next card placed on the reader.
func (f CardFront) WaitCard(ctx context.Context) (*idcard.Card, error) {
	r, err := f.s.Reader()
	if err != nil {
		return nil, err
	}
	return r.WaitCard(ctx)
}

// ReadCard reads the card lying on the reader now (idcard.Reader.ReadCard).
func (f CardFront) ReadCard(ctx context.Context) (*idcard.Card, error) {
	r, err := f.s.Reader()
	if err != nil {
		return nil, err
	}
	return r.ReadCard(ctx)
}

// CardPresent reports whether a card lies on the reader; false when the
// set has no reader.
func (f CardFront) CardPresent() bool {
	r, err := f.s.Reader()
	return err == nil && r.CardPresent()
}

// WaitRemoved returns once no card lies on the reader.
func (f CardFront) WaitRemoved(ctx context.Context) error {
	r, err := f.s.Reader()
	if err != nil {
		return err
	}
	return r.WaitRemoved(ctx)
}

// Forget drops a card read but not handed out yet.
func (f CardFront) Forget() {
	if r, err := f.s.Reader(); err == nil {
		r.Forget()
	}
}

// WaitCode returns the next code scanned.
func (f ScannerFront) WaitCode(ctx context.Context) (string, error) {
	sc, err := f.s.ScannerDriver()
	if err != nil {
		return "", err
	}
	return sc.WaitCode(ctx)
}
