package escpos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"hallkiosk/clock"
	"hallkiosk/devices/serial"
)

// Conn is the serial link to the printer; *serial.Port satisfies it. Read
// returns serial.ErrTimeout when no byte arrived within the port's read
// timeout and serial.ErrDisconnected when the device vanished; its Flush,
// when present, must discard unread input only. A plain
// file (a pseudo-terminal in tests) works too: when Conn has
// SetReadDeadline, the driver sets a deadline before each read.
type Conn interface {
	io.Reader
	io.Writer
}

// flusher discards unread input; *serial.Port has it.
type flusher interface {
	Flush() error
}

type deadliner interface {
	SetReadDeadline(time.Time) error
}

// DefaultStatusTimeout is how long the driver waits for the reply to one
// DLE EOT request (docs/protocols.md B.5 recommends ~200–500 ms).
const DefaultStatusTimeout = 400 * time.Millisecond

// Opts configures a Printer. Zero fields take the documented defaults.
type Opts struct {
	// Clock measures the status timeout; default clock.Real.
	Clock clock.Clock
	// StatusTimeout bounds the wait for each DLE EOT reply; default
	// DefaultStatusTimeout. The wait is made of the port's read timeouts,
	// so it ends at the first read timeout past this much clock time.
	StatusTimeout time.Duration
	// Width is the paper width in font-A columns of 12 dots; default 48
	// (576 dots, 80 mm paper); 58 mm paper has 32.
	Width int
	// Counter, when set, is advanced by every printed job.
	Counter *PaperCounter
	// SkipRecheck turns off the status check after a job is sent.
	SkipRecheck bool
	// OnStatus, when set, is told the outcome of every status query
	// (whoever asked: a ticket, a readiness check, a technician's test),
	// except one its caller cancelled. It runs with the printer locked:
	// it must not call the Printer.
	OnStatus func(Status, error)
}

// Printer drives one ESC/POS printer over a Conn. Jobs are serialised: one
// status exchange or print at a time. Safe for concurrent use.
type Printer struct {
	conn    Conn
	opts    Opts
	clock   clock.Clock
	layout  Layout
	mu      sync.Mutex
	stale   bool // a reply may still be in flight from a timed-out request
	last    Status
	lastAt  time.Time
	lastErr error
}

// NewPrinter returns a driver for the printer on conn.
func NewPrinter(conn Conn, opts Opts) *Printer {
	if opts.StatusTimeout <= 0 {
		opts.StatusTimeout = DefaultStatusTimeout
	}
	if opts.Width <= 0 {
		opts.Width = DefaultColumns
	}
	return &Printer{conn: conn, opts: opts, clock: clock.Or(opts.Clock), layout: Layout{Columns: opts.Width}}
}

// Status asks the printer for its real-time status: DLE EOT 1, 2 and 4, and
// 3 when 2 reports an error (docs/protocols.md B.5), each sent only after the
// previous reply arrived (B.1). Bytes that are not status replies
// (XON/XOFF, noise) are skipped. No reply within StatusTimeout is a
// *NotReadyError with ErrNotResponding. The Status returned holds what was
// decoded, also on error.
func (p *Printer) Status(ctx context.Context) (Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status(ctx)
}

func (p *Printer) status(ctx context.Context) (Status, error) {
	var s Status
	err := p.query(ctx, &s)
	p.last, p.lastAt, p.lastErr = s, p.clock.Now(), err
	if p.opts.OnStatus != nil && ctx.Err() == nil {
		p.opts.OnStatus(s, err)
	}
	return s, err
}

func (p *Printer) query(ctx context.Context, s *Status) error {
	// A late reply to an earlier request must not pass for this one: drop
	// whatever input is waiting (serial.Port.Flush discards input only),
	// or read it away after a timed-out request when the link cannot flush.
	if f, ok := p.conn.(flusher); ok {
		if err := f.Flush(); err != nil {
			return p.linkError("discard stale input", err)
		}
		p.stale = false
	} else if p.stale {
		if err := p.drain(ctx); err != nil {
			return err
		}
	}
	kinds := []StatusKind{StatusPrinter, StatusOffline, StatusPaper}
	for i := 0; i < len(kinds); i++ {
		n := kinds[i]
		b, err := p.ask(ctx, n)
		if err != nil {
			var nre *NotReadyError
			if errors.As(err, &nre) {
				nre.Status = *s // what was learnt before the silence
			}
			return err
		}
		if err := s.Apply(n, b); err != nil {
			return fmt.Errorf("printer status: %w", err)
		}
		if n == StatusOffline && s.Error {
			kinds = append(kinds, StatusError)
		}
	}
	return nil
}

// ask sends DLE EOT n and waits for one valid status byte.
func (p *Printer) ask(ctx context.Context, n StatusKind) (byte, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("printer status: %w", err)
	}
	if _, err := p.conn.Write(StatusQueryCommand(n)); err != nil {
		return 0, p.linkError(fmt.Sprintf("send DLE EOT %d", n), err)
	}
	deadline := p.clock.Now().Add(p.opts.StatusTimeout)
	var one [1]byte
	for {
		if err := ctx.Err(); err != nil {
			p.stale = true
			return 0, fmt.Errorf("printer status: %w", err)
		}
		if d, ok := p.conn.(deadliner); ok {
			// A raw file has no read timeout of its own: give it one step.
			d.SetReadDeadline(time.Now().Add(min(p.opts.StatusTimeout, 100*time.Millisecond)))
		}
		k, err := p.conn.Read(one[:])
		if k == 1 && ValidStatusByte(one[0]) {
			return one[0], nil
		}
		// Anything else (XON 11, XOFF 13, noise) is not a status (B.1, B.5).
		if err != nil && !isTimeout(err) {
			return 0, p.linkError(fmt.Sprintf("read reply to DLE EOT %d", n), err)
		}
		if !p.clock.Now().Before(deadline) {
			p.stale = true
			return 0, &NotReadyError{Causes: []error{ErrNotResponding},
				Detail: fmt.Sprintf("no reply to DLE EOT %d within %v", n, p.opts.StatusTimeout)}
		}
	}
}

// drain discards whatever arrived after a timed-out request, until the port
// reports a read timeout, so a late reply is not taken for the next one.
func (p *Printer) drain(ctx context.Context) error {
	var buf [64]byte
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("printer status: %w", err)
		}
		if d, ok := p.conn.(deadliner); ok {
			d.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		}
		k, err := p.conn.Read(buf[:])
		if err != nil {
			if isTimeout(err) {
				p.stale = false
				return nil
			}
			return p.linkError("drain late replies", err)
		}
		if k == 0 {
			p.stale = false
			return nil
		}
	}
}

func isTimeout(err error) bool {
	return errors.Is(err, serial.ErrTimeout) || errors.Is(err, os.ErrDeadlineExceeded)
}

// linkError turns a port failure into a NotReadyError that matches both
// ErrNotResponding and the port's error (serial.ErrDisconnected …).
func (p *Printer) linkError(what string, err error) error {
	p.stale = true
	return &NotReadyError{Causes: []error{ErrNotResponding, err}, Detail: what}
}

// unanswered reports whether err is a status request left without a
// reply, on a link that did not fail.
func unanswered(err error) bool {
	var nre *NotReadyError
	return errors.As(err, &nre) && len(nre.Causes) == 1 && nre.Causes[0] == ErrNotResponding
}

// Ready returns nil when the printer can finish a ticket now, else the
// reason: a *NotReadyError matching ErrPaperEnd, ErrCoverOpen, ErrOffline,
// ErrCutter, ErrUnrecoverable or ErrNotResponding (after a second try of
// an unanswered request). Paper near end is not a refusal; see LastStatus
// and NearEnd.
func (p *Printer) Ready(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ready(ctx)
}

func (p *Printer) ready(ctx context.Context) error {
	s, err := p.status(ctx)
	if unanswered(err) && ctx.Err() == nil {
		// One request that went unanswered is asked once more before the
		// printer counts as silent: a reply lost to line noise, or one
		// read late by a kiosk that was busy drawing, must not turn a
		// citizen away. A printer that is off stays silent the second
		// time too (query discards a late reply before asking again).
		s, err = p.status(ctx)
	}
	if err != nil {
		return err
	}
	return s.Err()
}

// LastStatus returns the status from the most recent exchange, when it
// happened, and its error.
func (p *Printer) LastStatus() (Status, time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last, p.lastAt, p.lastErr
}

// NearEnd reports a paper near-end warning from the last status or the
// paper counter: time to fetch a new roll, tickets still print.
func (p *Printer) NearEnd() bool {
	p.mu.Lock()
	last := p.last
	p.mu.Unlock()
	return last.NearEnd || (p.opts.Counter != nil && p.opts.Counter.NearEnd())
}

// PrintTicket lays out t (Layout.Ticket at the printer's width) and prints
// it as Print does.
func (p *Printer) PrintTicket(ctx context.Context, t Ticket) error {
	if err := p.Print(ctx, p.layout.Ticket(t).Bytes()); err != nil {
		return fmt.Errorf("print ticket %s: %w", t.Number, err)
	}
	return nil
}

// PrintChecklist lays out c (Layout.Checklist) and prints it as Print does.
func (p *Printer) PrintChecklist(ctx context.Context, c Checklist) error {
	if err := p.Print(ctx, p.layout.Checklist(c).Bytes()); err != nil {
		return fmt.Errorf("print checklist %s: %w", c.Service, err)
	}
	return nil
}

// Print sends a complete job. It first checks the status and refuses with
// a *NotReadyError (nothing but status requests sent) when the printer
// cannot finish it. After sending it checks the status again: a problem
// that appeared meanwhile (paper ran out, cover opened) means the job may
// be incomplete and is returned, wrapped. A successful job advances the
// paper counter.
func (p *Printer) Print(ctx context.Context, job []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ready(ctx); err != nil {
		return err
	}
	if _, err := p.conn.Write(job); err != nil {
		return fmt.Errorf("send %d bytes: %w", len(job), p.linkError("send job", err))
	}
	if !p.opts.SkipRecheck {
		if err := p.ready(ctx); err != nil {
			return fmt.Errorf("job sent, the ticket may be incomplete: status after sending: %w", err)
		}
	}
	if c := p.opts.Counter; c != nil {
		mm, cuts := jobPaper(job)
		c.Add(mm, cuts) // a failed save is kept in c.Err(); the ticket is out
	}
	return nil
}

// jobPaper estimates the paper a job uses and the number of cuts in it.
func jobPaper(job []byte) (mm float64, cuts int) {
	doc, _ := Decode(job)
	for i := range doc.Items {
		if doc.Items[i].Kind == KindCut {
			cuts++
		}
	}
	return float64(doc.Length()) / DotsPerMM, cuts
}
