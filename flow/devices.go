package flow

import (
	"context"
	"errors"

	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/scanner"
	"hallkiosk/devices/serial"
)

// deviceReason recognises the device drivers' own sentinel errors. They
// belong to one device each, so the match needs no context.
func deviceReason(err error) Reason {
	switch {
	// Printer (escpos.NotReadyError causes, docs/protocols.md B.5).
	case errors.Is(err, escpos.ErrPaperEnd):
		return ReasonPrinterOutOfPaper
	case errors.Is(err, escpos.ErrCoverOpen):
		return ReasonPrinterCoverOpen
	case errors.Is(err, escpos.ErrCutter), errors.Is(err, escpos.ErrUnrecoverable),
		errors.Is(err, escpos.ErrOffline), errors.Is(err, escpos.ErrNotResponding):
		return ReasonPrinterFailed
	// Card reader (SAM_V status words, docs/protocols.md A.4/A.6). ErrReplaceCard
	// covers 31, 32, 41, 47 and 81: a card moved or pulled mid-read.
	case errors.Is(err, idcard.ErrReplaceCard), errors.Is(err, idcard.ErrReadFailed):
		return ReasonCardReadFailed
	case errors.Is(err, idcard.ErrNoCard):
		return ReasonNoCard
	case errors.Is(err, idcard.ErrUnknownCardType):
		// Not an identity card (a bank card on the reader): the citizen
		// can place the right card.
		return ReasonCardReadFailed
	case errors.Is(err, idcard.ErrNoReply), errors.Is(err, idcard.ErrClosed),
		errors.Is(err, idcard.ErrSAMSelfTest), errors.Is(err, idcard.ErrSAMNotAuthorised):
		return ReasonCardReaderFault
	case errors.Is(err, scanner.ErrStopped):
		return ReasonScannerFault
	}
	return ReasonNone
}

// printerReason classifies an error of Printer. Anything the driver does not
// name (a serial disconnect, a timeout, no answer) is a printer failure: the
// citizen can do nothing about it but ask staff.
func printerReason(err error) Reason {
	switch r := deviceReason(err); r {
	case ReasonPrinterOutOfPaper, ReasonPrinterCoverOpen, ReasonPrinterFailed:
		return r
	}
	return ReasonPrinterFailed
}

// cardReason classifies an error of CardReader. A wait that ran out is "no
// card"; a card pulled mid-read is "re-place the card"; a vanished reader
// and anything unnamed mean the reader itself is at fault.
func cardReason(err error) Reason {
	if errors.Is(err, errTimedOut) {
		return ReasonNoCard
	}
	if errors.Is(err, serial.ErrDisconnected) {
		return ReasonCardReaderFault
	}
	switch r := deviceReason(err); r {
	case ReasonNoCard, ReasonCardReadFailed, ReasonCardReaderFault:
		return r
	}
	return ReasonCardReaderFault
}

// scanReason classifies an error of Scanner.
func scanReason(err error) Reason {
	if errors.Is(err, errTimedOut) {
		return ReasonNoCode
	}
	return ReasonScannerFault
}

// cardErr decides what a WaitCard result means and takes the card over.
// The reader hands out a card whose number fails its GB 11643 check digit
// together with idcard.ErrCheckDigit; the SAM has authenticated the chip, so
// the card is genuine and the flow goes on with it rather than turn a
// citizen away over a decoding quirk. Any other error drops (and wipes) the
// card.
//
// The flow works on its own copy of the struct: idcard.Reader still reads
// the delivered struct's Type and IDNumber for its event after handing it
// out, so writing that struct (Clear) would race. The copy shares the
// photo, fingerprint and raw-text bytes, which wipeCard zeroes for both;
// the original's strings become unreachable with the reader's last use.
func cardErr(c *idcard.Card, err error) (*idcard.Card, error) {
	if c != nil {
		own := *c
		c = &own
	}
	if err == nil || c != nil && errors.Is(err, idcard.ErrCheckDigit) {
		return c, nil
	}
	wipeCard(c)
	return nil, err
}

// takeCard waits for the citizen's ID card for a card step. The reader
// hands out each placement once, so a card this visit read before that
// still lies on the reader is read again and used when its number is the
// visit's card's (docs/protocols.md A.13: the same card is told by its ID
// number, not by find card): a citizen who took a ticket with her card
// need not lift it for the check-in. Any other card lying there, such as
// one a former citizen left, is not used until it is placed again. The
// card read is recorded as the visit's card.
func takeCard(ctx context.Context, env Env) (*idcard.Card, error) {
	if env.Session.hasVisitCard() && env.Cards.CardPresent() {
		c, err := cardErr(env.Cards.ReadCard(ctx))
		if err == nil && env.Session.isVisitCard(c.IDNumber) {
			env.Session.noteCard(c.IDNumber)
			return c, nil
		}
		wipeCard(c)
		if ctx.Err() != nil {
			return nil, err
		}
		// Another card, or the read failed (the card moved, or a reader
		// that stops finding a card once read): wait for a placement.
	}
	c, err := cardErr(env.Cards.WaitCard(ctx))
	if err == nil {
		env.Session.noteCard(c.IDNumber)
	}
	return c, err
}

// otherCardLying reports whether a card lies on the reader that this
// visit has not read: the card step says it will not be used until it is
// placed again.
func otherCardLying(env Env) bool {
	return env.Cards != nil && !env.Session.hasVisitCard() && env.Cards.CardPresent()
}
