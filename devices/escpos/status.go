package escpos

import (
	"errors"
	"fmt"
	"strings"
)

// StatusKind is the n of a real-time status request DLE EOT n
// (docs/protocols.md B.5).
type StatusKind byte

// The four DLE EOT status bytes.
const (
	StatusPrinter StatusKind = 1 // printer status: offline, waiting recovery, feed button
	StatusOffline StatusKind = 2 // offline cause: cover, feeding, paper-end stop, error
	StatusError   StatusKind = 3 // error cause: recoverable, autocutter, unrecoverable, auto-recoverable
	StatusPaper   StatusKind = 4 // roll paper sensors: near end, end
)

// String names the status byte, e.g. "paper sensor".
func (k StatusKind) String() string {
	switch k {
	case StatusPrinter:
		return "printer"
	case StatusOffline:
		return "offline cause"
	case StatusError:
		return "error cause"
	case StatusPaper:
		return "paper sensor"
	}
	return fmt.Sprintf("status(%d)", byte(k))
}

// Status bits (docs/protocols.md B.5). Every reply has the form 0xx1xx10b.
const (
	statusFixedMask  = 0x93 // bits 7, 4, 1, 0
	statusFixedValue = 0x12 // bit4 = 1, bit1 = 1, bits 7 and 0 = 0

	bit2 = 0x04
	bit3 = 0x08
	bit5 = 0x20
	bit6 = 0x40

	paperNearEndBits = 0x0C // n = 4 bits 2,3, set together
	paperEndBits     = 0x60 // n = 4 bits 5,6, set together
)

// StatusBitDef is one flag of a DLE EOT reply: which bits it is, what it
// means, and how serious it is when set.
type StatusBitDef struct {
	// Mask is the flag's bits in the reply byte; a paper sensor has two,
	// set together, and either one counts.
	Mask byte
	// Name and NameZh say what the flag reports when set, for technicians.
	Name, NameZh string
	// Severity is how a technician should read the flag: "info" (no
	// consequence), "warning" (staff should act soon: near end, overheat
	// that clears itself) or "fault" (the printer is stopped or needs
	// attention). Whether a ticket is refused is Status.Err's business.
	Severity string
}

// statusBitDefs are the flags of each reply, in bit order (docs/protocols.md
// B.5). Apply and Encode use the same masks.
var statusBitDefs = [...][]StatusBitDef{
	StatusPrinter - 1: {
		{bit2, "drawer connector pin 3 high", "钱箱引脚高电平", "info"},
		{bit3, "offline", "脱机", "fault"},
		{bit5, "waiting for online recovery", "等待恢复联机", "fault"},
		{bit6, "feed button pressed", "走纸键按下", "info"},
	},
	StatusOffline - 1: {
		{bit2, "cover open", "纸仓盖打开", "fault"},
		{bit3, "paper being fed by the feed button", "正在按键走纸", "info"},
		{bit5, "printing stopped: paper end", "缺纸停止打印", "fault"},
		{bit6, "an error occurred", "发生错误", "fault"},
	},
	StatusError - 1: {
		{bit2, "recoverable error (jam)", "可恢复错误（卡纸）", "fault"},
		{bit3, "autocutter error", "切刀错误", "fault"},
		{bit5, "unrecoverable error (power cycle)", "不可恢复错误（需重启）", "fault"},
		{bit6, "auto-recoverable error (overheat)", "自动恢复错误（过热）", "warning"},
	},
	StatusPaper - 1: {
		{paperNearEndBits, "paper near end", "纸将尽", "warning"},
		{paperEndBits, "paper end", "缺纸", "fault"},
	},
}

// StatusBitDefs returns the flags of the reply to DLE EOT n in bit order,
// or nil for an n outside 1..4. The slice is shared: do not modify it.
func StatusBitDefs(n StatusKind) []StatusBitDef {
	if n < StatusPrinter || n > StatusPaper {
		return nil
	}
	return statusBitDefs[n-1]
}

// ErrInvalidStatus: a byte that does not have the fixed bits 0xx1xx10b of a
// DLE EOT reply, so it is not a status (XON/XOFF, stray data).
var ErrInvalidStatus = errors.New("escpos: not a DLE EOT status byte")

// ValidStatusByte reports whether b has the fixed bits of a DLE EOT reply,
// 0xx1xx10b (docs/protocols.md B.5).
func ValidStatusByte(b byte) bool { return b&statusFixedMask == statusFixedValue }

// Status is the printer's state as decoded from the DLE EOT replies, bit by
// bit (docs/protocols.md B.5). Fields of a status byte that was not asked for
// are false; Known tells which were.
type Status struct {
	// Raw holds the reply to DLE EOT n at Raw[n-1]; 0 means not asked (a
	// valid reply is never 0).
	Raw [4]byte

	// n = 1, printer status.
	DrawerHigh      bool // bit 2: drawer kick-out connector pin 3 HIGH
	Offline         bool // bit 3
	WaitingRecovery bool // bit 5: waiting for online recovery
	FeedButton      bool // bit 6: paper feed button pressed

	// n = 2, offline cause.
	CoverOpen    bool // bit 2
	PaperFeeding bool // bit 3: paper being fed by the feed button
	PaperEndStop bool // bit 5: printing stopped because of paper end
	Error        bool // bit 6: an error occurred (cause in n = 3)

	// n = 3, error cause.
	RecoverableError     bool // bit 2: e.g. a jam, recover with DLE ENQ 2
	CutterError          bool // bit 3: autocutter error
	UnrecoverableError   bool // bit 5: needs a power cycle
	AutoRecoverableError bool // bit 6: head or motor overheat, clears itself

	// n = 4, roll paper sensors. The two bits of a sensor are set together;
	// either one is taken as set so a clone that sets only one is not missed.
	NearEnd  bool // bits 2,3: paper near end (a warning, printing goes on)
	PaperEnd bool // bits 5,6: no paper
}

// DecodeStatus decodes the reply b to DLE EOT n. A byte without the fixed
// bits is ErrInvalidStatus.
func DecodeStatus(n StatusKind, b byte) (Status, error) {
	var s Status
	err := s.Apply(n, b)
	return s, err
}

// Apply decodes the reply b to DLE EOT n into s, leaving the fields of the
// other status bytes alone.
func (s *Status) Apply(n StatusKind, b byte) error {
	if n < StatusPrinter || n > StatusPaper {
		return fmt.Errorf("DLE EOT %d: %w", byte(n), errUnknownKind)
	}
	if !ValidStatusByte(b) {
		return fmt.Errorf("DLE EOT %d reply %02X: %w", byte(n), b, ErrInvalidStatus)
	}
	s.Raw[n-1] = b
	switch n {
	case StatusPrinter:
		s.DrawerHigh = b&bit2 != 0
		s.Offline = b&bit3 != 0
		s.WaitingRecovery = b&bit5 != 0
		s.FeedButton = b&bit6 != 0
	case StatusOffline:
		s.CoverOpen = b&bit2 != 0
		s.PaperFeeding = b&bit3 != 0
		s.PaperEndStop = b&bit5 != 0
		s.Error = b&bit6 != 0
	case StatusError:
		s.RecoverableError = b&bit2 != 0
		s.CutterError = b&bit3 != 0
		s.UnrecoverableError = b&bit5 != 0
		s.AutoRecoverableError = b&bit6 != 0
	case StatusPaper:
		s.NearEnd = b&paperNearEndBits != 0
		s.PaperEnd = b&paperEndBits != 0
	}
	return nil
}

var errUnknownKind = errors.New("escpos: status request n must be 1..4")

// Known reports whether the reply to DLE EOT n has been decoded into s.
func (s Status) Known(n StatusKind) bool {
	return n >= StatusPrinter && n <= StatusPaper && s.Raw[n-1] != 0
}

// Encode returns the byte a printer in state s answers to DLE EOT n: the
// fixed bits plus the flags (both bits of a paper sensor). The printer
// simulator answers with it.
func (s Status) Encode(n StatusKind) byte {
	b := byte(statusFixedValue)
	set := func(on bool, mask byte) {
		if on {
			b |= mask
		}
	}
	switch n {
	case StatusPrinter:
		set(s.DrawerHigh, bit2)
		set(s.Offline, bit3)
		set(s.WaitingRecovery, bit5)
		set(s.FeedButton, bit6)
	case StatusOffline:
		set(s.CoverOpen, bit2)
		set(s.PaperFeeding, bit3)
		set(s.PaperEndStop, bit5)
		set(s.Error, bit6)
	case StatusError:
		set(s.RecoverableError, bit2)
		set(s.CutterError, bit3)
		set(s.UnrecoverableError, bit5)
		set(s.AutoRecoverableError, bit6)
	case StatusPaper:
		set(s.NearEnd, paperNearEndBits)
		set(s.PaperEnd, paperEndBits)
	}
	return b
}

// Problems lists every abnormal condition in s, most serious first, in
// technicians' words. Paper near end is listed as a warning; whether the
// printer can finish a ticket is Err's business.
func (s Status) Problems() []string {
	var p []string
	add := func(on bool, what string) {
		if on {
			p = append(p, what)
		}
	}
	add(s.PaperEnd || s.PaperEndStop, "paper end")
	add(s.CoverOpen, "cover open")
	add(s.CutterError, "autocutter error")
	add(s.UnrecoverableError, "unrecoverable error")
	add(s.RecoverableError, "recoverable error")
	add(s.AutoRecoverableError, "auto-recoverable error (overheat)")
	add(s.Error && !s.CutterError && !s.UnrecoverableError && !s.RecoverableError && !s.AutoRecoverableError, "error")
	add(s.Offline, "offline")
	add(s.WaitingRecovery, "waiting for online recovery")
	add(s.PaperFeeding, "paper being fed by the feed button")
	add(s.NearEnd, "paper near end (warning)")
	return p
}

// String describes s and the raw replies, e.g.
// "offline: paper end, offline (DLE EOT 1=1A 2=32 4=72)".
func (s Status) String() string {
	raw := s.RawString()
	if raw == "" {
		return "status unknown"
	}
	state := "ready"
	if s.Err() != nil {
		state = "not ready"
	}
	if p := s.Problems(); len(p) > 0 {
		state += ": " + strings.Join(p, ", ")
	}
	return state + " (" + raw + ")"
}

// RawString lists the replies as "DLE EOT 1=12 2=12 4=12", or "" when
// none.
func (s Status) RawString() string {
	var raw []string
	for i, b := range s.Raw {
		if b != 0 {
			raw = append(raw, fmt.Sprintf("%d=%02X", i+1, b))
		}
	}
	if len(raw) == 0 {
		return ""
	}
	return "DLE EOT " + strings.Join(raw, " ")
}

// Err returns a *NotReadyError when s says the printer cannot finish a
// ticket (paper end, cover open, autocutter or unrecoverable error, or
// offline for another reason), nil otherwise. Paper near end is not a
// refusal (docs/protocols.md B.5: warn staff on near end, block on paper end,
// cover open, cutter error).
func (s Status) Err() error {
	var causes []error
	if s.PaperEnd || s.PaperEndStop {
		causes = append(causes, ErrPaperEnd)
	}
	if s.CoverOpen {
		causes = append(causes, ErrCoverOpen)
	}
	if s.CutterError {
		causes = append(causes, ErrCutter)
	}
	if s.UnrecoverableError {
		causes = append(causes, ErrUnrecoverable)
	}
	if len(causes) == 0 && (s.Offline || s.Error || s.RecoverableError || s.AutoRecoverableError) {
		causes = append(causes, ErrOffline)
	}
	if len(causes) == 0 {
		return nil
	}
	return &NotReadyError{Status: s, Causes: causes}
}

// Reasons the printer cannot finish a ticket. They arrive wrapped in a
// *NotReadyError; test with errors.Is.
var (
	// ErrPaperEnd: no paper (DLE EOT 4 bits 5,6 or DLE EOT 2 bit 5).
	ErrPaperEnd = errors.New("paper end")
	// ErrCoverOpen: the cover is open (DLE EOT 2 bit 2).
	ErrCoverOpen = errors.New("cover open")
	// ErrOffline: offline for another reason (DLE EOT 1 bit 3, or an
	// error of DLE EOT 2/3 without a more specific cause).
	ErrOffline = errors.New("printer offline")
	// ErrCutter: autocutter error (DLE EOT 3 bit 3).
	ErrCutter = errors.New("autocutter error")
	// ErrUnrecoverable: unrecoverable error, needs a power cycle (DLE EOT 3 bit 5).
	ErrUnrecoverable = errors.New("unrecoverable printer error")
	// ErrNotResponding: no reply to a status request within the status
	// timeout — printer off, cable out, wrong baud rate (docs/protocols.md B.5).
	ErrNotResponding = errors.New("printer not responding")
)

// NotReadyError says why the printer cannot finish a ticket. errors.Is
// matches each of its Causes (ErrPaperEnd, ErrCoverOpen, ErrOffline,
// ErrCutter, ErrUnrecoverable, ErrNotResponding, and the port's error when
// the link failed).
type NotReadyError struct {
	Status Status  // what was decoded before the refusal
	Causes []error // the sentinels, most serious first
	Detail string  // extra context, e.g. which request went unanswered
}

// Error reads like "printer not ready: paper end, cover open (DLE EOT 1=1A 2=36 4=72)".
func (e *NotReadyError) Error() string {
	var why []string
	for _, c := range e.Causes {
		why = append(why, c.Error())
	}
	msg := "printer not ready: " + strings.Join(why, ", ")
	var ctx []string
	if e.Detail != "" {
		ctx = append(ctx, e.Detail)
	}
	if raw := e.Status.RawString(); raw != "" {
		ctx = append(ctx, raw)
	}
	if len(ctx) > 0 {
		msg += " (" + strings.Join(ctx, "; ") + ")"
	}
	return msg
}

// Unwrap returns the causes so errors.Is finds each of them.
func (e *NotReadyError) Unwrap() []error { return e.Causes }
