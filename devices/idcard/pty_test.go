package idcard_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"hallkiosk/clock"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/serial"
	"hallkiosk/devices/sim/idcardsim"
)

// These tests run the real driver over a real serial port (tarm/serial on
// a pseudo-terminal) against the simulator: the bytes on the wire are the
// ones under test. Polls and timeouts run on a fake clock; waitLimit only
// guards against a hang and is never what a test checks.
const waitLimit = 10 * time.Second

var epoch = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

type rig struct {
	t      *testing.T
	sim    *idcardsim.Sim
	port   *serial.Port
	clk    *clock.Fake
	r      *idcard.Reader
	events chan idcard.Event
	idle   chan struct{}
	opts   idcard.Opts
}

// newRig starts a simulator behind a by-id style symlink, opens it through
// the serial package and puts a Reader on it.
func newRig(t *testing.T, simOpts idcardsim.Opts, opts idcard.Opts) *rig {
	t.Helper()
	simOpts.Link = filepath.Join(t.TempDir(), "usb-idreader")
	s, err := idcardsim.Start(simOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	port, err := serial.Open(serial.Config{
		Name: "idcard", Path: s.Path(), Baud: 115200, ReadTimeout: 100 * time.Millisecond,
		ReconnectMin: 10 * time.Millisecond, ReconnectMax: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	g := &rig{t: t, sim: s, port: port, clk: clock.NewFake(epoch),
		events: make(chan idcard.Event, 256), idle: make(chan struct{}, 256)}
	opts.Clock = g.clk
	opts.OnEvent = func(e idcard.Event) {
		select {
		case g.events <- e:
		default:
			t.Errorf("event %v dropped", e.Kind)
		}
	}
	g.opts = opts
	g.r = idcard.New(port, opts)
	t.Cleanup(func() { g.r.Close() })
	return g
}

// run starts Run and waits until it waits for its first poll.
func (g *rig) run() {
	g.t.Helper()
	idcard.SetIdleHook(g.r, func() { g.idle <- struct{}{} })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.r.Run(ctx) }()
	g.t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			g.t.Errorf("Run returned %v", err)
		}
	})
	g.waitIdle()
}

func (g *rig) waitIdle() {
	g.t.Helper()
	select {
	case <-g.idle:
	case <-time.After(waitLimit):
		g.t.Fatal("Run never came back to waiting for its poll")
	}
}

// poll lets exactly one poll happen and waits until it is over.
func (g *rig) poll() {
	g.t.Helper()
	interval := g.opts.PollInterval
	if interval == 0 {
		interval = idcard.DefaultPollInterval
	}
	g.clk.Advance(interval)
	g.waitIdle()
}

func (g *rig) place(id string) {
	g.t.Helper()
	if err := g.sim.Place(id); err != nil {
		g.t.Fatal(err)
	}
}

// eventKinds drains the events seen so far.
func (g *rig) eventKinds() []idcard.EventKind {
	var ks []idcard.EventKind
	for {
		select {
		case e := <-g.events:
			ks = append(ks, e.Kind)
		default:
			return ks
		}
	}
}

// waitCard runs WaitCard in the background.
func (g *rig) waitCard() (result chan cardResult, cancel func()) {
	ctx, cancel := context.WithCancel(context.Background())
	result = make(chan cardResult, 1)
	n := idcard.Waiters(g.r)
	go func() {
		c, err := g.r.WaitCard(ctx)
		result <- cardResult{c, err}
	}()
	// Wait until it waits (or has returned a held card at once).
	for end := time.Now().Add(waitLimit); idcard.Waiters(g.r) <= n && len(result) == 0; {
		if time.Now().After(end) {
			g.t.Fatal("WaitCard never started waiting")
		}
		time.Sleep(100 * time.Microsecond)
	}
	return result, cancel
}

type cardResult struct {
	c   *idcard.Card
	err error
}

func (g *rig) got(ch chan cardResult) cardResult {
	g.t.Helper()
	select {
	case res := <-ch:
		return res
	case <-time.After(waitLimit):
		g.t.Fatal("WaitCard did not return")
		return cardResult{}
	}
}

// nothing checks that WaitCard has nothing to return: it is cancelled and
// must come back with the cancellation, not a card.
func (g *rig) nothing(ch chan cardResult, cancel func()) {
	g.t.Helper()
	cancel()
	if res := g.got(ch); !errors.Is(res.err, context.Canceled) {
		g.t.Fatalf("WaitCard returned %+v, %v; want nothing", res.c, res.err)
	}
}

func profile(t *testing.T, s *idcardsim.Sim, id string) idcard.Card {
	t.Helper()
	p, ok := s.Profile(id)
	if !ok {
		t.Fatalf("no profile %s", id)
	}
	return p.Card
}

// same compares a read card with its profile.
func same(t *testing.T, got *idcard.Card, want idcard.Card, fingerprint, address bool) {
	t.Helper()
	if got == nil {
		t.Fatal("no card")
	}
	if len(got.RawText) != idcard.TextLen {
		t.Errorf("raw text of %d bytes", len(got.RawText))
	}
	if !bytes.HasPrefix(got.Photo, []byte("WL")) || !bytes.Equal(got.Photo, want.Photo) {
		t.Errorf("photo differs (%d bytes)", len(got.Photo))
	}
	if !fingerprint {
		want.Fingerprint = nil
	}
	if !address {
		want.AppendedAddress = ""
	}
	if !bytes.Equal(got.Fingerprint, want.Fingerprint) {
		t.Errorf("fingerprint: %d bytes, want %d", len(got.Fingerprint), len(want.Fingerprint))
	}
	g := *got
	g.RawText, g.Photo, g.Fingerprint, want.Photo, want.Fingerprint = nil, nil, nil, nil, nil
	want.CheckDigitOK = idcard.CheckIDNumber(want.IDNumber) == nil || want.Type == idcard.Foreign2017
	if !reflect.DeepEqual(g, want) {
		t.Errorf("card\n got %+v\nwant %+v", g, want)
	}
}

func TestReadEveryProfileOverPTY(t *testing.T) {
	for _, mode := range []struct {
		name                 string
		fingerprint, address bool
	}{{"text+photo", false, false}, {"fingerprint+address", true, true}} {
		t.Run(mode.name, func(t *testing.T) {
			g := newRig(t, idcardsim.Opts{}, idcard.Opts{Fingerprint: mode.fingerprint, AppendedAddress: mode.address})
			for _, p := range g.sim.Profiles() {
				t.Run(p.ID, func(t *testing.T) {
					g.place(p.ID)
					c, err := g.r.ReadCard(context.Background())
					bad := idcard.CheckIDNumber(p.Card.IDNumber) != nil && p.Card.Type != idcard.Foreign2017
					if bad {
						if !errors.Is(err, idcard.ErrCheckDigit) || c == nil || c.CheckDigitOK {
							t.Fatalf("bad check digit: card %v, err %v", c != nil, err)
						}
					} else if err != nil {
						t.Fatal(err)
					}
					same(t, c, p.Card, mode.fingerprint, mode.address)
				})
			}
		})
	}
}

// Every card type of A.9 is among the profiles, with the cases the issue asks for.
func TestProfilesCoverTheCases(t *testing.T) {
	ps, err := idcardsim.LoadProfiles()
	if err != nil {
		t.Fatal(err)
	}
	count := map[idcard.CardType]int{}
	var rare, indefinite, bad, fp, addr, hk bool
	for _, p := range ps {
		c := p.Card
		count[c.Type]++
		rare = rare || bytes.ContainsAny([]byte(c.Name), "喆堃")
		indefinite = indefinite || c.ValidUntil == idcard.Indefinite
		bad = bad || c.Type != idcard.Foreign2017 && idcard.CheckIDNumber(c.IDNumber) != nil
		fp = fp || len(c.Fingerprint) > 0
		addr = addr || c.AppendedAddress != ""
		if c.Type == idcard.HKMOTW {
			hk = slices.Contains([]string{"810000", "820000", "830000"}, c.IDNumber[:6])
		}
	}
	if count[idcard.Resident] < 2 || count[idcard.Foreign2017] < 1 || count[idcard.Foreign2023] < 1 || count[idcard.HKMOTW] < 1 {
		t.Errorf("card types: %v", count)
	}
	if !rare || !indefinite || !bad || !fp || !addr || !hk {
		t.Errorf("rare %v, 长期 %v, bad check digit %v, fingerprint %v, appended address %v, HK/MO/TW prefix %v", rare, indefinite, bad, fp, addr, hk)
	}
}

func TestSAMCommandsOverPTY(t *testing.T) {
	g := newRig(t, idcardsim.Opts{}, idcard.Opts{})
	ctx := context.Background()
	if err := g.r.ResetSAM(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.r.SAMStatus(ctx); err != nil {
		t.Fatal(err)
	}
	id, err := g.r.SAMID(ctx)
	if err != nil || id.String() != "05.01-20260101-0000012345-0987654321" {
		t.Fatalf("SAM ID %s, %v", id, err)
	}
	if err := g.r.SetBaud(ctx, 57600); err != nil || g.sim.Baud() != 57600 {
		t.Fatalf("SetBaud: %v, sim at %d", err, g.sim.Baud())
	}
	g.sim.SetSAMSelfTestFailed(true)
	if err := g.r.SAMStatus(ctx); !errors.Is(err, idcard.ErrSAMSelfTest) {
		t.Fatalf("SAMStatus with a failed SAM: %v", err)
	}
	st := g.r.Status()
	if st.SAMID != id || !errors.Is(st.SAMErr, idcard.ErrSAMSelfTest) || st.SAMChecked.IsZero() {
		t.Fatalf("status %+v", st)
	}
	if _, err := g.r.ReadCard(ctx); !errors.Is(err, idcard.ErrSAMSelfTest) {
		t.Fatalf("ReadCard with a failed SAM: %v", err)
	}
	want := []idcard.Command{idcard.CmdResetSAM, idcard.CmdSAMStatus, idcard.CmdSAMID, 0x6001, idcard.CmdSAMStatus, idcard.CmdFindCard}
	if got := g.sim.Commands(); !slices.Equal(got, want) {
		t.Fatalf("commands %v, want %v", got, want)
	}
}

func TestNoCardOverPTY(t *testing.T) {
	g := newRig(t, idcardsim.Opts{}, idcard.Opts{})
	_, err := g.r.ReadCard(context.Background())
	if !errors.Is(err, idcard.ErrNoCard) {
		t.Fatalf("err = %v", err)
	}
	var se *idcard.StatusError
	if !errors.As(err, &se) || se.Zh() == "" || se.En() == "" {
		t.Fatalf("no status error with messages: %v", err)
	}
}

// A card pulled during the read: 41, the retry finds no card, the error
// says to place the card again; the next placement reads fine.
func TestCardPulledMidRead(t *testing.T) {
	g := newRig(t, idcardsim.Opts{}, idcard.Opts{})
	g.place("resident-wangzhe")
	g.sim.Status41MidRead()
	c, err := g.r.ReadCard(context.Background())
	if c != nil || !errors.Is(err, idcard.ErrReadFailed) || !errors.Is(err, idcard.ErrReplaceCard) {
		t.Fatalf("ReadCard = %v, %v; want read failed, place again", c, err)
	}
	var se *idcard.StatusError
	if !errors.As(err, &se) || se.SW3 != 0x41 {
		t.Fatalf("not a 41 status error: %v", err)
	}
	want := []idcard.Command{idcard.CmdFindCard, idcard.CmdSelectCard, idcard.CmdReadText, idcard.CmdFindCard}
	if got := g.sim.Commands(); !slices.Equal(got, want) {
		t.Fatalf("commands %v, want %v", got, want)
	}
	g.place("resident-wangzhe")
	c, err = g.r.ReadCard(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	same(t, c, profile(t, g.sim, "resident-wangzhe"), false, false)
}

// A 41 while the card stays (a flaky RF exchange) is retried from find,
// up to Retries times.
func TestReadFailureRetried(t *testing.T) {
	tests := []struct {
		fails int
		ok    bool
	}{{1, true}, {2, true}, {3, false}}
	for _, tt := range tests {
		t.Run(itoa(tt.fails), func(t *testing.T) {
			g := newRig(t, idcardsim.Opts{}, idcard.Opts{})
			g.place("hkmotw-chen")
			g.sim.FailReads(tt.fails)
			c, err := g.r.ReadCard(context.Background())
			if tt.ok != (err == nil) {
				t.Fatalf("ReadCard = %v, %v", c, err)
			}
			if !tt.ok && !errors.Is(err, idcard.ErrReplaceCard) {
				t.Fatalf("err = %v", err)
			}
			reads := count(g.sim.Commands(), idcard.CmdReadText)
			if want := min(tt.fails+1, 1+idcard.DefaultRetries); reads != want {
				t.Fatalf("%d reads, want %d", reads, want)
			}
		})
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

// Noise, a corrupted reply and a truncated reply are survived: the noise
// is skipped, the broken exchange retried from find.
func TestNoiseAndBrokenFrames(t *testing.T) {
	noise := []byte{0x00, 0xAA, 0x13, 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0xFF, 0x37, 0xAA}
	type waiting struct {
		cmd      idcard.Command
		buffered int
		broken   bool
	}
	brokenFrame := func(w waiting) bool { return w.broken }
	halfOf := func(cmd idcard.Command, size int) func(waiting) bool {
		return func(w waiting) bool { return w.cmd == cmd && w.buffered == size/2 }
	}
	tests := []struct {
		name  string
		on    idcard.Command // the first reply to this command is broken
		fault func(s *idcardsim.Sim)
		// stuck says when the exchange waits on the clock for a broken
		// reply, and advance is how far the clock must then move.
		stuck   func(waiting) bool
		advance time.Duration
		reads   int // read commands needed
	}{
		{"noise before find", idcard.CmdFindCard, func(s *idcardsim.Sim) { s.Noise(noise) }, nil, 0, 1},
		{"noise before read", idcard.CmdReadText, func(s *idcardsim.Sim) { s.Noise(noise) }, nil, 0, 1},
		{"corrupted find", idcard.CmdFindCard, func(s *idcardsim.Sim) { s.BadChecksum(1) }, brokenFrame, idcard.FrameGrace, 1},
		{"corrupted select", idcard.CmdSelectCard, func(s *idcardsim.Sim) { s.BadChecksum(1) }, brokenFrame, idcard.FrameGrace, 1},
		{"corrupted read", idcard.CmdReadText, func(s *idcardsim.Sim) { s.BadChecksum(1) }, brokenFrame, idcard.FrameGrace, 2},
		{"truncated find", idcard.CmdFindCard, func(s *idcardsim.Sim) { s.Truncate(1) },
			halfOf(idcard.CmdFindCard, 15), idcard.DefaultFindTimeout, 1},
		{"truncated read", idcard.CmdReadText, func(s *idcardsim.Sim) { s.Truncate(1) },
			halfOf(idcard.CmdReadText, 1295), idcard.DefaultReadTimeout, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s *idcardsim.Sim
			var once sync.Once
			g := newRig(t, idcardsim.Opts{OnCommand: func(c idcard.Command) {
				if c == tt.on {
					once.Do(func() { tt.fault(s) })
				}
			}}, idcard.Opts{})
			s = g.sim
			waits := make(chan waiting, 1024)
			idcard.SetWaitHook(g.r, func(cmd idcard.Command, buffered int, broken bool) {
				waits <- waiting{cmd, buffered, broken}
			})
			g.place("foreign2023-garcia")
			done := make(chan cardResult, 1)
			go func() {
				c, err := g.r.ReadCard(context.Background())
				done <- cardResult{c, err}
			}()
			var res cardResult
			advanced := false
		loop:
			for {
				select {
				case res = <-done:
					break loop
				case w := <-waits:
					if tt.stuck != nil && !advanced && tt.stuck(w) {
						advanced = true
						g.clk.Advance(tt.advance)
					}
				case <-time.After(waitLimit):
					t.Fatal("ReadCard did not return")
				}
			}
			if res.err != nil {
				t.Fatalf("ReadCard: %v (commands %v)", res.err, g.sim.Commands())
			}
			same(t, res.c, profile(t, g.sim, "foreign2023-garcia"), false, false)
			if n := count(g.sim.Commands(), idcard.CmdReadText); n != tt.reads {
				t.Errorf("%d reads, want %d", n, tt.reads)
			}
			st := g.r.Status()
			if tt.stuck == nil && st.Noise == 0 || tt.stuck != nil && st.BadFrames == 0 {
				t.Errorf("status counts no noise or bad frame: %+v", st)
			}
		})
	}
}

// No reply at all: the step timeout, on the clock, ends the exchange.
func TestNoReplyTimesOut(t *testing.T) {
	g := newRig(t, idcardsim.Opts{}, idcard.Opts{FindTimeout: 700 * time.Millisecond})
	g.place("resident-wangzhe")
	g.sim.NoReply(1)
	done := make(chan error, 1)
	go func() {
		_, err := g.r.ReadCard(context.Background())
		done <- err
	}()
	if !g.clk.WaitPending(1, waitLimit) {
		t.Fatal("no timer armed")
	}
	g.clk.Advance(699 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("returned before the timeout: %v", err)
	default:
	}
	g.clk.Advance(time.Millisecond)
	if err := <-done; !errors.Is(err, idcard.ErrNoReply) {
		t.Fatalf("err = %v", err)
	}
	if _, err := g.r.ReadCard(context.Background()); err != nil {
		t.Fatalf("next read: %v", err)
	}
}

// Unplugging the reader (the pty closes, the by-id link goes) during a read
// fails the read with ErrDisconnected; plugged in again on a new pty behind
// the same link, the port reopens and reads work again.
func TestUnplugMidReadAndReconnect(t *testing.T) {
	readSeen := make(chan struct{})
	var s *idcardsim.Sim
	var once sync.Once
	g := newRig(t, idcardsim.Opts{OnCommand: func(c idcard.Command) {
		if c == idcard.CmdReadText {
			once.Do(func() {
				s.NoReply(1) // the reader is mid-read when it goes
				close(readSeen)
			})
		}
	}}, idcard.Opts{})
	s = g.sim
	g.place("resident-lixiuying")
	done := make(chan error, 1)
	go func() {
		_, err := g.r.ReadCard(context.Background())
		done <- err
	}()
	select {
	case <-readSeen:
	case <-time.After(waitLimit):
		t.Fatal("read command never arrived")
	}
	if err := g.sim.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, idcard.ErrDisconnected) {
			t.Fatalf("ReadCard = %v, want disconnected", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("ReadCard did not notice the unplug")
	}
	if st := g.r.Status(); st.Connected {
		t.Error("status still connected")
	}
	if err := g.sim.Restart(); err != nil {
		t.Fatal(err)
	}
	var c *idcard.Card
	var err error
	for end := time.Now().Add(waitLimit); ; {
		c, err = g.r.ReadCard(context.Background())
		if err == nil || !errors.Is(err, idcard.ErrDisconnected) || time.Now().After(end) {
			break
		}
	}
	if err != nil {
		t.Fatalf("after re-plug: %v", err)
	}
	same(t, c, profile(t, g.sim, "resident-lixiuying"), false, false)
	kinds := g.eventKinds()
	if !slices.Contains(kinds, idcard.EventDisconnected) || !slices.Contains(kinds, idcard.EventReconnected) {
		t.Fatalf("events %v", kinds)
	}
	if st := g.r.Status(); !st.Connected || st.CardsRead != 1 {
		t.Fatalf("status %+v", st)
	}
	if ps := g.port.Status(); ps.Reconnects < 1 {
		t.Fatalf("port status %+v", ps)
	}
}

// Run hands each placed card out once; taking it away and placing it again
// hands it out again.
func TestRunDeliversEachPlacementOnce(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		name := "find 9F while the card lies"
		if quiet {
			name = "find 80 after a read"
		}
		t.Run(name, func(t *testing.T) {
			g := newRig(t, idcardsim.Opts{QuietAfterRead: quiet}, idcard.Opts{})
			g.run()
			g.poll() // SAM status and ID, then no card
			if st := g.r.Status(); st.SAMID.IsZero() || st.SAMErr != nil {
				t.Fatalf("SAM not read at start: %+v", st)
			}
			wait, _ := g.waitCard()
			g.place("resident-wangzhe")
			g.poll()
			res := g.got(wait)
			if res.err != nil || res.c.IDNumber != "11010119880314001X" {
				t.Fatalf("WaitCard = %+v, %v", res.c, res.err)
			}
			if ks := g.eventKinds(); !slices.Equal(ks, []idcard.EventKind{idcard.EventReading, idcard.EventCardRead}) {
				t.Fatalf("events %v", ks)
			}
			// The card stays: no second delivery.
			wait, cancel := g.waitCard()
			for range 5 {
				g.poll()
			}
			g.nothing(wait, cancel)
			if st := g.r.Status(); st.CardsRead != 1 {
				t.Fatalf("read %d times while lying on the reader", st.CardsRead)
			}
			// Taken away and placed again: delivered again.
			g.sim.Remove()
			g.poll()
			g.poll()
			g.place("resident-wangzhe")
			wait, _ = g.waitCard()
			g.poll()
			if res := g.got(wait); res.err != nil || res.c.Name != "王喆" {
				t.Fatalf("second placement: %+v, %v", res.c, res.err)
			}
		})
	}
}

// A card read while nobody waits is handed to the next WaitCard, unless it
// was taken away first.
func TestRunHoldsUnclaimedCard(t *testing.T) {
	g := newRig(t, idcardsim.Opts{}, idcard.Opts{})
	g.run()
	g.place("foreign2017-smith")
	g.poll()
	wait, _ := g.waitCard()
	if res := g.got(wait); res.err != nil || res.c.Type != idcard.Foreign2017 {
		t.Fatalf("held card: %+v, %v", res.c, res.err)
	}
	wait, cancel := g.waitCard()
	g.poll()
	g.nothing(wait, cancel) // handed out once only

	g.sim.Remove()
	g.poll()
	g.poll()
	g.place("hkmotw-lin")
	g.poll() // read, nobody waiting
	g.sim.Remove()
	g.poll()
	g.poll() // taken away before anyone asked
	wait, cancel = g.waitCard()
	g.poll()
	g.nothing(wait, cancel)
	kinds := g.eventKinds()
	if n := count(kinds, idcard.EventCardRemoved); n != 2 {
		t.Fatalf("%d removal events in %v", n, kinds)
	}
}

// A brief lift (one poll without the card) and the same card back is not a
// new placement; another card put down instead is.
func TestRunComparesIDAfterBriefAbsence(t *testing.T) {
	g := newRig(t, idcardsim.Opts{}, idcard.Opts{})
	g.run()
	wait, _ := g.waitCard()
	g.place("resident-zhaokun")
	g.poll()
	if res := g.got(wait); res.err != nil {
		t.Fatal(res.err)
	}
	g.sim.Remove()
	g.poll() // one 80: not yet "removed"
	g.place("resident-zhaokun")
	wait, cancel := g.waitCard()
	g.poll() // read again and recognised
	g.nothing(wait, cancel)
	if st := g.r.Status(); st.CardsRead != 2 {
		t.Fatalf("the returning card was not re-read: %d reads", st.CardsRead)
	}
	g.sim.Remove()
	g.poll()
	g.place("resident-lixiuying")
	wait, _ = g.waitCard()
	g.poll()
	if res := g.got(wait); res.err != nil || res.c.Name != "李秀英" {
		t.Fatalf("swapped card: %+v, %v", res.c, res.err)
	}
}

// A card pulled mid-read reaches WaitCard as an error saying to place it
// again; placed again, it is read.
func TestRunReportsPulledCard(t *testing.T) {
	g := newRig(t, idcardsim.Opts{}, idcard.Opts{})
	g.run()
	wait, _ := g.waitCard()
	g.place("resident-lixiuying")
	g.sim.Status41MidRead()
	g.poll()
	res := g.got(wait)
	if res.c != nil || !errors.Is(res.err, idcard.ErrReplaceCard) {
		t.Fatalf("WaitCard = %+v, %v", res.c, res.err)
	}
	if ks := g.eventKinds(); !slices.Equal(ks, []idcard.EventKind{idcard.EventReading, idcard.EventReadFailed}) {
		t.Fatalf("events %v", ks)
	}
	if st := g.r.Status(); !errors.Is(st.LastErr, idcard.ErrReadFailed) {
		t.Fatalf("last error %v", st.LastErr)
	}
	g.poll()
	wait, _ = g.waitCard()
	g.place("resident-lixiuying")
	g.poll()
	if res := g.got(wait); res.err != nil || res.c.ValidUntil != "长期" {
		t.Fatalf("after re-placing: %+v, %v", res.c, res.err)
	}
}

// A card whose number fails its check digit reaches WaitCard with the
// error, never silently.
func TestRunBadCheckDigit(t *testing.T) {
	g := newRig(t, idcardsim.Opts{}, idcard.Opts{})
	g.run()
	wait, _ := g.waitCard()
	g.place("resident-bad-check-digit")
	g.poll()
	res := g.got(wait)
	if res.c == nil || res.c.CheckDigitOK || !errors.Is(res.err, idcard.ErrCheckDigit) {
		t.Fatalf("WaitCard = %+v, %v", res.c, res.err)
	}
}

func count[T comparable](s []T, v T) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

// BenchmarkReadCardPTY reads a card (find, select, 30 01: 1359 bytes on the
// wire) through the serial port and a pseudo-terminal and compares the
// time the exchange takes with the time the bytes alone would take at
// 115200 8N1 (10 bits a byte). A pty does no baud-rate pacing, so the
// elapsed time here is the software's own: driver, serial port, kernel pty
// and simulator (which runs in this process and is counted in cpu-%).
func BenchmarkReadCardPTY(b *testing.B) {
	s, err := idcardsim.Start(idcardsim.Opts{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	port, err := serial.Open(serial.Config{Name: "idcard", Path: s.Path(), Baud: 115200, TapSize: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer port.Close()
	r := idcard.New(port, idcard.Opts{})
	defer r.Close()
	if err := s.Place("resident-wangzhe"); err != nil {
		b.Fatal(err)
	}
	wire := len(idcard.CmdFindCard.Frame()) + 15 + len(idcard.CmdSelectCard.Frame()) + 19 +
		len(idcard.CmdReadText.Frame()) + 1295
	wireTime := time.Duration(wire) * 10 * time.Second / 115200
	ctx := context.Background()
	cpu0 := cpuTime()
	start := time.Now()
	for b.Loop() {
		if _, err := r.ReadCard(ctx); err != nil {
			b.Fatal(err)
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	cpu := (cpuTime() - cpu0) / time.Duration(b.N)
	b.SetBytes(int64(wire))
	b.ReportMetric(float64(wireTime.Microseconds())/1000, "wire-ms/op")
	b.ReportMetric(100*float64(per)/float64(wireTime), "overhead-%")
	b.ReportMetric(100*float64(cpu)/float64(wireTime), "cpu-%")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// A card that keeps failing while it lies there (a damaged chip) is not
// read at every poll; taken away and placed again it is read at once.
func TestRunFailedCardCoolsDown(t *testing.T) {
	g := newRig(t, idcardsim.Opts{}, idcard.Opts{Retries: -1})
	g.run()
	g.place("hkmotw-lin")
	g.sim.FailReads(100)
	wait, _ := g.waitCard()
	g.poll()
	if res := g.got(wait); !errors.Is(res.err, idcard.ErrReadFailed) {
		t.Fatalf("WaitCard = %+v, %v", res.c, res.err)
	}
	for range 3 {
		g.poll() // found, cooling down: no read
	}
	if n := count(g.sim.Commands(), idcard.CmdReadText); n != 1 {
		t.Fatalf("%d reads during the cooldown", n)
	}
	g.poll() // read again, fails again
	if n := count(g.sim.Commands(), idcard.CmdReadText); n != 2 {
		t.Fatalf("%d reads after the cooldown", n)
	}
	g.sim.FailReads(0)
	g.sim.Remove()
	g.poll()
	g.place("hkmotw-lin")
	wait, _ = g.waitCard()
	g.poll()
	if res := g.got(wait); res.err != nil || res.c.PassNumber != "01234567" {
		t.Fatalf("re-placed: %+v, %v", res.c, res.err)
	}
}

// A card handed out and left on the reader: CardPresent says it lies
// there, a second WaitCard does not get it (one hand-out a placement), but
// ReadCard reads it again for a caller that knows it is the same card
// (the flows compare ID numbers, A.13). Taken away, WaitRemoved returns.
func TestCardLeftOnReader(t *testing.T) {
	g := newRig(t, idcardsim.Opts{}, idcard.Opts{})
	g.run()
	if g.r.CardPresent() {
		t.Fatal("a card present on an empty reader")
	}
	wait, _ := g.waitCard()
	g.place("resident-wangzhe")
	g.poll()
	if res := g.got(wait); res.err != nil || res.c.IDNumber != "11010119880314001X" {
		t.Fatalf("WaitCard = %+v, %v", res.c, res.err)
	}
	if !g.r.CardPresent() {
		t.Fatal("the card read is not present")
	}
	ctx, cancel := context.WithCancel(context.Background())
	removed := make(chan error, 1)
	go func() { removed <- g.r.WaitRemoved(ctx) }()

	wait, stop := g.waitCard()
	g.poll()
	g.poll()
	g.nothing(wait, stop)
	c, err := g.r.ReadCard(context.Background())
	if err != nil || c.IDNumber != "11010119880314001X" || c.Name != "王喆" {
		t.Fatalf("ReadCard of the card lying there = %+v, %v", c, err)
	}
	select {
	case err := <-removed:
		t.Fatalf("WaitRemoved returned %v with the card on the reader", err)
	default:
	}

	g.sim.Remove()
	g.poll()
	g.poll()
	select {
	case err := <-removed:
		if err != nil {
			t.Fatalf("WaitRemoved = %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("WaitRemoved did not return once the card was taken")
	}
	cancel()
	if g.r.CardPresent() {
		t.Fatal("a card present after it was taken")
	}
	if err := g.r.WaitRemoved(context.Background()); err != nil {
		t.Fatalf("WaitRemoved on an empty reader = %v", err)
	}
	if _, err := g.r.ReadCard(context.Background()); !errors.Is(err, idcard.ErrNoCard) {
		t.Fatalf("ReadCard on an empty reader = %v", err)
	}
}

// Forget drops a card read while nobody waited: the next WaitCard waits
// for a new placement, while the card still counts as present.
func TestForgetUnclaimedCard(t *testing.T) {
	g := newRig(t, idcardsim.Opts{}, idcard.Opts{})
	g.run()
	g.place("resident-wangzhe")
	g.poll() // read, nobody waiting
	if st := g.r.Status(); st.CardsRead != 1 || !g.r.CardPresent() {
		t.Fatalf("status %+v, present %v", st, g.r.CardPresent())
	}
	g.r.Forget()
	wait, cancel := g.waitCard()
	g.poll()
	g.nothing(wait, cancel)
	if !g.r.CardPresent() {
		t.Fatal("forgetting the card made it absent")
	}
	// Placed again, it is handed out.
	g.sim.Remove()
	g.poll()
	g.poll()
	g.place("resident-wangzhe")
	wait, _ = g.waitCard()
	g.poll()
	if res := g.got(wait); res.err != nil || res.c.Name != "王喆" {
		t.Fatalf("placed again: %+v, %v", res.c, res.err)
	}
}
