package serial

import "errors"

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
