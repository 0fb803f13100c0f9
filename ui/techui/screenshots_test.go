package techui_test

import (
	"context"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"hallkiosk/backoffice/api"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/internal/layoutcheck"
)

var screenshotDir = flag.String("screenshots", "", "write every technician page's PNG to this directory")

// TestTechScreenshots puts technician mode into every page at 1280×800 with
// the kiosk theme and its bundled CJK font, checks the layout (no text wider
// than its place, no character the bundled font lacks, every button a touch
// target) and, with -args -screenshots=DIR, writes diag-<page>.png.
func TestTechScreenshots(t *testing.T) {
	if *screenshotDir != "" {
		if err := os.MkdirAll(*screenshotDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	shot := func(r *rig, name string) {
		t.Helper()
		r.waitIdle()
		checkLayout(t, name, r.win.Canvas())
		img := r.win.Canvas().Capture()
		if *screenshotDir == "" {
			return
		}
		f, err := os.Create(filepath.Join(*screenshotDir, "diag-"+name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	}

	// The printer to fail a move to, and the ports the configuration page
	// lists: the simulators behind by-id links, as udev names adapters.
	dead, err := printersim.Start(printersim.Opts{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	dead.SetState(printersim.State{NoReply: true})
	const deadName = "usb-1a86_USB_Serial_Printer-if00-port0"
	r := newRigWith(t, false, rigOptions{
		discover: simPorts(t, map[string]string{deadName: dead.Path(), "usb-Newland_FM430_Scanner_0042-if00": dead.Path() + "-unplugged"}),
		reject: func(rec api.Record) string {
			if rec.Kind == api.KindRating {
				return "rating for an unknown ticket (ticket not issued by this hall today)"
			}
			return ""
		},
		// The test machine has no sound card, like many kiosks: the
		// settings page says so.
		audio: silentPlayer(t).Status,
	})
	shot(r, "pin")
	r.typePIN(diag0)
	r.waitText("修改出厂 PIN")
	r.typePIN("12")
	r.waitText("6–8")
	shot(r, "change-pin")
	r.typePIN(testPIN)
	r.typePIN(testPIN)
	r.waitText("技术员模式")
	r.waitIdle()

	r.tap("打印测试页 Test print")
	r.waitText("√ 通过 PASS")
	r.waitIdle()
	r.set.Sims().Printer.SetState(printersim.State{PaperOut: true})
	r.tap("探测 Probe")
	r.waitIdle()
	shot(r, "devices")
	r.tap("下一页 Next ▶")
	r.waitText("余纸 Paper left")
	shot(r, "devices-page2")
	r.set.Sims().Printer.SetState(printersim.State{})

	r.tap("通信 Traffic")
	shot(r, "traffic")
	r.tap("配置 Config")
	r.waitIdle()
	// A failed save, the longest state of the page.
	r.tapRow(deadName)
	r.tap("测试并保存 Test & save")
	r.waitText("未保存")
	shot(r, "config")
	r.tap("键盘 Keyboard")
	shot(r, "config-keyboard")
	r.tap("取消 Cancel")

	r.tap("语音 Voice")
	r.waitText("无声卡")
	shot(r, "voice")
	r.tap("设置 Settings")
	r.waitIdle()
	shot(r, "settings")
	r.tapInRow("后台地址 URL", "修改 Edit")
	r.tap("清除 Clear")
	r.tap("https://")
	r.typeKeys("bo.qinglan.gov.cn/")
	r.tap("上档 Shift")
	shot(r, "settings-keyboard")
	// Cancelled: the ping below must still reach the rig's back office.
	r.tap("取消 Cancel")
	r.tapInRow("令牌 Token", "修改 Edit")
	r.typeKeys("k01-7f3a9c")
	shot(r, "settings-token")
	r.tap("完成 Done")
	r.tapInRow("空闲返回 Idle", "修改 Edit")
	r.typeKeys("900")
	shot(r, "settings-keypad")
	r.tap("完成 Done")
	r.tap("保存设置 Save")
	r.waitText("空闲返回时间超出范围")
	shot(r, "settings-refused")
	r.tapInRow("空闲返回 Idle", "修改 Edit")
	r.typeKeys("90")
	r.tap("完成 Done")
	r.tap("保存设置 Save")
	r.waitText("√ 已保存")
	shot(r, "settings-saved")
	r.tapInRow("大厅名称 Hall", "修改 Edit")
	shot(r, "settings-hall")
	r.tap("取消 Cancel")

	r.tap("同步 Sync")
	r.waitIdle()
	for i := range 7 {
		if err := r.store.RecordRating(context.Background(), api.Rating{TicketNumber: fmt.Sprintf("A%03d", i+1), Overall: 2}); err != nil {
			t.Fatal(err)
		}
	}
	r.tap("立即同步 Sync now")
	r.waitText("转为死信 7")
	r.tap("检查后台 Ping")
	r.waitText("后台可达")
	shot(r, "sync")
	r.tapRow("#")
	r.waitText("后台拒收原因")
	shot(r, "dead-letter")
	r.tap("重新排队此条 Requeue this one")
	r.waitText("已重新排队")
	r.tap("健康 Health")
	r.waitIdle()
	r.tap("INFO")
	shot(r, "health")
	r.tap("导出 Export")
	r.tap("导出诊断包 Export bundle")
	r.waitText("√ 已写入")
	shot(r, "export")
	r.tap("退出程序 Quit")
	shot(r, "quit")

	// The entry screens with a configured PIN: wrong, then locked.
	r2 := newRig(t, true)
	r2.typePIN("111111")
	r2.waitText("还可尝试 4 次")
	shot(r2, "pin-wrong")
	for range 4 {
		r2.typePIN("111111")
		r2.waitIdle()
	}
	r2.clk.Advance(83 * time.Second)
	r2.waitText("已锁定，请 3 分 37 秒后再试")
	shot(r2, "pin-locked")
}

// diag0 is the factory PIN, spelled out so the scene reads in order.
const diag0 = "000000"

// checkLayout reports text that does not fit its place or that the bundled
// font cannot draw, and buttons below the touch target. Hex dumps are
// monospaced and wrap by design.
func checkLayout(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	for _, f := range layoutcheck.Check(c, layoutcheck.Options{SkipMonospace: true}) {
		t.Errorf("%s: %s", name, f)
	}
}
