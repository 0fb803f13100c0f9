package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"hallkiosk/backoffice"
	"hallkiosk/demo"
	"hallkiosk/devices"
	"hallkiosk/devices/sim/idcardsim"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/devices/sim/scannersim"
)

// The demo's simulators, its embedded back office and the simulator control
// window run in a process of their own (`kiosk sim`), which the kiosk starts
// when its configuration leaves a device port or the back-office URL empty.
// The kiosk process itself is then the production one: it opens serial
// ports and talks HTTP to a back office exactly as on a hall's terminal, and
// its memory and start-up are what a hall gets.

// simReady is the one JSON line `kiosk sim` prints on stdout once its
// pseudo-terminals and back office are up.
type simReady struct {
	Printer       string `json:"printer,omitempty"`
	IDCard        string `json:"idcard,omitempty"`
	Scanner       string `json:"scanner,omitempty"`
	BackOfficeURL string `json:"backoffice_url,omitempty"`
	Token         string `json:"token,omitempty"`
}

// ports maps the ready line's pseudo-terminals to the device set's kinds.
func (r simReady) ports() map[devices.Kind]string {
	m := map[devices.Kind]string{}
	for k, p := range map[devices.Kind]string{devices.Printer: r.Printer, devices.IDCard: r.IDCard, devices.Scanner: r.Scanner} {
		if p != "" {
			m[k] = p
		}
	}
	return m
}

// simOptions are the command-line options of `kiosk sim`.
type simOptions struct {
	dataDir    string
	devices    string // comma-separated kinds to simulate
	backOffice bool
	kioskID    string
	control    bool
}

func simCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("sim", stdout)
	o := simOptions{}
	fs.StringVar(&o.dataDir, "data-dir", "", "folder for printed tickets (printed/) and the back office's database")
	fs.StringVar(&o.devices, "devices", "printer,idcard,scanner", "devices to simulate (comma-separated; empty for none)")
	fs.BoolVar(&o.backOffice, "backoffice", false, "run the embedded demo back office on loopback")
	fs.StringVar(&o.kioskID, "kiosk-id", "K01", "the kiosk the back office's token belongs to")
	fs.BoolVar(&o.control, "control", false, "show the simulator control window")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if o.dataDir == "" {
		return fmt.Errorf("%w: sim needs --data-dir", errUsage)
	}
	kinds, err := parseKinds(o.devices)
	if err != nil {
		return err
	}
	lg := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("process", "sim")
	h, ready, err := startSims(o, kinds, lg)
	if err != nil {
		return err
	}
	defer h.close()
	line, _ := json.Marshal(ready)
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return fmt.Errorf("sim: ready line: %w", err)
	}

	// The simulators live as long as whoever started them: a signal, or
	// the end of standard input (the kiosk that started this process is
	// gone, even if it was killed), stops them. A line "shown" on standard
	// input says the kiosk has drawn its first frame.
	stop := make(chan struct{})
	shown := make(chan struct{})
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
		defer signal.Stop(sig)
		eof := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(stdin)
			told := false
			for sc.Scan() {
				if sc.Text() == simKioskShown && !told {
					close(shown)
					told = true
				}
			}
			close(eof)
		}()
		select {
		case <-sig:
		case <-eof:
		}
		close(stop)
	}()
	if !o.control {
		<-stop
		return nil
	}
	// The control window waits for the kiosk's first frame (or 10 s): two
	// Fyne windows starting at once on a two-core terminal slow the
	// kiosk's start, and the kiosk comes first.
	select {
	case <-shown:
	case <-stop:
		return nil
	case <-time.After(10 * time.Second):
	}
	a := newApp("cn.gov.hallkiosk.sim")
	h.showControl(a)
	go func() { <-stop; fyne.Do(a.Quit) }()
	a.Run()
	return nil
}

func parseKinds(s string) ([]devices.Kind, error) {
	var out []devices.Kind
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		k := devices.Kind(f)
		switch k {
		case devices.Printer, devices.IDCard, devices.Scanner:
			out = append(out, k)
		default:
			return nil, fmt.Errorf("%w: unknown device %q (printer, idcard, scanner)", errUsage, f)
		}
	}
	return out, nil
}

// simHost is everything `kiosk sim` runs.
type simHost struct {
	dataDir string
	printer *printersim.Sim
	idcard  *idcardsim.Sim
	scanner *scannersim.Sim
	bo      *backoffice.Server
	net     *netSwitch
	ctx     context.Context
	cancel  context.CancelFunc
	done    []func()
	log     *slog.Logger
}

func startSims(o simOptions, kinds []devices.Kind, lg *slog.Logger) (_ *simHost, ready simReady, err error) {
	h := &simHost{dataDir: o.dataDir, log: lg}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	defer func() {
		if err != nil {
			h.close()
		}
	}()
	if err := os.MkdirAll(o.dataDir, 0o750); err != nil {
		return nil, ready, fmt.Errorf("sim: data dir: %w", err)
	}
	for _, k := range kinds {
		switch k {
		case devices.Printer:
			if h.printer, err = printersim.Start(printersim.Opts{Dir: filepath.Join(o.dataDir, "printed")}); err != nil {
				return nil, ready, fmt.Errorf("sim: printer: %w", err)
			}
			h.done = append(h.done, func() { h.printer.Close() })
			ready.Printer = h.printer.Path()
		case devices.IDCard:
			if h.idcard, err = idcardsim.Start(idcardsim.Opts{}); err != nil {
				return nil, ready, fmt.Errorf("sim: ID reader: %w", err)
			}
			h.done = append(h.done, func() { h.idcard.Close() })
			ready.IDCard = h.idcard.Path()
		case devices.Scanner:
			if h.scanner, err = scannersim.Start(); err != nil {
				return nil, ready, fmt.Errorf("sim: scanner: %w", err)
			}
			h.done = append(h.done, func() { h.scanner.Close() })
			ready.Scanner = h.scanner.Path()
		}
	}
	if o.backOffice {
		if ready.BackOfficeURL, ready.Token, err = h.startBackOffice(o.kioskID, lg); err != nil {
			return nil, ready, err
		}
	}
	return h, ready, nil
}

// startBackOffice runs the reference back office with the demo hall on
// loopback behind the network switch, and returns its URL and the kiosk's
// token.
func (h *simHost) startBackOffice(kioskID string, lg *slog.Logger) (string, string, error) {
	catalog, err := demo.Catalog()
	if err != nil {
		return "", "", err
	}
	token, err := demo.Token()
	if err != nil {
		return "", "", err
	}
	h.bo, err = backoffice.Open(backoffice.Options{
		DBPath:  filepath.Join(h.dataDir, "backoffice.db"),
		Tokens:  map[string]string{token: kioskID},
		Catalog: catalog,
		Demo:    true,
		Logger:  lg.With("component", "backoffice"),
		// Only this kiosk reaches it, on loopback; scripted demos and the
		// benchmarks take tickets faster than a printer prints them.
		TicketsPerMinute: 100_000,
	})
	if err != nil {
		return "", "", fmt.Errorf("embedded back office: %w", err)
	}
	h.done = append(h.done, func() { h.bo.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", fmt.Errorf("embedded back office: %w", err)
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		h.bo.Serve(h.ctx, ln, backoffice.ListenConfig{ShutdownTimeout: 2 * time.Second})
	}()
	h.done = append(h.done, func() { <-served })
	if h.net, err = newNetSwitch(ln.Addr().String()); err != nil {
		return "", "", fmt.Errorf("embedded back office: %w", err)
	}
	h.done = append(h.done, func() { h.net.Close() })
	lg.Info("embedded back office", "addr", ln.Addr().String())
	if err := demo.Seed(h.bo, time.Now()); err != nil {
		lg.Warn("demo appointments around now not booked", "err", err)
	}
	return "http://" + h.net.Addr(), token, nil
}

// close stops everything, newest first.
func (h *simHost) close() {
	h.cancel()
	for i := len(h.done) - 1; i >= 0; i-- {
		h.done[i]()
	}
	h.done = nil
}

// simKioskShown is the line the kiosk writes to its `kiosk sim` once its
// first frame is on screen.
const simKioskShown = "shown"

// simProcess is a `kiosk sim` the kiosk started for itself.
type simProcess struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	exited chan error
	ready  simReady
	once   sync.Once
}

// startSimProcess starts `kiosk sim` from this same executable and waits
// for its ready line. The child's standard input is a pipe that only this
// process holds, so the simulators end with the kiosk however it ends.
func startSimProcess(o simOptions, stderr io.Writer) (*simProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("simulators: %w", err)
	}
	args := []string{"sim", "--data-dir", o.dataDir, "--devices", o.devices, "--kiosk-id", o.kioskID}
	if o.backOffice {
		args = append(args, "--backoffice")
	}
	if o.control {
		args = append(args, "--control")
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("simulators: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("simulators: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("simulators: %w", err)
	}
	p := &simProcess{cmd: cmd, stdin: in, exited: make(chan error, 1)}
	line := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		s, _ := r.ReadString('\n')
		line <- s
		io.Copy(io.Discard, r)
	}()
	go func() { p.exited <- cmd.Wait() }()
	select {
	case s := <-line:
		if err := json.Unmarshal([]byte(s), &p.ready); err != nil {
			p.stop()
			return nil, fmt.Errorf("simulators: no ready line (%q): %w", strings.TrimSpace(s), err)
		}
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, errors.New("simulators: not ready within 30 s")
	}
	return p, nil
}

// kioskShown tells the simulators that the kiosk's first frame is on
// screen, so the control window may open.
func (p *simProcess) kioskShown() {
	fmt.Fprintln(p.stdin, simKioskShown)
}

// stop ends the simulator process: SIGTERM, then SIGKILL after 5 s. It may
// be called more than once.
func (p *simProcess) stop() {
	p.once.Do(p.end)
}

func (p *simProcess) end() {
	p.stdin.Close()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}
