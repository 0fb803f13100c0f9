// Package serial opens serial devices through github.com/tarm/serial with an
// explicit baud rate, 8N1 and a read timeout; recognises a vanished device
// and reopens it with back-off without the caller re-wiring anything; keeps
// a traffic tap of the last frames each way for diagnostics; and discovers
// ports for technicians (/dev/serial/by-id, ttyUSB*, ttyACM*, ttyS*, with the
// USB identity read from sysfs). See docs/serial-notes.md.
package serial
