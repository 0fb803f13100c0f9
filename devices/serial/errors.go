package serial

import (
	"errors"
	"fmt"
)

// Errors that protocol drivers (idcard, escpos, scanner) tell apart with errors.Is.
var (
	// ErrTimeout: no byte arrived within the port's read timeout. The
	// device may simply have nothing to say; the port is still open.
	ErrTimeout = errors.New("serial: read timeout")
	// ErrDisconnected: the device vanished (unplugged USB adapter: EOF at
	// once, EIO, ENODEV, path gone). The port reopens itself with back-off;
	// the caller retries later and re-wires nothing.
	ErrDisconnected = errors.New("serial: device disconnected")
	// ErrClosed: the port was closed by its owner.
	ErrClosed = errors.New("serial: port closed")
)

// PortError says which port and which operation failed. Err is one of the
// sentinels above or, for open, the operating system's error; Cause, when
// set, is the underlying operating-system error behind a sentinel (EIO,
// ENOENT, an immediate EOF), so errors.Is works for both.
type PortError struct {
	Op    string // "open", "read", "write" or "flush"
	Port  string // Config.Name
	Path  string // Config.Path
	Err   error
	Cause error
}

// Error reads like "read scanner (/dev/ttyUSB0): serial: device
// disconnected: input/output error".
func (e *PortError) Error() string {
	s := fmt.Sprintf("%s %s (%s): %v", e.Op, e.Port, e.Path, e.Err)
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns Err and Cause for errors.Is and errors.As.
func (e *PortError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

// errHangup is the cause recorded for a read that returned EOF without
// waiting: tarm/serial reports both a timeout and a hung-up line as io.EOF,
// and only the elapsed time tells them apart (docs/serial-notes.md).
var errHangup = errors.New("end of file without waiting (line hung up)")
