package techui_test

import (
	"archive/zip"
	"context"
	"fmt"
	"image/png"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/config"
	"hallkiosk/devices"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/serial"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/diag"
	"hallkiosk/logs"
	"hallkiosk/offline"
	"hallkiosk/ui"
	"hallkiosk/ui/techui"
	"hallkiosk/voice"
)

const testPIN = "482915"

// cheapPIN keeps argon2id fast in tests; the rules tested here are the
// screen's, not the hash's cost.
var cheapPIN = diag.PINParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// rig is a kiosk's real parts behind technician mode: the SQLite store, the
// device set on its simulators, a configuration file, and a fake clock for
// the lockout and the idle expiry.
type rig struct {
	t       *testing.T
	bo      *httptest.Server // the back office, when the rig has one
	audit   *auditTap
	win     fyne.Window
	citizen fyne.CanvasObject
	clk     *clock.Fake
	store   *offline.Store
	set     *devices.Set
	gate    *diag.Gate
	mode    *techui.Mode
	q       *techui.Queue
	cfgPath string
	outDir  string // the kiosk's own export folder
	stick   string // a USB stick's mount point, offered first
	closed  atomic.Int32
	quit    atomic.Int32
	log     *logs.Log
}

// rigOptions add parts to a rig.
type rigOptions struct {
	// discover replaces the machine's serial port discovery (diag
	// Options.Discover), e.g. with serial.DiscoverIn over simulators.
	discover func() ([]serial.PortInfo, error)
	// reject makes the rig sync to a real back office on loopback that
	// refuses the records reject names (a reason) at the first attempt,
	// so that they become dead letters.
	reject func(api.Record) string
	// refresh is the pages' refresh interval (techui Options.Refresh).
	refresh time.Duration
	// audio is the voice player's status (diag Options.Audio); nil: no
	// player, as with voice switched off.
	audio func() voice.Status
}

func newRig(t *testing.T, withPIN bool) *rig {
	t.Helper()
	return newRigWith(t, withPIN, rigOptions{})
}

func newRigWith(t *testing.T, withPIN bool, o rigOptions) *rig {
	t.Helper()
	app := test.NewTempApp(t)
	app.Settings().SetTheme(ui.NewTheme(false))
	r := &rig{t: t, clk: clock.NewFake(time.Now()), outDir: t.TempDir(), stick: t.TempDir()}
	c := config.Default()
	c.KioskID, c.KioskNumber, c.DataDir = "K01", 1, t.TempDir()
	if withPIN {
		h, err := diag.HashPINWith(testPIN, cheapPIN)
		if err != nil {
			t.Fatal(err)
		}
		c.Diag.PINHash = h
	}
	lg, err := logs.Open(logs.Options{Dir: filepath.Join(c.DataDir, "logs"), Level: slog.LevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lg.Close() })
	r.log = lg
	so := offline.Options{Path: filepath.Join(c.DataDir, "kiosk.db"), KioskID: "K01", KioskNumber: 1, Logger: lg.Logger()}
	if o.reject != nil {
		const token = "token-K01"
		bo, err := backoffice.Open(backoffice.Options{DBPath: filepath.Join(t.TempDir(), "bo.db"),
			Tokens: map[string]string{token: "K01"}, Reject: o.reject})
		if err != nil {
			t.Fatal(err)
		}
		r.bo = httptest.NewServer(bo.Handler())
		t.Cleanup(func() { r.bo.Close(); bo.Close() })
		c.BackOffice = config.BackOffice{URL: r.bo.URL, Token: token, AllowInsecureHTTP: true}
		so.Client, err = offline.NewClient(offline.ClientOptions{BaseURL: r.bo.URL, AllowInsecureHTTP: true,
			Token: token, KioskID: "K01", Logger: lg.Logger()})
		if err != nil {
			t.Fatal(err)
		}
		so.Sync = offline.SyncOptions{MaxRejections: 1}
	}
	r.cfgPath = filepath.Join(t.TempDir(), "kiosk.json")
	if err := config.Save(r.cfgPath, c); err != nil {
		t.Fatal(err)
	}
	r.store, err = offline.Open(so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.store.Close() })
	r.set, err = devices.Open(devices.Options{Config: c.Devices, DataDir: c.DataDir, Logger: lg.Logger(), RetryOpen: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.set.Close() })
	r.audit = &auditTap{store: r.store}
	r.gate, err = diag.Open(diag.Options{ConfigPath: r.cfgPath, Config: c, Devices: r.set, Store: r.store, Log: lg,
		Auditor: r.audit, Clock: r.clk, Logger: lg.Logger(), Version: "test-1.0",
		BuildDate: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Discover: o.discover,
		Quit: func() { r.quit.Add(1) }, Audio: o.audio})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.gate.Close() })

	r.citizen = widget.NewLabel("citizen home")
	r.win = test.NewTempWindow(t, r.citizen)
	r.win.Resize(fyne.NewSize(1280, 800))
	r.mode = techui.New(r.win, r.gate, techui.Options{
		OnClose: func() { r.closed.Add(1) },
		Dirs:    func() []string { return []string{r.stick, r.outDir} },
		Refresh: o.refresh,
		Clock:   r.clk,
	})
	r.q = techui.UseQueue(r.mode)
	r.mode.Show()
	return r
}

// auditTap records in the kiosk's store, as the kiosk does, and keeps a
// copy of each action so that a test can read the audit trail back.
type auditTap struct {
	store *offline.Store
	mu    sync.Mutex
	acts  []api.TechnicianAction
}

func (a *auditTap) RecordTechnicianAction(ctx context.Context, act api.TechnicianAction) error {
	a.mu.Lock()
	a.acts = append(a.acts, act)
	a.mu.Unlock()
	return a.store.RecordTechnicianAction(ctx, act)
}

// details lists the details of the recorded actions named action.
func (a *auditTap) details(action string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, act := range a.acts {
		if act.Action == action {
			out = append(out, act.Detail)
		}
	}
	return out
}

// simPorts is a /dev tree for serial.DiscoverIn with one by-id link per
// simulator, named as udev names USB adapters: the technician's list then
// offers the simulators as it would offer real adapters.
func simPorts(t *testing.T, links map[string]string) func() ([]serial.PortInfo, error) {
	t.Helper()
	devRoot, sysRoot := t.TempDir(), t.TempDir()
	dir := filepath.Join(devRoot, "serial", "by-id")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return func() ([]serial.PortInfo, error) { return serial.DiscoverIn(devRoot, sysRoot) }
}

// walk visits every visible object on the window, widgets through their
// renderers.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) {
	if o == nil || !o.Visible() || !visit(o) {
		return
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, visit)
		}
	}
}

func (r *rig) button(text string) *widget.Button {
	var found *widget.Button
	walk(r.win.Content(), func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
		return found == nil
	})
	return found
}

// tap taps the button labelled text, failing the test if there is none.
func (r *rig) tap(text string) {
	r.t.Helper()
	b := r.button(text)
	if b == nil {
		r.t.Fatalf("no button %q on screen; texts: %q", text, r.texts())
	}
	test.Tap(b)
}

// buttons lists the buttons labelled text, in screen order.
func (r *rig) buttons(text string) []*widget.Button {
	var out []*widget.Button
	walk(r.win.Content(), func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			out = append(out, b)
		}
		return true
	})
	return out
}

// tapNth taps the n-th (from 0) button labelled text.
func (r *rig) tapNth(text string, n int) {
	r.t.Helper()
	bs := r.buttons(text)
	if len(bs) <= n {
		r.t.Fatalf("%d buttons %q on screen, want a %d-th; texts: %q", len(bs), text, n+1, r.texts())
	}
	test.Tap(bs[n])
}

// tapInRow taps the button labelled button in the smallest container that
// also holds a label reading label: the Edit button of one setting's row.
func (r *rig) tapInRow(label, button string) {
	r.t.Helper()
	var find func(o fyne.CanvasObject) (*widget.Button, bool, bool)
	// find returns the button found in the smallest container holding
	// both, else whether o's subtree holds the label and the button.
	find = func(o fyne.CanvasObject) (*widget.Button, bool, bool) {
		if o == nil || !o.Visible() {
			return nil, false, false
		}
		switch x := o.(type) {
		case *widget.Label:
			return nil, x.Text == label, false
		case *widget.Button:
			return nil, false, x.Text == button
		case *fyne.Container:
			var hasLabel bool
			var btn *widget.Button
			for _, c := range x.Objects {
				got, l, b := find(c)
				if got != nil {
					return got, true, true
				}
				hasLabel = hasLabel || l
				if b && btn == nil {
					btn = buttonIn(c, button)
				}
			}
			if hasLabel && btn != nil {
				return btn, true, true
			}
			return nil, hasLabel, btn != nil
		case fyne.Widget:
			var l, b bool
			for _, c := range test.WidgetRenderer(x).Objects() {
				got, cl, cb := find(c)
				if got != nil {
					return got, true, true
				}
				l, b = l || cl, b || cb
			}
			return nil, l, b
		}
		return nil, false, false
	}
	found, _, _ := find(r.win.Content())
	if found == nil {
		r.t.Fatalf("no %q beside %q; texts: %q", button, label, r.texts())
	}
	test.Tap(found)
}

// buttonIn is the first visible button labelled text in o's subtree.
func buttonIn(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
		return found == nil
	})
	return found
}

// tapRow taps the touch row (a button under a label) whose label holds
// sub: a dead letter, a detected port.
func (r *rig) tapRow(sub string) {
	r.t.Helper()
	var found *widget.Button
	walk(r.win.Content(), func(o fyne.CanvasObject) bool {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) != 2 {
			return found == nil
		}
		b, ok := c.Objects[0].(*widget.Button)
		if !ok || !c.Objects[1].Visible() {
			return found == nil
		}
		walk(c.Objects[1], func(o fyne.CanvasObject) bool {
			if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, sub) {
				found = b
			}
			return found == nil
		})
		return found == nil
	})
	if found == nil {
		r.t.Fatalf("no row with %q; texts: %q", sub, r.texts())
	}
	test.Tap(found)
}

// typeKeys taps the on-screen keyboard's keys, one per character: a
// letter's key reads as it will type, capital while shift or caps is on.
func (r *rig) typeKeys(s string) {
	r.t.Helper()
	for _, ch := range s {
		switch {
		case ch == ' ':
			r.tap("空格 Space")
		case r.button(string(ch)) != nil:
			r.tap(string(ch))
		default:
			r.tap(strings.ToUpper(string(ch)))
		}
	}
}

// entry is the text field on screen (the keyboard's, the port path).
func (r *rig) entry() *widget.Entry {
	r.t.Helper()
	var found *widget.Entry
	walk(r.win.Content(), func(o fyne.CanvasObject) bool {
		if e, ok := o.(*widget.Entry); ok {
			found = e
		}
		return found == nil
	})
	if found == nil {
		r.t.Fatalf("no text field on screen; texts: %q", r.texts())
	}
	return found
}

func (r *rig) typePIN(pin string) {
	r.t.Helper()
	for _, d := range pin {
		r.tap(string(d))
	}
	r.tap("确定 OK")
}

// texts lists the label and text strings on screen.
func (r *rig) texts() []string {
	var out []string
	walk(r.win.Content(), func(o fyne.CanvasObject) bool {
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
			return false
		case *canvas.Text:
			out = append(out, x.Text)
		case *widget.Entry:
			out = append(out, x.Text)
			return false
		}
		return true
	})
	return out
}

func (r *rig) hasText(sub string) bool {
	for _, s := range r.texts() {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// waitText waits for a background call's result to reach the screen,
// running what technician mode scheduled for the UI goroutine on the test
// goroutine meanwhile.
func (r *rig) waitText(sub string) {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for r.q.Drain(); !r.hasText(sub); r.q.Drain() {
		if time.Now().After(deadline) {
			r.t.Fatalf("gave up waiting for %q; on screen: %q", sub, r.texts())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *rig) waitIdle() {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for r.q.Drain(); r.mode.Busy(); r.q.Drain() {
		if time.Now().After(deadline) {
			r.t.Fatal("background calls never finished")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *rig) enter() {
	r.t.Helper()
	r.typePIN(testPIN)
	r.waitText("技术员模式")
	r.waitIdle()
}

func (r *rig) waitClosed() {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for r.q.Drain(); r.win.Content() != r.citizen || r.closed.Load() == 0; r.q.Drain() {
		if time.Now().After(deadline) {
			r.t.Fatalf("technician mode did not close; on screen: %q", r.texts())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPINKeypad(t *testing.T) {
	t.Run("right PIN opens the home", func(t *testing.T) {
		r := newRig(t, true)
		r.enter()
		for _, tab := range []string{"设备 Devices", "通信 Traffic", "配置 Config", "同步 Sync", "健康 Health", "导出 Export", "退出诊断 Exit", "退出程序 Quit"} {
			if r.button(tab) == nil {
				t.Errorf("home has no %q", tab)
			}
		}
	})
	t.Run("wrong PIN says attempts left", func(t *testing.T) {
		r := newRig(t, true)
		r.typePIN("111111")
		r.waitText("PIN 错误，还可尝试 4 次")
		r.waitIdle()
		if r.hasText("技术员模式") {
			t.Fatal("a wrong PIN opened technician mode")
		}
	})
	t.Run("backspace and clear edit the PIN", func(t *testing.T) {
		r := newRig(t, true)
		r.tap("9")
		r.tap("9")
		r.tap("清除 Clear")
		r.tap("7")
		r.tap("退格 Del")
		r.typePIN(testPIN)
		r.waitText("技术员模式")
	})
	t.Run("lockout after five wrong PINs, lifted after five minutes", func(t *testing.T) {
		r := newRig(t, true)
		for i := 4; i >= 1; i-- {
			r.typePIN("111111")
			r.waitText(fmt.Sprintf("PIN 错误，还可尝试 %d 次", i))
			r.waitIdle()
		}
		r.typePIN("111111")
		r.waitText("已锁定，请 5 分 0 秒后再试")
		r.waitIdle()
		// Input is refused: the keys are disabled and a tap changes nothing.
		if b := r.button("1"); b == nil || !b.Disabled() {
			t.Fatal("digit key still enabled during the lockout")
		}
		r.tap("4")
		if !r.hasText("– – – – – –") {
			t.Fatalf("a digit was taken during the lockout: %q", r.texts())
		}
		r.clk.Advance(2*time.Minute + 30*time.Second)
		r.waitText("已锁定，请 2 分 30 秒后再试")
		r.clk.Advance(2*time.Minute + 31*time.Second)
		deadline := time.Now().Add(10 * time.Second)
		for r.q.Drain(); r.hasText("已锁定") || r.button("1").Disabled(); r.q.Drain() {
			if time.Now().After(deadline) {
				t.Fatalf("lockout not lifted on screen: %q", r.texts())
			}
			time.Sleep(10 * time.Millisecond)
		}
		r.enter()
	})
	t.Run("back returns to the citizen screen", func(t *testing.T) {
		r := newRig(t, true)
		r.tap("返回 Back")
		r.waitClosed()
	})
}

func TestFactoryPINForcesChange(t *testing.T) {
	r := newRig(t, false)
	r.waitIdle()
	// The keypad is the same whether the factory PIN is in force or not:
	// it tells nobody who finds it that 000000 still opens it.
	for _, s := range r.texts() {
		if strings.Contains(s, "出厂") || strings.Contains(strings.ToLower(s), "factory") {
			t.Errorf("the PIN keypad says the factory PIN is in force: %q", s)
		}
	}
	r.typePIN(diag.DefaultPIN)
	r.waitText("修改出厂 PIN")
	r.waitIdle()
	if r.button("设备 Devices") != nil {
		t.Fatal("the home is reachable before the PIN is changed")
	}
	r.typePIN("123456")
	r.waitText("不能是连续数字")
	r.typePIN("482915")
	r.waitText("请再次输入新 PIN")
	r.typePIN("482916")
	r.waitText("两次输入不一致")
	r.typePIN("482915")
	r.typePIN("482915")
	r.waitText("技术员模式")
	r.waitIdle()
	c, err := config.Load(r.cfgPath)
	if err != nil || c.Diag.PINHash == "" {
		t.Fatalf("new PIN not saved: %v %q", err, c.Diag.PINHash)
	}
	if ok, _ := diag.VerifyPIN("482915", c.Diag.PINHash); !ok {
		t.Fatal("saved hash does not match the new PIN")
	}
}

func TestDevicesPage(t *testing.T) {
	r := newRig(t, true)
	r.enter()
	r.waitText("打印机 Printer")
	r.waitText("[模拟 simulated]")
	sims := r.set.Sims()

	r.tap("打印测试页 Test print")
	r.waitText("√ 通过 PASS")
	r.waitIdle()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := sims.Printer.WaitTicket(ctx); err != nil {
		t.Fatalf("printer simulator got no ticket: %v", err)
	}

	sims.Printer.SetState(printersim.State{PaperOut: true})
	r.tap("打印测试页 Test print")
	r.waitText("× 失败 FAIL")
	r.waitText("paper end")
	r.waitText("DLE EOT")
	r.waitIdle()

	// A printer with every paper fault has more details than its card
	// holds: they are paged with big buttons, not scrolled.
	r.waitText("缺纸停止打印")
	r.waitText("1 / 2")
	if r.hasText("余纸 Paper left") {
		t.Fatal("the second page's lines are on the first")
	}
	r.tap("下一页 Next ▶")
	r.waitText("余纸 Paper left")
	r.waitText("2 / 2")
	if r.hasText("缺纸停止打印") {
		t.Fatal("the first page's lines are still shown")
	}
	r.tap("◀ 上一页 Prev")
	r.waitText("缺纸停止打印")
}

// TestConfigFailureRollsBack moves the printer through the configuration
// page the way a technician does: the detected ports come from the real
// discovery over a /dev tree whose by-id links lead to simulators, the
// port is chosen from that list, and "test & save" goes to a printer that
// does not answer. The move is refused, the old printer keeps printing and
// the file is untouched; then the port of a working printer is chosen and
// the move is saved under its by-id path.
func TestConfigFailureRollsBack(t *testing.T) {
	dead, err := printersim.Start(printersim.Opts{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	dead.SetState(printersim.State{NoReply: true})
	spare, err := printersim.Start(printersim.Opts{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer spare.Close()
	const deadName, spareName = "usb-HallSim_Printer_DEAD-if00-port0", "usb-HallSim_Printer_SPARE-if00-port0"
	r := newRigWith(t, true, rigOptions{discover: simPorts(t, map[string]string{deadName: dead.Path(), spareName: spare.Path()})})
	old := r.set.Info(devices.Printer).Port
	before, err := os.ReadFile(r.cfgPath)
	if err != nil {
		t.Fatal(err)
	}

	r.enter()
	r.tap("配置 Config")
	r.waitText(deadName)
	r.tapRow(deadName)
	if p := r.entry().Text; !strings.HasSuffix(p, "/serial/by-id/"+deadName) {
		t.Fatalf("choosing the port filled in %q", p)
	}
	r.tap("9600")
	r.tap("测试并保存 Test & save")
	r.waitText("未保存，已恢复原设备")
	r.waitText("not responding")
	r.waitIdle()
	if got := r.set.Info(devices.Printer).Port; got != old {
		t.Fatalf("printer moved to %s", got)
	}
	if after, _ := os.ReadFile(r.cfgPath); string(after) != string(before) {
		t.Fatalf("the configuration file changed:\n%s", after)
	}
	// The old printer keeps working, through the screen.
	r.tap("设备 Devices")
	r.waitIdle()
	r.tap("打印测试页 Test print")
	r.waitText("√ 通过 PASS")
	r.waitIdle()

	// The working printer's port, chosen from the list, is saved as its
	// by-id link and marked as the printer's.
	r.tap("配置 Config")
	r.waitText(spareName)
	r.tapRow(spareName)
	r.tap("测试并保存 Test & save")
	r.waitText("√ 测试通过并已保存")
	r.waitText("[打印机 Printer 在用 in use]")
	r.waitIdle()
	c, err := config.Load(r.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(c.Devices.Printer.Port, "/serial/by-id/"+spareName) || c.Devices.Printer.Baud != 9600 {
		t.Fatalf("saved printer %+v", c.Devices.Printer)
	}
	r.tap("设备 Devices")
	r.waitIdle()
	r.tap("打印测试页 Test print")
	r.waitText("√ 通过 PASS")
	r.waitIdle()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := spare.WaitTicket(ctx); err != nil {
		t.Fatalf("the test page did not reach the new printer: %v", err)
	}
}

func TestSyncPageShowsPending(t *testing.T) {
	r := newRig(t, true)
	r.enter() // the entry itself is audited: a record waits in the outbox
	r.tap("同步 Sync")
	r.waitIdle()
	v, err := r.gate.Session().Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v.Pending == 0 {
		t.Fatal("nothing pending: the test has nothing to show")
	}
	r.tap("刷新 Refresh")
	r.waitIdle()
	r.waitText(fmt.Sprintf("待同步  Pending: %d", v.Pending))
}

func TestExportWritesZip(t *testing.T) {
	r := newRig(t, true)
	r.enter()
	r.tap("导出 Export")
	r.waitIdle() // the folders are found in the background
	// The stick is offered first; the technician chooses the kiosk's own
	// folder instead.
	r.tap(r.outDir)
	r.tap("导出诊断包 Export bundle")
	r.waitText("√ 已写入")
	r.waitIdle()
	zips, _ := filepath.Glob(filepath.Join(r.outDir, "*.zip"))
	if len(zips) != 1 {
		t.Fatalf("zips in the chosen folder: %v", zips)
	}
	if onStick, _ := filepath.Glob(filepath.Join(r.stick, "*")); len(onStick) != 0 {
		t.Fatalf("the folder not chosen got %v", onStick)
	}
	if !r.hasText(zips[0]) {
		t.Fatalf("the screen does not show the path %s: %q", zips[0], r.texts())
	}
	z, err := zip.OpenReader(zips[0])
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if len(z.File) == 0 {
		t.Fatal("empty bundle")
	}
}

func TestSessionEndCloses(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		r := newRig(t, true)
		r.enter()
		r.clk.Advance(time.Duration(config.Default().Diag.IdleMinutes+1) * time.Minute)
		r.waitClosed()
	})
	t.Run("exit diagnostics", func(t *testing.T) {
		r := newRig(t, true)
		r.enter()
		r.tap("退出诊断 Exit")
		r.waitClosed()
	})
	t.Run("exit program asks first", func(t *testing.T) {
		r := newRig(t, true)
		r.enter()
		r.tap("退出程序 Quit")
		r.waitText("确定退出程序？")
		if r.quit.Load() != 0 {
			t.Fatal("quit before confirming")
		}
		r.tap("确定退出 Quit")
		r.waitClosed()
		if r.quit.Load() != 1 {
			t.Fatal("program not quit")
		}
	})
}

func TestCardAndScanTests(t *testing.T) {
	r := newRig(t, true)
	r.enter()
	sims := r.set.Sims()
	prof := sims.IDCard.Profiles()[0]
	if err := sims.IDCard.Place(prof.ID); err != nil {
		t.Fatal(err)
	}
	defer sims.IDCard.Remove()
	r.tap("读卡测试 Card test")
	r.waitText(idcard.MaskID(prof.Card.IDNumber))
	r.waitIdle()
	if r.hasText(prof.Card.IDNumber) || r.hasText(prof.Card.Name) {
		t.Fatal("the card test shows the card unmasked")
	}

	sc, err := r.set.ScannerDriver()
	if err != nil {
		t.Fatal(err)
	}
	r.tap("扫码测试 Scan test")
	r.waitText("请扫描条码")
	deadline := time.Now().Add(20 * time.Second)
	for sc.Status().Waiting == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the scan test never waited for a code")
		}
		time.Sleep(2 * time.Millisecond)
	}
	const code = "SECRET-110101199001011234"
	if err := sims.Scanner.Scan(code); err != nil {
		t.Fatal(err)
	}
	r.waitText("√ 通过 PASS")
	r.waitIdle()
	if r.hasText(code) {
		t.Fatal("the scan test shows the scanned code")
	}
}

// TestResultsComeThroughTheScheduler proves that a tap never waits for the
// device: the tap returns with the busy indicator on, and the result
// reaches the screen only when the UI goroutine (here: the test's Drain)
// runs what the background call scheduled.
func TestResultsComeThroughTheScheduler(t *testing.T) {
	r := newRig(t, true)
	r.enter()
	r.tap("打印测试页 Test print")
	if !r.mode.Busy() || !r.hasText("处理中") {
		t.Fatal("no busy indicator after the tap")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := r.set.Sims().Printer.WaitTicket(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let the call return; its result must still wait
	if r.hasText("通过 PASS") {
		t.Fatal("a result reached a widget without going through the UI scheduler")
	}
	r.waitText("√ 通过 PASS")
	r.waitIdle()
	if r.hasText("处理中") {
		t.Fatal("busy indicator left on")
	}
}

// TestTapsKeepTheSessionAlive: every tap is a touch, so a technician who
// keeps working is never thrown out by the idle expiry.
func TestTapsKeepTheSessionAlive(t *testing.T) {
	r := newRig(t, true)
	r.enter()
	idle := time.Duration(config.Default().Diag.IdleMinutes) * time.Minute
	for range 3 {
		r.clk.Advance(idle - time.Minute)
		// The quit confirmation calls nothing in diag: only the tap's
		// Touch can keep the session open.
		r.tap("退出程序 Quit")
		r.waitIdle()
	}
	if !r.mode.Shown() || r.gate.Session() == nil || !r.gate.Session().Active() {
		t.Fatal("the session expired although the technician kept tapping")
	}
	r.clk.Advance(idle + time.Second)
	r.waitClosed()
}

// settingsRig opens technician mode on the settings page, with a real
// voice player on a kiosk without a sound card (silentPlayer).
func settingsRig(t *testing.T) *rig {
	t.Helper()
	r := newRigWith(t, true, rigOptions{audio: silentPlayer(t).Status})
	r.enter()
	r.tap("设置 Settings")
	r.waitIdle()
	return r
}

// silentPlayer is a real voice player, aplay and all, on a machine whose
// ALSA has no sound card: its default PCM is a card that does not exist. Its
// one clip is a few milliseconds of silence; what matters is the device.
// The player's first check has ended when it returns.
func silentPlayer(t *testing.T) *voice.Player {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".asoundrc"), []byte("pcm.!default {\n\ttype hw\n\tcard 29\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	clips := filepath.Join(dir, "clips")
	if err := os.MkdirAll(filepath.Join(clips, "zh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(clips, "zh", "voice.home.wav"), voice.EncodeWAV(voice.ClipFormat, make([]byte, 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	bank, err := voice.LoadBank(os.DirFS(clips))
	if err != nil {
		t.Fatal(err)
	}
	p := voice.NewPlayer(bank, voice.Options{Env: []string{"HOME=" + dir}})
	t.Cleanup(p.Close)
	<-p.Probed()
	if s := p.Status(); s.State != voice.StateNoDevice {
		t.Fatalf("player status %+v, want no_device", s)
	}
	return p
}

// TestSettingsVoice: technician mode says the kiosk has no audio, and
// voice mode and volume are set, refused out of range, saved and audited.
func TestSettingsVoice(t *testing.T) {
	r := settingsRig(t)
	r.tap("语音 Voice")
	r.waitIdle()
	r.waitText("音频输出 Audio output: 无声卡")
	r.tapInRow("音量 Volume", "修改 Edit")
	r.waitText("范围 1–100")
	r.typeKeys("101")
	r.tap("完成 Done")
	r.tap("保存设置 Save")
	r.waitText("音量须为 1–100 %")
	r.waitIdle()
	r.tapInRow("音量 Volume", "修改 Edit")
	r.typeKeys("35")
	r.tap("完成 Done")
	r.tap("关闭 Off")
	r.tap("保存设置 Save")
	r.waitText("语音提示 Voice: elder → off")
	r.waitText("音量 Volume: 80 → 35")
	r.waitIdle()
	if v := r.config().Voice; v.Mode != config.VoiceOff || v.Volume != 35 {
		t.Fatalf("saved voice %+v", v)
	}
	d := r.audit.details(diag.ActionSettingsChange)
	if last := d[len(d)-1]; !strings.Contains(last, `voice.mode "elder" → "off"`) {
		t.Fatalf("audit %q", last)
	}
}

func (r *rig) config() config.Config {
	r.t.Helper()
	c, err := config.Load(r.cfgPath)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// TestSettingsKeyboard edits text settings with the on-screen keyboard and
// saves them through diag: shift and caps, clear, the URL keys, a refusal
// worded for the technician with nothing saved, and a USB keyboard typing
// into the same field.
func TestSettingsKeyboard(t *testing.T) {
	t.Run("kiosk id with shift and caps", func(t *testing.T) {
		r := settingsRig(t)
		r.tapInRow("自助机编号 Kiosk ID", "修改 Edit")
		r.tap("清除 Clear")
		r.tap("上档 Shift")
		if r.button("K") == nil || r.button("k") != nil {
			t.Fatal("shift does not show capitals on the keys")
		}
		r.typeKeys("k") // a capital, then shift lets go
		r.typeKeys("a")
		r.tap("大写 Caps")
		r.typeKeys("bc")
		r.tap("大写 Caps")
		r.typeKeys("-09")
		if got := r.entry().Text; got != "KaBC-09" {
			t.Fatalf("typed %q", got)
		}
		r.tap("完成 Done")
		r.waitText("未保存的更改")
		r.tap("保存设置 Save")
		r.waitText("√ 已保存")
		r.waitIdle()
		if c := r.config(); c.KioskID != "KaBC-09" {
			t.Fatalf("saved kiosk id %q", c.KioskID)
		}
		d := r.audit.details(diag.ActionSettingsChange)
		if len(d) != 1 || !strings.Contains(d[0], `kiosk_id "K01" → "KaBC-09"`) {
			t.Fatalf("audit %q", d)
		}
	})

	t.Run("a bad URL is refused in words and nothing is saved", func(t *testing.T) {
		r := settingsRig(t)
		before, _ := os.ReadFile(r.cfgPath)
		r.tapInRow("后台地址 URL", "修改 Edit")
		r.typeKeys("bo.hall.example/") // no scheme
		r.tap("完成 Done")
		r.waitText("bo.hall.example/")
		r.tap("保存设置 Save")
		r.waitText("× 未保存，设置未更改")
		r.waitText("后台地址无效：须为完整的 https:// 地址")
		r.waitIdle()
		if after, _ := os.ReadFile(r.cfgPath); string(after) != string(before) {
			t.Fatal("a refused change reached the file")
		}
		// Fixed with the https:// key, the URL still needs a token.
		r.tapInRow("后台地址 URL", "修改 Edit")
		r.tap("清除 Clear")
		r.tap("https://")
		r.typeKeys("bo.hall.example/")
		r.tap("完成 Done")
		r.tap("保存设置 Save")
		r.waitText("设置了后台地址就必须有令牌")
		r.waitIdle()
		if after, _ := os.ReadFile(r.cfgPath); string(after) != string(before) {
			t.Fatal("a refused change reached the file")
		}
	})

	t.Run("a USB keyboard types into the same field", func(t *testing.T) {
		r := settingsRig(t)
		r.tapInRow("CA 证书 CA file", "修改 Edit")
		e := r.entry()
		if r.win.Canvas().Focused() != e {
			t.Fatal("the keyboard's field does not have the focus")
		}
		// The driver sends a USB keyboard's characters to the focused
		// widget; on-screen keys and the USB keyboard mix.
		test.Type(r.win.Canvas().Focused(), "/etc/ssl/")
		r.typeKeys("none")
		if r.win.Canvas().Focused() != e {
			t.Fatal("an on-screen key took the focus off the field")
		}
		test.Type(r.win.Canvas().Focused(), ".pem")
		if e.Text != "/etc/ssl/none.pem" {
			t.Fatalf("typed %q", e.Text)
		}
		r.tap("取消 Cancel") // Cancel keeps the old value
		if r.hasText("/etc/ssl/none.pem") || r.hasText("未保存的更改") {
			t.Fatalf("cancel changed the setting: %q", r.texts())
		}
	})
}

// TestSettingsToken: the token is typed masked, shown only as set or new,
// saved, and never written to the audit trail.
func TestSettingsToken(t *testing.T) {
	r := settingsRig(t)
	const token = "zq7-secret-91"
	r.tapInRow("令牌 Token", "修改 Edit")
	if e := r.entry(); !e.Password {
		t.Fatal("the token field is not masked")
	}
	r.typeKeys(token)
	var shown []string
	walk(r.entry(), func(o fyne.CanvasObject) bool {
		if x, ok := o.(*canvas.Text); ok {
			shown = append(shown, x.Text)
		}
		return true
	})
	if strings.Contains(strings.Join(shown, ""), "secret") {
		t.Fatalf("the token is drawn in clear: %q", shown)
	}
	r.tap("完成 Done")
	r.waitText(fmt.Sprintf("新令牌 new ●●●●●● (%d 位", len(token)))
	if r.hasText(token) {
		t.Fatal("the token is on screen")
	}
	r.tap("保存设置 Save")
	r.waitText("令牌 Token: 已设置 set")
	r.waitText("已设置 set ●●●●●●")
	r.waitIdle()
	if c := r.config(); c.BackOffice.Token != token {
		t.Fatalf("saved token %q", c.BackOffice.Token)
	}
	for _, d := range r.audit.details(diag.ActionSettingsChange) {
		if strings.Contains(d, "secret") {
			t.Fatalf("audit %q holds the token", d)
		}
	}

	// Remove it again, from the token's editor.
	r.tapInRow("令牌 Token", "修改 Edit")
	r.tap("清除令牌 Remove the token")
	r.waitText("保存后清除 removed on save")
	r.tap("保存设置 Save")
	r.waitText("令牌 Token: 已清除 removed")
	r.waitIdle()
	if c := r.config(); c.BackOffice.Token != "" {
		t.Fatalf("token still saved: %q", c.BackOffice.Token)
	}
}

// TestSettingsNumbersAndLanguages: timeouts through the keypad, a value out
// of range refused in words, languages as toggles, discard.
func TestSettingsNumbersAndLanguages(t *testing.T) {
	r := settingsRig(t)
	r.tapInRow("空闲返回 Idle", "修改 Edit")
	r.waitText("范围 15–600 秒")
	r.typeKeys("5") // the first digit replaces the old value
	r.tap("完成 Done")
	r.tap("保存设置 Save")
	r.waitText("空闲返回时间超出范围，须为 15–600 秒")
	r.waitIdle()
	if c := r.config(); c.UI.IdleSeconds != config.Default().UI.IdleSeconds {
		t.Fatalf("a refused idle timeout was saved: %d", c.UI.IdleSeconds)
	}

	r.tapInRow("空闲返回 Idle", "修改 Edit")
	r.typeKeys("9")
	r.typeKeys("00")
	r.tap("退格 Del")
	r.tap("完成 Done")
	// Offer Chinese only, and start in it.
	r.tapNth("English en", 0)
	r.tap("保存设置 Save")
	r.waitText("空闲返回 Idle: 60 → 90")
	r.waitText("提供语言 Languages: zh,en → zh")
	r.waitText("部分更改在程序重启后生效")
	r.waitIdle()
	c := r.config()
	if c.UI.IdleSeconds != 90 || strings.Join(c.UI.Languages, ",") != "zh" {
		t.Fatalf("saved idle %d, languages %v", c.UI.IdleSeconds, c.UI.Languages)
	}
	d := r.audit.details(diag.ActionSettingsChange)
	if last := d[len(d)-1]; !strings.Contains(last, `ui.idle_seconds "60" → "90"`) {
		t.Fatalf("audit %q", last)
	}

	// Starting in a language the kiosk does not offer is refused.
	r.tapNth("English en", 1)
	r.tap("保存设置 Save")
	r.waitText("首选语言必须是提供的语言之一")
	r.waitIdle()
	r.tap("放弃更改 Discard")
	if r.hasText("未保存的更改") {
		t.Fatalf("discard left changes: %q", r.texts())
	}
}

// TestSettingsHallName: the hall name follows the catalog until a
// technician overrides it (letters and digits), and goes back to the
// catalog's with one button.
func TestSettingsHallName(t *testing.T) {
	r := settingsRig(t)
	cat, err := r.store.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	follows := cat.Hall.Name.Zh + "（跟随目录 from the catalog）"
	r.waitText(follows)
	r.tapInRow("大厅名称 Hall", "修改 Edit")
	r.waitText(cat.Hall.Name.Zh) // the hint says which name the catalog gives
	r.tap("上档 Shift")
	r.typeKeys("hall 3")
	r.tap("完成 Done")
	r.tap("保存设置 Save")
	r.waitText("√ 已保存")
	r.waitIdle()
	if c := r.config(); c.UI.HallName != "Hall 3" {
		t.Fatalf("saved hall name %q", c.UI.HallName)
	}
	r.tapInRow("大厅名称 Hall", "修改 Edit")
	r.tap("跟随后台目录 Use the catalog's name")
	r.waitText(follows)
	r.tap("保存设置 Save")
	r.waitText("√ 已保存")
	r.waitIdle()
	if c := r.config(); c.UI.HallName != "" {
		t.Fatalf("saved hall name %q, want none (the catalog's)", c.UI.HallName)
	}
}

// deadLetters records n ratings, which the rig's back office refuses, and
// sends them through the sync page's "sync now": they become dead letters.
func deadLetters(t *testing.T, r *rig, n int) []offline.DeadLetter {
	t.Helper()
	for i := range n {
		if err := r.store.RecordRating(context.Background(), api.Rating{TicketNumber: fmt.Sprintf("A%03d", i+1), Overall: 1 + i%5}); err != nil {
			t.Fatal(err)
		}
	}
	r.tap("立即同步 Sync now")
	r.waitText(fmt.Sprintf("转为死信 %d", n))
	r.waitIdle()
	dl, err := r.store.DeadLetters(context.Background())
	if err != nil || len(dl) != n {
		t.Fatalf("%d dead letters, %v", len(dl), err)
	}
	return dl
}

// TestSyncRequeueOne pages through the dead letters, opens one on the
// second page and requeues it alone.
func TestSyncRequeueOne(t *testing.T) {
	r := newRigWith(t, true, rigOptions{reject: func(rec api.Record) string {
		if rec.Kind == api.KindRating {
			return "rating for an unknown ticket"
		}
		return ""
	}})
	r.enter()
	r.tap("同步 Sync")
	r.waitIdle()
	dl := deadLetters(t, r, 7)
	r.waitText("死信（后台拒收）7 条")
	r.waitText("第 1 / 2 页")
	if r.hasText(fmt.Sprintf("#%d ", dl[5].Seq)) {
		t.Fatal("the sixth dead letter is on the first page")
	}
	r.tap("下一页 Next ▶")
	r.waitText("第 2 / 2 页")
	chosen := dl[5]
	r.tapRow(fmt.Sprintf("#%d ", chosen.Seq))
	r.waitText(fmt.Sprintf("死信 #%d", chosen.Seq))
	r.waitText("rating for an unknown ticket")
	r.waitText(chosen.ID)
	r.tap("重新排队此条 Requeue this one")
	r.waitText(fmt.Sprintf("死信 #%d 已重新排队", chosen.Seq))
	r.waitText("死信（后台拒收）6 条")
	r.waitIdle()
	left, err := r.store.DeadLetters(context.Background())
	if err != nil || len(left) != 6 {
		t.Fatalf("%d dead letters left, %v", len(left), err)
	}
	for _, d := range left {
		if d.ID == chosen.ID {
			t.Fatal("the chosen dead letter is still dead")
		}
	}
	// Back from a dead letter without requeueing changes nothing.
	r.tapRow(fmt.Sprintf("#%d ", left[0].Seq))
	r.tap("◀ 返回列表 Back to the list")
	r.waitText("死信（后台拒收）6 条")
	if n, _ := r.store.DeadLetters(context.Background()); len(n) != 6 {
		t.Fatalf("%d dead letters after going back", len(n))
	}
}

// waitFor drains the UI queue until cond holds, while the pages' refresh
// runs on the fake clock: each round moves it on by one refresh period
// (refreshEvery) and nothing is tapped. The real-time sleep only lets the
// poll's database read finish on its own goroutine.
func (r *rig) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for r.q.Drain(); !cond(); r.q.Drain() {
		if time.Now().After(deadline) {
			r.t.Fatalf("gave up waiting for %s; on screen: %q", what, r.texts())
		}
		r.clk.Advance(refreshEvery)
		time.Sleep(5 * time.Millisecond)
	}
}

// refreshEvery is the refresh period of the rig that tests the refresh:
// short beside the session's idle time, which the same fake clock counts.
const refreshEvery = 10 * time.Millisecond

// TestPagesRefreshThemselves: the devices, sync and health pages show what
// changes while they are open without a tap; the refresh stops when the
// page or the mode is left, and does not keep the session open.
func TestPagesRefreshThemselves(t *testing.T) {
	r := newRigWith(t, true, rigOptions{refresh: refreshEvery})
	r.enter()
	ctx := context.Background()

	// Devices: a citizen's ticket finds the paper out (the flow asks the
	// printer's status); the open page shows it.
	if !r.mode.Refreshing() {
		t.Fatal("the devices page does not refresh")
	}
	r.set.Sims().Printer.SetState(printersim.State{PaperOut: true})
	p, err := r.set.PrinterDriver()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Status(ctx); err != nil {
		t.Fatal(err)
	}
	r.waitFor("paper end on the devices page", func() bool { return r.hasText("缺纸停止打印") })

	r.tap("通信 Traffic")
	if r.mode.Refreshing() {
		t.Fatal("the traffic page refreshes (only devices, sync and health do)")
	}
	r.tap("配置 Config")
	if r.mode.Refreshing() {
		t.Fatal("the configuration page refreshes")
	}

	// Sync: a record committed meanwhile shows in the pending count.
	r.tap("同步 Sync")
	r.waitIdle()
	v, err := r.gate.Session().Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.store.RecordRating(ctx, api.Rating{TicketNumber: "A001", Overall: 5}); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("待同步  Pending: %d", v.Pending+1)
	r.waitFor(want, func() bool { return r.hasText(want) })

	// Health: a warning logged meanwhile shows in the log tail.
	r.tap("健康 Health")
	r.waitIdle()
	r.log.Logger().Warn("printer cover opened during refresh test")
	r.waitFor("the new log line", func() bool { return r.hasText("printer cover opened during refresh test") })

	// The refresh is not activity: the session still expires on time. The
	// waits above moved the fake clock on by a few refresh periods since
	// the last tap, far less than the half minute kept in hand here.
	idle := time.Duration(config.Default().Diag.IdleMinutes) * time.Minute
	r.clk.Advance(idle - 30*time.Second)
	for range 3 { // several refreshes run meanwhile
		n := r.mode.Polls()
		r.waitFor("a refresh", func() bool { return r.mode.Polls() > n })
	}
	if !r.mode.Refreshing() {
		t.Fatal("the health page stopped refreshing")
	}
	r.clk.Advance(31 * time.Second)
	r.waitClosed()
	if r.mode.Refreshing() {
		t.Fatal("the refresh outlived the mode")
	}
}

// TestSettingsDraftSurvivesOtherPages: unsaved edits wait while the
// technician checks another page, and go when the session ends.
func TestSettingsDraftSurvivesOtherPages(t *testing.T) {
	r := settingsRig(t)
	r.tapInRow("空闲返回 Idle", "修改 Edit")
	r.typeKeys("90")
	r.tap("完成 Done")
	r.waitText("未保存的更改")
	r.tap("同步 Sync")
	r.waitIdle()
	r.tap("设置 Settings")
	r.waitIdle()
	r.waitText("未保存的更改")
	r.waitText("90 秒 s")
	if c := r.config(); c.UI.IdleSeconds != config.Default().UI.IdleSeconds {
		t.Fatalf("a draft was saved: idle %d", c.UI.IdleSeconds)
	}

	r.tap("退出诊断 Exit")
	r.waitClosed()
	r.mode.Show()
	r.enter()
	r.tap("设置 Settings")
	r.waitIdle()
	if r.hasText("未保存的更改") || r.hasText("90 秒 s") {
		t.Fatalf("the last session's draft is back: %q", r.texts())
	}
}

// A printer that ran out of paper and was refilled before the technician
// came is still on the health page: the fault, when it began and ended.
func TestHealthShowsAPaperOutThatWasFixed(t *testing.T) {
	r := newRig(t, true)
	r.enter()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	front := r.set.PrinterFront()
	for front.Ready(ctx) != nil && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond) // the printer's port is being opened
	}
	r.set.Sims().Printer.SetState(printersim.State{PaperOut: true})
	if front.Ready(ctx) == nil {
		t.Fatal("ready without paper")
	}
	r.set.Sims().Printer.SetState(printersim.State{})
	if err := front.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	r.tap("健康 Health")
	r.waitText("设备故障  Device faults: 打印机 Printer: paper end")
	r.waitIdle()
	for _, s := range r.texts() {
		if strings.Contains(s, "paper end") && strings.Contains(s, "ongoing") {
			t.Errorf("the refilled printer's fault reads as ongoing: %q", s)
		}
	}
	if p := os.Getenv("TECHUI_SHOT"); p != "" {
		f, _ := os.Create(p)
		png.Encode(f, r.win.Canvas().Capture())
		f.Close()
	}
}
