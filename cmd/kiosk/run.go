package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"hallkiosk/assets"
	"hallkiosk/backoffice/api"
	"hallkiosk/config"
	"hallkiosk/demo"
	"hallkiosk/devices"
	"hallkiosk/devices/idcard"
	"hallkiosk/diag"
	"hallkiosk/flow"
	"hallkiosk/logs"
	"hallkiosk/metrics"
	"hallkiosk/offline"
	"hallkiosk/ui"
	"hallkiosk/ui/techui"
	"hallkiosk/voice"
)

// processStart is when the process started, for the start-up time that the
// kiosk logs when its first frame is on screen.
var processStart = time.Now()

// defaultConfigPath is where an installed kiosk keeps its configuration
// (a variable for the tests).
var defaultConfigPath = "/etc/hallkiosk/kiosk.json"

// runOptions are the command-line options of `kiosk run`.
type runOptions struct {
	configPath string
	dataDir    string
	window     string
	fullScreen bool
	diag       bool
}

func runKiosk(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", stdout)
	var o runOptions
	fs.StringVar(&o.configPath, "config", "", "configuration file (default $KIOSK_CONFIG, then "+defaultConfigPath+")")
	fs.StringVar(&o.dataDir, "data-dir", "", "data directory (overrides the configuration)")
	fs.StringVar(&o.window, "window", "", "run in a window of this size, e.g. 1280x800, instead of full screen")
	fs.BoolVar(&o.fullScreen, "fullscreen", false, "run full screen even in the demo")
	fs.BoolVar(&o.diag, "diag", false, "open the technician PIN keypad at start")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	cfg, cfgPath, demo, err := loadConfig(o)
	if err != nil {
		return err
	}
	if cfg.MemoryLimitMB > 0 {
		debug.SetMemoryLimit(int64(cfg.MemoryLimitMB) << 20)
	}
	gcOn := collectorOffUntilShown()
	// Three things overlap until the first screen is built: Fyne parses
	// the two CJK faces (WarmFonts), the store and the devices open
	// (startKiosk), and GLFW starts on the main thread (ui.NewWindow).
	a := newApp("cn.gov.hallkiosk")
	ui.WarmFonts(a)
	type started struct {
		k   *kiosk
		err error
	}
	done := make(chan started, 1)
	go func() {
		k, err := startKiosk(cfg, demo, stderr)
		done <- started{k, err}
	}()
	win := ui.NewWindow(a)
	s := <-done
	if s.k != nil {
		s.k.cfgPath = cfgPath
	}
	if s.err != nil {
		return s.err
	}
	defer s.k.close()
	return s.k.runUI(a, win, o, gcOn)
}

// collectorOffUntilShown turns the garbage collector off and returns the
// function that turns it back on, which the kiosk calls at its first frame
// (and which runs by itself after gcOffAtMost). Start-up allocates the two
// parsed CJK faces in a few blocks of about 10 MB; with the collector on,
// each one starts a cycle whose worker spins on the second core until the
// goroutine copying the block can be stopped, and the first screen waits
// for the core. The memory limit, when set, still bounds the heap.
func collectorOffUntilShown() func() {
	percent := debug.SetGCPercent(-1)
	var once sync.Once
	on := func() { once.Do(func() { debug.SetGCPercent(percent) }) }
	time.AfterFunc(gcOffAtMost, on)
	return on
}

// gcOffAtMost bounds how long the collector stays off at start, for a
// kiosk whose first frame never comes (no display).
const gcOffAtMost = 10 * time.Second

// loadConfig finds and reads the configuration. No file at all means the
// demo: simulators and the embedded back office. A file that exists but is
// broken is an error, never a silent fallback to the demo.
func loadConfig(o runOptions) (cfg config.Config, path string, demo bool, err error) {
	path = o.configPath
	if path == "" {
		path = os.Getenv("KIOSK_CONFIG")
	}
	explicit := path != ""
	if path == "" {
		path = defaultConfigPath
	}
	cfg, err = config.Load(path)
	switch {
	case errors.Is(err, config.ErrNotExist) && !explicit:
		if cfg, path, err = demoConfig(o); err != nil {
			return cfg, "", false, err
		}
		demo = true
	case err != nil:
		return cfg, "", false, err
	}
	if o.dataDir != "" {
		cfg.DataDir = o.dataDir
	}
	if o.window != "" {
		w, h, err := parseSize(o.window)
		if err != nil {
			return cfg, "", false, err
		}
		cfg.UI.Width, cfg.UI.Height, cfg.UI.FullScreen = w, h, false
	}
	if o.fullScreen {
		cfg.UI.FullScreen = true
	}
	return cfg, path, demo, nil
}

// demoConfigFile is where the demo keeps what a technician changed (the
// PIN, settings, device ports), in its data directory, so that a restarted
// demo is the kiosk the technician left and not the factory one.
const demoConfigFile = "demo-kiosk.json"

// demoConfig is the demo's configuration: the defaults in a window, or what
// a technician saved in the data directory. A saved file that is broken is
// an error, as any configuration file is.
func demoConfig(o runOptions) (config.Config, string, error) {
	cfg := config.Default()
	cfg.UI.FullScreen = false
	if o.dataDir != "" {
		cfg.DataDir = o.dataDir
	}
	path := filepath.Join(cfg.DataDir, demoConfigFile)
	saved, err := config.Load(path)
	switch {
	case errors.Is(err, config.ErrNotExist):
		return cfg, path, nil
	case err != nil:
		return cfg, "", fmt.Errorf("the demo's saved settings: %w", err)
	}
	return saved, path, nil
}

func parseSize(s string) (int, int, error) {
	ws, hs, ok := strings.Cut(strings.ToLower(s), "x")
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if !ok || err1 != nil || err2 != nil || w < 320 || h < 320 {
		return 0, 0, fmt.Errorf("%w: --window wants WIDTHxHEIGHT such as 1280x800, got %q", errUsage, s)
	}
	return w, h, nil
}

// kiosk is everything the running kiosk owns besides its window.
type kiosk struct {
	cfg     config.Config
	cfgPath string // the file the configuration came from (in the demo, demoConfigFile)
	boURL   string // the back office the kiosk talks to (the embedded one's in the demo)
	qrBase  string // where the ticket QR links point (config, or the embedded back office)
	demo    bool
	zone    *time.Location // the hall's, for the screens (hallZone)
	log     *logs.Log
	metrics *diag.Metrics
	store   *offline.Store
	sim     *simProcess // the demo's simulators and back office, when the configuration leaves them out
	set     *devices.Set
	env     flow.Env
	voice   *voice.Player // nil with voice.mode "off"

	ctx    context.Context
	cancel context.CancelFunc
	done   []func()
}

// ticketPageBase is where the printed ticket QRs link: the configured
// backoffice.ticket_page_base, or, when no back office is configured (the
// demo), the embedded one at boURL, which serves the ticket pages itself.
// Empty prints the compact QR payload.
func ticketPageBase(cfg config.Config, boURL string) string {
	if b := cfg.BackOffice.TicketPageBase; b != "" || cfg.BackOffice.URL != "" {
		return b
	}
	return boURL
}

// startKiosk opens the log, the embedded back office (demo), the store and
// its sync loop, and the devices. Nothing here touches the screen.
func startKiosk(cfg config.Config, isDemo bool, stderr io.Writer) (_ *kiosk, err error) {
	k := &kiosk{cfg: cfg, demo: isDemo}
	k.ctx, k.cancel = context.WithCancel(context.Background())
	defer func() {
		if err != nil {
			k.close()
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	level, err := logs.ParseLevel(cfg.Log.Level)
	if err != nil {
		return nil, fmt.Errorf("log level: %w", err)
	}
	lo := logs.Options{Dir: filepath.Join(cfg.DataDir, "logs"), Level: level,
		MaxSize: int64(cfg.Log.MaxSizeMB) << 20, MaxFiles: cfg.Log.MaxFiles}
	if isDemo {
		lo.Extra = stderr
	}
	if k.log, err = logs.Open(lo); err != nil {
		return nil, err
	}
	k.done = append(k.done, func() { k.log.Close() })
	lg := k.log.Logger()
	lg.Info("kiosk starting", "version", version, "kiosk", cfg.KioskID, "demo", isDemo, "data_dir", cfg.DataDir)
	k.startVoice()

	boURL, token, insecure, seed := cfg.BackOffice.URL, cfg.BackOffice.Token, cfg.BackOffice.AllowInsecureHTTP, assets.SeedCatalog()
	if err := k.startSims(isDemo, stderr); err != nil {
		return nil, err
	}
	if boURL == "" {
		if seed, err = demo.Catalog(); err != nil {
			return nil, err
		}
		boURL, token, insecure = k.sim.ready.BackOfficeURL, k.sim.ready.Token, true
		lg.Info("embedded back office", "url", boURL)
	}
	k.boURL = boURL
	k.qrBase = ticketPageBase(cfg, boURL)
	// Sealed to the board by systemd when the unit passes them: a disk
	// taken out of the kiosk then holds neither (docs/security.md).
	if cred, err := config.Credential(config.CredentialToken); err != nil {
		return nil, err
	} else if cred != nil && !isDemo {
		token = strings.TrimSpace(string(cred))
	}
	storeKey, err := config.Credential(config.CredentialStoreKey)
	if err != nil {
		return nil, err
	}
	client, err := offline.NewClient(offline.ClientOptions{
		BaseURL: boURL, Token: token, KioskID: cfg.KioskID,
		CAFile: cfg.BackOffice.CAFile, AllowInsecureHTTP: insecure, Logger: lg,
	})
	if err != nil {
		return nil, fmt.Errorf("back office: %w", err)
	}
	k.store, err = offline.Open(offline.Options{
		Path: filepath.Join(cfg.DataDir, "kiosk.db"), KioskID: cfg.KioskID, KioskNumber: cfg.KioskNumber,
		Retention: cfg.Retention(), DiskBudget: int64(cfg.DiskBudgetMB) << 20,
		Client: client, Logger: lg, SeedCatalog: seed, Key: storeKey,
		// The metrics exist only once the store does; the hook reads
		// k.metrics when an event comes, after both are set.
		Sync: offline.SyncOptions{OnEvent: func(ev offline.SyncEvent) { k.metrics.OnSyncEvent(ev) }},
	})
	if err != nil {
		return nil, err
	}
	k.done = append(k.done, func() { k.store.Close() })
	k.zone = hallZone(k.ctx, k.store, lg)
	if h := k.store.Health(k.ctx); !h.IntegrityOK {
		// The store refuses writes; the home screen shows every tile that
		// records something as unavailable. Keep running so the
		// technician can export diagnostics.
		lg.Error("database failed its integrity check", "check", h.IntegrityCheck)
	}
	syncDone := make(chan struct{})
	go func() {
		defer close(syncDone)
		if err := k.store.RunSync(k.ctx); err != nil && !errors.Is(err, context.Canceled) {
			lg.Error("sync loop stopped", "err", err)
		}
	}()
	k.done = append(k.done, func() { <-syncDone })

	var simPorts map[devices.Kind]string
	if k.sim != nil {
		simPorts = k.sim.ready.ports()
	}
	k.set, err = devices.Open(devices.Options{Config: cfg.Devices, DataDir: cfg.DataDir, Logger: lg,
		SimPorts:     simPorts,
		ReaderEvents: func(ev idcard.Event) { k.metrics.ReaderEvent(ev) }})
	if err != nil {
		return nil, err
	}
	k.done = append(k.done, func() { k.set.Close() })
	k.metrics = diag.NewMetrics(metrics.New(), k.store, k.set, diag.MetricsOptions{
		Started: processStart, Version: version, KioskID: cfg.KioskID,
	})
	if cfg.Diag.HealthAddr != "" {
		healthDone := make(chan struct{})
		go func() {
			defer close(healthDone)
			if err := metrics.Serve(k.ctx, cfg.Diag.HealthAddr, k.metrics.Handler()); err != nil {
				// Another kiosk process or a stale one holds the port:
				// the kiosk serves citizens without its health endpoint.
				lg.Error("health endpoint not available", "addr", cfg.Diag.HealthAddr, "err", err)
			}
		}()
		k.done = append(k.done, func() { <-healthDone })
	}
	k.env = flow.Env{
		Store:      diag.NewCountingStore(k.store, k.metrics),
		Printer:    k.set.PrinterFront(),
		Cards:      diag.NewCountingCardReader(k.set.CardFront(), k.metrics),
		Scanner:    k.set.ScannerFront(),
		BackOffice: client,
		Log:        lg,
	}
	return k, nil
}

// startVoice starts the voice player on the bundled clips, unless the
// configuration switches voice off. Its first check of the audio output
// (a few milliseconds of silence through aplay) runs while the rest
// starts; runUI waits for it so that the first screen already knows
// whether to offer the speaker button.
func (k *kiosk) startVoice() {
	lg := k.log.Logger()
	if k.cfg.Voice.Mode == config.VoiceOff {
		lg.Info("voice switched off")
		return
	}
	bank, err := voice.Bundled()
	if err != nil {
		// A damaged clip: the kiosk runs silent, technician mode says why.
		lg.Error("voice clips unusable", "err", err)
		return
	}
	k.voice = voice.NewPlayer(bank, voice.Options{Device: k.cfg.Voice.Device, Volume: k.cfg.Voice.Volume,
		OnDone: func(p voice.Played) {
			if p.Err != nil {
				lg.Warn("voice prompt not played", "err", p.Err)
			}
		}})
	k.done = append(k.done, k.voice.Close)
}

// voiceDeps are the speaker and the audio status for the screens and
// technician mode; nil when there is no player.
func (k *kiosk) voiceDeps() (ui.Speaker, func() voice.Status) {
	if k.voice == nil {
		return nil, nil
	}
	select {
	case <-k.voice.Probed():
	case <-time.After(2 * time.Second):
		// An ALSA device that hangs must not hold the screen back.
	}
	st := k.voice.Status()
	k.log.Logger().Info("voice", "state", st.State.String(), "detail", st.Detail, "clips", st.Clips, "mode", k.cfg.Voice.Mode)
	return k.voice, k.voice.Status
}

// startSims starts `kiosk sim` for the parts the configuration leaves out:
// a simulator for each device without a port, the embedded back office when
// there is no back-office URL, and in the demo the simulator control window.
// Nothing is started when every part is configured.
func (k *kiosk) startSims(demo bool, stderr io.Writer) error {
	o := simOptions{dataDir: k.cfg.DataDir, kioskID: k.cfg.KioskID, backOffice: k.cfg.BackOffice.URL == "", control: demo}
	ports := map[devices.Kind]config.Device{devices.Printer: k.cfg.Devices.Printer,
		devices.IDCard: k.cfg.Devices.IDCard, devices.Scanner: k.cfg.Devices.Scanner}
	var kinds []string
	for _, kind := range devices.Kinds {
		if ports[kind].Simulated() {
			kinds = append(kinds, string(kind))
		}
	}
	o.devices = strings.Join(kinds, ",")
	if o.devices == "" && !o.backOffice {
		return nil
	}
	p, err := startSimProcess(o, stderr)
	if err != nil {
		return err
	}
	k.sim = p
	k.done = append(k.done, p.stop)
	return nil
}

// hallZone is the hall's time zone from the catalog, for the screens'
// clocks: the machine's zone when the catalog names none or one the zone
// database lacks. The process's time.Local is left alone, so the log's
// timestamps (UTC, logs.Options.Location) keep one zone for the whole run.
func hallZone(ctx context.Context, store *offline.Store, lg *slog.Logger) *time.Location {
	cat, err := store.Catalog(ctx)
	if err != nil || cat.Hall.Timezone == "" {
		return time.Local
	}
	loc, err := time.LoadLocation(cat.Hall.Timezone)
	if err != nil {
		lg.Warn("hall time zone unknown; keeping the system's", "zone", cat.Hall.Timezone, "err", err)
		return time.Local
	}
	return loc
}

// onScreen follows the screens: memory goes back once the home screen has
// stood for restDelay (atRest), and with KIOSK_READY_STDERR set each
// screen's name is printed on stderr ("kiosk: screen ticket/card"), as the
// first frame is ("kiosk: ready"), for the tests and benchmarks that drive
// the real window.
func (k *kiosk) onScreen() func(string) {
	rest := newAtRest(k.ctx, nil, restDelays(), releaseMemory)
	trace := os.Getenv("KIOSK_READY_STDERR") != ""
	return func(name string) {
		rest.screen(name)
		if trace {
			fmt.Fprintf(os.Stderr, "kiosk: screen %s\n", name)
		}
	}
}

// close stops everything startKiosk started, newest first.
func (k *kiosk) close() {
	k.cancel()
	for i := len(k.done) - 1; i >= 0; i-- {
		k.done[i]()
	}
	k.done = nil
}

// runUI shows the kiosk in win and blocks until the app quits; shown runs
// at the first frame.
func (k *kiosk) runUI(a fyne.App, win fyne.Window, o runOptions, shown func()) error {
	lg := k.log.Logger()
	// Technician mode needs the kiosk's window, and the kiosk's hidden
	// gesture needs technician mode: the gesture reads the variable when
	// it fires, long after both exist.
	var tech *techui.Mode
	var kw *ui.Kiosk
	quit := func() { fyne.Do(func() { kw.Close(); a.Quit() }) }
	speaker, audio := k.voiceDeps()
	kw = ui.New(a, ui.Deps{
		Voice:     speaker,
		VoiceMode: k.cfg.Voice.Mode,
		Technician: func() {
			if tech != nil {
				tech.Show()
			}
		},
		Env:    k.env,
		QRBase: k.qrBase,
		Session: flow.SessionOptions{
			Idle:        time.Duration(k.cfg.UI.IdleSeconds) * time.Second,
			ReadingIdle: time.Duration(k.cfg.UI.GuideIdleSeconds) * time.Second,
			Countdown:   time.Duration(k.cfg.UI.CountdownSeconds) * time.Second,
			Language:    k.cfg.UI.Language,
		},
		Hall:        api.Text{Zh: k.cfg.UI.HallName, En: k.cfg.UI.HallName},
		KioskNumber: k.cfg.KioskNumber,
		Location:    k.zone,
		OnScreen:    k.onScreen(),
		Window:      win,
	})
	kw.Show(k.cfg.UI.FullScreen, fyne.NewSize(float32(k.cfg.UI.Width), float32(k.cfg.UI.Height)))
	gate, err := diag.Open(diag.Options{
		ConfigPath: k.cfgPath, Config: k.cfg, Devices: k.set, Store: k.store, Log: k.log,
		Metrics: k.metrics, Logger: lg, Version: version, Started: processStart,
		BackOfficeURL: k.boURL, Quit: quit, Audio: audio,
	})
	if err != nil {
		// The citizen screens work without it; the technician falls
		// back to the command line (kiosk diag …) and the log says why.
		lg.Error("technician mode unavailable", "err", err)
	} else {
		defer gate.Close()
		tech = techui.New(kw.Window(), gate, techui.Options{
			OnClose:  func() { kw.Session().Home() },
			Dirs:     func() []string { return diag.ExportDirs(k.cfg.DataDir) },
			Location: k.zone,
		})
		if o.diag {
			tech.Show()
		}
	}
	a.Lifecycle().SetOnStarted(func() {
		// Runs on the first frame loop iteration after the window is shown.
		fyne.Do(func() {
			shown()
			lg.Info("home screen shown", "startup_ms", time.Since(processStart).Milliseconds())
			if k.sim != nil {
				go k.sim.kioskShown() // a pipe write: not on the UI goroutine
			}
			if os.Getenv("KIOSK_READY_STDERR") != "" {
				fmt.Fprintf(os.Stderr, "kiosk: ready %d ms\n", time.Since(processStart).Milliseconds())
			}
		})
	})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sig)
	go func() {
		s, ok := <-sig
		if !ok {
			return
		}
		lg.Info("stopping", "signal", s.String())
		quit()
	}()
	a.Run()
	lg.Info("kiosk stopped")
	return nil
}
