package diag

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"hallkiosk/clock"
	"hallkiosk/devices"
)

// TestPollIsNotActivity: a page that refreshes itself must not keep the
// session open. Every Poll view leaves the idle deadline where the last
// touch put it, and the session still expires on time.
func TestPollIsNotActivity(t *testing.T) {
	env := newHallEnv(t, envOptions{})
	clk := clock.NewFake(time.Now())
	g, s := env.session(t, clk)
	ctx := ctxT(t)
	idle := g.idle()

	deadline := s.Deadline()
	for range 3 {
		clk.Advance(idle / 4)
		p := s.Poll()
		views, err := p.Devices()
		if err != nil || len(views) != len(devices.Kinds) {
			t.Fatalf("Poll.Devices = %d views, %v", len(views), err)
		}
		if _, err := p.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Health(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Logs(10, slog.LevelDebug); err != nil {
			t.Fatal(err)
		}
		if got := s.Deadline(); !got.Equal(deadline) {
			t.Fatalf("a poll moved the idle deadline from %v to %v", deadline, got)
		}
	}
	// A Session view is activity: it moves the deadline.
	if _, err := s.Devices(); err != nil {
		t.Fatal(err)
	}
	if !s.Deadline().After(deadline) {
		t.Fatal("Session.Devices did not count as a touch")
	}
	deadline = s.Deadline()
	clk.Advance(deadline.Sub(clk.Now()) + time.Second)
	eventually(t, "the idle expiry", func() bool { return !s.Active() })
	if _, err := s.Poll().Devices(); !errors.Is(err, ErrSessionClosed) {
		t.Fatalf("Poll on an expired session = %v, want ErrSessionClosed", err)
	}
}

func TestPollRefusedBeforePINChange(t *testing.T) {
	cfg := testConfig(t) // no PIN hash: the factory PIN opens a change-only session
	g := openGate(t, Options{ConfigPath: writeConfig(t, cfg), Config: cfg, Clock: clock.NewFake(t0)})
	s := enter(t, g, DefaultPIN)
	if _, err := s.Poll().Devices(); !errors.Is(err, ErrMustChangePIN) {
		t.Fatalf("Poll.Devices = %v, want ErrMustChangePIN", err)
	}
}

// TestPollHealthReusesTheProbe: Poll.Health asks the back office at most
// once per ProbeMaxAge, so a page refreshing every two seconds does not
// load it; Session.Health (a tap) always asks.
func TestPollHealthReusesTheProbe(t *testing.T) {
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	env := newHallEnv(t, envOptions{noDevices: true})
	clk := clock.NewFake(time.Now())
	env.cfg.Diag.PINHash = testHash()
	o := env.options(t, clk, writeConfig(t, env.cfg))
	o.BackOfficeURL = srv.URL
	g := openGate(t, o)
	s := enter(t, g, testPIN)
	ctx := ctxT(t)

	h, err := s.Poll().Health(ctx)
	if err != nil || !h.BackOffice.Reachable || asked.Load() != 1 {
		t.Fatalf("first poll: reachable %v, asked %d, %v", h.BackOffice.Reachable, asked.Load(), err)
	}
	for range 5 {
		clk.Advance(ProbeMaxAge / 10)
		h, err := s.Poll().Health(ctx)
		if err != nil || !h.BackOffice.Reachable {
			t.Fatalf("poll: %+v, %v", h.BackOffice, err)
		}
	}
	if n := asked.Load(); n != 1 {
		t.Fatalf("the back office was asked %d times within %s", n, ProbeMaxAge)
	}
	clk.Advance(ProbeMaxAge)
	if _, err := s.Poll().Health(ctx); err != nil || asked.Load() != 2 {
		t.Fatalf("after %s: asked %d, %v", ProbeMaxAge, asked.Load(), err)
	}
	if _, err := s.Health(ctx); err != nil || asked.Load() != 3 {
		t.Fatalf("Session.Health: asked %d, %v", asked.Load(), err)
	}
}
