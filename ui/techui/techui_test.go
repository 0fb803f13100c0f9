package techui_test

import (
	"archive/zip"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/clock"
	"hallkiosk/config"
	"hallkiosk/devices"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/diag"
	"hallkiosk/logs"
	"hallkiosk/offline"
	"hallkiosk/ui"
	"hallkiosk/ui/techui"
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
	win     fyne.Window
	citizen fyne.CanvasObject
	clk     *clock.Fake
	store   *offline.Store
	set     *devices.Set
	gate    *diag.Gate
	mode    *techui.Mode
	q       *techui.Queue
	cfgPath string
	outDir  string
	closed  atomic.Int32
	quit    atomic.Int32
}

func newRig(t *testing.T, withPIN bool) *rig {
	t.Helper()
	app := test.NewTempApp(t)
	app.Settings().SetTheme(ui.NewTheme(false))
	r := &rig{t: t, clk: clock.NewFake(time.Now()), outDir: t.TempDir()}
	c := config.Default()
	c.KioskID, c.KioskNumber, c.DataDir = "K01", 1, t.TempDir()
	if withPIN {
		h, err := diag.HashPINWith(testPIN, cheapPIN)
		if err != nil {
			t.Fatal(err)
		}
		c.Diag.PINHash = h
	}
	r.cfgPath = filepath.Join(t.TempDir(), "kiosk.json")
	if err := config.Save(r.cfgPath, c); err != nil {
		t.Fatal(err)
	}
	lg, err := logs.Open(logs.Options{Dir: filepath.Join(c.DataDir, "logs"), Level: slog.LevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lg.Close() })
	r.store, err = offline.Open(offline.Options{Path: filepath.Join(c.DataDir, "kiosk.db"), KioskID: "K01", KioskNumber: 1, Logger: lg.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.store.Close() })
	r.set, err = devices.Open(devices.Options{Config: c.Devices, DataDir: c.DataDir, Logger: lg.Logger(), RetryOpen: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.set.Close() })
	r.gate, err = diag.Open(diag.Options{ConfigPath: r.cfgPath, Config: c, Devices: r.set, Store: r.store, Log: lg,
		Clock: r.clk, Logger: lg.Logger(), Version: "test-1.0", BuildDate: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Quit: func() { r.quit.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.gate.Close() })

	r.citizen = widget.NewLabel("citizen home")
	r.win = test.NewTempWindow(t, r.citizen)
	r.win.Resize(fyne.NewSize(1280, 800))
	r.mode = techui.New(r.win, r.gate, techui.Options{
		OnClose: func() { r.closed.Add(1) },
		Dir:     func() string { return r.outDir },
	})
	r.q = techui.UseQueue(r.mode)
	r.mode.Show()
	return r
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
		if !r.hasText("_ _ _ _ _ _") {
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
}

func TestConfigFailureRollsBack(t *testing.T) {
	r := newRig(t, true)
	dead, err := printersim.Start(printersim.Opts{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	dead.SetState(printersim.State{NoReply: true})
	old := r.set.Info(devices.Printer).Port

	r.enter()
	r.tap("配置 Config")
	r.waitIdle()
	var path *widget.Entry
	walk(r.win.Content(), func(o fyne.CanvasObject) bool {
		if e, ok := o.(*widget.Entry); ok {
			path = e
		}
		return path == nil
	})
	if path == nil {
		t.Fatal("no port path field on the configuration page")
	}
	path.SetText(dead.Path())
	r.tap("测试并保存 Test & save")
	r.waitText("未保存，已恢复原设备")
	r.waitText("not responding")
	r.waitIdle()
	if got := r.set.Info(devices.Printer).Port; got != old {
		t.Fatalf("printer moved to %s", got)
	}
	// The old printer keeps working, through the screen.
	r.tap("设备 Devices")
	r.waitIdle()
	r.tap("打印测试页 Test print")
	r.waitText("√ 通过 PASS")
	r.waitIdle()
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
	r.tap("导出诊断包 Export bundle")
	r.waitText("√ 已写入")
	r.waitIdle()
	zips, _ := filepath.Glob(filepath.Join(r.outDir, "*.zip"))
	if len(zips) != 1 {
		t.Fatalf("zips in the export folder: %v", zips)
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
