package flow

import (
	"context"
	"fmt"
	"sync"
	"time"

	"hallkiosk/clock"
	"hallkiosk/devices/idcard"
)

// Languages the kiosk speaks; api.Text.In takes the same codes.
const (
	LangZh = "zh"
	LangEn = "en"
)

// Transaction is a flow the session can wipe: on timeout, on "home", and
// when the citizen starts another transaction, every piece of personal data
// it holds (card fields, phone, receipt, ID tail) is zeroed and its
// background work cancelled.
type Transaction interface {
	Wipe()
}

// SessionState is where the idle session stands.
type SessionState int

// Session states.
const (
	// SessionIdle: nobody is using the kiosk; the home screen shows in the
	// default language and no timer runs.
	SessionIdle SessionState = iota
	// SessionActive: a citizen is using the kiosk.
	SessionActive
	// SessionWarning: idle for too long; the countdown runs
	// (SessionSnapshot.Remaining), any touch goes back to SessionActive.
	SessionWarning
)

// String returns the state's name.
func (s SessionState) String() string {
	switch s {
	case SessionIdle:
		return "idle"
	case SessionActive:
		return "active"
	case SessionWarning:
		return "warning"
	}
	return fmt.Sprintf("SessionState(%d)", int(s))
}

// SessionSnapshot is what the UI renders of the session.
type SessionSnapshot struct {
	State SessionState
	// Remaining is the countdown's whole seconds left (SessionWarning only).
	Remaining int
	Language  string
	Elder     bool
	// Held is true while a card read or a print keeps the session open.
	Held bool
	// Expired marks the snapshot of a return home after the countdown ran
	// out: the UI goes to the home screen. It is sent after the session
	// wiped the transaction.
	Expired bool
	// IdleLimit is the idle time that starts the countdown now (longer on
	// reading pages and in elder mode).
	IdleLimit time.Duration
	// CardOnReader is true while the ID card read in this visit still lies
	// on the reader: the screens remind the citizen to take it back. It
	// says nothing about whose card it is.
	CardOnReader bool
}

// SessionOptions configures a Session. Zero fields take the defaults.
type SessionOptions struct {
	Clock clock.Clock
	// Idle is the time without input before the countdown (default 60 s).
	Idle time.Duration
	// ReadingIdle replaces Idle on reading pages such as the service guide
	// (default 120 s).
	ReadingIdle time.Duration
	// Countdown is the warning before going home (default 10 s).
	Countdown time.Duration
	// ElderFactor multiplies the idle times in elder mode (default 2), since
	// elderly citizens read and type more slowly (工信部 适老化: "enough time
	// for timed steps").
	ElderFactor int
	// CardCountdown replaces Countdown while the card read in this visit
	// still lies on the reader (default 30 s): the countdown then asks the
	// citizen to take the card, and gives the time to do it, before the
	// visit ends.
	CardCountdown time.Duration
	// Cards, when set, is the ID card reader: the session follows whether
	// the visit's card still lies on it (SessionSnapshot.CardOnReader), and
	// when a visit ends it forgets a card read but never used, so that it
	// is not handed to the next citizen's transaction.
	Cards CardReader
	// Language is the default language a new citizen gets (default "zh").
	Language string
	// OnChange receives every snapshot, on a goroutine of its own; the UI
	// wraps it in fyne.Do.
	OnChange func(SessionSnapshot)
}

// Session tracks idleness, the language and elder mode of the citizen at the
// kiosk, and the transaction in progress, whose personal data it wipes when
// the citizen walks away. All methods are safe from any goroutine and never
// block on I/O. A nil *Session is valid: Chinese, normal mode, no timeout.
type Session struct {
	opts SessionOptions
	clk  clock.Clock
	out  notifier[SessionSnapshot]

	mu        sync.Mutex
	state     SessionState
	lang      string
	elder     bool
	reading   bool
	holds     int
	last      time.Time // last input
	warnEnd   time.Time
	remaining int
	current   Transaction
	running   bool
	kick      chan struct{}
	stop      chan struct{}
	closed    bool

	// The visit's ID card: a salted hash of its number (the number itself
	// is not kept), whether it still lies on the reader, and the watch
	// that notices it being taken away.
	keys      idcard.NumberKeys
	cardKey   [32]byte
	hasCard   bool
	cardOn    bool
	cardWatch context.CancelFunc
	// finishing: the citizen finished while her card lay on the reader;
	// the visit ends when the card is taken away (or at the countdown's
	// end), unless she touches the screen again first.
	finishing bool
}

// NewSession returns an idle session.
func NewSession(opts SessionOptions) *Session {
	if opts.Idle <= 0 {
		opts.Idle = 60 * time.Second
	}
	if opts.ReadingIdle <= 0 {
		opts.ReadingIdle = 120 * time.Second
	}
	if opts.Countdown <= 0 {
		opts.Countdown = 10 * time.Second
	}
	if opts.CardCountdown <= 0 {
		opts.CardCountdown = 30 * time.Second
	}
	if opts.ElderFactor <= 0 {
		opts.ElderFactor = 2
	}
	if opts.Language == "" {
		opts.Language = LangZh
	}
	s := &Session{opts: opts, clk: clock.Or(opts.Clock), lang: opts.Language}
	s.keys = idcard.NewNumberKeys()
	s.out.fn = opts.OnChange
	return s
}

// Snapshot returns the session's current state.
func (s *Session) Snapshot() SessionSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapLocked(false)
}

func (s *Session) snapLocked(expired bool) SessionSnapshot {
	snap := SessionSnapshot{
		State:     s.state,
		Language:  s.lang,
		Elder:     s.elder,
		Held:      s.holds > 0,
		Expired:   expired,
		IdleLimit: s.idleLocked(),

		CardOnReader: s.cardOn,
	}
	if s.state == SessionWarning {
		snap.Remaining = s.remaining
	}
	return snap
}

func (s *Session) notifyLocked(expired bool) { s.out.push(s.snapLocked(expired)) }

func (s *Session) idleLocked() time.Duration {
	d := s.opts.Idle
	if s.reading {
		d = s.opts.ReadingIdle
	}
	if s.elder {
		d *= time.Duration(s.opts.ElderFactor)
	}
	return d
}

// Touch records user input (every tap, key and keypad press). It cancels a
// running countdown and wakes an idle session.
func (s *Session) Touch() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.touchLocked()
}

// Continue is the countdown's "I need more time" button; it is a Touch.
func (s *Session) Continue() { s.Touch() }

func (s *Session) touchLocked() {
	if s.closed {
		return
	}
	s.last = s.clk.Now()
	s.finishing = false
	switch s.state {
	case SessionIdle:
		s.state = SessionActive
		s.startLocked()
		s.notifyLocked(false)
		if s.opts.Cards != nil {
			// A card read while nobody was at the kiosk may be a former
			// citizen's: it is not handed to this visit unless placed again.
			s.opts.Cards.Forget()
		}
	case SessionWarning:
		s.state = SessionActive
		s.kickLocked()
		s.notifyLocked(false)
	}
	// In SessionActive the loop compares against s.last when its timer
	// fires, so a tap costs no channel send and no timer reset.
}

// Hold keeps the session open while a card read or a print runs: the
// countdown neither starts nor continues while any hold is out. Every Hold
// needs one Release.
func (s *Session) Hold() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holds++
	if s.state == SessionWarning {
		// A print or card read that starts during the countdown is the
		// citizen's doing; they are still here.
		s.state = SessionActive
		s.last = s.clk.Now()
		s.kickLocked()
	}
	s.notifyLocked(false)
}

// Release ends a Hold. The idle time starts again from the release, so the
// citizen has the full time to take the ticket and read the screen.
func (s *Session) Release() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holds == 0 {
		return
	}
	s.holds--
	if s.holds == 0 {
		s.last = s.clk.Now()
		s.kickLocked()
	}
	s.notifyLocked(false)
}

// Language returns the citizen's language, "zh" or "en".
func (s *Session) Language() string {
	if s == nil {
		return LangZh
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lang
}

// SetLanguage switches the language ("zh" or "en"; anything else is zh).
// It counts as input.
func (s *Session) SetLanguage(lang string) {
	if s == nil {
		return
	}
	if lang != LangEn {
		lang = LangZh
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lang = lang
	s.touchLocked()
	s.notifyLocked(false)
}

// Elder reports whether elder mode (larger text, fewer tiles, longer
// timeouts) is on.
func (s *Session) Elder() bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.elder
}

// SetElder turns elder mode on or off. It counts as input.
func (s *Session) SetElder(on bool) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.elder = on
	s.touchLocked()
	s.kickLocked() // the idle limit changed
	s.notifyLocked(false)
}

// SetReading says whether the page on screen is for reading (the service
// guide), which gets the longer idle time. The guide flow sets it itself;
// Begin and Home clear it.
func (s *Session) SetReading(on bool) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reading == on {
		return
	}
	s.reading = on
	s.kickLocked()
	s.notifyLocked(false)
}

// Begin makes t the transaction in progress, wiping the previous one (a
// citizen who leaves the check-in for the guide leaves no card behind). It
// counts as input.
func (s *Session) Begin(t Transaction) {
	if s == nil {
		return
	}
	s.mu.Lock()
	prev := s.current
	s.current = t
	s.reading = false
	s.touchLocked()
	s.mu.Unlock()
	// Wipe outside the lock: flows call the session under their own lock.
	if prev != nil && prev != t {
		prev.Wipe()
	}
}

// Home wipes the transaction in progress and keeps the session (language,
// elder mode) for the same citizen: the "home" button.
func (s *Session) Home() {
	if s == nil {
		return
	}
	s.mu.Lock()
	prev := s.current
	s.current = nil
	s.reading = false
	s.touchLocked()
	s.mu.Unlock()
	if prev != nil {
		prev.Wipe()
	}
}

// End finishes the citizen's session at once, as the timeout would (wipe,
// default language, normal mode, idle), without marking it expired: the
// "finish" button.
func (s *Session) End() {
	if s == nil {
		return
	}
	s.mu.Lock()
	prev := s.endLocked()
	s.mu.Unlock()
	s.wipeAndAnnounce(prev, false)
}

// Finish is the "finish" button of a done screen: the transaction is
// wiped. It ends the visit as End does and reports true, unless the visit
// has something to keep:
//   - choices of its own (elder mode, another language): the visit stays
//     open with them, so a second task starts as the first ended, until
//     the kiosk is left idle;
//   - the card read in this visit still lying on the reader: the home
//     screen goes on reminding her of the card, a card step of another
//     transaction may read it again, and the visit ends as soon as the
//     card is taken away (unless it has choices of its own).
//
// Then it reports false. A touch keeps the visit going; the countdown ends
// it too. A visit with neither ends at once, so an empty kiosk shows no
// countdown.
func (s *Session) Finish() (ended bool) {
	if s == nil {
		return true
	}
	s.mu.Lock()
	own := s.elder || s.lang != s.opts.Language
	if !s.cardOn && !own {
		s.mu.Unlock()
		s.End()
		return true
	}
	prev := s.current
	s.current = nil
	s.reading = false
	s.touchLocked()
	s.finishing = s.cardOn && !own
	s.mu.Unlock()
	if prev != nil {
		prev.Wipe()
	}
	return false
}

// endLocked returns the session to idle and hands back the transaction to
// wipe outside the lock.
func (s *Session) endLocked() Transaction {
	prev := s.current
	s.current = nil
	s.reading = false
	s.state = SessionIdle
	s.lang = s.opts.Language
	s.elder = false
	s.remaining = 0
	s.finishing = false
	s.stopLocked()
	s.dropCardLocked()
	return prev
}

// wipeAndAnnounce wipes the ended transaction and only then sends the
// snapshot of the end, so a UI that goes home on it finds no personal data
// left. Should a new citizen have touched the screen in between, the
// snapshot shows that new state, still marked Expired so the UI goes home.
func (s *Session) wipeAndAnnounce(prev Transaction, expired bool) {
	if prev != nil {
		prev.Wipe()
	}
	if s.opts.Cards != nil {
		s.opts.Cards.Forget()
	}
	s.mu.Lock()
	s.notifyLocked(expired)
	s.mu.Unlock()
}

// Close stops the session's timer; it sends no more snapshots.
func (s *Session) Close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.stopLocked()
	s.dropCardLocked()
}

func (s *Session) kickLocked() {
	if s.kick == nil {
		return
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Session) stopLocked() {
	if s.running {
		close(s.stop)
		s.running = false
		s.kick, s.stop = nil, nil
	}
}

// startLocked starts the timer loop; it runs only while a citizen is there,
// so an idle kiosk has no timer armed.
func (s *Session) startLocked() {
	if s.running || s.closed {
		return
	}
	s.running = true
	s.kick = make(chan struct{}, 1)
	s.stop = make(chan struct{})
	// The first timer is armed here, before Touch returns, so a test that
	// touched can advance a fake clock right away.
	t := s.clk.NewTimer(s.idleLocked())
	go s.loop(t, s.kick, s.stop)
}

func (s *Session) loop(t clock.Timer, kick, stop chan struct{}) {
	for {
		select {
		case <-t.C():
		case <-kick:
		case <-stop:
			t.Stop()
			return
		}
		if s.step(t, stop) {
			return
		}
	}
}

// step re-evaluates the session at the clock's now and re-arms t under the
// lock, before any snapshot of the change is delivered. It reports whether
// the loop is over. Timers are armed at absolute times computed from that
// one now: the clock may move between reading it and re-arming (a test's
// fake clock does), and a wait of deadline−now would then overshoot.
func (s *Session) step(t clock.Timer, stop chan struct{}) bool {
	s.mu.Lock()
	if s.stop != stop { // ended or restarted meanwhile
		s.mu.Unlock()
		t.Stop()
		return true
	}
	now := s.clk.Now()
	switch s.state {
	case SessionActive:
		if s.holds > 0 {
			// Nothing to count while held; Release kicks the loop.
			t.ResetAt(now.Add(s.idleLocked()))
			break
		}
		deadline := s.last.Add(s.idleLocked())
		if now.Before(deadline) {
			t.ResetAt(deadline)
			break
		}
		s.state = SessionWarning
		d := s.opts.Countdown
		if s.cardOn {
			d = s.opts.CardCountdown
		}
		s.warnEnd = now.Add(d)
		s.remaining = ceilSeconds(d)
		t.ResetAt(now.Add(untilNextSecond(d)))
		s.notifyLocked(false)
	case SessionWarning:
		if s.holds > 0 {
			s.state = SessionActive
			s.last = now
			t.ResetAt(now.Add(s.idleLocked()))
			s.notifyLocked(false)
			break
		}
		left := s.warnEnd.Sub(now)
		if left <= 0 {
			prev := s.endLocked()
			s.mu.Unlock()
			t.Stop()
			s.wipeAndAnnounce(prev, true)
			return true
		}
		if r := ceilSeconds(left); r != s.remaining {
			s.remaining = r
			s.notifyLocked(false)
		}
		t.ResetAt(now.Add(untilNextSecond(left)))
	default:
		s.mu.Unlock()
		t.Stop()
		return true
	}
	s.mu.Unlock()
	return false
}

// noteCard records the card a transaction of this visit read: a later
// card step of the same visit may read it again while it lies on the
// reader (isVisitCard), and the screens remind the citizen to take it.
func (s *Session) noteCard(id string) {
	if s == nil || id == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.state == SessionIdle {
		return
	}
	s.cardKey, s.hasCard = s.keys.Key(id), true
	if s.opts.Cards == nil || !s.opts.Cards.CardPresent() {
		return
	}
	if !s.cardOn {
		s.cardOn = true
		s.notifyLocked(false)
	}
	s.watchCardLocked()
}

// hasVisitCard reports whether a card was read in this visit.
func (s *Session) hasVisitCard() bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hasCard
}

// isVisitCard reports whether id is the number of the card read in this
// visit (docs/protocols.md A.13: the same card is told by its ID number).
func (s *Session) isVisitCard(id string) bool {
	if s == nil || id == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hasCard && s.cardKey == s.keys.Key(id)
}

// watchCardLocked waits, on a goroutine of its own, for the visit's card
// to be taken off the reader, and then clears CardOnReader.
func (s *Session) watchCardLocked() {
	if s.cardWatch != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cardWatch = cancel
	cards := s.opts.Cards
	go func() {
		// An error means the reader went away: nobody can tell then
		// whether the card lies there, so the reminder stops too.
		cards.WaitRemoved(ctx)
		s.mu.Lock()
		if ctx.Err() != nil { // the visit ended meanwhile
			s.mu.Unlock()
			return
		}
		cancel()
		s.cardWatch = nil
		if s.finishing {
			// She finished and has now taken her card: the visit is over.
			prev := s.endLocked()
			s.mu.Unlock()
			s.wipeAndAnnounce(prev, false)
			return
		}
		if s.cardOn {
			s.cardOn = false
			s.notifyLocked(false)
		}
		s.mu.Unlock()
	}()
}

// dropCardLocked forgets the visit's card at the end of the visit.
func (s *Session) dropCardLocked() {
	if s.cardWatch != nil {
		s.cardWatch()
		s.cardWatch = nil
	}
	s.cardKey, s.hasCard, s.cardOn = [32]byte{}, false, false
}

func ceilSeconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

// untilNextSecond is the time until the countdown's whole-second display
// changes (left is positive).
func untilNextSecond(left time.Duration) time.Duration {
	if r := left % time.Second; r != 0 {
		return r
	}
	return time.Second
}
