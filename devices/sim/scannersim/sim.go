package scannersim

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"hallkiosk/devices/sim"
)

// ErrUnplugged is returned by Scan and ScanRaw while the simulated scanner
// is closed (unplugged).
var ErrUnplugged = errors.New("scannersim: scanner unplugged")

// Opts configures a simulator. The zero value sends CR after each code and
// keeps no symlink.
type Opts struct {
	// Terminator is sent after each code by Scan. Default "\r".
	Terminator []byte
	// Link, when set, is a symlink the simulator keeps pointing at its
	// current pseudo-terminal, as udev keeps /dev/serial/by-id/… pointing
	// at a re-plugged adapter: a port opened on Path() finds the scanner
	// again after Close and Restart. Close removes it.
	Link string
}

// Sim is a simulated serial scanner.
type Sim struct {
	opts Opts

	plug sim.Plug

	mu       sync.Mutex
	received []byte
}

// Start plugs in a scanner with the default Opts.
func Start() (*Sim, error) { return StartOpts(Opts{}) }

// StartOpts plugs in a scanner: it creates the pseudo-terminal (and Link).
func StartOpts(o Opts) (*Sim, error) {
	if len(o.Terminator) == 0 {
		o.Terminator = []byte("\r")
	}
	s := &Sim{opts: o, plug: sim.Plug{Link: o.Link}}
	if err := s.Restart(); err != nil {
		return nil, err
	}
	return s, nil
}

// Path is what the kiosk opens: Link when set, else the current
// pseudo-terminal's slave path (which changes on Restart; empty while
// unplugged).
func (s *Sim) Path() string { return s.plug.Path() }

// Scan sends code and the terminator in one write, as a scanner sends a
// decoded code in one burst.
func (s *Sim) Scan(code string) error {
	return s.ScanRaw(append([]byte(code), s.opts.Terminator...))
}

// ScanRaw sends b exactly as given: a fragment without terminator, line
// noise, a code in GBK, several codes at once.
func (s *Sim) ScanRaw(b []byte) error {
	m := s.plug.Master()
	if m == nil {
		return ErrUnplugged
	}
	if _, err := m.Write(b); err != nil {
		return fmt.Errorf("scannersim: send: %w", err)
	}
	return nil
}

// Received returns what the kiosk has written to the scanner (trigger or
// configuration commands), across restarts.
func (s *Sim) Received() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.received...)
}

// Close unplugs the scanner: the pseudo-terminal closes, so a port reading
// it sees a hang-up, and Link is removed. Closing twice is harmless.
func (s *Sim) Close() error { return s.plug.Out() }

// Restart plugs the scanner in again on a new pseudo-terminal and re-points
// Link at it. StartOpts calls it; after Close it models a re-plug.
func (s *Sim) Restart() error {
	if err := s.plug.In(s.drain); err != nil {
		return fmt.Errorf("scannersim: %w", err)
	}
	return nil
}

// drain reads what the kiosk writes, so that its writes never block on a
// full pseudo-terminal buffer, and keeps it for Received.
func (s *Sim) drain(m *os.File) {
	buf := make([]byte, 256)
	for {
		n, err := m.Read(buf)
		if n > 0 {
			s.mu.Lock()
			s.received = append(s.received, buf[:n]...)
			s.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}
