package diag

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"hallkiosk/clock"
	"hallkiosk/config"
	"hallkiosk/devices"
	"hallkiosk/devices/serial"
	"hallkiosk/logs"
	"hallkiosk/offline"
	"hallkiosk/voice"
)

// Lockout rules: MaxAttempts wrong PINs in a row close entry for
// LockoutDuration. A 6-digit PIN then takes on average 10^6/2 guesses at 5
// every 5 minutes — about a year at the keypad.
const (
	MaxAttempts     = 5
	LockoutDuration = 5 * time.Minute
)

// StateFileName is the gate's state file in the data directory. It keeps
// the failure count and the lockout across reboots, so pulling the plug does
// not buy an attacker fresh attempts.
const StateFileName = "diag-gate.json"

// Entry errors.
var (
	// ErrWrongPIN: the PIN did not match; a *WrongPINError says how many
	// attempts are left.
	ErrWrongPIN = errors.New("diag: wrong PIN")
	// ErrLocked: entry is locked after too many wrong PINs; a *LockedError
	// says until when.
	ErrLocked = errors.New("diag: technician entry locked")
)

// WrongPINError is a wrong PIN with attempts left before the lockout.
type WrongPINError struct{ AttemptsLeft int }

// Error says how many attempts are left.
func (e *WrongPINError) Error() string {
	return fmt.Sprintf("diag: wrong PIN, %d attempt(s) left", e.AttemptsLeft)
}

// Is matches ErrWrongPIN.
func (e *WrongPINError) Is(target error) bool { return target == ErrWrongPIN }

// LockedError says entry is locked, until when, and whether this very
// attempt (the last wrong PIN) started the lockout.
type LockedError struct {
	Until     time.Time
	Remaining time.Duration
	// JustLocked is true when the PIN of this attempt was the last wrong
	// one; the PIN of an attempt during a lockout is not even checked.
	JustLocked bool
}

// Error says how long entry stays locked.
func (e *LockedError) Error() string {
	return fmt.Sprintf("diag: technician entry locked for %s", e.Remaining.Round(time.Second))
}

// Is matches ErrLocked, and ErrWrongPIN when this attempt's PIN was wrong.
func (e *LockedError) Is(target error) bool {
	return target == ErrLocked || (e.JustLocked && target == ErrWrongPIN)
}

// Options wires the technician mode to the running kiosk. Only Config is
// required; every view that lacks its part (no store, no devices) reports it
// as unavailable instead of failing.
type Options struct {
	// ConfigPath is the configuration file that ChangePIN, ApplyDevice and
	// ApplySettings rewrite, atomically (config.Save). Empty: changes take
	// effect in memory only, as in the demo, which runs without a file.
	ConfigPath string
	// Config is the configuration the kiosk runs with (after command-line
	// overrides). The file at ConfigPath is read again at Open so that
	// saving never writes a command-line override into it.
	Config config.Config

	Devices *devices.Set
	Store   *offline.Store
	Log     *logs.Log
	// Auditor records technician actions; default Store.
	Auditor Auditor
	// Metrics, when set, is included in the diagnostics bundle and times
	// the technician's forced syncs (kiosk_sync_latency_seconds).
	Metrics *Metrics

	// Clock drives the lockout, the idle expiry and every test timeout.
	// Default the wall clock.
	Clock  clock.Clock
	Logger *slog.Logger

	// Version and BuildDate identify the build (ldflags); BuildDate is also
	// the earliest believable system time. Both default to what
	// runtime/debug.ReadBuildInfo knows.
	Version   string
	BuildDate time.Time
	// Started is when the kiosk process started (uptime); default Open's time.
	Started time.Time

	// BackOfficeURL overrides Config.BackOffice.URL for the reachability
	// check: the demo's embedded back office has no URL in the file.
	BackOfficeURL string
	// ProbeTimeout bounds the reachability check (default 5 s).
	ProbeTimeout time.Duration

	// Audio reports the voice player's output for Session.Audio; nil when
	// the kiosk has no player (voice switched off).
	Audio func() voice.Status

	// Discover lists the machine's serial ports for Session.Ports; default
	// serial.Discover. A kiosk whose adapters live elsewhere than /dev and
	// /sys (a container, a test's fixture tree with simulators behind
	// by-id links) passes serial.DiscoverIn with its own roots.
	Discover func() ([]serial.PortInfo, error)

	// Quit ends the kiosk program (the service manager restarts it or
	// leaves the desktop to the technician). Called by Session.ExitProgram.
	Quit func()
	// OnSessionEnd, when set, is called when a technician session ends,
	// for whatever reason; the screens go back to the citizen home screen.
	// The ended session is passed so that a screen can tell the end of a
	// replaced session (EndReplaced) from the end of its own. It runs on
	// the goroutine that ended the session (the idle timer's for EndIdle):
	// a Fyne screen hands it to fyne.Do.
	OnSessionEnd func(*Session, EndReason)
}

// Gate guards technician mode: it checks the PIN, counts wrong attempts,
// locks entry after MaxAttempts for LockoutDuration, and opens at most one
// Session at a time. It is safe for concurrent use.
type Gate struct {
	o     Options
	clk   clock.Clock
	log   *slog.Logger
	audit audit
	cfg   *configFile

	// tools state shared by the sessions of this process
	tools *toolState
	// probes is the last back-office check, reused by Poll.Health.
	probes probeCache

	// enter serialises PIN checks: argon2id takes tens of milliseconds and
	// two keypads (there is one) must not race the failure count.
	enter sync.Mutex
	// change serialises configuration changes (device moves with their
	// roll-back, settings, PIN), so one's roll-back never undoes another.
	change sync.Mutex

	mu        sync.Mutex
	state     gateState
	statePath string
	session   *Session
}

// gateState is what the state file holds.
type gateState struct {
	Failures    int       `json:"failures"`
	LockedUntil time.Time `json:"locked_until"`
}

// Open prepares technician mode: it reads the configuration file (to save
// changes over what the file says, not over command-line overrides) and the
// gate's state file. A state file that cannot be read fails closed: entry is
// locked for LockoutDuration, never opened.
func Open(o Options) (*Gate, error) {
	clk := clock.Or(o.Clock)
	lg := o.Logger
	if lg == nil {
		lg = slog.Default()
	}
	lg = lg.With("component", "diag")
	if o.Auditor == nil && o.Store != nil {
		o.Auditor = o.Store
	}
	if o.Started.IsZero() {
		o.Started = clk.Now()
	}
	if o.ProbeTimeout <= 0 {
		o.ProbeTimeout = 5 * time.Second
	}
	if o.Discover == nil {
		o.Discover = serial.Discover
	}
	if o.Config.DataDir == "" {
		// The lockout state lives there; without it a reboot would reset
		// the count.
		return nil, errors.New("diag: Options.Config.DataDir is required")
	}
	o.Version, o.BuildDate = buildIdentity(o.Version, o.BuildDate)
	cf, err := openConfigFile(o.ConfigPath, o.Config)
	if err != nil {
		return nil, err
	}
	g := &Gate{
		o: o, clk: clk, log: lg, cfg: cf,
		audit:     audit{a: o.Auditor, log: lg, now: clk.Now},
		tools:     &toolState{},
		statePath: filepath.Join(o.Config.DataDir, StateFileName),
	}
	b, err := os.ReadFile(g.statePath)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err == nil && json.Unmarshal(b, &g.state) == nil:
	default:
		// Someone may have damaged the file to reset the count; lock
		// rather than open, for one lockout period.
		lg.Error("technician gate state unreadable; entry locked", "path", g.statePath, "err", err)
		g.state = gateState{LockedUntil: clk.Now().Add(LockoutDuration)}
		g.saveState()
	}
	return g, nil
}

// GateStatus is what the PIN screen shows.
type GateStatus struct {
	Locked      bool
	LockedUntil time.Time
	Remaining   time.Duration
	// AttemptsLeft before the lockout.
	AttemptsLeft int
	// DefaultPIN: no PIN is configured, DefaultPIN opens and must be
	// changed at once.
	DefaultPIN bool
	// Problem is set when entry cannot work at all (ErrBadPINHash).
	Problem error
	// SessionOpen: a technician session is open.
	SessionOpen bool
}

// Status reports the gate's state.
func (g *Gate) Status() GateStatus {
	hash := g.cfg.live().Diag.PINHash
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clk.Now()
	g.clampLocked(now)
	st := GateStatus{AttemptsLeft: MaxAttempts - g.state.Failures, DefaultPIN: hash == ""}
	if now.Before(g.state.LockedUntil) {
		st.Locked, st.LockedUntil, st.Remaining = true, g.state.LockedUntil, g.state.LockedUntil.Sub(now)
	}
	if hash != "" {
		if _, _, _, err := parsePINHash(hash); err != nil {
			st.Problem = err
		}
	}
	st.SessionOpen = g.session != nil && g.session.Active()
	return st
}

// clampLocked keeps a lockout at most LockoutDuration away: after a wall
// clock jump backwards (a dead RTC battery, a bad NTP answer) a stored
// LockedUntil could otherwise lock the technician out for years.
func (g *Gate) clampLocked(now time.Time) {
	if g.state.LockedUntil.Sub(now) > LockoutDuration {
		g.state.LockedUntil = now.Add(LockoutDuration)
	}
}

// Enter checks pin and opens a technician session, replacing any open one.
// Errors: a *LockedError while locked (the PIN is not checked), a
// *WrongPINError with the attempts left, a *LockedError with JustLocked
// after the last allowed wrong PIN, ErrBadPINHash when the configured hash is
// unusable. With no configured hash DefaultPIN opens a session that must
// change the PIN before anything else (Session.MustChangePIN).
func (g *Gate) Enter(ctx context.Context, pin string) (*Session, error) {
	g.enter.Lock()
	defer g.enter.Unlock()
	g.mu.Lock()
	now := g.clk.Now()
	g.clampLocked(now)
	if now.Before(g.state.LockedUntil) {
		err := &LockedError{Until: g.state.LockedUntil, Remaining: g.state.LockedUntil.Sub(now)}
		g.mu.Unlock()
		return nil, err
	}
	g.mu.Unlock()

	hash := g.cfg.live().Diag.PINHash
	var ok, mustChange bool
	if hash == "" {
		ok, mustChange = constantTimeEqual(pin, DefaultPIN), true
	} else {
		var err error
		if ok, err = VerifyPIN(pin, hash); err != nil {
			g.log.Error("technician PIN hash unusable; set diag.pin_hash to \"\" to return to the factory PIN", "err", err)
			return nil, err
		}
	}

	g.mu.Lock()
	now = g.clk.Now()
	if !ok {
		g.state.Failures++
		failures := g.state.Failures
		var err error
		if failures >= MaxAttempts {
			g.state = gateState{LockedUntil: now.Add(LockoutDuration)}
			err = &LockedError{Until: g.state.LockedUntil, Remaining: LockoutDuration, JustLocked: true}
		} else {
			err = &WrongPINError{AttemptsLeft: MaxAttempts - failures}
		}
		g.saveState()
		g.mu.Unlock()
		g.audit.record(ctx, ActionWrongPIN, fmt.Sprintf("attempt %d of %d", failures, MaxAttempts))
		if failures >= MaxAttempts {
			g.log.Warn("technician entry locked after wrong PINs", "minutes", LockoutDuration.Minutes())
			g.audit.record(ctx, ActionLockout, fmt.Sprintf("%d wrong PINs, entry locked for %s", failures, LockoutDuration))
		}
		return nil, err
	}
	if g.state.Failures != 0 {
		g.state.Failures = 0
		g.saveState()
	}
	old := g.session
	s := newSession(g, mustChange)
	g.session = s
	g.mu.Unlock()
	if old != nil {
		old.end(ctx, EndReplaced)
	}
	detail := "PIN accepted"
	if mustChange {
		detail = "factory PIN accepted; PIN change required"
	}
	g.audit.record(ctx, ActionEnter, detail)
	g.log.Info("technician mode entered", "factory_pin", mustChange)
	return s, nil
}

// Session returns the open technician session, or nil.
func (g *Gate) Session() *Session {
	g.mu.Lock()
	s := g.session
	g.mu.Unlock()
	if s != nil && !s.Active() {
		return nil
	}
	return s
}

// Close ends the open session, if any (the kiosk is shutting down).
func (g *Gate) Close() error {
	g.mu.Lock()
	s := g.session
	g.mu.Unlock()
	if s != nil {
		s.end(context.Background(), EndClosed)
	}
	return nil
}

// saveState writes the state file (0600); g.mu must be held. A failed save
// is logged: the lockout still holds in memory until the next reboot.
func (g *Gate) saveState() {
	b, _ := json.Marshal(g.state)
	if err := config.WriteFileAtomic(g.statePath, b, 0o600); err != nil {
		g.log.Error("technician gate state not saved", "err", err)
	}
}

// release forgets s as the open session.
func (g *Gate) release(s *Session) {
	g.mu.Lock()
	if g.session == s {
		g.session = nil
	}
	g.mu.Unlock()
}

// constantTimeEqual compares the factory PIN without a timing side channel
// (only the length, which is public, can leak).
func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
