package printersim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"hallkiosk/devices/escpos"
	"hallkiosk/devices/escpos/render"
	"hallkiosk/devices/sim"
)

// State is what the simulated printer reports and does. The zero value is
// a healthy printer with paper.
type State struct {
	PaperOut    bool // no paper: offline, paper-end stop, both paper sensors (DLE EOT 4 = 7E)
	NearEnd     bool // paper near end: a warning, printing goes on (DLE EOT 4 = 1E)
	CoverOpen   bool // cover open: offline (DLE EOT 2 bit 2)
	Offline     bool // offline for no reported cause (DLE EOT 1 bit 3)
	CutterError bool // autocutter error: offline, error (DLE EOT 2 bit 6, DLE EOT 3 bit 3)
	NoReply     bool // switched off: no replies, and whatever is sent is lost
	// XON sends an XON byte (0x11) before each status reply, as a printer
	// with XON/XOFF flow control may (docs/protocols.md B.1).
	XON bool
}

// printing reports whether a printer in state st prints what it receives.
func (st State) printing() bool {
	return !st.PaperOut && !st.CoverOpen && !st.Offline && !st.CutterError && !st.NoReply
}

// Status returns the status a printer in state st reports (docs/protocols.md B.5).
func (st State) Status() escpos.Status {
	return escpos.Status{
		Offline:      st.PaperOut || st.CoverOpen || st.Offline || st.CutterError,
		CoverOpen:    st.CoverOpen,
		PaperEndStop: st.PaperOut,
		Error:        st.CutterError,
		CutterError:  st.CutterError,
		NearEnd:      st.NearEnd || st.PaperOut,
		PaperEnd:     st.PaperOut,
	}
}

// Opts configures a simulator.
type Opts struct {
	// Dir receives ticket-0001.png, ticket-0001.txt … It is created if
	// missing; empty means a new temporary directory.
	Dir string
	// Keep is how many of the latest tickets the simulator keeps, in
	// memory and as files in Dir; older ones are forgotten and their files
	// removed, so a demo kiosk left running for weeks does not grow.
	// 0 means DefaultKeep.
	Keep int
	// KeepBytes bounds what Received returns: the latest bytes only.
	// 0 means DefaultKeepBytes.
	KeepBytes int
}

// Defaults of Opts.
const (
	DefaultKeep      = 200
	DefaultKeepBytes = 1 << 20
)

// Ticket is one cut-off piece of paper the simulator printed.
type Ticket struct {
	Seq       int              // 1, 2, … in print order
	Data      []byte           // the bytes from the previous cut to this one
	Doc       *escpos.Document // Data decoded
	Text      string           // Doc.Text(), the printed text
	PNGPath   string           // the rendered ticket
	TextPath  string           // Text plus decoding problems
	RenderErr error            // why PNGPath could not be written, if it could not
}

// Sim is a running printer simulator.
type Sim struct {
	pty *sim.PTY
	dir string

	keep, keepBytes int

	mu       sync.Mutex
	state    State
	received bytes.Buffer // the latest keepBytes bytes that reached the printer
	pending  []byte       // received, not yet printed
	queries  int          // status requests answered
	rt       int          // real-time scanner: bytes of DLE EOT seen (0, 1, 2)
	seq      int
	tickets  []Ticket      // the latest keep tickets
	dropped  int           // tickets forgotten before tickets[0]
	waitNext int           // number (dropped + index) of the next ticket WaitTicket returns
	changed  chan struct{} // closed and replaced when a ticket is added
	closed   bool          // the renderer has finished after Close

	queue      []Ticket      // cut tickets waiting to be rendered
	readerDone bool          // no more tickets will be queued
	wake       chan struct{} // nudges the renderer; buffered 1
	wg         sync.WaitGroup
}

// Start opens a pseudo-terminal and starts the printer on it; connect the
// kiosk's driver to Path.
func Start(opts Opts) (*Sim, error) {
	dir := opts.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "printersim-")
		if err != nil {
			return nil, fmt.Errorf("printersim: %w", err)
		}
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("printersim: %w", err)
	}
	p, err := sim.OpenPTY()
	if err != nil {
		return nil, fmt.Errorf("printersim: %w", err)
	}
	s := &Sim{pty: p, dir: dir, keep: opts.Keep, keepBytes: opts.KeepBytes,
		changed: make(chan struct{}), wake: make(chan struct{}, 1)}
	if s.keep <= 0 {
		s.keep = DefaultKeep
	}
	if s.keepBytes <= 0 {
		s.keepBytes = DefaultKeepBytes
	}
	s.wg.Add(2)
	go s.readLoop()
	go s.renderLoop()
	return s, nil
}

// Path is the device the kiosk opens, e.g. /dev/pts/7.
func (s *Sim) Path() string { return s.pty.SlavePath }

// Dir is where tickets are written.
func (s *Sim) Dir() string { return s.dir }

// SetState changes what the printer reports and does. Data held while the
// printer could not print is printed when it can again.
func (s *Sim) SetState(st State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = st
	s.printPendingLocked()
}

// State returns the current state.
func (s *Sim) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Received returns a copy of the bytes the printer received (nothing
// while it was switched off), the latest Opts.KeepBytes of them.
func (s *Sim) Received() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.received.Bytes())
}

// Queries returns how many status requests the printer answered.
func (s *Sim) Queries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries
}

// Tickets returns the tickets printed so far, in order: the latest
// Opts.Keep of them.
func (s *Sim) Tickets() []Ticket {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ticket(nil), s.tickets...)
}

// Printed returns how many tickets the printer has printed and rendered,
// including those it no longer keeps.
func (s *Sim) Printed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped + len(s.tickets)
}

// WaitTicket returns the next ticket not yet returned by WaitTicket,
// waiting for it to be printed and rendered, or ctx's error.
func (s *Sim) WaitTicket(ctx context.Context) (Ticket, error) {
	for {
		s.mu.Lock()
		// A waiter that fell more than Keep tickets behind resumes at the
		// oldest ticket still kept.
		s.waitNext = max(s.waitNext, s.dropped)
		if i := s.waitNext - s.dropped; i < len(s.tickets) {
			t := s.tickets[i]
			s.waitNext++
			s.mu.Unlock()
			return t, nil
		}
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		if closed {
			return Ticket{}, errors.New("printersim: closed")
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return Ticket{}, fmt.Errorf("printersim: wait for ticket: %w", ctx.Err())
		}
	}
}

// Close unplugs the printer: the kiosk's port sees the device vanish.
// Tickets already cut are still rendered before Close returns.
func (s *Sim) Close() error {
	err := s.pty.Close() // ends the pending Read: the master is pollable
	s.wg.Wait()
	return err
}

func (s *Sim) readLoop() {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		s.readerDone = true
		s.mu.Unlock()
		s.nudge()
	}()
	buf := make([]byte, 4096)
	for {
		n, err := s.pty.Master.Read(buf)
		if n > 0 {
			if reply := s.receive(buf[:n]); len(reply) > 0 {
				s.pty.Master.Write(reply)
			}
		}
		if err != nil {
			return
		}
	}
}

// receive takes bytes off the wire and returns the status replies to send.
// Real-time requests are answered wherever they appear in the data, as on
// the hardware (docs/protocols.md B.1).
func (s *Sim) receive(p []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state
	if st.NoReply {
		return nil // switched off
	}
	s.received.Write(p)
	if over := s.received.Len() - s.keepBytes; over > 0 {
		s.received.Next(over)
	}
	var reply []byte
	for _, b := range p {
		switch {
		case s.rt == 2:
			s.rt = 0
			if b >= 1 && b <= 4 {
				if st.XON {
					reply = append(reply, 0x11)
				}
				reply = append(reply, st.Status().Encode(escpos.StatusKind(b)))
				s.queries++
			}
		case s.rt == 1 && b == 0x04:
			s.rt = 2
		case b == 0x10:
			s.rt = 1
		default:
			s.rt = 0
		}
	}
	s.pending = append(s.pending, p...)
	s.printPendingLocked()
	return reply
}

// printPendingLocked cuts complete tickets off the pending data when the
// printer can print, and hands them to the renderer.
func (s *Sim) printPendingLocked() {
	if !s.state.printing() || s.readerDone || !mayCut(s.pending) {
		return
	}
	doc, _ := escpos.Decode(s.pending)
	start := 0
	for i := range doc.Items {
		it := &doc.Items[i]
		if it.Kind != escpos.KindCut {
			continue
		}
		data := bytes.Clone(s.pending[start:it.End])
		start = it.End
		s.seq++
		s.queue = append(s.queue, Ticket{Seq: s.seq, Data: data})
		s.nudge()
	}
	s.pending = append(s.pending[:0], s.pending[start:]...)
}

func (s *Sim) nudge() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// mayCut is a quick test for a cut command before decoding the buffer.
func mayCut(p []byte) bool {
	return bytes.Contains(p, []byte{0x1D, 'V'}) || bytes.Contains(p, []byte{0x1B, 'i'}) ||
		bytes.Contains(p, []byte{0x1B, 'm'})
}

func (s *Sim) renderLoop() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		if len(s.queue) == 0 {
			done := s.readerDone
			s.mu.Unlock()
			if done {
				break
			}
			<-s.wake
			continue
		}
		t := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		t = s.render(t)
		s.mu.Lock()
		s.tickets = append(s.tickets, t)
		var forget []Ticket
		if over := len(s.tickets) - s.keep; over > 0 {
			forget = append(forget, s.tickets[:over]...)
			// A fresh slice, so the forgotten tickets' data is released
			// rather than kept alive by the old backing array.
			s.tickets = append([]Ticket(nil), s.tickets[over:]...)
			s.dropped += over
		}
		// The forgotten files go before the new ticket is announced, so
		// whoever WaitTicket wakes never finds more than keep tickets on
		// disk (a slow machine, or qemu, let a waiter see them otherwise).
		for _, f := range forget {
			os.Remove(f.PNGPath)
			os.Remove(f.TextPath)
		}
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
	}
	s.mu.Lock()
	s.closed = true
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

func (s *Sim) render(t Ticket) Ticket {
	t.Doc, _ = escpos.Decode(t.Data)
	t.Text = t.Doc.Text()
	base := filepath.Join(s.dir, fmt.Sprintf("ticket-%04d", t.Seq))
	t.PNGPath = base + ".png"
	if err := render.WritePNG(t.PNGPath, t.Doc); err != nil {
		t.RenderErr = err
		if !errors.Is(err, render.ErrTooTall) {
			t.PNGPath = ""
		}
	}
	var sb strings.Builder
	sb.WriteString(t.Text)
	for _, p := range t.Doc.Problems {
		fmt.Fprintf(&sb, "! %v\n", p)
	}
	t.TextPath = base + ".txt"
	if err := os.WriteFile(t.TextPath, []byte(sb.String()), 0o644); err != nil {
		t.RenderErr = errors.Join(t.RenderErr, err)
		t.TextPath = ""
	}
	return t
}
