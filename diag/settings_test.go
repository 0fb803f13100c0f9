package diag

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/clock"
	"hallkiosk/config"
	"hallkiosk/devices"
	"hallkiosk/devices/serial"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/logs"
	"hallkiosk/voice"
)

// configFixture is a gate over simulated devices with a configuration file.
type configFixture struct {
	deviceFixture
	cfg  config.Config
	path string
}

func newConfigFixture(t *testing.T, opts ...func(*Options)) *configFixture {
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
	o := Options{ConfigPath: f.path, Config: f.cfg, Devices: set, Clock: f.clk, Auditor: f.rec}
	for _, opt := range opts {
		opt(&o)
	}
	f.g = openGate(t, o)
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
		{"idle, a digit too many", func(s *Settings) { s.IdleSeconds = 6000; s.GuideIdleSeconds = 6000 }, "ui.idle_seconds"},
		{"guide idle below idle", func(s *Settings) { s.GuideIdleSeconds = s.IdleSeconds - 1 }, "ui.guide_idle_seconds"},
		{"guide idle too long", func(s *Settings) { s.GuideIdleSeconds = MaxGuideIdleSeconds + 1 }, "ui.guide_idle_seconds"},
		{"countdown", func(s *Settings) { s.CountdownSeconds = 61 }, "ui.countdown_seconds"},
		{"technician idle", func(s *Settings) { s.DiagIdleMinutes = 0 }, "diag.idle_minutes"},
		{"technician idle too long", func(s *Settings) { s.DiagIdleMinutes = 61 }, "diag.idle_minutes"},
		{"empty kiosk id", func(s *Settings) { s.KioskID = "  " }, "kiosk_id"},
		{"not a URL", func(s *Settings) { s.BackOfficeURL = "bo.hall.example" }, "backoffice.url"},
		{"start language not offered", func(s *Settings) { s.Languages = []string{"en"}; s.Language = "zh" }, "ui.language"},
		{"no language", func(s *Settings) { s.Languages = nil }, "ui.languages"},
		{"hall name too long", func(s *Settings) { s.HallName = strings.Repeat("政务", MaxHallNameRunes) }, "ui.hall_name"},
		{"CA file missing", func(s *Settings) { s.CAFile = "/no/such/ca.pem" }, "backoffice.ca_file"},
		{"voice mode", func(s *Settings) { s.VoiceMode = "loud" }, "voice.mode"},
		{"voice muted by volume", func(s *Settings) { s.VoiceVolume = 0 }, "voice.volume"},
		{"voice volume, a digit too many", func(s *Settings) { s.VoiceVolume = 800 }, "voice.volume"},
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
			if live := f.g.cfg.live(); !configEqual(live, f.cfg) {
				t.Fatal("an invalid change reached the running configuration")
			}
			if d := f.rec.details(ActionSettingsChange); len(d) == 0 || !strings.HasPrefix(d[len(d)-1], "refused: ") {
				t.Fatalf("refusal not audited: %q", d)
			}
		})
	}

	t.Run("voice", func(t *testing.T) {
		if cur.VoiceMode != config.VoiceElder || cur.VoiceVolume != 80 {
			t.Fatalf("voice defaults %q %d, want elder 80", cur.VoiceMode, cur.VoiceVolume)
		}
		st := cur
		st.VoiceMode, st.VoiceVolume = config.VoiceOff, 35
		res, err := f.s.ApplySettings(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Changes) != 2 || !res.Restart {
			t.Fatalf("result %+v", res)
		}
		if v := f.load(t).Voice; v.Mode != config.VoiceOff || v.Volume != 35 {
			t.Fatalf("saved voice %+v", v)
		}
		if a, err := f.s.Audio(); err != nil || a.State != voice.StateOff || a.Available() {
			t.Fatalf("audio without a player: %+v, %v", a, err)
		}
		if _, err := f.s.ApplySettings(ctx, cur); err != nil {
			t.Fatal(err)
		}
		cur, _ = f.s.Settings()
	})

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
		// The audit says what changed, from what to what; the token only
		// as replaced.
		d := f.rec.details(ActionSettingsChange)
		first := d[len(d)-2]
		for _, want := range []string{`ui.hall_name "" → "朝阳区政务服务中心"`, "backoffice.token replaced", `ui.languages "zh,en" → "zh"`} {
			if !strings.Contains(first, want) {
				t.Errorf("audit %q does not say %q", first, want)
			}
		}
	})

	t.Run("a password in the URL stays out of the audit", func(t *testing.T) {
		st, _ := f.s.Settings()
		st.BackOfficeURL = "https://kiosk:hunter2@bo.hall.example/"
		if _, err := f.s.ApplySettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		d := f.rec.details(ActionSettingsChange)
		last := d[len(d)-1]
		if strings.Contains(last, "hunter2") || strings.Contains(last, "kiosk:") || !strings.Contains(last, "bo.hall.example") {
			t.Fatalf("audit %q", last)
		}
	})

	t.Run("an upper bound does not refuse a value already in the file", func(t *testing.T) {
		// An installer may set a long idle on purpose; saving another
		// setting must not be refused because of it.
		if _, err := f.g.cfg.update(func(c *config.Config) { c.UI.IdleSeconds, c.UI.GuideIdleSeconds = 900, 900 }); err != nil {
			t.Fatal(err)
		}
		st, _ := f.s.Settings()
		st.CountdownSeconds = 20
		if _, err := f.s.ApplySettings(ctx, st); err != nil {
			t.Fatalf("ApplySettings = %v", err)
		}
		if c := f.load(t); c.UI.IdleSeconds != 900 || c.UI.CountdownSeconds != 20 {
			t.Fatalf("saved %+v", c.UI)
		}
	})
}

// TestApplySettingsSaveFails: when the file cannot be written nothing
// changes, neither the file nor what the kiosk runs with, and the refusal
// is audited.
func TestApplySettingsSaveFails(t *testing.T) {
	f := newConfigFixture(t)
	before := f.g.cfg.live()
	os.Remove(f.path)
	if err := os.MkdirAll(filepath.Join(f.path, "blocker"), 0o755); err != nil {
		t.Fatal(err)
	}
	st, _ := f.s.Settings()
	st.IdleSeconds = 90
	if _, err := f.s.ApplySettings(ctxT(t), st); err == nil {
		t.Fatal("ApplySettings succeeded without a writable file")
	}
	if live := f.g.cfg.live(); !configEqual(live, before) {
		t.Fatalf("running configuration changed: idle %d", live.UI.IdleSeconds)
	}
	if now, _ := f.s.Settings(); now.IdleSeconds != before.UI.IdleSeconds {
		t.Fatalf("Settings shows %d", now.IdleSeconds)
	}
	if d := f.rec.details(ActionSettingsChange); len(d) != 1 || !strings.HasPrefix(d[0], "refused: ") {
		t.Fatalf("audit %q", d)
	}
}

// TestSettingsCatalogHallName: with no override the kiosk shows the
// catalog's hall name, and Settings says which one that is.
func TestSettingsCatalogHallName(t *testing.T) {
	env := newHallEnv(t, envOptions{noDevices: true})
	_, s := env.session(t, clock.NewFake(time.Now()))
	st, err := s.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if st.HallName != "" || st.CatalogHallName != "测试大厅" {
		t.Fatalf("hall %q, catalog %q", st.HallName, st.CatalogHallName)
	}
	// The catalog's name is read-only: applying it back changes nothing.
	st.CatalogHallName = "别的大厅"
	if res, err := s.ApplySettings(ctxT(t), st); err != nil || len(res.Changes) != 0 {
		t.Fatalf("%+v, %v", res, err)
	}
}

func TestPorts(t *testing.T) {
	byID := "/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0"
	f := newConfigFixture(t, func(o *Options) {
		o.Discover = func() ([]serial.PortInfo, error) {
			return []serial.PortInfo{
				{Path: "/dev/ttyUSB0", ByID: byID, Driver: "ch341-uart", VendorID: "1a86", ProductID: "7523", Manufacturer: "QinHeng", Product: "USB Serial"},
				{Path: "/dev/ttyS0", Driver: "serial8250"},
			}, nil
		}
	})
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

// TestPortsFromDiscovery runs the real discovery (serial.DiscoverIn) over a
// /dev tree whose by-id link leads to a simulated printer, chooses that
// port from the list, and moves the printer there: the path saved is the
// by-id link, which survives re-plugging.
func TestPortsFromDiscovery(t *testing.T) {
	sim := newPrinter(t, printersim.State{})
	devRoot, sysRoot := t.TempDir(), t.TempDir()
	link := filepath.Join(devRoot, "serial", "by-id", "usb-HallSim_Thermal_Printer_0001-if00-port0")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(sim.Path(), link); err != nil {
		t.Fatal(err)
	}
	f := newConfigFixture(t, func(o *Options) {
		o.Discover = func() ([]serial.PortInfo, error) { return serial.DiscoverIn(devRoot, sysRoot) }
	})
	ports, err := f.s.Ports()
	if err != nil {
		t.Fatal(err)
	}
	var chosen *PortChoice
	for i, p := range ports {
		if p.Path == link {
			chosen = &ports[i]
		}
	}
	if chosen == nil || chosen.InUseBy != "" || !strings.Contains(chosen.Label, "HallSim_Thermal_Printer") {
		t.Fatalf("the simulator's port is not offered as %s: %+v", link, ports)
	}
	if err := f.s.ApplyDevice(ctxT(t), devices.Printer, chosen.Path, 9600); err != nil {
		t.Fatal(err)
	}
	if got := f.load(t).Devices.Printer.Port; got != link {
		t.Fatalf("saved port %q, want the by-id link", got)
	}
	if r := printTest(t, &f.deviceFixture); !r.Pass {
		t.Fatalf("print on the chosen port: %+v", r)
	}
	if _, err := sim.WaitTicket(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	ports, _ = f.s.Ports()
	if len(ports) != 1 || ports[0].InUseBy != devices.Printer {
		t.Fatalf("after the move: %+v", ports)
	}
}
