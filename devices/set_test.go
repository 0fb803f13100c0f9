package devices

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/config"
	"hallkiosk/devices/escpos"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/logs"
)

func simConfig() config.Devices {
	return config.Default().Devices // every port empty: simulators
}

func openSet(t *testing.T, devs config.Devices) *Set {
	t.Helper()
	s, err := Open(Options{Config: devs, DataDir: t.TempDir(), Logger: logs.Discard(), RetryOpen: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSimulatedSetDrivesEveryDevice(t *testing.T) {
	s := openSet(t, simConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	t.Run("printer", func(t *testing.T) {
		f := s.PrinterFront()
		if err := f.Ready(ctx); err != nil {
			t.Fatalf("Ready: %v", err)
		}
		if err := f.PrintTicket(ctx, escpos.Ticket{Hall: "测试大厅", Service: "社保卡补办", Number: "C017", PeopleAhead: 3, IssuedAt: time.Now()}); err != nil {
			t.Fatalf("PrintTicket: %v", err)
		}
		tk, err := s.Sims().Printer.WaitTicket(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(tk.Text, "C017") || !strings.Contains(tk.Text, "社保卡补办") {
			t.Fatalf("printed ticket lacks number or service:\n%s", tk.Text)
		}
		if s.Paper() == nil || s.Paper().State().Tickets == 0 {
			t.Fatal("paper counter did not count the ticket")
		}
	})
	t.Run("printer out of paper refuses", func(t *testing.T) {
		s.Sims().Printer.SetState(printersim.State{PaperOut: true})
		defer s.Sims().Printer.SetState(printersim.State{})
		err := s.PrinterFront().Ready(ctx)
		if !errors.Is(err, escpos.ErrPaperEnd) {
			t.Fatalf("Ready with no paper = %v, want ErrPaperEnd", err)
		}
	})
	t.Run("card", func(t *testing.T) {
		prof := s.Sims().IDCard.Profiles()[0]
		got := make(chan error, 1)
		go func() {
			c, err := s.CardFront().WaitCard(ctx)
			if err == nil && c.Name != prof.Card.Name {
				err = errors.New("read " + c.Name + ", placed " + prof.Card.Name)
			}
			got <- err
		}()
		if err := s.Sims().IDCard.Place(prof.ID); err != nil {
			t.Fatal(err)
		}
		if err := <-got; err != nil {
			t.Fatal(err)
		}
		s.Sims().IDCard.Remove()
	})
	t.Run("scanner", func(t *testing.T) {
		got := make(chan string, 1)
		go func() {
			c, _ := s.ScannerFront().WaitCode(ctx)
			got <- c
		}()
		// The scanner delivers codes scanned after WaitCode started;
		// scan until it is taken.
		for {
			select {
			case c := <-got:
				if c != "YY20261129A3F9" {
					t.Fatalf("code = %q", c)
				}
				return
			case <-time.After(100 * time.Millisecond):
				s.Sims().Scanner.Scan("YY20261129A3F9")
			}
		}
	})
	for _, k := range Kinds {
		in := s.Info(k)
		if !in.Simulated || !in.Connected || in.Port == "" {
			t.Errorf("%s info = %+v", k, in)
		}
	}
	if len(s.Info(Printer).Traffic) == 0 {
		t.Error("printer traffic tap is empty")
	}
}

// A device that is not there at start-up (USB adapter not enumerated yet) is
// opened as soon as its port appears.
func TestMissingDeviceConnectsWhenItAppears(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "kiosk-printer")
	devs := simConfig()
	devs.Printer = config.Device{Port: link, Baud: 9600}
	devs.IDCard = config.Device{Port: "none"}
	devs.Scanner = config.Device{Port: "none"}
	s := openSet(t, devs)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.PrinterFront().Ready(ctx); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("Ready before the device exists = %v, want ErrNotConnected", err)
	}
	if in := s.Info(Printer); in.Connected || in.LastError == "" {
		t.Fatalf("info before = %+v", in)
	}
	if _, err := s.CardFront().WaitCard(ctx); !errors.Is(err, ErrAbsent) {
		t.Fatalf("absent reader: %v", err)
	}
	sim, err := printersim.Start(printersim.Opts{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	if err := os.Symlink(sim.Path(), link); err != nil {
		t.Fatal(err)
	}
	for {
		err := s.PrinterFront().Ready(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("printer never connected: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !s.Info(Printer).Connected {
		t.Fatal("info says not connected")
	}
}

func TestReconfigureTestsBeforeSwitching(t *testing.T) {
	s := openSet(t, simConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	before := s.Info(Printer).Port

	// A port where nothing answers: the test fails, the old printer stays.
	dead, err := printersim.Start(printersim.Opts{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	dead.SetState(printersim.State{NoReply: true})
	err = s.Reconfigure(ctx, Printer, config.Device{Port: dead.Path(), Baud: 9600})
	if !errors.Is(err, escpos.ErrNotResponding) {
		t.Fatalf("Reconfigure to a silent printer = %v, want ErrNotResponding", err)
	}
	if s.Info(Printer).Port != before {
		t.Fatal("a failed test replaced the working printer")
	}
	if err := s.PrinterFront().Ready(ctx); err != nil {
		t.Fatalf("old printer stopped working: %v", err)
	}
	// A non-existent port.
	if err := s.Reconfigure(ctx, Printer, config.Device{Port: "/dev/does-not-exist", Baud: 9600}); err == nil {
		t.Fatal("Reconfigure to a missing port succeeded")
	}
	// A working printer elsewhere: it replaces the old one.
	good, err := printersim.Start(printersim.Opts{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	if err := s.Reconfigure(ctx, Printer, config.Device{Port: good.Path(), Baud: 19200}); err != nil {
		t.Fatal(err)
	}
	if in := s.Info(Printer); in.Port != good.Path() || in.Baud != 19200 || in.Simulated {
		t.Fatalf("info after move = %+v", in)
	}
	if err := s.PrinterFront().PrintTicket(ctx, escpos.Ticket{Number: "A001", Service: "x", IssuedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := good.WaitTicket(ctx); err != nil {
		t.Fatal(err)
	}
}

// A device whose port is empty opens the simulator pseudo-terminal given in
// SimPorts (a simulator in another process) instead of starting one here,
// and is reported as simulated.
func TestSimPortsFromAnotherProcess(t *testing.T) {
	sim, err := printersim.Start(printersim.Opts{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	devs := simConfig()
	devs.IDCard.Port, devs.Scanner.Port = "none", "none"
	s, err := Open(Options{Config: devs, DataDir: t.TempDir(), Logger: logs.Discard(), RetryOpen: 50 * time.Millisecond,
		SimPorts: map[Kind]string{Printer: sim.Path()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Sims().Printer != nil {
		t.Fatal("the set started a printer simulator of its own")
	}
	in := s.Info(Printer)
	if in.Port != sim.Path() || !in.Simulated {
		t.Fatalf("printer info %+v, want port %s and simulated", in, sim.Path())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.PrinterFront().PrintTicket(ctx, escpos.Ticket{Hall: "测试大厅", Service: "社保卡补办", Number: "C018", IssuedAt: time.Now()}); err != nil {
		t.Fatalf("PrintTicket: %v", err)
	}
	tk, err := sim.WaitTicket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tk.Text, "C018") {
		t.Fatalf("the other process's simulator printed %q", tk.Text)
	}
}
