package scannersim_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/clock"
	"hallkiosk/devices/scanner"
	"hallkiosk/devices/serial"
	"hallkiosk/devices/sim/scannersim"
)

const waitLimit = 10 * time.Second

var epoch = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(waitLimit); !cond(); {
		if time.Now().After(end) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// rig is the kiosk's scanner stack as cmd/kiosk wires it, over the
// simulator: scanner.Scanner over serial.Port over a pseudo-terminal
// reached through a by-id style symlink, all on one fake clock.
type rig struct {
	clk   *clock.Fake
	sim   *scannersim.Sim
	port  *serial.Port
	sc    *scanner.Scanner
	codes <-chan string
}

func newRig(t *testing.T, ibt time.Duration) *rig {
	t.Helper()
	clk := clock.NewFake(epoch)
	s, err := scannersim.StartOpts(scannersim.Opts{Link: filepath.Join(t.TempDir(), "usb-Newland_NLS-FR40-if00")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	port, err := serial.Open(serial.Config{Name: "scanner", Path: s.Path(), Baud: 9600, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	sc := scanner.New(port, scanner.Opts{Clock: clk, InterByteTimeout: ibt})
	codes := sc.Codes()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return &rig{clk: clk, sim: s, port: port, sc: sc, codes: codes}
}

func (r *rig) next(t *testing.T) string {
	t.Helper()
	select {
	case c := <-r.codes:
		return c
	case <-time.After(waitLimit):
		t.Fatal("no code arrived")
		return ""
	}
}

// waitCode calls WaitCode the way a flow does and returns its result
// channel once the call is registered.
func (r *rig) waitCode(t *testing.T) <-chan string {
	t.Helper()
	before := r.sc.Status().Waiting
	got := make(chan string, 1)
	go func() {
		c, err := r.sc.WaitCode(context.Background())
		if err != nil {
			c = "error: " + err.Error()
		}
		got <- c
	}()
	eventually(t, "WaitCode to register", func() bool { return r.sc.Status().Waiting > before })
	return got
}

func TestScannerOverSerial(t *testing.T) {
	const ibt = 150 * time.Millisecond
	r := newRig(t, ibt)
	tests := []struct {
		name   string
		send   func(t *testing.T)
		want   string // what WaitCode and Codes get
		errors int    // added to Status().Errors
		then   string // a further code on Codes
	}{
		{"plain code", func(t *testing.T) { r.sim.Scan("YY20261129-0042") }, "YY20261129-0042", 0, ""},
		{"URL QR payload", func(t *testing.T) { r.sim.Scan("https://zwfw.example.gov.cn/yy?id=42&s=9f") },
			"https://zwfw.example.gov.cn/yy?id=42&s=9f", 0, ""},
		{"GBK payload", func(t *testing.T) {
			r.sim.ScanRaw([]byte{0xD4, 0xA4, 0xD4, 0xBC, 0xC2, 0xEB, ':', '4', '2', '\r'})
		}, "预约码:42", 0, ""},
		{"CR LF", func(t *testing.T) { r.sim.ScanRaw([]byte("A1\r\n")) }, "A1", 0, ""},
		{"noise before a code", func(t *testing.T) {
			r.sim.ScanRaw([]byte{0x00, 0x07, 0x1b, '[', '0', 'm', '\r', 0xff, 0xfe, '\r'})
			r.sim.Scan("B2")
		}, "B2", 2, ""},
		{"fragment then silence", func(t *testing.T) {
			r.sim.ScanRaw([]byte("https://zwfw.exa"))
			if !r.clk.WaitPending(1, waitLimit) {
				t.Fatal("the scanner did not start timing the partial line")
			}
			r.clk.Advance(ibt)
			r.sim.Scan("C3")
		}, "C3", 1, ""},
		{"two codes in one write", func(t *testing.T) {
			r.sim.ScanRaw([]byte("D4\rD5\r"))
		}, "D4", 0, "D5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := r.sc.Status().Errors
			got := r.waitCode(t)
			tt.send(t)
			if c := <-got; c != tt.want {
				t.Fatalf("WaitCode = %q, want %q", c, tt.want)
			}
			if c := r.next(t); c != tt.want {
				t.Fatalf("Codes got %q, want %q", c, tt.want)
			}
			if tt.then != "" {
				if c := r.next(t); c != tt.then {
					t.Fatalf("then Codes got %q, want %q", c, tt.then)
				}
			}
			if n := r.sc.Status().Errors - before; n != tt.errors {
				t.Fatalf("%d lines dropped, want %d (last: %s)", n, tt.errors, r.sc.Status().LastError)
			}
		})
	}
	// The port's tap saw the bytes, each scan as one In frame.
	frames := r.port.Tap().Frames()
	if len(frames) == 0 || frames[len(frames)-1].Dir != serial.In || !bytes.HasSuffix(frames[len(frames)-1].Data, []byte("D5\r")) {
		t.Fatalf("tap = %v", frames)
	}
}

// TestScannerSurvivesReplug unplugs the scanner while a flow waits for a
// code, plugs it in again, and checks the same WaitCode call gets the next
// scan: nothing is re-wired.
func TestScannerSurvivesReplug(t *testing.T) {
	r := newRig(t, 150*time.Millisecond)
	if got := r.waitCode(t); r.sim.Scan("BEFORE") != nil || <-got != "BEFORE" {
		t.Fatal("no code before the unplug")
	}
	r.next(t)

	got := r.waitCode(t)
	r.sim.ScanRaw([]byte("HALF")) // unplugged in the middle of a code
	eventually(t, "the partial line to be read", func() bool { return r.port.Status().BytesIn >= int64(len("BEFORE\rHALF")) })
	if err := r.sim.Close(); err != nil {
		t.Fatal(err)
	}
	// The clock has not moved, so the half code can only have been
	// dropped because the connection went.
	eventually(t, "the scanner to drop the half code", func() bool { return r.sc.Status().Errors == 1 })
	if r.sc.Status().Connected {
		t.Fatal("scanner reports connected while unplugged")
	}
	if err := r.sim.Scan("LOST"); !errors.Is(err, scannersim.ErrUnplugged) {
		t.Fatalf("Scan while unplugged: %v", err)
	}
	if !r.clk.WaitPending(1, waitLimit) {
		t.Fatal("port is not waiting to reconnect")
	}
	if err := r.sim.Restart(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the port to reopen", func() bool {
		if r.clk.Pending() > 0 {
			r.clk.Advance(serial.DefaultReconnectMax)
		}
		return r.port.Status().Connected
	})
	if err := r.sim.Scan("AFTER"); err != nil {
		t.Fatal(err)
	}
	if c := <-got; c != "AFTER" {
		t.Fatalf("WaitCode across the replug = %q, want AFTER", c)
	}
	if c := r.next(t); c != "AFTER" {
		t.Fatalf("Codes got %q", c)
	}
	st := r.sc.Status()
	if st.Errors != 1 || !strings.Contains(st.LastError, "lost with the connection") || !st.Connected {
		t.Fatalf("scanner status = %+v; the half code should be dropped and counted", st)
	}
	if ps := r.port.Status(); ps.Reconnects != 1 {
		t.Fatalf("port status = %+v", ps)
	}
}

func TestSimWire(t *testing.T) {
	tests := []struct {
		name string
		opts scannersim.Opts
		scan string
		want string
	}{
		{"default terminator", scannersim.Opts{}, "X1", "X1\r"},
		{"CR LF", scannersim.Opts{Terminator: []byte("\r\n")}, "X1", "X1\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := scannersim.StartOpts(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			port, err := serial.Open(serial.Config{Path: s.Path(), Baud: 9600})
			if err != nil {
				t.Fatal(err)
			}
			defer port.Close()
			if err := s.Scan(tt.scan); err != nil {
				t.Fatal(err)
			}
			var got []byte
			buf := make([]byte, 64)
			for len(got) < len(tt.want) {
				n, err := port.Read(buf)
				if err != nil && !errors.Is(err, serial.ErrTimeout) {
					t.Fatal(err)
				}
				got = append(got, buf[:n]...)
			}
			if string(got) != tt.want {
				t.Fatalf("wire bytes %q, want %q", got, tt.want)
			}
			trigger := []byte{0x16, 0x54, 0x0d} // Honeywell SYN T CR (docs/protocols.md C.2)
			if _, err := port.Write(trigger); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the simulator to receive the command", func() bool { return bytes.Equal(s.Received(), trigger) })
		})
	}
}

func TestStartCloseRestart(t *testing.T) {
	s, err := scannersim.Start()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Restart(); err == nil {
		t.Fatal("Restart while plugged in succeeded")
	}
	for range 2 {
		if err := s.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
	}
	if s.Path() != "" || !errors.Is(s.ScanRaw([]byte("x")), scannersim.ErrUnplugged) {
		t.Fatal("unplugged simulator still has a path or accepts scans")
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Path() == "" {
		t.Fatal("no path after Restart")
	}
}
