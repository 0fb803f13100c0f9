package devices

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"hallkiosk/clock"
	"hallkiosk/config"
	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/scanner"
	"hallkiosk/devices/serial"
	"hallkiosk/devices/sim/idcardsim"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/devices/sim/scannersim"
)

// Kind names one of the kiosk's devices.
type Kind string

// The kiosk's devices.
const (
	Printer Kind = "printer"
	IDCard  Kind = "idcard"
	Scanner Kind = "scanner"
)

// Kinds lists the devices in the order the diagnostics screen shows them.
var Kinds = []Kind{Printer, IDCard, Scanner}

// ErrNotConnected: the device's port could not be opened (yet). The set
// keeps trying in the background.
var ErrNotConnected = errors.New("device not connected")

// ErrAbsent: the configuration says the kiosk has no such device.
var ErrAbsent = errors.New("device not installed")

// Options configures Open.
type Options struct {
	Config config.Devices
	// DataDir holds the paper-roll counter (paper.json) and, for the
	// simulated printer, the rendered tickets (printed/).
	DataDir string
	Clock   clock.Clock
	Logger  *slog.Logger
	// ReaderEvents receives the ID reader's events (reading started, card
	// read, read failed …) for the screens.
	ReaderEvents func(idcard.Event)
	// RetryOpen is the pause between attempts to open a missing device
	// (default 3 s).
	RetryOpen time.Duration
	// SimPorts are the pseudo-terminals of simulators that run in another
	// process (the demo's `kiosk sim`). A device whose configured port is
	// empty opens the path given here, and is reported as simulated,
	// instead of starting a simulator inside this process.
	SimPorts map[Kind]string
}

// Info is what the diagnostics screen shows about one device.
type Info struct {
	Kind      Kind
	Port      string
	Baud      int
	Simulated bool
	Absent    bool
	Connected bool
	LastError string
	LastErrAt time.Time
	LastOK    time.Time
	Traffic   []serial.Frame
}

// Sims are the simulators the set started, for the demo's simulator control.
// A field is nil when that device is real.
type Sims struct {
	Printer *printersim.Sim
	IDCard  *idcardsim.Sim
	Scanner *scannersim.Sim
}

// Set is the kiosk's devices.
type Set struct {
	opts  Options
	log   *slog.Logger
	clk   clock.Clock
	sims  Sims
	paper *escpos.PaperCounter

	mu   sync.Mutex
	slot map[Kind]*slot

	imu       sync.Mutex
	incidents []Incident // oldest first, at most MaxIncidents

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// slot is one device: its configuration, its port and driver, and the
// goroutine running the driver's loop.
type slot struct {
	kind    Kind
	dev     config.Device
	sim     bool
	port    *serial.Port
	printer *escpos.Printer
	reader  *idcard.Reader
	scan    *scanner.Scanner
	stop    context.CancelFunc
	openErr error
	errAt   time.Time
}

// Open starts simulators for devices without a port, opens the configured
// ports, and starts the reader and scanner loops. A device whose port cannot
// be opened yet is not an error: it is retried in the background and reported
// as not connected, so a kiosk that boots before its USB adapters enumerate
// still comes up.
func Open(o Options) (*Set, error) {
	if o.RetryOpen <= 0 {
		o.RetryOpen = 3 * time.Second
	}
	s := &Set{opts: o, log: o.Logger, clk: clock.Or(o.Clock), slot: map[Kind]*slot{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("devices: data dir: %w", err)
	}
	pc, err := escpos.OpenPaperCounter(filepath.Join(o.DataDir, "paper.json"), escpos.CounterOpts{Clock: o.Clock})
	if err != nil {
		// A damaged counter file must not stop ticket printing; the counter
		// restarts from a full roll and says so.
		s.log.Warn("paper counter reset", "err", err)
	}
	s.paper = pc
	cfg := map[Kind]config.Device{Printer: o.Config.Printer, IDCard: o.Config.IDCard, Scanner: o.Config.Scanner}
	for _, k := range Kinds {
		d := cfg[k]
		sl := &slot{kind: k, dev: d}
		s.slot[k] = sl
		if d.Absent() {
			continue
		}
		if d.Simulated() {
			path := o.SimPorts[k]
			if path == "" {
				var err error
				if path, err = s.startSim(k); err != nil {
					s.Close()
					return nil, fmt.Errorf("devices: %s simulator: %w", k, err)
				}
			}
			sl.sim = true
			sl.dev.Port = path
		}
		s.connect(sl)
	}
	return s, nil
}

func (s *Set) startSim(k Kind) (string, error) {
	switch k {
	case Printer:
		sim, err := printersim.Start(printersim.Opts{Dir: filepath.Join(s.opts.DataDir, "printed")})
		if err != nil {
			return "", err
		}
		s.sims.Printer = sim
		return sim.Path(), nil
	case IDCard:
		sim, err := idcardsim.Start(idcardsim.Opts{})
		if err != nil {
			return "", err
		}
		s.sims.IDCard = sim
		return sim.Path(), nil
	default:
		sim, err := scannersim.Start()
		if err != nil {
			return "", err
		}
		s.sims.Scanner = sim
		return sim.Path(), nil
	}
}

// connect opens sl's port now, or keeps trying in the background.
func (s *Set) connect(sl *slot) {
	if err := s.attach(sl, sl.dev); err == nil {
		return
	} else {
		s.mu.Lock()
		sl.openErr, sl.errAt = err, s.clk.Now()
		s.mu.Unlock()
		s.log.Warn("device not connected, retrying", "device", sl.kind, "port", sl.dev.Port, "err", err)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-s.clk.After(s.opts.RetryOpen):
			}
			s.mu.Lock()
			done := sl.port != nil
			dev := sl.dev
			s.mu.Unlock()
			if done {
				return
			}
			if err := s.attach(sl, dev); err == nil {
				s.log.Info("device connected", "device", sl.kind, "port", dev.Port)
				return
			} else {
				s.mu.Lock()
				sl.openErr, sl.errAt = err, s.clk.Now()
				s.mu.Unlock()
			}
		}
	}()
}

// attach opens dev's port, builds the driver and starts its loop, replacing
// whatever sl had.
func (s *Set) attach(sl *slot, dev config.Device) error {
	d, err := s.build(sl.kind, dev)
	if err != nil {
		return err
	}
	s.install(sl, d, dev)
	return nil
}

// driver is a freshly opened device, not yet installed in a slot.
type driver struct {
	port    *serial.Port
	printer *escpos.Printer
	reader  *idcard.Reader
	scan    *scanner.Scanner
}

func (d *driver) close() {
	if d.reader != nil {
		d.reader.Close()
	}
	if d.port != nil {
		d.port.Close()
	}
}

func (s *Set) build(k Kind, dev config.Device) (*driver, error) {
	cfg := serial.Config{Name: string(k), Path: dev.Port, Baud: dev.Baud, Clock: s.opts.Clock}
	if k == IDCard {
		// The reader's replies carry names and ID numbers: keep only a
		// few frames for the technician's traffic view.
		cfg.TapSize = 8
	}
	p, err := serial.Open(cfg)
	if err != nil {
		return nil, err
	}
	d := &driver{port: p}
	switch k {
	case Printer:
		d.printer = escpos.NewPrinter(p, escpos.Opts{Clock: s.opts.Clock, Counter: s.paper,
			OnStatus: func(st escpos.Status, err error) {
				if err == nil {
					err = st.Err() // the printer answered: what its status says
				}
				s.note(Printer, printerProblem(err))
			}})
	case IDCard:
		d.reader = idcard.New(p, idcard.Opts{Clock: s.opts.Clock, OnEvent: s.opts.ReaderEvents})
	case Scanner:
		d.scan = scanner.New(p, scanner.Opts{Clock: s.opts.Clock})
	}
	return d, nil
}

func (s *Set) install(sl *slot, d *driver, dev config.Device) {
	ctx, cancel := context.WithCancel(s.ctx)
	s.mu.Lock()
	old := &driver{port: sl.port, printer: sl.printer, reader: sl.reader, scan: sl.scan}
	oldStop := sl.stop
	sl.port, sl.printer, sl.reader, sl.scan, sl.stop = d.port, d.printer, d.reader, d.scan, cancel
	sl.dev, sl.openErr = dev, nil
	s.mu.Unlock()
	if oldStop != nil {
		oldStop()
	}
	old.close()
	switch {
	case d.reader != nil:
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			d.reader.Run(ctx)
		}()
	case d.scan != nil:
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			d.scan.Run(ctx)
		}()
	}
}

// Sims returns the simulators the set started.
func (s *Set) Sims() Sims { return s.sims }

// Paper returns the paper-roll counter (nil if its file could not be opened).
func (s *Set) Paper() *escpos.PaperCounter { return s.paper }

// Info reports on one device.
func (s *Set) Info(k Kind) Info {
	s.mu.Lock()
	sl := s.slot[k]
	s.mu.Unlock()
	if sl == nil {
		return Info{Kind: k, Absent: true}
	}
	s.mu.Lock()
	in := Info{Kind: k, Port: sl.dev.Port, Baud: sl.dev.Baud, Simulated: sl.sim, Absent: sl.dev.Absent()}
	port := sl.port
	if sl.openErr != nil {
		in.LastError, in.LastErrAt = sl.openErr.Error(), sl.errAt
	}
	s.mu.Unlock()
	if port != nil {
		st := port.Status()
		in.Connected = st.Connected
		if st.LastError != "" && st.LastErrorAt.After(in.LastErrAt) {
			in.LastError, in.LastErrAt = st.LastError, st.LastErrorAt
		}
		in.LastOK = st.LastOK
		in.Traffic = port.Tap().Frames()
	}
	return in
}

// PrinterDriver returns the current printer driver, or ErrNotConnected.
func (s *Set) PrinterDriver() (*escpos.Printer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sl := s.slot[Printer]
	switch {
	case sl == nil || sl.dev.Absent():
		return nil, ErrAbsent
	case sl.printer == nil:
		return nil, fmt.Errorf("printer on %s: %w", sl.dev.Port, ErrNotConnected)
	}
	return sl.printer, nil
}

// Reader returns the current ID reader driver, or ErrNotConnected.
func (s *Set) Reader() (*idcard.Reader, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sl := s.slot[IDCard]
	switch {
	case sl == nil || sl.dev.Absent():
		return nil, ErrAbsent
	case sl.reader == nil:
		return nil, fmt.Errorf("ID reader on %s: %w", sl.dev.Port, ErrNotConnected)
	}
	return sl.reader, nil
}

// ScannerDriver returns the current scanner driver, or ErrNotConnected.
func (s *Set) ScannerDriver() (*scanner.Scanner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sl := s.slot[Scanner]
	switch {
	case sl == nil || sl.dev.Absent():
		return nil, ErrAbsent
	case sl.scan == nil:
		return nil, fmt.Errorf("scanner on %s: %w", sl.dev.Port, ErrNotConnected)
	}
	return sl.scan, nil
}

// Reconfigure moves a device to another port or baud rate. The new port is
// opened and tested first (printer: status query; ID reader: SAM status;
// scanner: the port opens); only if the test passes does it replace the
// running device, otherwise the old one keeps working untouched and the
// test's error is returned.
func (s *Set) Reconfigure(ctx context.Context, k Kind, dev config.Device) error {
	s.mu.Lock()
	sl := s.slot[k]
	s.mu.Unlock()
	if sl == nil {
		return fmt.Errorf("unknown device %q", k)
	}
	if dev.Absent() || dev.Simulated() {
		return fmt.Errorf("%s: choose a serial port", k)
	}
	d, err := s.build(k, dev)
	if err != nil {
		return fmt.Errorf("%s on %s: %w", k, dev.Port, err)
	}
	if err := Test(ctx, k, d.printer, d.reader); err != nil {
		d.close()
		return fmt.Errorf("%s on %s at %d baud: %w", k, dev.Port, dev.Baud, err)
	}
	s.install(sl, d, dev)
	s.mu.Lock()
	sl.sim = false
	s.mu.Unlock()
	s.log.Info("device moved", "device", k, "port", dev.Port, "baud", dev.Baud)
	return nil
}

// Test checks that a device answers: the printer's status, the reader's SAM.
// A scanner only speaks when it scans, so opening its port is its test.
func Test(ctx context.Context, k Kind, p *escpos.Printer, r *idcard.Reader) error {
	switch k {
	case Printer:
		if p == nil {
			return ErrNotConnected
		}
		_, err := p.Status(ctx)
		return err
	case IDCard:
		if r == nil {
			return ErrNotConnected
		}
		return r.SAMStatus(ctx)
	}
	return nil
}

// Close stops the loops, closes the ports and the simulators.
func (s *Set) Close() error {
	s.cancel()
	s.mu.Lock()
	var drivers []*driver
	for _, sl := range s.slot {
		drivers = append(drivers, &driver{port: sl.port, printer: sl.printer, reader: sl.reader, scan: sl.scan})
		sl.port, sl.printer, sl.reader, sl.scan = nil, nil, nil, nil
	}
	s.mu.Unlock()
	for _, d := range drivers {
		d.close()
	}
	s.wg.Wait()
	if s.sims.Printer != nil {
		s.sims.Printer.Close()
	}
	if s.sims.IDCard != nil {
		s.sims.IDCard.Close()
	}
	if s.sims.Scanner != nil {
		s.sims.Scanner.Close()
	}
	return nil
}
