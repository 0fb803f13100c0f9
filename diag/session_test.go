package diag

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"hallkiosk/clock"
)

// sessionFixture is a gate whose session ends are observed as the UI would.
type sessionFixture struct {
	*gateFixture
	mu    sync.Mutex
	ended []EndReason
	quits int
}

func newSessionFixture(t *testing.T) *sessionFixture {
	f := &sessionFixture{gateFixture: &gateFixture{clk: clock.NewFake(t0), rec: &recorder{}, cfg: testConfig(t)}}
	f.cfg.Diag.PINHash = testHash()
	f.cfg.Diag.IdleMinutes = 3
	f.path = writeConfig(t, f.cfg)
	f.g = openGate(t, Options{ConfigPath: f.path, Config: f.cfg, Clock: f.clk, Auditor: f.rec,
		Quit: func() { f.mu.Lock(); f.quits++; f.mu.Unlock() },
		OnSessionEnd: func(_ *Session, r EndReason) {
			f.mu.Lock()
			f.ended = append(f.ended, r)
			f.mu.Unlock()
		}})
	return f
}

func (f *sessionFixture) endings() []EndReason {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]EndReason(nil), f.ended...)
}

// waitEnded waits for the session's end, which the idle timer's goroutine
// signals after the fake clock fired it.
func waitEnded(t *testing.T, s *Session) {
	t.Helper()
	select {
	case <-s.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("session did not end")
	}
}

func TestSessionIdleExpiry(t *testing.T) {
	f := newSessionFixture(t)
	s := enter(t, f.g, testPIN)
	idle := 3 * time.Minute
	if got := s.Deadline().Sub(f.clk.Now()); got != idle {
		t.Fatalf("deadline in %v, want %v", got, idle)
	}
	// Touches keep it open past the idle time.
	for range 3 {
		f.clk.Advance(idle - time.Second)
		s.Touch()
		if !s.Active() {
			t.Fatal("session ended although touched")
		}
	}
	f.clk.Advance(idle - time.Second)
	if !s.Active() {
		t.Fatal("session ended a second early")
	}
	f.clk.Advance(time.Second)
	waitEnded(t, s)
	if s.EndReason() != EndIdle || s.Active() {
		t.Fatalf("end reason %v, active %v", s.EndReason(), s.Active())
	}
	// Done closes before the callback runs; wait for the callback.
	eventually(t, "the UI callback", func() bool { return len(f.endings()) > 0 })
	if got := f.endings(); len(got) != 1 || got[0] != EndIdle {
		t.Fatalf("UI told %v, want [idle]", got)
	}
	if _, err := s.Devices(); !errors.Is(err, ErrSessionClosed) {
		t.Fatalf("action after expiry: %v", err)
	}
	if f.g.Session() != nil {
		t.Fatal("gate still has the expired session")
	}
	if !f.rec.has(ActionIdleExit) {
		t.Fatalf("idle exit not audited: %v", f.rec.names())
	}
}

// An action after the deadline fails even before the timer's goroutine
// has run: expiry does not depend on scheduling.
func TestSessionExpiryIsCheckedOnEveryAction(t *testing.T) {
	f := newSessionFixture(t)
	s := enter(t, f.g, testPIN)
	f.clk.Set(f.clk.Now().Add(3 * time.Minute))
	if s.Active() {
		t.Fatal("active past its deadline")
	}
	s.Touch() // too late: must not revive it
	if s.Active() {
		t.Fatal("a touch past the deadline revived the session")
	}
	if _, err := s.Settings(); !errors.Is(err, ErrSessionClosed) {
		t.Fatalf("Settings past the deadline: %v", err)
	}
	waitEnded(t, s)
}

// The idle timeout is read at each touch: a changed setting applies at once.
func TestSessionIdleFollowsSettings(t *testing.T) {
	f := newSessionFixture(t)
	s := enter(t, f.g, testPIN)
	st, err := s.Settings()
	if err != nil {
		t.Fatal(err)
	}
	st.DiagIdleMinutes = 10
	res, err := s.ApplySettings(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) != 1 || res.Changes[0].Restart || res.Restart {
		t.Fatalf("changes %+v: the idle timeout needs no restart", res.Changes)
	}
	s.Touch()
	if got := s.Deadline().Sub(f.clk.Now()); got != 10*time.Minute {
		t.Fatalf("deadline in %v after the change, want 10m", got)
	}
}

func TestExitProgram(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		prepare   func(f *sessionFixture, s *Session)
		want      error
		wantQuits int
	}{
		{"open session", func(*sessionFixture, *Session) {}, nil, 1},
		{"after exit", func(_ *sessionFixture, s *Session) { s.Exit(ctx) }, ErrSessionClosed, 0},
		{"after idle", func(f *sessionFixture, s *Session) { f.clk.Advance(3 * time.Minute); waitEnded(t, s) }, ErrSessionClosed, 0},
		{"replaced by a new entry", func(f *sessionFixture, _ *Session) { enter(t, f.g, testPIN) }, ErrSessionClosed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newSessionFixture(t)
			s := enter(t, f.g, testPIN)
			tt.prepare(f, s)
			if err := s.ExitProgram(ctx); !errors.Is(err, tt.want) {
				t.Fatalf("ExitProgram = %v, want %v", err, tt.want)
			}
			f.mu.Lock()
			quits := f.quits
			f.mu.Unlock()
			if quits != tt.wantQuits {
				t.Fatalf("Quit called %d times, want %d", quits, tt.wantQuits)
			}
			if tt.want == nil && (!f.rec.has(ActionExitProgram) || s.EndReason() != EndProgramExit) {
				t.Fatalf("exit not audited or session not ended: %v %v", f.rec.names(), s.EndReason())
			}
		})
	}
}

func TestExitProgramWithoutQuit(t *testing.T) {
	f := newGateFixture(t, testHash())
	s := enter(t, f.g, testPIN)
	if err := s.ExitProgram(context.Background()); !errors.Is(err, ErrNoQuit) {
		t.Fatalf("ExitProgram without Quit = %v", err)
	}
}
