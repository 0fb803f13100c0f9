package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/scanner"
	"hallkiosk/devices/serial"
	"hallkiosk/offline"
)

func TestReasonCodes(t *testing.T) {
	seen := map[string]Reason{}
	for r := ReasonNone; r < reasonCount; r++ {
		code := r.String()
		if code == "" || strings.HasPrefix(code, "reason(") || strings.ContainsAny(code, " A-Z") {
			t.Errorf("reason %d has code %q", int(r), code)
		}
		if prev, dup := seen[code]; dup {
			t.Errorf("reasons %d and %d share code %q", int(prev), int(r), code)
		}
		seen[code] = r
		if r != ReasonNone && r.Advice() == AdviceNone {
			t.Errorf("%v has no advice", r)
		}
		if strings.HasPrefix(r.Advice().String(), "advice(") {
			t.Errorf("%v: advice without a code", r)
		}
	}
	if Reason(-1).String() != "reason(-1)" || reasonCount.String() == "" {
		t.Error("out-of-range reasons")
	}
}

func TestClassify(t *testing.T) {
	notReady := func(causes ...error) error {
		return fmt.Errorf("print ticket A001: %w", &escpos.NotReadyError{Causes: causes})
	}
	tests := []struct {
		name string
		err  error
		want Reason
	}{
		{"nil", nil, ReasonNone},
		{"a problem passes through", fmt.Errorf("x: %w", problem(ReasonTooEarly, nil)), ReasonTooEarly},
		{"paper end", notReady(escpos.ErrPaperEnd), ReasonPrinterOutOfPaper},
		{"paper end and cover open: most serious first", notReady(escpos.ErrPaperEnd, escpos.ErrCoverOpen), ReasonPrinterOutOfPaper},
		{"cover open", notReady(escpos.ErrCoverOpen), ReasonPrinterCoverOpen},
		{"cutter", notReady(escpos.ErrCutter), ReasonPrinterFailed},
		{"printer not responding", notReady(escpos.ErrNotResponding, serial.ErrTimeout), ReasonPrinterFailed},
		{"card pulled (41)", fmt.Errorf("read: %w", idcard.ErrReadFailed), ReasonCardReadFailed},
		{"re-place the card", idcard.ErrReplaceCard, ReasonCardReadFailed},
		{"no card", idcard.ErrNoCard, ReasonNoCard},
		{"reader silent", idcard.ErrNoReply, ReasonCardReaderFault},
		{"SAM broken", idcard.ErrSAMSelfTest, ReasonCardReaderFault},
		{"scanner stopped", scanner.ErrStopped, ReasonScannerFault},
		{"cap", fmt.Errorf("offline: %w", offline.ErrDailyCapReached), ReasonCapReached},
		{"fair use", offline.ErrAlreadyHasTicket, ReasonAlreadyHasTicket},
		{"closed", offline.ErrClosed, ReasonHallClosed},
		{"checked in", offline.ErrAlreadyCheckedIn, ReasonAlreadyCheckedIn},
		{"not found", offline.ErrNotFound, ReasonNotFound},
		{"storage full", offline.ErrStorageFull, ReasonStorageFull},
		{"storage broken", offline.ErrStorageBroken, ReasonStorageBroken},
		{"offline", fmt.Errorf("dial: %w", offline.ErrOffline), ReasonOffline},
		{"token refused", &offline.HTTPError{Status: 401}, ReasonOffline},
		{"back office 500", fmt.Errorf("offline: progress: %w", &offline.HTTPError{Status: 500}), ReasonBackOfficeError},
		{"our clock ran out", fmt.Errorf("%w (%w)", context.Canceled, errTimedOut), ReasonTimeout},
		{"timeout beats offline", fmt.Errorf("%w: %w", offline.ErrOffline, errTimedOut), ReasonTimeout},
		{"unknown", errors.New("bug"), ReasonInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.err); got != tt.want {
				t.Errorf("Classify(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestDeviceSpecificReasons(t *testing.T) {
	gone := &serial.PortError{Op: "read", Port: "x", Err: serial.ErrDisconnected}
	tests := []struct {
		name string
		got  Reason
		want Reason
	}{
		{"printer unplugged", printerReason(gone), ReasonPrinterFailed},
		{"printer anything else", printerReason(errors.New("?")), ReasonPrinterFailed},
		{"reader unplugged", cardReason(gone), ReasonCardReaderFault},
		{"card wait ran out", cardReason(fmt.Errorf("%w (%w)", context.Canceled, errTimedOut)), ReasonNoCard},
		{"scan wait ran out", scanReason(errTimedOut), ReasonNoCode},
		{"scanner anything else", scanReason(gone), ReasonScannerFault},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestCardErr(t *testing.T) {
	photo := []byte{1, 2, 3}
	c := &idcard.Card{IDNumber: "110101199003071234", Photo: photo}
	got, err := cardErr(c, fmt.Errorf("read: %w", idcard.ErrCheckDigit))
	if err != nil || got == c || got.IDNumber != c.IDNumber {
		t.Fatalf("a check-digit warning keeps a copy of the card: %v %v", got, err)
	}
	got, err = cardErr(c, idcard.ErrReadFailed)
	if got != nil || !errors.Is(err, idcard.ErrReadFailed) {
		t.Fatalf("failure: %v %v", got, err)
	}
	if photo[0] != 0 || c.IDNumber == "" {
		t.Error("a dropped card's shared bytes are zeroed; the driver's struct is not written")
	}
}

func TestField(t *testing.T) {
	var f field
	f.set(InputIDTail, 4)
	f.key("1a2x34") // a is not allowed; x becomes X
	if f.value() != "12X3" {
		t.Fatalf("value %q", f.value())
	}
	if f.key("5") || !f.backspace() || f.value() != "12X" {
		t.Fatalf("max or backspace: %q", f.value())
	}
	buf := f.buf[:cap(f.buf)]
	f.wipe()
	for _, b := range buf {
		if b != 0 {
			t.Fatal("not zeroed")
		}
	}
	if (&field{}).input() != (Input{}) || f.backspace() {
		t.Error("empty field")
	}
	f.set(InputDigits, 11)
	f.key("138-0013 8000")
	if in := f.input(); in.Value != "13800138000" || in.Kind != InputDigits || in.Max != 11 {
		t.Fatalf("input %+v", in)
	}
}

// The notifier keeps the order of pushes and lets the callback call back
// into the pusher (as fyne.Do does synchronously in Fyne's test driver).
func TestNotifierOrderAndReentry(t *testing.T) {
	var mu sync.Mutex
	var got []int
	done := make(chan struct{})
	var n notifier[int]
	n.fn = func(i int) {
		mu.Lock() // the pusher's lock: a synchronous callback would deadlock
		got = append(got, i)
		mu.Unlock()
		if i == 999 {
			close(done)
		}
	}
	for i := 0; i < 1000; i++ {
		mu.Lock()
		n.push(i)
		mu.Unlock()
	}
	<-done
	for i, v := range got {
		if v != i {
			t.Fatalf("snapshot %d delivered as %d", v, i)
		}
	}
	var none notifier[int]
	none.push(1) // no callback: nothing happens
}
