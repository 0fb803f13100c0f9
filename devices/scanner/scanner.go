package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"hallkiosk/clock"
	"hallkiosk/devices/serial"
)

// Conn is the byte stream the scanner talks over. Read must return
// serial.ErrTimeout when nothing arrived within its timeout and
// serial.ErrDisconnected while the device is away, each after waiting
// rather than at once, as *serial.Port does; any other error ends Run.
type Conn interface {
	io.Reader
	io.Writer
}

// Defaults applied to zero Opts fields.
const (
	DefaultInterByteTimeout = 200 * time.Millisecond
	DefaultMaxLen           = 4096
)

// Opts configures a Scanner. Zero fields take the defaults.
type Opts struct {
	// Terminator ends every code. Default "\r", the factory setting of
	// most kiosk scanners (docs/protocols.md C.2). When it ends in CR, an LF
	// right after it is swallowed, so a scanner sending CR LF works with
	// the default; "\r\n" may also be set explicitly, in which case a bare
	// CR inside a line is a control character and rejects the line.
	Terminator []byte
	// InterByteTimeout is the longest silence inside a line. A scanner
	// sends a whole code in one burst, so a partial line followed by this
	// much silence is garbage (a glitch, an unplug mid-code): it is
	// dropped and counted, never delivered, and never glued to the next
	// scan. Default 200 ms, well above USB adapter latency (16 ms).
	InterByteTimeout time.Duration
	// MaxLen is the longest code in bytes. Default 4096 (a version 40 QR
	// code holds at most 2953 bytes). A longer line is dropped and
	// counted, and reading resumes after its terminator.
	MaxLen int
	// Clock measures InterByteTimeout and stamps Status. Default the
	// wall clock.
	Clock clock.Clock
}

// Status is a snapshot for the diagnostics screen.
type Status struct {
	// Connected is the link state as last seen by a read: false after
	// serial.ErrDisconnected until bytes or a plain timeout arrive.
	Connected bool
	// Codes counts codes delivered; LastCodeAt is when the newest came.
	Codes      int
	LastCodeAt time.Time
	// Errors counts lines dropped: fragments, too long, control
	// characters, undecodable bytes, lines lost with the connection.
	// LastError never contains the scanned bytes.
	Errors      int
	LastError   string
	LastErrorAt time.Time
	// Waiting is how many WaitCode calls are blocked now.
	Waiting int
}

// ErrStopped is returned by WaitCode once Run has returned.
var ErrStopped = errors.New("scanner: stopped")

// Scanner reads codes from a serial barcode/QR scanner in line mode.
// Run reads; WaitCode and Codes hand the codes out.
type Scanner struct {
	conn    Conn
	term    []byte
	ibt     time.Duration
	maxLen  int
	clk     clock.Clock
	running atomic.Bool

	mu      sync.Mutex
	waiters map[chan string]struct{}
	codes   chan string // made by the first Codes call
	stopped chan struct{}
	done    bool // Run has returned
	st      Status
}

// New returns a scanner reading conn. Call Run to start reading.
func New(conn Conn, o Opts) *Scanner {
	if len(o.Terminator) == 0 {
		o.Terminator = []byte("\r")
	}
	if o.InterByteTimeout <= 0 {
		o.InterByteTimeout = DefaultInterByteTimeout
	}
	if o.MaxLen <= 0 {
		o.MaxLen = DefaultMaxLen
	}
	return &Scanner{
		conn:    conn,
		term:    append([]byte(nil), o.Terminator...),
		ibt:     o.InterByteTimeout,
		maxLen:  o.MaxLen,
		clk:     clock.Or(o.Clock),
		waiters: map[chan string]struct{}{},
		stopped: make(chan struct{}),
	}
}

type readResult struct {
	data []byte
	lost bool  // the device went away
	err  error // reading ended
}

// Run reads and splits the stream until ctx is done or reading fails for
// good (serial.ErrClosed, or io.EOF from a finite source). Timeouts and
// disconnects do not end it: the serial port reopens by itself. Run may be
// called once; it returns ctx.Err() or the error that ended reading.
func (s *Scanner) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("scanner: Run called twice")
	}
	defer s.stop()
	ctx, cancel := context.WithCancel(ctx)
	results := make(chan readResult)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.read(ctx, results)
	}()
	defer func() {
		cancel()
		wg.Wait() // Conn is not read after Run returns
	}()

	sp := NewSplitter(s.term, s.maxLen)
	var (
		timer    clock.Timer
		armed    bool
		deadline time.Time
	)
	disarm := func() {
		if armed {
			timer.Stop()
			armed = false
		}
	}
	defer disarm()
	for {
		var expired <-chan time.Time
		if armed {
			expired = timer.C()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-expired:
			armed = false
			sp.Flush(s.piece)
		case r := <-results:
			if r.err != nil {
				sp.Flush(s.piece)
				return fmt.Errorf("scanner: %w", r.err)
			}
			if r.lost {
				disarm()
				sp.Flush(func(p Piece) {
					if p.Kind == Fragment {
						s.reject(fmt.Errorf("%w: %d bytes lost with the connection", ErrFragment, p.N))
						return
					}
					s.piece(p)
				})
				continue
			}
			// The timer may have come due while these bytes were on
			// their way; the silence before them still ends the line.
			if armed && !s.clk.Now().Before(deadline) {
				sp.Flush(s.piece)
			}
			sp.Feed(r.data, s.piece)
			if sp.Pending() == 0 {
				disarm()
				continue
			}
			deadline = s.clk.Now().Add(s.ibt)
			if timer == nil {
				timer = s.clk.NewTimer(s.ibt)
			} else {
				timer.Reset(s.ibt)
			}
			armed = true
		}
	}
}

// read runs on its own goroutine so that Run can watch the inter-byte
// timer while a Read waits.
func (s *Scanner) read(ctx context.Context, out chan<- readResult) {
	buf := make([]byte, 512)
	away := false
	send := func(r readResult) bool {
		select {
		case out <- r:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for ctx.Err() == nil {
		n, err := s.conn.Read(buf)
		if n > 0 {
			away = false
			s.setConnected(true)
			if !send(readResult{data: append([]byte(nil), buf[:n]...)}) {
				return
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, serial.ErrTimeout):
			away = false
			s.setConnected(true)
		case errors.Is(err, serial.ErrDisconnected):
			s.setConnected(false)
			if !away && !send(readResult{lost: true}) {
				return
			}
			away = true
		default:
			send(readResult{err: err})
			return
		}
	}
}

// piece handles one outcome of the splitter.
func (s *Scanner) piece(p Piece) {
	switch p.Kind {
	case Line:
		code, err := Decode(p.Data)
		switch {
		case errors.Is(err, ErrEmpty):
		case err != nil:
			s.reject(err)
		default:
			s.deliver(code)
		}
	case TooLong:
		s.reject(fmt.Errorf("%w: %d bytes", ErrTooLong, p.N))
	case Fragment:
		s.reject(fmt.Errorf("%w: %d bytes", ErrFragment, p.N))
	}
}

func (s *Scanner) deliver(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Codes++
	s.st.LastCodeAt = s.clk.Now()
	for w := range s.waiters {
		w <- code // buffered 1, and removed once served
		delete(s.waiters, w)
	}
	if s.codes != nil {
		select {
		case s.codes <- code:
		default: // nobody is reading Codes; WaitCode users still got it
		}
	}
}

func (s *Scanner) reject(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Errors++
	s.st.LastError = err.Error()
	s.st.LastErrorAt = s.clk.Now()
}

func (s *Scanner) setConnected(c bool) {
	s.mu.Lock()
	s.st.Connected = c
	s.mu.Unlock()
}

func (s *Scanner) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	s.st.Connected = false
	if s.codes != nil {
		close(s.codes)
	}
	close(s.stopped)
}

// WaitCode returns the next code scanned after the call. It keeps waiting
// through disconnects and dropped garbage (see Status for those), and
// returns ctx.Err() when ctx is done or ErrStopped once Run has returned.
// Several callers may wait at once; each gets the same code.
func (s *Scanner) WaitCode(ctx context.Context) (string, error) {
	ch := make(chan string, 1)
	s.mu.Lock()
	if s.done {
		s.mu.Unlock()
		return "", ErrStopped
	}
	s.waiters[ch] = struct{}{}
	s.mu.Unlock()
	select {
	case code := <-ch:
		return code, nil
	case <-ctx.Done():
		s.forget(ch)
		return "", ctx.Err()
	case <-s.stopped:
		s.forget(ch)
		return "", ErrStopped
	}
}

func (s *Scanner) forget(ch chan string) {
	s.mu.Lock()
	delete(s.waiters, ch)
	s.mu.Unlock()
}

// Codes returns a channel that receives every code scanned from the first
// call on; it holds up to 16 codes not yet taken and drops newer ones
// beyond that. It is closed when Run returns. Every call returns the same
// channel.
func (s *Scanner) Codes() <-chan string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.codes == nil {
		s.codes = make(chan string, 16)
		if s.done {
			close(s.codes)
		}
	}
	return s.codes
}

// Send writes a command to the scanner, for example Honeywell's trigger
// SYN T CR (16 54 0D) or a menu command (docs/protocols.md C.2). Scanners in
// sense mode, the kiosk's normal setting, need none.
func (s *Scanner) Send(cmd []byte) error {
	if _, err := s.conn.Write(cmd); err != nil {
		return fmt.Errorf("scanner: send command: %w", err)
	}
	return nil
}

// Status returns a snapshot of the scanner's counters.
func (s *Scanner) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	st.Waiting = len(s.waiters)
	return st
}
