package serial

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	tarm "github.com/tarm/serial"
	"golang.org/x/sys/unix"

	"hallkiosk/clock"
)

// Defaults applied to zero Config fields.
const (
	DefaultBaud         = 115200
	DefaultReadTimeout  = 100 * time.Millisecond
	DefaultReconnectMin = 200 * time.Millisecond
	DefaultReconnectMax = 10 * time.Second
	DefaultTapSize      = 64
)

// Limits of the read timeout: termios VTIME counts deciseconds in one byte
// (docs/serial-notes.md), so tarm/serial truncates to 100 ms steps and caps at
// 25.5 s.
const (
	minReadTimeout = 100 * time.Millisecond
	maxReadTimeout = 25500 * time.Millisecond
)

// Config describes one serial device. Zero fields take the defaults above.
type Config struct {
	// Name is what the device is called in errors and on the diagnostics
	// screen ("scanner", "printer"); it defaults to the base name of Path.
	Name string
	// Path is the device node. Prefer /dev/serial/by-id/...: that symlink
	// follows the adapter when it comes back as ttyUSB1 after a re-plug,
	// which is what makes the background reopen find it again.
	Path string
	// Baud is the line speed; the frame is always 8N1. Default 115200.
	// Scanners in serial mode usually run at 9600 (docs/protocols.md C.2).
	Baud int
	// ReadTimeout is how long Read waits for the first byte before
	// returning ErrTimeout. Default 100 ms. It is rounded down to a
	// multiple of 100 ms and kept within 100 ms..25.5 s (termios VTIME).
	ReadTimeout time.Duration
	// ReconnectMin and ReconnectMax bound the back-off between reopen
	// attempts after a disconnect: the delay starts at ReconnectMin and
	// doubles up to ReconnectMax, each wait drawn from [d/2, d] so that
	// several ports do not retry in lock step. Defaults 200 ms and 10 s.
	ReconnectMin, ReconnectMax time.Duration
	// TapSize is how many frames the traffic tap keeps each way. Default
	// 64; negative turns the tap off. The tap holds raw bytes, which for
	// an ID reader or a scanner include personal data: keep it small and
	// clear it with Tap.Clear when a session ends.
	TapSize int
	// Clock drives the back-off and stamps status and tap times. Default
	// the wall clock.
	Clock clock.Clock
}

func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = filepath.Base(c.Path)
	}
	if c.Baud == 0 {
		c.Baud = DefaultBaud
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	c.ReadTimeout = c.ReadTimeout.Truncate(minReadTimeout)
	c.ReadTimeout = min(max(c.ReadTimeout, minReadTimeout), maxReadTimeout)
	if c.ReconnectMin <= 0 {
		c.ReconnectMin = DefaultReconnectMin
	}
	if c.ReconnectMax <= 0 {
		c.ReconnectMax = DefaultReconnectMax
	}
	c.ReconnectMax = max(c.ReconnectMax, c.ReconnectMin)
	if c.TapSize == 0 {
		c.TapSize = DefaultTapSize
	}
	c.Clock = clock.Or(c.Clock)
	return c
}

// Status is a snapshot of a port for the diagnostics screen.
type Status struct {
	Name      string
	Path      string
	Baud      int
	Connected bool
	// LastError describes the last failure (a timeout is not a failure).
	LastError   string
	LastErrorAt time.Time
	// LastOK is the time of the last read or write that moved bytes.
	LastOK time.Time
	// Reconnects counts successful reopens after a disconnect.
	Reconnects int
	BytesIn    int64
	BytesOut   int64
}

// Port is a serial device that reopens itself. One goroutine may read
// while another writes; Status, Tap and Close may be called from any
// goroutine.
type Port struct {
	cfg        Config
	clk        clock.Clock
	tap        *Tap
	timeoutErr error

	mu      sync.Mutex
	cur     *conn // nil while disconnected or closed
	closed  bool
	changed chan struct{} // closed and replaced whenever cur or closed changes
	st      Status
	cause   error // why the device is away, for ErrDisconnected while it is

	lost chan struct{} // wakes the reconnector; buffered 1
	done chan struct{} // closed by Close
	wg   sync.WaitGroup
}

// conn is one open of the device: the tarm/serial port that reads and
// writes, and a second descriptor of the same terminal for ioctls that
// tarm/serial does not offer (it hides its file).
type conn struct {
	sp  *tarm.Port
	ctl *os.File
}

// hungUp reports whether the terminal has been hung up: a pty whose master
// closed or a USB adapter that was unplugged polls as POLLHUP.
func (c *conn) hungUp() bool {
	rc, err := c.ctl.SyscallConn()
	if err != nil {
		return true
	}
	hup := false
	err = rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, perr := unix.Poll(fds, 0)
		hup = perr == nil && n > 0 && fds[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0
	})
	return hup || err != nil
}

func (c *conn) close() {
	c.sp.Close()
	c.ctl.Close()
}

// Open opens the device at cfg.Path with cfg.Baud, 8N1 and the read
// timeout, and starts the background reconnector. It fails when the device
// cannot be opened now; once open, a later disconnect is healed in the
// background.
func Open(cfg Config) (*Port, error) {
	if cfg.Path == "" {
		return nil, errors.New("open serial port: no path")
	}
	cfg = cfg.withDefaults()
	p := &Port{
		cfg:     cfg,
		clk:     cfg.Clock,
		changed: make(chan struct{}),
		lost:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		st:      Status{Name: cfg.Name, Path: cfg.Path, Baud: cfg.Baud},
	}
	p.timeoutErr = &PortError{Op: "read", Port: cfg.Name, Path: cfg.Path, Err: ErrTimeout}
	if cfg.TapSize > 0 {
		p.tap = newTap(cfg.TapSize, coalesceGap(cfg.Baud), cfg.Clock)
	}
	c, err := p.dial()
	if err != nil {
		return nil, err
	}
	p.cur = c
	p.st.Connected = true
	p.wg.Add(1)
	go p.reconnector()
	return p, nil
}

// coalesceGap is the longest silence between two read chunks that still
// belong to one frame: two character times (10 bits each at 8N1), but at
// least 20 ms, because USB adapters hand bytes over in batches (the FTDI
// latency timer defaults to 16 ms) and the scheduler adds its own delay.
func coalesceGap(baud int) time.Duration {
	char := time.Duration(10 * int64(time.Second) / int64(baud))
	return max(2*char, 20*time.Millisecond)
}

func (p *Port) dial() (*conn, error) {
	sp, err := tarm.OpenPort(&tarm.Config{
		Name:        p.cfg.Path,
		Baud:        p.cfg.Baud,
		ReadTimeout: p.cfg.ReadTimeout,
		Size:        8,
		Parity:      tarm.ParityNone,
		StopBits:    tarm.Stop1,
	})
	if err != nil {
		return nil, &PortError{Op: "open", Port: p.cfg.Name, Path: p.cfg.Path, Err: err}
	}
	ctl, err := os.OpenFile(p.cfg.Path, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		sp.Close()
		return nil, &PortError{Op: "open", Port: p.cfg.Name, Path: p.cfg.Path, Err: err}
	}
	return &conn{sp: sp, ctl: ctl}, nil
}

// acquire returns the open connection. While the device is away it waits
// up to one read timeout for the reconnector (real time: the timeout is the
// kernel's VTIME, not the clock), so a caller that loops on ErrDisconnected
// is paced as it is by ErrTimeout and never spins.
func (p *Port) acquire(op string) (*conn, error) {
	var timer *time.Timer
	for {
		p.mu.Lock()
		c, closed, changed, cause := p.cur, p.closed, p.changed, p.cause
		p.mu.Unlock()
		switch {
		case closed:
			return nil, p.errorf(op, ErrClosed, nil)
		case c != nil:
			if timer != nil {
				timer.Stop()
			}
			return c, nil
		}
		if timer == nil {
			timer = time.NewTimer(p.cfg.ReadTimeout)
		}
		select {
		case <-changed:
		case <-timer.C:
			return nil, p.errorf(op, ErrDisconnected, cause)
		}
	}
}

func (p *Port) errorf(op string, sentinel, cause error) error {
	return &PortError{Op: op, Port: p.cfg.Name, Path: p.cfg.Path, Err: sentinel, Cause: cause}
}

// Read reads what has arrived, waiting up to the read timeout for the first
// byte. It returns ErrTimeout when nothing came, ErrDisconnected when the
// device is gone (the port then reopens in the background) and ErrClosed
// after Close; errors are *PortError wrapping these sentinels.
func (p *Port) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	c, err := p.acquire("read")
	if err != nil {
		return 0, err
	}
	start := time.Now()
	n, err := c.sp.Read(b)
	waited := time.Since(start)
	if n > 0 {
		// A read that moved bytes succeeded; if it also saw an error the
		// next read will see it again.
		p.tap.record(In, b[:n])
		p.mu.Lock()
		p.st.BytesIn += int64(n)
		p.st.LastOK = p.clk.Now()
		p.mu.Unlock()
		return n, nil
	}
	if err == nil {
		err = io.EOF
	}
	if p.isClosed() {
		return 0, p.errorf("read", ErrClosed, nil)
	}
	// tarm/serial reports a timeout as io.EOF after waiting VTIME, and a
	// hung-up line as io.EOF at once (docs/serial-notes.md). The terminal itself
	// says whether it was hung up (POLLHUP); failing that, a timeout cannot
	// end early, so an EOF in less than half the timeout is a hang-up too,
	// and so is a waited EOF when the device node has gone.
	if errors.Is(err, io.EOF) {
		switch {
		case c.hungUp(), waited < p.cfg.ReadTimeout/2:
			err = errHangup
		default:
			if _, serr := os.Stat(p.cfg.Path); !errors.Is(serr, fs.ErrNotExist) {
				p.tap.endIn()
				return 0, p.timeoutErr
			}
			err = fmt.Errorf("%s has gone: %w", p.cfg.Path, fs.ErrNotExist)
		}
	}
	// Every other error (EIO, ENODEV, ENXIO ...) leaves the device in an
	// unknown state; closing and reopening is the one remedy that always
	// applies, so all of them count as a disconnect.
	p.lose(c, "read", err)
	return 0, p.errorf("read", ErrDisconnected, err)
}

// Write writes b as one frame. It returns ErrDisconnected (with EIO or
// similar as the cause) when the device is gone and ErrClosed after Close.
func (p *Port) Write(b []byte) (int, error) {
	c, err := p.acquire("write")
	if err != nil {
		return 0, err
	}
	n, err := c.sp.Write(b)
	if n > 0 {
		p.tap.record(Out, b[:n])
		p.mu.Lock()
		p.st.BytesOut += int64(n)
		p.st.LastOK = p.clk.Now()
		p.mu.Unlock()
	}
	if err == nil {
		return n, nil
	}
	if p.isClosed() {
		return n, p.errorf("write", ErrClosed, nil)
	}
	p.lose(c, "write", err)
	return n, p.errorf("write", ErrDisconnected, err)
}

// Flush discards input that has arrived but not been read (TCIFLUSH), for
// example a late answer to a previous command. Output already written is
// kept: tarm/serial's own Flush would discard it too (TCIOFLUSH).
func (p *Port) Flush() error {
	p.mu.Lock()
	c, closed := p.cur, p.closed
	p.mu.Unlock()
	if closed {
		return p.errorf("flush", ErrClosed, nil)
	}
	if c == nil {
		return p.errorf("flush", ErrDisconnected, nil)
	}
	rc, err := c.ctl.SyscallConn()
	if err != nil {
		return p.errorf("flush", ErrDisconnected, err)
	}
	var ioErr error
	if err := rc.Control(func(fd uintptr) {
		ioErr = unix.IoctlSetInt(int(fd), unix.TCFLSH, unix.TCIFLUSH)
	}); err != nil {
		ioErr = err
	}
	if ioErr != nil {
		p.lose(c, "flush", ioErr)
		return p.errorf("flush", ErrDisconnected, ioErr)
	}
	p.tap.endIn()
	return nil
}

// Close closes the device and stops the reconnector. Later calls, and
// reads and writes after it, return ErrClosed.
func (p *Port) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return p.errorf("close", ErrClosed, nil)
	}
	p.closed = true
	c := p.cur
	p.cur = nil
	p.st.Connected = false
	p.signalLocked()
	close(p.done)
	p.mu.Unlock()
	if c != nil {
		c.close()
	}
	p.wg.Wait()
	return nil
}

// Status returns a snapshot of the port's state and counters.
func (p *Port) Status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

// Tap returns the traffic tap, or nil when Config.TapSize is negative. A
// nil *Tap is safe to use: it records nothing and returns no frames.
func (p *Port) Tap() *Tap { return p.tap }

func (p *Port) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// signalLocked wakes everyone waiting in acquire; p.mu must be held.
func (p *Port) signalLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// lose marks c as gone, closes it and wakes the reconnector. Only the first
// of several concurrent failures of the same connection acts.
func (p *Port) lose(c *conn, op string, cause error) {
	p.mu.Lock()
	if p.cur != c || p.closed {
		p.mu.Unlock()
		return
	}
	p.cur = nil
	p.st.Connected = false
	p.st.LastError = fmt.Sprintf("%s: %v", op, cause)
	p.st.LastErrorAt = p.clk.Now()
	p.cause = cause
	p.signalLocked()
	p.mu.Unlock()
	// A vanished USB device keeps its tty alive until every descriptor is
	// closed; closing promptly lets the kernel reuse the name.
	c.close()
	p.tap.endIn()
	select {
	case p.lost <- struct{}{}:
	default:
	}
}

// reconnector reopens the device after each loss, with jittered
// exponential back-off on the clock.
func (p *Port) reconnector() {
	defer p.wg.Done()
	for {
		select {
		case <-p.done:
			return
		case <-p.lost:
		}
		delay := p.cfg.ReconnectMin
		for {
			wait := delay/2 + rand.N(delay/2+1)
			t := p.clk.NewTimer(wait)
			select {
			case <-p.done:
				t.Stop()
				return
			case <-t.C():
			}
			c, err := p.dial()
			p.mu.Lock()
			if p.closed {
				p.mu.Unlock()
				if c != nil {
					c.close()
				}
				return
			}
			if err == nil {
				p.cur = c
				p.st.Connected = true
				p.st.Reconnects++
				p.cause = nil
				p.signalLocked()
				p.mu.Unlock()
				break
			}
			p.st.LastError = err.Error()
			p.st.LastErrorAt = p.clk.Now()
			p.cause = err
			p.mu.Unlock()
			delay = min(2*delay, p.cfg.ReconnectMax)
		}
	}
}
