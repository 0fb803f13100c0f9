package sim

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// ErrPluggedIn is Plug.In's error when the device is already plugged in.
var ErrPluggedIn = errors.New("already plugged in")

// Plug is the cable of a simulated serial device that can be pulled and
// plugged in again. Each plug-in opens a fresh pseudo-terminal (the old
// one is gone, as a re-enumerated USB adapter's tty is), re-points Link at
// it, and serves the master until the next pull. The zero value is
// unplugged.
type Plug struct {
	// Link, when set, is a by-id style symlink kept pointing at the
	// current slave and removed while unplugged.
	Link string

	mu   sync.Mutex
	pty  *PTY
	done chan struct{}
}

// In plugs the device in and runs serve on the new master in a goroutine;
// serve returns when a Read of the master fails, which Out causes.
func (pl *Plug) In(serve func(master *os.File)) error {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.pty != nil {
		return ErrPluggedIn
	}
	p, err := OpenPTY()
	if err != nil {
		return err
	}
	if pl.Link != "" {
		if err := PointLink(pl.Link, p.SlavePath); err != nil {
			p.Close()
			return fmt.Errorf("point %s at %s: %w", pl.Link, p.SlavePath, err)
		}
	}
	done := make(chan struct{})
	pl.pty, pl.done = p, done
	go func() {
		defer close(done)
		serve(p.Master)
	}()
	return nil
}

// Out pulls the cable: Link goes, the pseudo-terminal closes (a port
// reading the slave sees a hang-up) and Out waits for serve to return.
// Pulling an unplugged device does nothing.
func (pl *Plug) Out() error {
	pl.mu.Lock()
	p, done := pl.pty, pl.done
	pl.pty = nil
	pl.mu.Unlock()
	if p == nil {
		return nil
	}
	if pl.Link != "" {
		os.Remove(pl.Link)
	}
	// The master is polled by the runtime (OpenPTY), so closing it ends
	// serve's pending Read at once.
	err := p.Close()
	<-done
	return err
}

// Path is what a driver opens: Link when set, else the current slave
// path, which changes with every plug-in ("" while unplugged).
func (pl *Plug) Path() string {
	if pl.Link != "" {
		return pl.Link
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.pty == nil {
		return ""
	}
	return pl.pty.SlavePath
}

// Master is the device's end of the line while plugged in, else nil. A
// write racing with Out fails with the closed file's error.
func (pl *Plug) Master() *os.File {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.pty == nil {
		return nil
	}
	return pl.pty.Master
}
