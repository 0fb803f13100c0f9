package diag

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hallkiosk/clock"
	"hallkiosk/config"
	"hallkiosk/devices"
	"hallkiosk/devices/serial"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/logs"
)

// configFixture is a gate over simulated devices with a configuration file.
type configFixture struct {
	deviceFixture
	cfg  config.Config
	path string
}

func newConfigFixture(t *testing.T) *configFixture {
	t.Helper()
	f := &configFixture{cfg: testConfig(t)}
	f.cfg.Diag.PINHash = testHash()
	f.cfg.BackOffice = config.BackOffice{URL: "https://bo.hall.example/", Token: "secret-token-K07"}
	set, err := devices.Open(devices.Options{Config: f.cfg.Devices, DataDir: f.cfg.DataDir, Logger: logs.Discard()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { set.Close() })
	f.set, f.clk, f.rec = set, clock.NewFake(t0), &recorder{}
	f.path = writeConfig(t, f.cfg)
	f.g = openGate(t, Options{ConfigPath: f.path, Config: f.cfg, Devices: set, Clock: f.clk, Auditor: f.rec})
	f.s = enter(t, f.g, testPIN)
	return f
}

func (f *configFixture) load(t *testing.T) config.Config {
	t.Helper()
	c, err := config.Load(f.path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newPrinter plugs another simulated printer in, as a technician swapping
// the printer would.
func newPrinter(t *testing.T, st printersim.State) *printersim.Sim {
	t.Helper()
	sim, err := printersim.Start(printersim.Opts{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	sim.SetState(st)
	t.Cleanup(func() { sim.Close() })
	return sim
}

func TestApplyDevice(t *testing.T) {
	ctx := ctxT(t)
	t.Run("moves the printer and saves", func(t *testing.T) {
		f := newConfigFixture(t)
		sim := newPrinter(t, printersim.State{})
		if err := f.s.ApplyDevice(ctx, devices.Printer, sim.Path(), 19200); err != nil {
			t.Fatal(err)
		}
		if got := f.load(t).Devices.Printer; got != (config.Device{Port: sim.Path(), Baud: 19200}) {
			t.Fatalf("saved printer %+v", got)
		}
		if in := f.set.Info(devices.Printer); in.Port != sim.Path() || in.Simulated {
			t.Fatalf("running printer %+v", in)
		}
		if r := printTest(t, &f.deviceFixture); !r.Pass {
			t.Fatalf("print on the new printer: %+v", r)
		}
		if _, err := sim.WaitTicket(ctx); err != nil {
			t.Fatal(err)
		}
		d := f.rec.details(ActionDeviceChange)
		if len(d) != 1 || !strings.Contains(d[0], "printer: simulator → "+sim.Path()+"@19200") {
			t.Fatalf("audit %v", d)
		}
	})

	refused := []struct {
		name string
		port func(t *testing.T) string
		baud int
		want string
	}{
		{"no such port", func(*testing.T) string { return "/dev/serial/by-id/usb-no-such-printer" }, 9600, "no such file"},
		{"printer does not answer", func(t *testing.T) string { return newPrinter(t, printersim.State{NoReply: true}).Path() }, 9600, "not responding"},
		{"unsupported baud", func(t *testing.T) string { return newPrinter(t, printersim.State{}).Path() }, 4800, "baud 4800"},
		{"no port", func(*testing.T) string { return " " }, 9600, "choose a serial port"},
	}
	for _, tt := range refused {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			f := newConfigFixture(t)
			before := f.set.Info(devices.Printer)
			err := f.s.ApplyDevice(ctx, devices.Printer, tt.port(t), tt.baud)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ApplyDevice = %v, want %q", err, tt.want)
			}
			if got := f.load(t).Devices.Printer; got != f.cfg.Devices.Printer {
				t.Fatalf("configuration changed to %+v", got)
			}
			if in := f.set.Info(devices.Printer); in.Port != before.Port {
				t.Fatalf("printer moved to %s", in.Port)
			}
			if r := printTest(t, &f.deviceFixture); !r.Pass {
				t.Fatalf("the old printer stopped working: %+v", r)
			}
		})
	}

	t.Run("rolled back when the configuration cannot be saved", func(t *testing.T) {
		f := newConfigFixture(t)
		old := f.set.Info(devices.Printer).Port
		sim := newPrinter(t, printersim.State{})
		// A directory where the file was: the rename of config.Save fails.
		os.Remove(f.path)
		if err := os.MkdirAll(filepath.Join(f.path, "blocker"), 0o755); err != nil {
			t.Fatal(err)
		}
		err := f.s.ApplyDevice(ctx, devices.Printer, sim.Path(), 9600)
		if err == nil || !strings.Contains(err.Error(), "save configuration") {
			t.Fatalf("ApplyDevice = %v, want a save error", err)
		}
		if in := f.set.Info(devices.Printer); in.Port != old {
			t.Fatalf("printer left on %s, want it back on %s", in.Port, old)
		}
		if r := printTest(t, &f.deviceFixture); !r.Pass {
			t.Fatalf("the printer does not work after the roll-back: %+v", r)
		}
		if len(sim.Tickets()) != 0 {
			t.Fatal("the test ticket went to the new printer")
		}
		if d := f.rec.details(ActionDeviceChange); len(d) != 1 || !strings.HasPrefix(d[0], "rolled back") {
			t.Fatalf("audit %v", d)
		}
		if live := f.g.cfg.live().Devices.Printer; live != f.cfg.Devices.Printer {
			t.Fatalf("running configuration changed to %+v", live)
		}
	})
}

func TestApplySettings(t *testing.T) {
	ctx := ctxT(t)
	f := newConfigFixture(t)
	cur, err := f.s.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if cur.Token != TokenSet || strings.Contains(string(jsonOf(cur)), "secret-token") {
		t.Fatalf("settings show the token: %+v", cur)
	}

	invalid := []struct {
		name   string
		change func(*Settings)
		field  string
	}{
		{"kiosk number", func(s *Settings) { s.KioskNumber = 0 }, "kiosk_number"},
		{"kiosk id", func(s *Settings) { s.KioskID = "K 07" }, "kiosk_id"},
		{"language", func(s *Settings) { s.Languages = []string{"zh", "fr"} }, "ui.languages"},
		{"plain http", func(s *Settings) { s.BackOfficeURL = "http://bo.hall.example" }, "backoffice.url"},
		{"no token", func(s *Settings) { s.ClearToken = true }, "backoffice.token"},
		{"idle", func(s *Settings) { s.IdleSeconds = 5 }, "ui.idle_seconds"},
		{"technician idle", func(s *Settings) { s.DiagIdleMinutes = 0 }, "diag.idle_minutes"},
	}
	for _, tt := range invalid {
		t.Run("invalid "+tt.name, func(t *testing.T) {
			st := cur
			tt.change(&st)
			_, err := f.s.ApplySettings(ctx, st)
			var ce *config.Error
			if !errors.As(err, &ce) || ce.Field != tt.field {
				t.Fatalf("ApplySettings = %v, want an error on %s", err, tt.field)
			}
			if got := f.load(t); !configEqual(got, f.cfg) {
				t.Fatal("an invalid change was saved")
			}
		})
	}

	t.Run("nothing changed", func(t *testing.T) {
		res, err := f.s.ApplySettings(ctx, cur)
		if err != nil || len(res.Changes) != 0 {
			t.Fatalf("%+v, %v", res, err)
		}
	})

	t.Run("valid", func(t *testing.T) {
		st := cur
		st.HallName = "朝阳区政务服务中心"
		st.Token = "new-secret-K07"
		st.Languages = []string{"zh"}
		res, err := f.s.ApplySettings(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Saved || !res.Restart || len(res.Changes) != 3 {
			t.Fatalf("result %+v", res)
		}
		for _, c := range res.Changes {
			if c.Field == "backoffice.token" && (c.Old != TokenSet || c.New != TokenSet) {
				t.Fatalf("token change shown as %+v", c)
			}
		}
		if strings.Contains(string(jsonOf(res)), "secret") {
			t.Fatal("result shows a token")
		}
		saved := f.load(t)
		if saved.UI.HallName != st.HallName || saved.BackOffice.Token != "new-secret-K07" || len(saved.UI.Languages) != 1 {
			t.Fatalf("saved %+v", saved)
		}
		// "(set)" keeps the token.
		again, _ := f.s.Settings()
		again.HallName = "朝阳区政务服务大厅"
		if _, err := f.s.ApplySettings(ctx, again); err != nil {
			t.Fatal(err)
		}
		if f.load(t).BackOffice.Token != "new-secret-K07" {
			t.Fatal(`"(set)" replaced the token`)
		}
		for _, d := range f.rec.details(ActionSettingsChange) {
			if strings.Contains(d, "secret") {
				t.Fatalf("audit %q shows a token", d)
			}
		}
	})
}

func TestPorts(t *testing.T) {
	f := newConfigFixture(t)
	byID := "/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0"
	orig := discover
	t.Cleanup(func() { discover = orig })
	discover = func() ([]serial.PortInfo, error) {
		return []serial.PortInfo{
			{Path: "/dev/ttyUSB0", ByID: byID, Driver: "ch341-uart", VendorID: "1a86", ProductID: "7523", Manufacturer: "QinHeng", Product: "USB Serial"},
			{Path: "/dev/ttyS0", Driver: "serial8250"},
		}, nil
	}
	sim := newPrinter(t, printersim.State{})
	if err := f.s.ApplyDevice(ctxT(t), devices.Printer, sim.Path(), 9600); err != nil {
		t.Fatal(err)
	}
	// Pretend the printer's port is the by-id link of the first adapter.
	if _, err := f.g.cfg.update(func(c *config.Config) { c.Devices.Printer.Port = byID }); err != nil {
		t.Fatal(err)
	}
	ports, err := f.s.Ports()
	if err != nil {
		t.Fatal(err)
	}
	if len(ports) != 2 {
		t.Fatalf("ports %+v", ports)
	}
	p := ports[0]
	if p.Path != byID || p.Node != "/dev/ttyUSB0" || p.VendorID != "1a86" || p.InUseBy != devices.Printer || !strings.Contains(p.Label, "QinHeng") {
		t.Fatalf("port %+v", p)
	}
	if ports[1].Path != "/dev/ttyS0" || ports[1].InUseBy != "" {
		t.Fatalf("port %+v", ports[1])
	}
}
