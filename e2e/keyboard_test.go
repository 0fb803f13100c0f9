//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A USB keyboard plugged into a kiosk must not get out of the kiosk
// application. The hall's X session is deploy/hallkiosk-x.service: Xorg
// with deploy/xorg-kiosk.conf, no window manager. These tests run that X
// server (with the dummy video driver, since there is no screen here) and
// press the keys an intruder would try, through XTEST, which enters the
// server's input path as a keyboard does.

// startXorg starts Xorg on a free display with the deploy configuration
// plus, from extra (a configuration directory), the dummy screen. It
// returns the display and the server's log.
func startXorg(tb testing.TB, config string) (*xvfb, string) {
	tb.Helper()
	if _, err := exec.LookPath("Xorg"); err != nil {
		tb.Fatalf("Xorg is needed (scripts/deps.sh test installs it): %v", err)
	}
	if os.Geteuid() != 0 {
		// Xorg reads a -config outside /etc only for root.
		tb.Fatal("the Xorg keyboard tests run as root (the CI machine does)")
	}
	dir := tb.TempDir()
	confd := filepath.Join(dir, "conf.d")
	if err := os.MkdirAll(confd, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(confd, "10-dummy.conf"), []byte(dummyScreen), 0o644); err != nil {
		tb.Fatal(err)
	}
	x := &xvfb{display: freeDisplay()}
	log := filepath.Join(dir, "Xorg.log")
	args := []string{x.display, "-configdir", confd, "-noreset", "-nolisten", "tcp", "-logfile", log}
	if config != "" {
		args = append(args, "-config", config)
	}
	x.cmd = exec.Command("Xorg", args...)
	x.cmd.Stdout, x.cmd.Stderr = nil, nil
	if err := x.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { x.cmd.Wait(); close(exited) }()
	x.exited = exited
	tb.Cleanup(x.shutdown)
	for i := 0; i < 300; i++ {
		if x.alive() {
			return x, log
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(log)
			tb.Fatalf("Xorg exited at start:\n%s", tail(string(b), 30))
		case <-time.After(50 * time.Millisecond):
		}
	}
	tb.Fatal("Xorg did not answer within 15 s")
	return nil, ""
}

// dummyScreen is the screen a kiosk's display would be, for a machine
// without one: the dummy driver at the kiosk's 1280×800.
const dummyScreen = `Section "Device"
    Identifier "dummy"
    Driver "dummy"
    VideoRam 64000
EndSection
Section "Monitor"
    Identifier "monitor"
    HorizSync 5.0-1000.0
    VertRefresh 5.0-200.0
EndSection
Section "Screen"
    Identifier "screen"
    Device "dummy"
    Monitor "monitor"
    DefaultDepth 24
    SubSection "Display"
        Depth 24
        Modes "1280x800"
    EndSubSection
EndSection
`

// alive says whether the X server still answers.
func (x *xvfb) alive() bool {
	if x.exited != nil {
		select {
		case <-x.exited:
			return false
		default:
		}
	}
	cmd := exec.Command("xdpyinfo")
	cmd.Env = x.env()
	return cmd.Run() == nil
}

// xdo runs xdotool on the display.
func (x *xvfb) xdo(tb testing.TB, args ...string) string {
	tb.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = x.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("xdotool %v: %v %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// zapKeymap binds Ctrl+Alt+Backspace to Terminate_Server, as a keymap
// with the common XKB option "terminate:ctrl_alt_bksp" does (some
// distributions set it by default), so that only DontZap stands between
// the key and the end of the X session.
func zapKeymap(tb testing.TB, x *xvfb) {
	tb.Helper()
	cmd := exec.Command("setxkbmap", "-option", "terminate:ctrl_alt_bksp")
	cmd.Env = x.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("setxkbmap: %v %s", err, out)
	}
}

// TestKeyboardCannotEndTheXSession: Ctrl+Alt+Backspace ends an X server
// whose configuration allows it, and not the hall's.
func TestKeyboardCannotEndTheXSession(t *testing.T) {
	t.Run("without the kiosk settings the key ends the session", func(t *testing.T) {
		// The control: the attack works where nothing stops it, so the
		// test below can tell a stopped attack from a key that did nothing.
		allow := filepath.Join(t.TempDir(), "allow.conf")
		os.WriteFile(allow, []byte("Section \"ServerFlags\"\n    Option \"DontZap\" \"false\"\nEndSection\n"), 0o644)
		x, _ := startXorg(t, allow)
		zapKeymap(t, x)
		// xdotool may lose its connection with the server it ends.
		press := exec.Command("xdotool", "key", "ctrl+alt+BackSpace")
		press.Env = x.env()
		press.Run()
		select {
		case <-x.exited:
		case <-time.After(10 * time.Second):
			t.Fatal("Ctrl+Alt+Backspace did not end an X server that allows it: the test cannot see the attack")
		}
	})
	t.Run("the kiosk's X session survives it", func(t *testing.T) {
		x, log := startXorg(t, "../deploy/xorg-kiosk.conf")
		zapKeymap(t, x)
		x.xdo(t, "key", "ctrl+alt+BackSpace")
		time.Sleep(2 * time.Second)
		if !x.alive() {
			b, _ := os.ReadFile(log)
			t.Fatalf("Ctrl+Alt+Backspace ended the kiosk's X server:\n%s", tail(string(b), 10))
		}
		// Virtual-terminal switching (Ctrl+Alt+F1…F12) cannot be watched
		// on this machine: its console has no VTs to switch to. What can be
		// checked is that the server took DontVTSwitch from the kiosk's
		// file, the setting that turns those keys into plain key presses.
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`(**) Option "DontVTSwitch" "true"`, `(**) Option "DontZap" "true"`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("Xorg did not read %s from deploy/xorg-kiosk.conf; its log:\n%s", want, tail(string(b), 40))
			}
		}
	})
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// escapeKeys are what someone with a keyboard tries to leave a full-screen
// application or reach the system: window close, the window switcher, the
// desktop's run dialog and terminal, the system menu, full-screen toggles,
// virtual terminals, the reboot salute, job control.
var escapeKeys = []string{
	"alt+F4", "ctrl+w", "ctrl+q", "Escape", "alt+Tab", "alt+shift+Tab", "super", "super+d",
	"super+e", "alt+F2", "alt+F1", "ctrl+alt+t", "alt+space", "F11", "super+Up", "super+Down",
	"ctrl+alt+Delete", "ctrl+alt+BackSpace", "ctrl+alt+Escape", "ctrl+c", "ctrl+z",
	"ctrl+backslash", "ctrl+alt+F1", "ctrl+alt+F2", "ctrl+alt+F3", "ctrl+alt+F4", "ctrl+alt+F5",
	"ctrl+alt+F6", "ctrl+alt+F7", "ctrl+alt+F8", "ctrl+alt+F9", "ctrl+alt+F10", "ctrl+alt+F11",
	"ctrl+alt+F12",
}

// TestKeyboardStaysInTheKiosk: the production kiosk, full screen on the
// hall's X session, takes every escape key and is still there, full
// screen, on its home screen; the X session is still there too.
func TestKeyboardStaysInTheKiosk(t *testing.T) {
	kiosk := os.Getenv("KIOSK_BIN")
	if kiosk == "" {
		t.Fatal("KIOSK_BIN must name the kiosk binary (make smoke sets it)")
	}
	backoffice := filepath.Join(filepath.Dir(kiosk), "backoffice")
	x, _ := startXorg(t, "../deploy/xorg-kiosk.conf")
	zapKeymap(t, x)
	cmd := productionSetup(t, x, kiosk, backoffice, func(cfg map[string]any) {
		cfg["ui"] = map[string]any{"fullscreen": true}
	})()
	k, _ := startProc(t, cmd)
	t.Cleanup(func() { k.stop() })
	win := kioskWindow(t, x, k.cmd.Process.Pid)
	// The pointer rests on the window, as a finger would have left it: with
	// no window manager, X gives the keyboard to the window under it.
	x.xdo(t, "mousemove", "640", "400")
	k.drain()
	shots := t.TempDir()
	if keep := os.Getenv("E2E_SHOTS"); keep != "" {
		shots = keep
	}
	for _, key := range escapeKeys {
		x.xdo(t, "key", "--delay", "80", key)
		time.Sleep(300 * time.Millisecond)
		select {
		case err := <-k.exited:
			t.Fatalf("the kiosk exited after %s: %v", key, err)
		default:
		}
		if !x.alive() {
			t.Fatalf("the X session ended after %s", key)
		}
		if geo := windowState(t, x, win); geo != "0,0 1280x800 IsViewable" {
			t.Fatalf("after %s the kiosk window is %q, not full screen and shown", key, geo)
		}
	}
	// None of them may have done anything inside the kiosk either.
	select {
	case name := <-k.lines:
		t.Fatalf("an escape key opened the kiosk screen %s", name)
	default:
	}
	// The control: the keys did reach the kiosk. Tab moves the keyboard's
	// focus to a button or checkbox of the screen and space presses it,
	// as a tap would (the header's language buttons and elder-mode box),
	// and the kiosk rebuilds its home screen.
	reached := false
	for i := 0; i < 4 && !reached; i++ {
		x.xdo(t, "key", "--delay", "80", "Tab", "space")
		select {
		case <-k.lines:
			reached = true
		case <-time.After(3 * time.Second):
		}
	}
	if !reached {
		t.Fatal("Tab and space changed nothing: the keys may not have reached the kiosk at all, so the test above proves nothing")
	}
	shot := filepath.Join(shots, "after-keys.png")
	imp := exec.Command("import", "-window", "root", shot)
	imp.Env = x.env()
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v %s", err, out)
	}
	t.Logf("the screen after the keys: %s", shot)
}

// kioskWindow finds the kiosk's top-level window by its process.
func kioskWindow(t *testing.T, x *xvfb, pid int) string {
	t.Helper()
	for i := 0; i < 100; i++ {
		cmd := exec.Command("xdotool", "search", "--onlyvisible", "--pid", strconv.Itoa(pid))
		cmd.Env = x.env()
		out, _ := cmd.Output()
		if w := strings.Fields(string(out)); len(w) > 0 {
			return w[len(w)-1]
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no visible window of process %d", pid)
	return ""
}

// windowState is a window's position, size and map state, from xwininfo.
func windowState(t *testing.T, x *xvfb, win string) string {
	t.Helper()
	cmd := exec.Command("xwininfo", "-id", win)
	cmd.Env = x.env()
	out, err := cmd.Output()
	if err != nil {
		return "gone: " + err.Error()
	}
	field := func(name string) string {
		for _, line := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+":"); ok {
				return strings.TrimSpace(v)
			}
		}
		return "?"
	}
	return field("Absolute upper-left X") + "," + field("Absolute upper-left Y") + " " +
		field("Width") + "x" + field("Height") + " " + field("Map State")
}

// pinPad is where the technician PIN keypad's keys are on the 1280×800
// screen, and where the hidden entry (five taps on the hall's name) is.
var pinPad = map[string][2]int{
	"entry": {150, 45},
	"1":     {491, 337}, "2": {639, 337}, "3": {787, 337},
	"4": {491, 406}, "5": {639, 406}, "6": {787, 406},
	"0": {639, 545}, "ok": {639, 613},
}

// enterPIN opens the technician entry and types pin on its keypad.
func enterPIN(t *testing.T, x *xvfb, pin string) {
	t.Helper()
	click := func(name string) {
		p := pinPad[name]
		x.xdo(t, "mousemove", strconv.Itoa(p[0]), strconv.Itoa(p[1]), "click", "1")
	}
	for i := 0; i < 5; i++ {
		click("entry")
		time.Sleep(150 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond)
	for _, r := range pin {
		click(string(r))
		time.Sleep(200 * time.Millisecond)
	}
	click("ok")
	// The PIN check is an argon2id hash (or a constant-time compare) on
	// the diag goroutine; let it answer before the next attempt.
	time.Sleep(1500 * time.Millisecond)
}

// TestPINBruteForceIsLockedOut: someone with a USB keyboard and mouse
// tries PINs at the technician entry (the keyboard alone cannot reach it:
// the hall's name takes taps, not keyboard focus). Five wrong PINs lock
// entry; pulling the plug does not unlock it, and the right PIN is then
// refused too. The kiosk's own log says when technician mode opens.
func TestPINBruteForceIsLockedOut(t *testing.T) {
	kiosk := os.Getenv("KIOSK_BIN")
	if kiosk == "" {
		t.Fatal("KIOSK_BIN must name the kiosk binary (make smoke sets it)")
	}
	x, _ := startXorg(t, "../deploy/xorg-kiosk.conf")
	var data string
	cmd := productionSetup(t, x, kiosk, filepath.Join(filepath.Dir(kiosk), "backoffice"), func(cfg map[string]any) {
		cfg["ui"] = map[string]any{"fullscreen": true}
		data = cfg["data_dir"].(string)
	})
	entered := func() int {
		b, _ := os.ReadFile(filepath.Join(data, "logs", "kiosk.log"))
		return strings.Count(string(b), "technician mode entered")
	}
	run := func() *proc {
		k, _ := startProc(t, cmd())
		time.Sleep(500 * time.Millisecond)
		return k
	}

	// The control: the factory PIN (no PIN configured) opens entry, and the
	// log shows it, so a refusal below is a refusal and not a missed tap.
	k := run()
	enterPIN(t, x, "000000")
	if n := entered(); n != 1 {
		t.Fatalf("the factory PIN did not open technician mode (log has %d entries): the taps miss the keypad", n)
	}
	k.stop()

	k = run()
	for i := 0; i < 5; i++ {
		enterPIN(t, x, "123456")
		// Back on the keypad after a wrong PIN: the entry taps above land
		// on the hall name only from home, so leave the keypad first.
		x.xdo(t, "mousemove", "100", "770", "click", "1")
		time.Sleep(800 * time.Millisecond)
	}
	var st struct {
		Failures    int       `json:"failures"`
		LockedUntil time.Time `json:"locked_until"`
	}
	readState := func() {
		b, err := os.ReadFile(filepath.Join(data, "diag-gate.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &st); err != nil {
			t.Fatalf("gate state %q: %v", b, err)
		}
	}
	readState()
	if !st.LockedUntil.After(time.Now().Add(3 * time.Minute)) {
		t.Fatalf("five wrong PINs did not lock entry: state %+v", st)
	}
	// Pulling the plug.
	k.cmd.Process.Kill()
	<-k.exited

	k = run()
	defer k.stop()
	enterPIN(t, x, "000000")
	if n := entered(); n != 1 {
		t.Fatalf("the right PIN opened technician mode during the lockout, after a power cut (log has %d entries)", n)
	}
	readState()
	if !st.LockedUntil.After(time.Now()) {
		t.Fatalf("the lockout did not survive the power cut: state %+v", st)
	}
}
