package diag

import (
	"context"
	"errors"
	"sync"
	"time"

	"hallkiosk/clock"
	"hallkiosk/config"
)

// Session errors.
var (
	// ErrSessionClosed: the technician session ended (exit, idle timeout,
	// another entry); the PIN must be entered again.
	ErrSessionClosed = errors.New("diag: technician session closed")
	// ErrMustChangePIN: the session was opened with the factory PIN, which
	// must be changed before anything else.
	ErrMustChangePIN = errors.New("diag: change the factory PIN first")
	// ErrNoQuit: ExitProgram was called but the kiosk wired no Quit.
	ErrNoQuit = errors.New("diag: exiting the program is not available")
)

// EndReason says why a session ended.
type EndReason int

// Why sessions end.
const (
	EndExit        EndReason = iota + 1 // the technician left (Exit)
	EndIdle                             // no touch for Diag.IdleMinutes
	EndReplaced                         // another PIN entry opened a new session
	EndProgramExit                      // the technician exited the kiosk program
	EndClosed                           // the kiosk is shutting down (Gate.Close)
)

// String names the reason for logs.
func (r EndReason) String() string {
	switch r {
	case EndExit:
		return "exit"
	case EndIdle:
		return "idle"
	case EndReplaced:
		return "replaced"
	case EndProgramExit:
		return "program exit"
	case EndClosed:
		return "closed"
	}
	return "open"
}

// Session is an open technician session. Every action method checks that
// the session is still open (and that the factory PIN was changed), counts
// as a touch, and is audited. The UI calls Touch on every tap as well, so
// the session expires only after Diag.IdleMinutes without any input.
type Session struct {
	g   *Gate
	clk clock.Clock

	mu         sync.Mutex
	deadline   time.Time
	timer      clock.Timer
	reason     EndReason
	mustChange bool
	done       chan struct{}
}

func newSession(g *Gate, mustChange bool) *Session {
	idle := g.idle()
	s := &Session{g: g, clk: g.clk, mustChange: mustChange, done: make(chan struct{})}
	s.deadline = g.clk.Now().Add(idle)
	s.timer = g.clk.NewTimer(idle)
	go s.watch()
	return s
}

// idle is the technician idle timeout, read at every touch so that a
// changed setting applies from the next touch on.
func (g *Gate) idle() time.Duration {
	m := g.cfg.live().Diag.IdleMinutes
	if m <= 0 {
		m = config.Default().Diag.IdleMinutes
	}
	return time.Duration(m) * time.Minute
}

// watch ends the session when the idle timer fires and no touch has moved
// the deadline meanwhile. Touch re-arms the timer, so a fire seen here after
// a touch finds the deadline in the future and waits again.
func (s *Session) watch() {
	for {
		select {
		case <-s.done:
			return
		case <-s.timer.C():
			s.mu.Lock()
			expired := s.reason == 0 && !s.clk.Now().Before(s.deadline)
			s.mu.Unlock()
			if expired {
				s.end(context.Background(), EndIdle)
				return
			}
		}
	}
}

// Touch records technician activity and pushes the idle expiry back.
// It does nothing on an ended session, nor on one past its deadline whose
// timer has not been handled yet: a late touch must not revive a session
// that has already expired.
func (s *Session) Touch() {
	idle := s.g.idle()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	if s.reason != 0 || !now.Before(s.deadline) {
		return
	}
	s.deadline = now.Add(idle)
	s.timer.Reset(idle)
}

// Active reports whether the session is open. A session past its idle
// deadline is not active even if its timer has not been handled yet.
func (s *Session) Active() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason == 0 && s.clk.Now().Before(s.deadline)
}

// Deadline is when the session expires without another touch.
func (s *Session) Deadline() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deadline
}

// Done is closed when the session ends, before OnSessionEnd is called.
func (s *Session) Done() <-chan struct{} { return s.done }

// EndReason says why the session ended; 0 while it is open.
func (s *Session) EndReason() EndReason {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

// MustChangePIN reports whether the session was opened with the factory PIN
// and may do nothing but ChangePIN, Exit and read-only views.
func (s *Session) MustChangePIN() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mustChange
}

// Exit ends the session and returns to the citizen screens.
func (s *Session) Exit(ctx context.Context) {
	s.end(ctx, EndExit)
}

// ExitProgram ends the kiosk program (Options.Quit). It is the only way out
// of the kiosk's full-screen program, so it is allowed only from an open
// session whose factory PIN has been changed; otherwise it returns
// ErrSessionClosed or ErrMustChangePIN and does nothing.
func (s *Session) ExitProgram(ctx context.Context) error {
	if err := s.begin(); err != nil {
		return err
	}
	if s.g.o.Quit == nil {
		return ErrNoQuit
	}
	s.g.audit.record(ctx, ActionExitProgram, "technician exited the kiosk program")
	s.g.log.Warn("kiosk program exit requested by technician")
	s.end(ctx, EndProgramExit)
	s.g.o.Quit()
	return nil
}

// begin starts an action: the session must be open and past the factory
// PIN; the action counts as a touch.
func (s *Session) begin() error {
	if err := s.open(); err != nil {
		return err
	}
	if s.MustChangePIN() {
		return ErrMustChangePIN
	}
	s.Touch()
	return nil
}

// open checks only that the session is open (for views, ChangePIN and
// Exit, which the factory PIN allows), ending it if its deadline passed
// before its timer was handled.
func (s *Session) open() error {
	s.mu.Lock()
	reason := s.reason
	expired := reason == 0 && !s.clk.Now().Before(s.deadline)
	s.mu.Unlock()
	if expired {
		s.end(context.Background(), EndIdle)
		return ErrSessionClosed
	}
	if reason != 0 {
		return ErrSessionClosed
	}
	return nil
}

// end closes the session once, audits why, and tells the UI.
func (s *Session) end(ctx context.Context, why EndReason) {
	s.mu.Lock()
	if s.reason != 0 {
		s.mu.Unlock()
		return
	}
	s.reason = why
	s.timer.Stop()
	close(s.done)
	s.mu.Unlock()
	s.g.release(s)
	switch why {
	case EndIdle:
		s.g.audit.record(ctx, ActionIdleExit, "technician session expired after "+s.g.idle().String()+" without input")
	case EndExit:
		s.g.audit.record(ctx, ActionExit, "technician left")
	case EndReplaced, EndClosed:
		s.g.audit.record(ctx, ActionExit, "technician session "+why.String())
	}
	s.g.log.Info("technician mode left", "reason", why.String())
	if f := s.g.o.OnSessionEnd; f != nil {
		f(s, why)
	}
}

// ChangePIN checks newPIN against the rules (CheckPINRules), hashes it with
// argon2id and saves the hash into the configuration file atomically. It is
// the one action a factory-PIN session may take; after it the session has
// full rights.
func (s *Session) ChangePIN(ctx context.Context, newPIN string) error {
	if err := s.open(); err != nil {
		return err
	}
	s.Touch()
	if err := CheckPINRules(newPIN); err != nil {
		return err
	}
	if cur := s.g.cfg.live().Diag.PINHash; cur != "" {
		if same, err := VerifyPIN(newPIN, cur); err == nil && same {
			return ErrPINUnchanged
		}
	}
	hash, err := HashPIN(newPIN)
	if err != nil {
		return err
	}
	s.g.change.Lock()
	defer s.g.change.Unlock()
	saved, err := s.g.cfg.update(func(c *config.Config) { c.Diag.PINHash = hash })
	if err != nil {
		s.g.audit.record(ctx, ActionPINChange, "PIN change failed: configuration not saved")
		return err
	}
	s.mu.Lock()
	s.mustChange = false
	s.mu.Unlock()
	detail := "PIN changed"
	if !saved {
		detail += " (in memory only: no configuration file)"
	}
	s.g.audit.record(ctx, ActionPINChange, detail)
	s.g.log.Info("technician PIN changed", "saved", saved)
	return nil
}
