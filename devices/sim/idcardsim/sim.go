package idcardsim

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"hallkiosk/devices/idcard"
	"hallkiosk/devices/sim"
)

// DefaultSAMID is the simulated SAM's management number: it displays as
// 05.01-20260101-0000012345-0987654321 (docs/protocols.md A.5).
var DefaultSAMID = idcard.SAMID{
	0x05, 0x00, 0x01, 0x00, // a = 5, b = 1
	0x05, 0x25, 0x35, 0x01, // c = 20260101
	0x39, 0x30, 0x00, 0x00, // d = 12345
	0xB1, 0x68, 0xDE, 0x3A, // e = 987654321
}

// Opts configures a simulator. The zero value is a reader with the
// embedded profiles and no symlink.
type Opts struct {
	// Link, when set, is a symlink the simulator keeps pointing at its
	// current pseudo-terminal, as udev keeps /dev/serial/by-id/… pointing
	// at a re-plugged adapter: open Path() and a Restart is found again.
	// Close removes it (the device is gone).
	Link string
	// Profiles are the cards Place knows; default LoadProfiles().
	Profiles []Profile
	// SAMID is what 12 FF returns; default DefaultSAMID.
	SAMID *idcard.SAMID
	// QuietAfterRead makes find card answer 80 after a successful read
	// until the card is taken away and placed again, as some readers do
	// (docs/protocols.md A.13: not documented). Default: 9F while a card lies.
	QuietAfterRead bool
	// OnCommand, when set, is called with every command received, before
	// the simulator decides its reply, so a fault set from it applies to
	// this very command. It runs on the simulator's goroutine.
	OnCommand func(idcard.Command)
}

// Sim is a simulated SAM_V reader on a pseudo-terminal: the driver opens
// Path() and talks the same bytes as to a real reader.
type Sim struct {
	opts     Opts
	profiles map[string]Profile

	plug sim.Plug

	mu       sync.Mutex
	card     *loaded
	found    bool // find succeeded since the card was placed or last selected
	selected bool
	quiet    bool // QuietAfterRead: a read has succeeded on this placement
	samFail  bool
	baud     int
	commands []idcard.Command
	// faults
	noReply, badChecksum, truncate int
	noise                          []byte
	pull41                         bool
	fail41                         int
}

type loaded struct {
	card idcard.Card
	text []byte
}

// Start creates the pseudo-terminal (and Link) and starts answering.
func Start(opts Opts) (*Sim, error) {
	if opts.Profiles == nil {
		ps, err := LoadProfiles()
		if err != nil {
			return nil, fmt.Errorf("idcardsim: %w", err)
		}
		opts.Profiles = ps
	}
	if opts.SAMID == nil {
		id := DefaultSAMID
		opts.SAMID = &id
	}
	s := &Sim{opts: opts, profiles: map[string]Profile{}, baud: 115200, plug: sim.Plug{Link: opts.Link}}
	for _, p := range opts.Profiles {
		s.profiles[p.ID] = p
	}
	if err := s.Restart(); err != nil {
		return nil, err
	}
	return s, nil
}

// Path is what the driver opens: Link when set, else the current
// pseudo-terminal's slave path (which changes on Restart).
func (s *Sim) Path() string { return s.plug.Path() }

// Profiles lists the loaded profiles in file order.
func (s *Sim) Profiles() []Profile { return append([]Profile(nil), s.opts.Profiles...) }

// Profile returns the profile with id.
func (s *Sim) Profile(id string) (Profile, bool) {
	p, ok := s.profiles[id]
	return p, ok
}

// Place puts the card of profile id on the reader (replacing any card).
func (s *Sim) Place(id string) error {
	p, ok := s.profiles[id]
	if !ok {
		return fmt.Errorf("idcardsim: no profile %q", id)
	}
	return s.PlaceCard(&p.Card)
}

// PlaceCard puts c on the reader. Its Photo and Fingerprint are sent as
// they are (Photo is generated when empty).
func (s *Sim) PlaceCard(c *idcard.Card) error {
	text, err := idcard.EncodeText(c)
	if err != nil {
		return fmt.Errorf("idcardsim: place card: %w", err)
	}
	l := &loaded{card: *c, text: text}
	if len(l.card.Photo) == 0 {
		l.card.Photo = Photo(c.IDNumber)
	}
	if c.AppendedAddress != "" {
		if _, err := idcard.EncodeAddress(c.AppendedAddress); err != nil {
			return fmt.Errorf("idcardsim: place card: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.card, s.found, s.selected, s.quiet = l, false, false, false
	return nil
}

// Remove takes the card off the reader.
func (s *Sim) Remove() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.card, s.found, s.selected, s.quiet = nil, false, false, false
}

// SetSAMSelfTestFailed makes every command but reset answer 60 (SAM
// self-test failed, A.4) until cleared.
func (s *Sim) SetSAMSelfTestFailed(failed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.samFail = failed
}

// The counted faults below apply to the next n commands or replies; a new
// call replaces the count (0 cancels).

// NoReply swallows the next n commands.
func (s *Sim) NoReply(n int) { s.fault(func() { s.noReply = n }) }

// BadChecksum corrupts the checksum of the next n replies.
func (s *Sim) BadChecksum(n int) { s.fault(func() { s.badChecksum = n }) }

// Truncate sends only the first half of the next n replies.
func (s *Sim) Truncate(n int) { s.fault(func() { s.truncate = n }) }

// Noise sends junk before the next reply.
func (s *Sim) Noise(junk []byte) { s.fault(func() { s.noise = append(s.noise, junk...) }) }

// Status41MidRead makes the next read (30 01 / 30 10) fail with 41 and
// takes the card off the reader, as when a citizen pulls the card away
// during the read (A.4).
func (s *Sim) Status41MidRead() { s.fault(func() { s.pull41 = true }) }

// FailReads makes the next n reads fail with 41 while the card stays on
// the reader (a flaky RF exchange).
func (s *Sim) FailReads(n int) { s.fault(func() { s.fail41 = n }) }

func (s *Sim) fault(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// Baud is the rate last set with 60 0n (115200 at start).
func (s *Sim) Baud() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baud
}

// Commands returns the commands received so far, in order.
func (s *Sim) Commands() []idcard.Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]idcard.Command(nil), s.commands...)
}

// Close unplugs the simulated reader: the pseudo-terminal closes (a driver
// reading it sees a hang-up) and Link is removed. The card and SAM state
// stay for Restart.
func (s *Sim) Close() error { return s.plug.Out() }

// Restart plugs the reader in again on a new pseudo-terminal and re-points
// Link at it. Start calls it; after Close it models a re-plug.
func (s *Sim) Restart() error {
	s.mu.Lock()
	s.found, s.selected = false, false
	s.mu.Unlock()
	if err := s.plug.In(s.serve); err != nil {
		return fmt.Errorf("idcardsim: %w", err)
	}
	return nil
}

func (s *Sim) serve(m *os.File) {
	var rx idcard.Receiver
	buf := make([]byte, 4096)
	for {
		n, err := m.Read(buf)
		if err != nil {
			return
		}
		rx.Feed(buf[:n])
		for {
			f, err := rx.Next()
			if errors.Is(err, idcard.ErrNeedMore) {
				break
			}
			var reply []byte
			switch {
			case errors.Is(err, idcard.ErrChecksum):
				reply = idcard.EncodeReply(0, 0, 0x10, nil) // host checksum error (A.4)
			case err != nil:
				reply = idcard.EncodeReply(0, 0, 0x11, nil) // host length error
			case !f.IsCommand():
				reply = idcard.EncodeReply(0, 0, 0x11, nil)
			default:
				reply = s.handle(f.Command())
			}
			if reply == nil {
				continue
			}
			if _, err := m.Write(reply); err != nil {
				return
			}
		}
	}
}

// handle answers one command following A.3–A.5, then applies the pending
// faults. A nil reply means silence.
func (s *Sim) handle(cmd idcard.Command) []byte {
	if s.opts.OnCommand != nil {
		s.opts.OnCommand(cmd)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands = append(s.commands, cmd)
	if s.noReply > 0 {
		s.noReply--
		return nil
	}
	sw3, data := s.answer(cmd)
	reply := idcard.EncodeReply(0, 0, sw3, data)
	if s.badChecksum > 0 {
		s.badChecksum--
		reply[len(reply)-1] ^= 0x5A
	}
	if s.truncate > 0 {
		s.truncate--
		reply = reply[:len(reply)/2]
	}
	if len(s.noise) > 0 {
		reply = append(s.noise, reply...)
		s.noise = nil
	}
	return reply
}

// answer is the reader's logic; s.mu is held.
func (s *Sim) answer(cmd idcard.Command) (sw3 byte, data []byte) {
	const (
		ok, findOK, noContent, badCmd = 0x90, 0x9F, 0x91, 0x21
		readFailed, selfTest          = 0x41, 0x60
		noCard, selectFailed          = 0x80, 0x81
	)
	if cmd == idcard.CmdResetSAM {
		return ok, nil
	}
	if s.samFail {
		return selfTest, nil
	}
	switch cmd {
	case idcard.CmdSAMStatus:
		return ok, nil
	case idcard.CmdSAMID:
		return ok, s.opts.SAMID[:]
	case idcard.CmdFindCard:
		s.selected = false
		if s.card == nil || s.quiet {
			s.found = false
			return noCard, nil
		}
		s.found = true
		return findOK, make([]byte, 4) // IIN, zeros in every capture (A.3)
	case idcard.CmdSelectCard:
		if s.card == nil || !s.found {
			return selectFailed, nil
		}
		s.selected = true
		return ok, make([]byte, 8) // SN, zeros in every capture
	case idcard.CmdReadText, idcard.CmdReadFingerprint:
		if s.pull41 {
			s.pull41 = false
			s.card, s.found, s.selected = nil, false, false
			return readFailed, nil
		}
		if s.card == nil || !s.selected {
			return readFailed, nil
		}
		if s.fail41 > 0 {
			s.fail41--
			s.selected = false
			return readFailed, nil
		}
		c := &s.card.card
		var fp []byte
		if cmd == idcard.CmdReadFingerprint {
			fp = c.Fingerprint
		}
		if s.opts.QuietAfterRead {
			s.quiet = true
		}
		return ok, idcard.EncodeRead(cmd, s.card.text, c.Photo, fp)
	case idcard.CmdReadAddress:
		if s.card == nil || !s.selected {
			return readFailed, nil
		}
		if s.card.card.AppendedAddress == "" {
			return noContent, nil
		}
		b, _ := idcard.EncodeAddress(s.card.card.AppendedAddress) // checked in PlaceCard
		return ok, b
	}
	if b := cmd.Baud(); b != 0 {
		s.baud = b // the reply still goes out at the old rate
		return ok, nil
	}
	return badCmd, nil
}
