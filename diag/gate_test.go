package diag

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/clock"
	"hallkiosk/config"
)

// gateFixture is a gate on a configuration file with the test PIN.
type gateFixture struct {
	g    *Gate
	clk  *clock.Fake
	rec  *recorder
	cfg  config.Config
	path string
}

func newGateFixture(t *testing.T, hash string) *gateFixture {
	t.Helper()
	f := &gateFixture{clk: clock.NewFake(t0), rec: &recorder{}, cfg: testConfig(t)}
	f.cfg.Diag.PINHash = hash
	f.path = writeConfig(t, f.cfg)
	f.g = openGate(t, Options{ConfigPath: f.path, Config: f.cfg, Clock: f.clk, Auditor: f.rec})
	return f
}

// reopen models a reboot: a new gate on the same files.
func (f *gateFixture) reopen(t *testing.T) {
	t.Helper()
	f.g.Close()
	cfg, err := config.Load(f.path)
	if err != nil {
		t.Fatal(err)
	}
	f.g = openGate(t, Options{ConfigPath: f.path, Config: cfg, Clock: f.clk, Auditor: f.rec})
}

func TestGateLockout(t *testing.T) {
	f := newGateFixture(t, testHash())
	ctx := context.Background()
	for i := 1; i < MaxAttempts; i++ {
		_, err := f.g.Enter(ctx, "111111")
		var we *WrongPINError
		if !errors.As(err, &we) || we.AttemptsLeft != MaxAttempts-i {
			t.Fatalf("wrong PIN %d: %v, want %d attempts left", i, err, MaxAttempts-i)
		}
		if st := f.g.Status(); st.AttemptsLeft != MaxAttempts-i || st.Locked {
			t.Fatalf("status after %d wrong PINs: %+v", i, st)
		}
	}
	_, err := f.g.Enter(ctx, "111111")
	var le *LockedError
	if !errors.As(err, &le) || !le.JustLocked || le.Remaining != LockoutDuration || !errors.Is(err, ErrWrongPIN) {
		t.Fatalf("5th wrong PIN: %v, want a fresh lockout", err)
	}
	// Locked: even the right PIN is refused, and not checked.
	if _, err := f.g.Enter(ctx, testPIN); !errors.Is(err, ErrLocked) || errors.Is(err, ErrWrongPIN) {
		t.Fatalf("right PIN while locked: %v", err)
	}
	f.clk.Advance(LockoutDuration - time.Second)
	st := f.g.Status()
	if !st.Locked || st.Remaining != time.Second {
		t.Fatalf("status 1 s before the end: %+v", st)
	}
	f.clk.Advance(time.Second)
	if st := f.g.Status(); st.Locked || st.AttemptsLeft != MaxAttempts {
		t.Fatalf("status after the lockout: %+v", st)
	}
	s := enter(t, f.g, testPIN)
	if s.MustChangePIN() {
		t.Fatal("a configured PIN must not force a change")
	}
	for _, want := range []string{ActionWrongPIN, ActionLockout, ActionEnter} {
		if !f.rec.has(want) {
			t.Errorf("audit trail lacks %s: %v", want, f.rec.names())
		}
	}
	for _, d := range f.rec.details(ActionWrongPIN) {
		if strings.Contains(d, "111111") {
			t.Errorf("audit detail %q holds the PIN tried", d)
		}
	}
}

// A reboot keeps both the failure count and the lockout: the state file is
// in the data directory, 0600.
func TestGateStateSurvivesReboot(t *testing.T) {
	f := newGateFixture(t, testHash())
	ctx := context.Background()
	f.g.Enter(ctx, "111111")
	f.g.Enter(ctx, "111111")
	f.reopen(t)
	if st := f.g.Status(); st.AttemptsLeft != MaxAttempts-2 {
		t.Fatalf("after reboot: %d attempts left, want %d", st.AttemptsLeft, MaxAttempts-2)
	}
	for range 3 {
		f.g.Enter(ctx, "111111")
	}
	f.reopen(t)
	if st := f.g.Status(); !st.Locked {
		t.Fatalf("lockout did not survive the reboot: %+v", st)
	}
	fi, err := os.Stat(filepath.Join(f.cfg.DataDir, StateFileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	// A right PIN after the lockout resets the count on disk too.
	f.clk.Advance(LockoutDuration)
	enter(t, f.g, testPIN)
	f.reopen(t)
	if st := f.g.Status(); st.AttemptsLeft != MaxAttempts || st.Locked {
		t.Fatalf("after a good entry and a reboot: %+v", st)
	}
}

func TestGateStateFile(t *testing.T) {
	tests := []struct {
		name       string
		content    string
		wantLocked bool
	}{
		{"damaged file fails closed", "{not json", true},
		{"far-future lockout is clamped", `{"failures":0,"locked_until":"2036-03-02T10:00:00+08:00"}`, true},
		{"expired lockout", `{"failures":0,"locked_until":"2026-03-02T09:00:00+08:00"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewFake(t0)
			cfg := testConfig(t)
			cfg.Diag.PINHash = testHash()
			if err := os.WriteFile(filepath.Join(cfg.DataDir, StateFileName), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			g := openGate(t, Options{Config: cfg, Clock: clk})
			st := g.Status()
			if st.Locked != tt.wantLocked {
				t.Fatalf("locked = %v, want %v", st.Locked, tt.wantLocked)
			}
			// However the file got there, a lockout never exceeds
			// LockoutDuration (a clock that jumped back, a forged file).
			if st.Remaining > LockoutDuration {
				t.Fatalf("remaining %v exceeds the lockout duration", st.Remaining)
			}
			clk.Advance(LockoutDuration)
			enter(t, g, testPIN)
		})
	}
}

func TestFactoryPIN(t *testing.T) {
	f := newGateFixture(t, "")
	ctx := context.Background()
	if st := f.g.Status(); !st.DefaultPIN {
		t.Fatalf("status %+v: want DefaultPIN", st)
	}
	if _, err := f.g.Enter(ctx, testPIN); !errors.Is(err, ErrWrongPIN) {
		t.Fatalf("another PIN with no hash configured: %v", err)
	}
	s := enter(t, f.g, DefaultPIN)
	if !s.MustChangePIN() {
		t.Fatal("factory PIN must force a change")
	}
	// Nothing but ChangePIN and Exit before the change.
	if _, err := s.Devices(); !errors.Is(err, ErrMustChangePIN) {
		t.Fatalf("Devices before the change: %v", err)
	}
	if _, err := s.TestPrint(ctx); !errors.Is(err, ErrMustChangePIN) {
		t.Fatalf("TestPrint before the change: %v", err)
	}
	if err := s.ExitProgram(ctx); !errors.Is(err, ErrMustChangePIN) {
		t.Fatalf("ExitProgram before the change: %v", err)
	}
	if err := s.ChangePIN(ctx, "123456"); !errors.Is(err, ErrPINSequential) {
		t.Fatalf("sequential new PIN: %v", err)
	}
	if err := s.ChangePIN(ctx, "24681357"); err != nil {
		t.Fatal(err)
	}
	if s.MustChangePIN() {
		t.Fatal("still must change after ChangePIN")
	}
	if _, err := s.Devices(); err != nil {
		t.Fatalf("Devices after the change: %v", err)
	}
	// The file holds the new hash and nothing else changed.
	saved, err := config.Load(f.path)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPIN("24681357", saved.Diag.PINHash); !ok || err != nil {
		t.Fatalf("saved hash does not verify the new PIN: %v %v", ok, err)
	}
	saved.Diag.PINHash = ""
	if want := f.cfg; !configEqual(saved, want) {
		t.Fatalf("other settings changed:\n got %+v\nwant %+v", saved, want)
	}
	// From now on the factory PIN is refused and the new one opens.
	s.Exit(ctx)
	if _, err := f.g.Enter(ctx, DefaultPIN); !errors.Is(err, ErrWrongPIN) {
		t.Fatalf("factory PIN after the change: %v", err)
	}
	if s2 := enter(t, f.g, "24681357"); s2.MustChangePIN() {
		t.Fatal("the new PIN must not force a change")
	}
	if !f.rec.has(ActionPINChange) {
		t.Errorf("PIN change not audited: %v", f.rec.names())
	}
}

func configEqual(a, b config.Config) bool {
	return string(jsonOf(a)) == string(jsonOf(b))
}

// Saving writes what the file said plus the change, never the overrides the
// kiosk runs with (--window, --data-dir).
func TestChangePINKeepsCommandLineOverridesOutOfTheFile(t *testing.T) {
	cfg := testConfig(t)
	path := writeConfig(t, cfg)
	running := cfg
	running.UI.FullScreen, running.UI.Width = false, 1024 // --window 1024x800
	g := openGate(t, Options{ConfigPath: path, Config: running, Clock: clock.NewFake(t0)})
	s := enter(t, g, DefaultPIN)
	if err := s.ChangePIN(context.Background(), "59173826"); err != nil {
		t.Fatal(err)
	}
	saved, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !saved.UI.FullScreen || saved.UI.Width != cfg.UI.Width {
		t.Fatalf("override written into the file: fullscreen %v width %d", saved.UI.FullScreen, saved.UI.Width)
	}
}

func TestChangePINErrors(t *testing.T) {
	f := newGateFixture(t, testHash())
	s := enter(t, f.g, testPIN)
	ctx := context.Background()
	tests := []struct {
		pin  string
		want error
	}{
		{testPIN, ErrPINUnchanged},
		{"000000", ErrPINRepeated},
		{"98765", ErrPINLength},
		{"12ab56", ErrPINDigits},
	}
	for _, tt := range tests {
		if err := s.ChangePIN(ctx, tt.pin); !errors.Is(err, tt.want) {
			t.Errorf("ChangePIN(%q) = %v, want %v", tt.pin, err, tt.want)
		}
	}
	// A configuration that cannot be saved leaves the PIN as it was.
	os.Remove(f.path)
	if err := os.MkdirAll(filepath.Join(f.path, "blocker"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePIN(ctx, "59173826"); err == nil {
		t.Fatal("ChangePIN succeeded without a writable configuration")
	}
	s.Exit(ctx)
	enter(t, f.g, testPIN)
}

// A hash that cannot be parsed (a redacted config copied back) keeps entry
// closed instead of falling back to the factory PIN.
func TestBadConfiguredHashFailsClosed(t *testing.T) {
	f := newGateFixture(t, "(set)")
	if st := f.g.Status(); !errors.Is(st.Problem, ErrBadPINHash) {
		t.Fatalf("status problem = %v", st.Problem)
	}
	for _, pin := range []string{DefaultPIN, testPIN} {
		if _, err := f.g.Enter(context.Background(), pin); !errors.Is(err, ErrBadPINHash) {
			t.Fatalf("Enter(%q) = %v, want ErrBadPINHash", pin, err)
		}
	}
	if st := f.g.Status(); st.AttemptsLeft != MaxAttempts {
		t.Fatalf("a broken hash counted as wrong PINs: %+v", st)
	}
}
