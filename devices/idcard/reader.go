package idcard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"hallkiosk/clock"
	"hallkiosk/devices/serial"
)

// Conn is the serial link to the reader, as *serial.Port provides it. Read
// returns an error wrapping serial.ErrTimeout when no byte came within the
// port's read timeout, and serial.ErrDisconnected when the device has gone
// (the port reopens itself; the Reader keeps using the same Conn). Read
// must return now and then (the read timeout) so that Close can stop the
// Reader's receive goroutine.
type Conn interface {
	io.Reader
	io.Writer
}

// Defaults and limits of Opts (docs/protocols.md A.6 for the timing figures).
const (
	// DefaultPollInterval is the pause between two find-card polls.
	DefaultPollInterval = 500 * time.Millisecond
	// MinPollInterval is the vendor's lower bound for polling (A.6:
	// "间隔时间建议大于300ms"); shorter intervals are raised to it.
	MinPollInterval = 300 * time.Millisecond
	// DefaultFindTimeout and DefaultSelectTimeout are within the
	// 100–1000 ms that public drivers use for find and select (A.6).
	DefaultFindTimeout   = time.Second
	DefaultSelectTimeout = time.Second
	// DefaultReadTimeout covers the text, photo and fingerprint read (A.6:
	// 2–3 s in public drivers; the RF exchange dominates, not the wire).
	DefaultReadTimeout = 3 * time.Second
	// DefaultAddressTimeout is for the appended-address read (A.6: 1.5 s).
	DefaultAddressTimeout = 1500 * time.Millisecond
	// DefaultSAMTimeout is for reset, SAM status, SAM ID and set baud.
	DefaultSAMTimeout = time.Second
	// DefaultRetries is how often a read that failed with 41 or 81 is
	// retried from find card.
	DefaultRetries = 2
	// DefaultRemovedAfter is how many consecutive "no card" polls mean the
	// card has been taken away.
	DefaultRemovedAfter = 2
	// FrameGrace is how long an exchange still waits for a valid reply
	// after receiving a broken frame (bad checksum, truncated) before it
	// gives up with that frame's error.
	FrameGrace = 100 * time.Millisecond
)

// Reader errors that are not reader statuses.
var (
	// ErrNoReply: the reader did not answer within the command's timeout.
	ErrNoReply = errors.New("idcard: no reply from the reader")
	// ErrClosed: the Reader was closed.
	ErrClosed = errors.New("idcard: reader closed")
	// ErrRunning: Run was called while another Run is active.
	ErrRunning = errors.New("idcard: Run is already running")
	// ErrDisconnected is serial.ErrDisconnected, re-exported so that the
	// flows can test for it without importing the serial package.
	ErrDisconnected = serial.ErrDisconnected
)

// Opts configures a Reader. Zero fields take the documented defaults.
type Opts struct {
	// Clock times the polls and every timeout. Default the wall clock.
	Clock clock.Clock
	// PollInterval is the pause between find-card polls in Run. Default
	// 500 ms; values below MinPollInterval (300 ms, A.6) are raised.
	PollInterval time.Duration
	// FindTimeout, SelectTimeout, ReadTimeout, AddressTimeout and
	// SAMTimeout bound the wait for each reply (defaults above).
	FindTimeout, SelectTimeout, ReadTimeout, AddressTimeout, SAMTimeout time.Duration
	// Fingerprint reads with 30 10 (text, photo and fingerprint) instead of
	// 30 01 (A.3).
	Fingerprint bool
	// AppendedAddress also reads the latest appended address (30 03) after
	// the base read, without re-authenticating (A.5).
	AppendedAddress bool
	// Retries is how many times a read that failed with SW3 41 (read
	// failed) or 81 (select failed), or whose reply arrived broken, is
	// retried from find card. Zero means DefaultRetries; negative means no
	// retry.
	Retries int
	// RemovedAfter is how many consecutive "no card" (80) polls mean the
	// card has been taken away; only then is the same card delivered
	// again when placed again. Default 2.
	RemovedAfter int
	// OnEvent, when set, receives the Reader's events. It is called from
	// the Reader's goroutines, one event at a time, and must return quickly
	// and not call the Reader's exchange methods (ReadCard, SAMID …).
	OnEvent func(Event)
}

func (o Opts) withDefaults() Opts {
	o.Clock = clock.Or(o.Clock)
	if o.PollInterval == 0 {
		o.PollInterval = DefaultPollInterval
	}
	o.PollInterval = max(o.PollInterval, MinPollInterval)
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.FindTimeout, DefaultFindTimeout)
	def(&o.SelectTimeout, DefaultSelectTimeout)
	def(&o.ReadTimeout, DefaultReadTimeout)
	def(&o.AddressTimeout, DefaultAddressTimeout)
	def(&o.SAMTimeout, DefaultSAMTimeout)
	switch {
	case o.Retries == 0:
		o.Retries = DefaultRetries
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.RemovedAfter <= 0 {
		o.RemovedAfter = DefaultRemovedAfter
	}
	return o
}

// EventKind says what happened.
type EventKind int

// Event kinds.
const (
	// EventReading: a newly placed card is being read (the UI shows progress).
	EventReading EventKind = iota + 1
	// EventCardRead: a card was read and handed to WaitCard. Err is set
	// (ErrCheckDigit) when the card was read but its number is wrong.
	EventCardRead
	// EventReadFailed: a placed card could not be read; Err says why
	// (errors.Is(Err, ErrReplaceCard) when it should be placed again).
	EventReadFailed
	// EventCardRemoved: the card was taken off the reader.
	EventCardRemoved
	// EventDisconnected: the serial device went away; Err says how.
	EventDisconnected
	// EventReconnected: the reader answers again after a disconnect.
	EventReconnected
)

// String names the kind for logs.
func (k EventKind) String() string {
	switch k {
	case EventReading:
		return "reading"
	case EventCardRead:
		return "card read"
	case EventReadFailed:
		return "read failed"
	case EventCardRemoved:
		return "card removed"
	case EventDisconnected:
		return "disconnected"
	case EventReconnected:
		return "reconnected"
	}
	return fmt.Sprintf("event %d", int(k))
}

// Event is something the UI or the diagnostics screen may show. It carries
// no personal data beyond a masked ID number: the card itself goes only to
// WaitCard.
type Event struct {
	Kind     EventKind
	At       time.Time
	CardType CardType // EventCardRead
	MaskedID string   // EventCardRead: MaskID of the ID number
	Err      error
}

// Status is a snapshot for the diagnostics screen.
type Status struct {
	// Connected is false between a serial disconnect and the reader's next
	// reply.
	Connected bool
	// SAMChecked is when the SAM status was last checked (zero: never);
	// SAMErr is that check's result, nil when the SAM is fine.
	SAMChecked time.Time
	SAMErr     error
	// SAMID is the SAM's management number (zero until read).
	SAMID SAMID
	// LastErr is the last failure of any exchange (no card is not a
	// failure), and LastErrAt its time.
	LastErr   error
	LastErrAt time.Time
	// LastRead is the time of the last successful card read.
	LastRead time.Time
	// CardsRead counts cards read successfully.
	CardsRead int
	// BadFrames counts frames dropped for a bad checksum, length or
	// truncation; Noise counts bytes outside any frame; Stray counts
	// valid replies that did not fit the command waiting for them.
	BadFrames, Noise, Stray int
}

// Reader drives one SAM_V ID card reader. All exchanges are serialised;
// the methods may be called from any goroutine.
type Reader struct {
	conn Conn
	opts Opts
	clk  clock.Clock

	xmu sync.Mutex // held for a whole exchange or command sequence
	rx  Receiver   // guarded by xmu

	in    chan []byte   // chunks from the receive goroutine
	inErr chan error    // a read failure other than a timeout; buffered 1
	kick  chan struct{} // resumes the receive goroutine after a failure
	done  chan struct{}
	once  sync.Once

	emitMu sync.Mutex

	mu           sync.Mutex
	st           Status
	running      bool
	resync       bool   // read SAM status and ID at the next poll
	pending      *Card  // read, still on the reader, not handed out
	pendingErr   error  // e.g. ErrCheckDigit for pending
	failGen      uint64 // counts failed reads, for WaitCard
	failErr      error
	notify       chan struct{} // closed and replaced on a delivery or failure
	waiters      int           // WaitCard calls waiting (tests)
	disconnected bool
	onReader     bool          // Run's placed, for CardPresent
	gone         chan struct{} // closed and replaced when a card is taken away

	// Run's own state, touched only by the Run goroutine.
	placed    bool     // a card was found and not taken away since
	present   bool     // a card was delivered and not taken away since
	lastKey   [32]byte // keyed hash of its ID number (the number itself is not kept)
	absent    int      // consecutive no-card polls
	prevFound bool     // the previous poll found a card
	cooldown  int      // polls to skip before reading a card that failed again
	keys      NumberKeys

	idleHook func() // tests: called when Run starts waiting for its next poll
	// tests: called when an exchange starts waiting for more bytes, with
	// the bytes buffered and whether a broken frame was seen
	waitHook func(cmd Command, buffered int, broken bool)
}

// New returns a Reader that talks over conn and starts its receive
// goroutine. Call Run to poll for cards, and Close when done; Close does
// not close conn.
func New(conn Conn, opts Opts) *Reader {
	opts = opts.withDefaults()
	r := &Reader{
		conn:   conn,
		opts:   opts,
		clk:    opts.Clock,
		in:     make(chan []byte, 64),
		inErr:  make(chan error, 1),
		kick:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		notify: make(chan struct{}),
		gone:   make(chan struct{}),
		resync: true,
	}
	r.st.Connected = true
	r.keys = NewNumberKeys()
	go r.receive()
	return r
}

// Close stops the Reader: Run and WaitCard return ErrClosed, the receive
// goroutine ends at its next read timeout. It does not close the Conn.
func (r *Reader) Close() error {
	r.once.Do(func() { close(r.done) })
	return nil
}

// receive reads the port and hands chunks to the exchange waiting for a
// reply. After a failure that is not a timeout it waits for the next
// exchange before reading again, so that a Conn that fails at once (a
// plain file whose device has gone) is not read in a busy loop.
func (r *Reader) receive() {
	buf := make([]byte, 4096)
	for {
		n, err := r.conn.Read(buf)
		if n > 0 {
			select {
			case r.in <- clone(buf[:n]):
			case <-r.done:
				return
			}
		}
		select {
		case <-r.done:
			return
		default:
		}
		if err == nil || errors.Is(err, serial.ErrTimeout) {
			continue
		}
		r.lost(err)
		select {
		case r.inErr <- err:
		default:
		}
		if errors.Is(err, serial.ErrClosed) {
			return
		}
		select {
		case <-r.kick:
		case <-r.done:
			return
		}
	}
}

// lost records a serial failure and announces the disconnect once.
func (r *Reader) lost(err error) {
	now := r.clk.Now()
	r.mu.Lock()
	was := r.disconnected
	r.disconnected = true
	r.st.Connected = false
	r.st.LastErr, r.st.LastErrAt = err, now
	r.mu.Unlock()
	if !was {
		r.emit(Event{Kind: EventDisconnected, At: now, Err: err})
	}
}

// alive notes a valid reply; after a disconnect it announces the
// reconnection and asks Run to read the SAM again (it may be another reader).
func (r *Reader) alive() {
	r.mu.Lock()
	was := r.disconnected
	r.disconnected = false
	r.st.Connected = true
	if was {
		r.resync = true
	}
	r.mu.Unlock()
	if was {
		r.emit(Event{Kind: EventReconnected, At: r.clk.Now()})
	}
}

func (r *Reader) emit(e Event) {
	if r.opts.OnEvent == nil {
		return
	}
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	r.opts.OnEvent(e)
}

func (r *Reader) noteErr(err error) {
	r.mu.Lock()
	r.st.LastErr, r.st.LastErrAt = err, r.clk.Now()
	r.mu.Unlock()
}

// exchange sends cmd and waits up to timeout for its reply. The caller
// holds xmu. Noise, bad frames and replies that cannot belong to cmd are
// skipped (A.2); the reply's status is left to the caller.
func (r *Reader) exchange(ctx context.Context, cmd Command, timeout time.Duration) (Reply, error) {
	// Whatever is buffered belongs to an earlier exchange.
drain:
	for {
		select {
		case <-r.in:
		default:
			break drain
		}
	}
	select {
	case <-r.inErr:
	default:
	}
	r.rx.Reset()
	select {
	case r.kick <- struct{}{}:
	default:
	}
	if err := ctx.Err(); err != nil {
		return Reply{}, fmt.Errorf("%s: %w", cmd.Name(), err)
	}
	if _, err := r.conn.Write(cmd.Frame()); err != nil {
		if !errors.Is(err, serial.ErrClosed) {
			r.lost(err)
		}
		return Reply{}, fmt.Errorf("%s: write: %w", cmd.Name(), err)
	}
	deadline := r.clk.Now().Add(timeout)
	t := r.clk.NewTimer(timeout)
	defer t.Stop()
	var frameErr error
	for {
		for {
			f, err := r.rx.Next()
			if errors.Is(err, ErrNeedMore) {
				break
			}
			if err != nil {
				// The reply came but broke (A.2). Give a valid frame
				// right behind it (after noise) a short grace, then report
				// the breakage rather than wait out the whole timeout.
				r.mu.Lock()
				r.st.BadFrames++
				r.mu.Unlock()
				if frameErr == nil {
					t.Reset(max(0, min(FrameGrace, deadline.Sub(r.clk.Now()))))
				}
				frameErr = err
				continue
			}
			rep, err := f.Reply()
			if err != nil || !cmd.accepts(rep) {
				r.mu.Lock()
				r.st.Stray++
				r.mu.Unlock()
				continue
			}
			r.mu.Lock()
			r.st.Noise += r.rx.Noise
			r.rx.Noise = 0
			r.mu.Unlock()
			r.alive()
			return rep, nil
		}
		if r.waitHook != nil {
			r.waitHook(cmd, r.rx.Buffered(), frameErr != nil)
		}
		select {
		case b := <-r.in:
			r.rx.Feed(b)
		case err := <-r.inErr:
			return Reply{}, fmt.Errorf("%s: %w", cmd.Name(), err)
		case <-t.C():
			if frameErr == nil {
				// Part of a frame and then silence: a truncated reply.
				r.rx.End()
				if _, err := r.rx.Next(); !errors.Is(err, ErrNeedMore) {
					frameErr = err
					r.mu.Lock()
					r.st.BadFrames++
					r.mu.Unlock()
				}
			}
			if frameErr != nil {
				return Reply{}, fmt.Errorf("%s: no valid reply: %w", cmd.Name(), frameErr)
			}
			return Reply{}, fmt.Errorf("%s: %w within %v", cmd.Name(), ErrNoReply, timeout)
		case <-ctx.Done():
			return Reply{}, fmt.Errorf("%s: %w", cmd.Name(), ctx.Err())
		case <-r.done:
			return Reply{}, fmt.Errorf("%s: %w", cmd.Name(), ErrClosed)
		}
	}
}

// command runs one exchange and turns a failure status into a
// *StatusError.
func (r *Reader) command(ctx context.Context, cmd Command, timeout time.Duration) (Reply, error) {
	rep, err := r.exchange(ctx, cmd, timeout)
	if err == nil {
		err = rep.Err(cmd)
	}
	return rep, err
}

func (r *Reader) samCommand(ctx context.Context, cmd Command) (Reply, error) {
	r.xmu.Lock()
	defer r.xmu.Unlock()
	rep, err := r.command(ctx, cmd, r.opts.SAMTimeout)
	if err != nil {
		r.noteErr(err)
	}
	return rep, err
}

// ResetSAM resets the reader's SAM module (10 FF, A.3).
func (r *Reader) ResetSAM(ctx context.Context) error {
	_, err := r.samCommand(ctx, CmdResetSAM)
	return err
}

// SAMStatus checks the SAM (11 FF, A.3): nil when it is fine, an error
// matching ErrSAMSelfTest when its self-test failed. The result is kept
// for Status.
func (r *Reader) SAMStatus(ctx context.Context) error {
	_, err := r.samCommand(ctx, CmdSAMStatus)
	r.mu.Lock()
	r.st.SAMChecked, r.st.SAMErr = r.clk.Now(), err
	r.mu.Unlock()
	return err
}

// SAMID reads the SAM's management number (12 FF, A.5) and keeps it for
// Status.
func (r *Reader) SAMID(ctx context.Context) (SAMID, error) {
	rep, err := r.samCommand(ctx, CmdSAMID)
	if err != nil {
		return SAMID{}, err
	}
	id, err := ParseSAMID(rep.Data)
	if err != nil {
		return SAMID{}, fmt.Errorf("read SAM ID: %w", err)
	}
	r.mu.Lock()
	r.st.SAMID = id
	r.mu.Unlock()
	return id, nil
}

// SetBaud switches the reader's UART to rate (60 0n, A.3): 115200, 57600,
// 38400, 19200 or 9600. The reader answers at the old rate; the caller
// must then reopen the port at the new one.
func (r *Reader) SetBaud(ctx context.Context, rate int) error {
	cmd, err := BaudCommand(rate)
	if err != nil {
		return err
	}
	_, err = r.samCommand(ctx, cmd)
	return err
}

// ReadCard reads the card on the reader now: find, select, read (and the
// appended address when Opts.AppendedAddress), each with its own timeout
// (A.6). A read that fails with 41 or 81, or whose reply arrives broken,
// is retried from find; when the
// card is gone by then, the read's error is returned (it matches
// ErrReplaceCard). With no card on the reader the error matches ErrNoCard.
// A card whose ID number fails its check digit is returned together with
// an error matching ErrCheckDigit.
func (r *Reader) ReadCard(ctx context.Context) (*Card, error) {
	r.xmu.Lock()
	defer r.xmu.Unlock()
	c, err := r.readLocked(ctx, false)
	r.noteRead(c, err)
	return c, err
}

func (r *Reader) noteRead(c *Card, err error) {
	now := r.clk.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if c != nil {
		r.st.CardsRead++
		r.st.LastRead = now
	}
	if err != nil && !errors.Is(err, ErrNoCard) {
		r.st.LastErr, r.st.LastErrAt = err, now
	}
}

// readLocked runs the read sequence; found says that find card has just
// succeeded. The caller holds xmu.
func (r *Reader) readLocked(ctx context.Context, found bool) (*Card, error) {
	var last error
	moved := false // last is a 41/81 from the card
	for attempt := 0; attempt <= r.opts.Retries; attempt++ {
		if !found || attempt > 0 {
			_, err := r.command(ctx, CmdFindCard, r.opts.FindTimeout)
			switch {
			case err == nil:
			case moved && errors.Is(err, ErrNoCard):
				return nil, last // pulled off the reader: the read's own error says so
			case retryable(err):
				last, moved = fmt.Errorf("read card: %w", err), false
				continue
			default:
				return nil, fmt.Errorf("read card: %w", err)
			}
		}
		c, err := r.selectAndRead(ctx)
		if err == nil || c != nil {
			return c, err
		}
		last = fmt.Errorf("read card: %w", err)
		if !retryable(err) {
			return nil, last
		}
		var se *StatusError
		moved = errors.As(err, &se)
	}
	return nil, last
}

// retryable: a read worth repeating from find card: the card moved (41,
// 81, A.4) or a reply arrived broken (A.2).
func retryable(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.SW3 == 0x41 || se.SW3 == 0x81
	}
	var fe *FrameError
	return errors.As(err, &fe)
}

func (r *Reader) selectAndRead(ctx context.Context) (*Card, error) {
	if _, err := r.command(ctx, CmdSelectCard, r.opts.SelectTimeout); err != nil {
		return nil, err
	}
	cmd := CmdReadText
	if r.opts.Fingerprint {
		cmd = CmdReadFingerprint
	}
	rep, err := r.command(ctx, cmd, r.opts.ReadTimeout)
	if err != nil {
		return nil, err
	}
	c, cerr := ParseRead(cmd, rep.Data)
	if c == nil {
		return nil, cerr
	}
	if r.opts.AppendedAddress {
		// Right after the base read, without re-authenticating (A.5).
		rep, err := r.command(ctx, CmdReadAddress, r.opts.AddressTimeout)
		switch {
		case err == nil:
			c.AppendedAddress = ParseAddress(rep.Data)
		case errors.Is(err, ErrNoContent):
		default:
			return nil, err
		}
	}
	if cerr != nil {
		return c, fmt.Errorf("read card: %w", cerr)
	}
	return c, nil
}

// Status returns a snapshot for diagnostics.
func (r *Reader) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st
}

// Run polls the reader every PollInterval until ctx ends or Close, and
// hands each placed card to WaitCard once: a card is delivered again only
// after RemovedAfter consecutive polls found no card and it was placed
// again. Whether a card still lying on the reader is found again varies
// between readers (A.13), so after a short absence the card is read again
// and compared by ID number: the same number is not delivered twice. It
// reads the SAM status and ID at the start and after a reconnect. Run
// returns ctx.Err(), ErrClosed, or ErrRunning when already running.
func (r *Reader) Run(ctx context.Context) error {
	r.mu.Lock()
	if r.running {
		r.mu.Unlock()
		return ErrRunning
	}
	r.running = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.running = false
		r.mu.Unlock()
	}()
	t := r.clk.NewTimer(r.opts.PollInterval)
	defer t.Stop()
	for {
		if r.idleHook != nil {
			r.idleHook()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.done:
			return ErrClosed
		case <-t.C():
		}
		r.mu.Lock()
		resync := r.resync
		r.mu.Unlock()
		if resync {
			r.checkSAM(ctx)
		}
		r.poll(ctx)
		t.Reset(r.opts.PollInterval)
	}
}

// failCooldown is how many polls that find a card which failed to read
// pass before it is read again (A.6: the citizen is asked to re-place it;
// a re-placement shows as "no card" and ends the cooldown at once).
const failCooldown = 3

// checkSAM reads the SAM status and ID for Status. It stays due while the
// reader does not answer.
func (r *Reader) checkSAM(ctx context.Context) {
	err := r.SAMStatus(ctx)
	if err == nil {
		_, err = r.SAMID(ctx)
	}
	var se *StatusError
	if err == nil || errors.As(err, &se) {
		r.mu.Lock()
		r.resync = false
		r.mu.Unlock()
	}
}

func (r *Reader) poll(ctx context.Context) {
	r.xmu.Lock()
	defer r.xmu.Unlock()
	_, err := r.command(ctx, CmdFindCard, r.opts.FindTimeout)
	switch {
	case errors.Is(err, ErrNoCard):
		r.prevFound = false
		r.cooldown = 0
		r.absent++
		if r.placed && r.absent >= r.opts.RemovedAfter {
			r.placed, r.present = false, false
			r.lastKey = [32]byte{}
			r.mu.Lock()
			if r.pending != nil {
				r.pending.Clear()
			}
			r.pending, r.pendingErr = nil, nil
			r.onReader = false
			close(r.gone)
			r.gone = make(chan struct{})
			r.mu.Unlock()
			r.emit(Event{Kind: EventCardRemoved, At: r.clk.Now()})
		}
		return
	case err != nil:
		if ctx.Err() == nil {
			r.noteErr(fmt.Errorf("poll: %w", err))
		}
		return
	}
	r.absent = 0
	if !r.placed {
		r.placed = true
		r.mu.Lock()
		r.onReader = true
		r.mu.Unlock()
	}
	if r.present && r.prevFound {
		return // the card delivered last is still lying there
	}
	if r.cooldown > 0 {
		// A card that failed to read and was not taken away: try again
		// now and then, not at every poll (a bank card on the reader
		// would otherwise fail twice a second).
		r.cooldown--
		return
	}
	r.prevFound = true
	verify := r.present // found again after a short absence: same card?
	if !verify {
		r.emit(Event{Kind: EventReading, At: r.clk.Now()})
	}
	c, err := r.readLocked(ctx, true)
	r.noteRead(c, err)
	if c == nil {
		if ctx.Err() != nil {
			return
		}
		r.prevFound = false
		if !verify {
			r.cooldown = failCooldown
			r.fail(err)
		}
		return
	}
	key := r.keys.Key(c.IDNumber)
	if verify && key == r.lastKey {
		c.Clear()
		return
	}
	r.present, r.lastKey = true, key
	r.deliver(c, err)
}

func (r *Reader) deliver(c *Card, err error) {
	// The event is made before the card is published: once WaitCard has
	// it, the card belongs to the caller (who may Clear it).
	e := Event{Kind: EventCardRead, At: r.clk.Now(), CardType: c.Type, MaskedID: MaskID(c.IDNumber), Err: err}
	r.mu.Lock()
	if r.pending != nil {
		r.pending.Clear()
	}
	r.pending, r.pendingErr = c, err
	close(r.notify)
	r.notify = make(chan struct{})
	r.mu.Unlock()
	r.emit(e)
}

func (r *Reader) fail(err error) {
	r.mu.Lock()
	r.failGen++
	r.failErr = err
	close(r.notify)
	r.notify = make(chan struct{})
	r.mu.Unlock()
	r.emit(Event{Kind: EventReadFailed, At: r.clk.Now(), Err: err})
}

// WaitCard returns the next card placed after the call, or a card lying on
// the reader that has not been handed out yet; each card is handed out
// once, and from then on belongs to the caller (the Reader keeps no
// reference; Card.Clear is safe). A placed card that could not be read after the call is returned as
// an error (errors.Is(err, ErrReplaceCard) when it should be placed
// again). A card whose number fails its check digit comes with an error
// matching ErrCheckDigit. Run must be running; WaitCard itself only waits.
func (r *Reader) WaitCard(ctx context.Context) (*Card, error) {
	r.mu.Lock()
	gen := r.failGen
	for {
		if c := r.pending; c != nil {
			err := r.pendingErr
			r.pending, r.pendingErr = nil, nil
			r.mu.Unlock()
			return c, err
		}
		if r.failGen != gen {
			err := r.failErr
			r.mu.Unlock()
			return nil, err
		}
		ch := r.notify
		r.waiters++
		r.mu.Unlock()
		var err error
		select {
		case <-ch:
		case <-ctx.Done():
			err = ctx.Err()
		case <-r.done:
			err = ErrClosed
		}
		r.mu.Lock()
		r.waiters--
		if err != nil {
			r.mu.Unlock()
			return nil, err
		}
	}
}

// CardPresent reports whether a card lies on the reader as far as Run's
// polls know: from the poll that found it until RemovedAfter polls found
// none. A reader whose find card answers 80 after a successful read (A.13)
// makes a card lying there look taken away.
func (r *Reader) CardPresent() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.onReader
}

// WaitRemoved returns nil once no card lies on the reader (CardPresent is
// false), at once when there is none. Run must be running.
func (r *Reader) WaitRemoved(ctx context.Context) error {
	for {
		r.mu.Lock()
		on, ch := r.onReader, r.gone
		r.mu.Unlock()
		if !on {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-r.done:
			return ErrClosed
		}
	}
}

// Forget drops a card that was read but not handed out yet, as if it had
// been handed out: the next WaitCard waits for a card placed after the
// call. The kiosk calls it when a citizen's visit ends, so that a card
// placed during that visit and never used is not handed to the next
// citizen's transaction.
func (r *Reader) Forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending != nil {
		r.pending.Clear()
	}
	r.pending, r.pendingErr = nil, nil
}
