package serial

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"hallkiosk/clock"
	"hallkiosk/devices/sim"
)

// waitLimit bounds every wait for another goroutine in these tests. It is
// a guard against a hang, never the thing under test.
const waitLimit = 10 * time.Second

var epoch = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

func openPTY(t testing.TB) *sim.PTY {
	t.Helper()
	p, err := sim.OpenPTY()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func openPort(t testing.TB, cfg Config) *Port {
	t.Helper()
	p, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// link points the symlink at path to target, replacing it atomically as
// udev does with /dev/serial/by-id.
func link(t testing.TB, target, path string) {
	t.Helper()
	tmp := path + ".new"
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// readFull reads n bytes from the port, retrying on ErrTimeout.
func readFull(t testing.TB, p *Port, n int) []byte {
	t.Helper()
	got := make([]byte, 0, n)
	buf := make([]byte, 4096)
	for end := time.Now().Add(waitLimit); len(got) < n; {
		if time.Now().After(end) {
			t.Fatalf("read %d of %d bytes before giving up", len(got), n)
		}
		k, err := p.Read(buf[:min(len(buf), n-len(got))])
		if err != nil && !errors.Is(err, ErrTimeout) {
			t.Fatalf("read: %v", err)
		}
		got = append(got, buf[:k]...)
	}
	return got
}

// readMaster reads n bytes from the simulator's side of the pty.
func readMaster(t testing.TB, m *os.File, n int) []byte {
	t.Helper()
	m.SetReadDeadline(time.Now().Add(waitLimit))
	got := make([]byte, n)
	if _, err := io.ReadFull(m, got); err != nil {
		t.Fatalf("master read: %v", err)
	}
	return got
}

func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(waitLimit); !cond(); {
		if time.Now().After(end) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRoundTrip(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"one byte", []byte{0x7e}},
		{"every byte value", all},
		{"CR LF and XON XOFF survive raw mode", []byte("a\r\nb\x11\x13\x03\x04")},
		{"3 KiB", bytes.Repeat([]byte("0123456789abcdef"), 192)},
	}
	pty := openPTY(t)
	p := openPort(t, Config{Path: pty.SlavePath, Baud: 115200})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan []byte)
			go func() { done <- readMaster(t, pty.Master, len(tt.data)) }()
			if n, err := p.Write(tt.data); err != nil || n != len(tt.data) {
				t.Fatalf("write = %d, %v", n, err)
			}
			if got := <-done; !bytes.Equal(got, tt.data) {
				t.Fatalf("device got %x, want %x", got, tt.data)
			}
			go pty.Master.Write(tt.data)
			if got := readFull(t, p, len(tt.data)); !bytes.Equal(got, tt.data) {
				t.Fatalf("kiosk got %x, want %x", got, tt.data)
			}
		})
	}
}

func TestIdleReadTimesOutWithoutEOF(t *testing.T) {
	pty := openPTY(t)
	p := openPort(t, Config{Path: pty.SlavePath})
	for i := range 3 {
		n, err := p.Read(make([]byte, 16))
		if n != 0 || !errors.Is(err, ErrTimeout) {
			t.Fatalf("read %d = %d, %v; want ErrTimeout", i, n, err)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, ErrDisconnected) {
			t.Fatalf("read %d: timeout reported as %v", i, err)
		}
	}
	st := p.Status()
	if !st.Connected || st.LastError != "" || st.Reconnects != 0 {
		t.Fatalf("status after idle reads = %+v; a timeout is not a failure", st)
	}
}

// TestDisconnectAndReconnect unplugs the device (closes the pty master),
// checks both directions report ErrDisconnected, plugs a new device in
// behind the same by-id style symlink and checks the same *Port works again
// once the back-off has elapsed on the fake clock.
func TestDisconnectAndReconnect(t *testing.T) {
	tests := []struct {
		name string
		// midway: detect is already running when the device goes.
		midway bool
		detect func(p *Port) error // the first operation to see the unplug
	}{
		{"read in progress sees the hang-up", true, func(p *Port) error {
			buf := make([]byte, 16)
			for {
				_, err := p.Read(buf)
				if !errors.Is(err, ErrTimeout) {
					return err
				}
			}
		}},
		{"write sees EIO", false, func(p *Port) error {
			_, err := p.Write([]byte("ping"))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewFake(epoch)
			path := filepath.Join(t.TempDir(), "usb-scanner-if00")
			pty1 := openPTY(t)
			link(t, pty1.SlavePath, path)
			p := openPort(t, Config{Name: "scanner", Path: path, Clock: clk,
				ReconnectMin: 200 * time.Millisecond, ReconnectMax: time.Second})

			errc := make(chan error, 1)
			if tt.midway {
				go func() { errc <- tt.detect(p) }()
				pty1.Close()
			} else {
				pty1.Close()
				errc <- tt.detect(p)
			}
			err := <-errc
			if !errors.Is(err, ErrDisconnected) {
				t.Fatalf("first operation after unplug: %v, want ErrDisconnected", err)
			}
			var pe *PortError
			if !errors.As(err, &pe) || pe.Port != "scanner" || pe.Path != path {
				t.Fatalf("error %v does not say which port", err)
			}
			st := p.Status()
			if st.Connected || st.LastError == "" || !st.LastErrorAt.Equal(epoch) {
				t.Fatalf("status after unplug = %+v", st)
			}

			// While the device is away both directions fail with
			// ErrDisconnected, and the reconnector waits on the clock.
			if _, err := p.Write([]byte("x")); !errors.Is(err, ErrDisconnected) {
				t.Fatalf("write while away: %v", err)
			}
			if _, err := p.Read(make([]byte, 4)); !errors.Is(err, ErrDisconnected) {
				t.Fatalf("read while away: %v", err)
			}
			if !clk.WaitPending(1, waitLimit) {
				t.Fatal("reconnector is not waiting on the clock")
			}

			pty2 := openPTY(t)
			link(t, pty2.SlavePath, path)
			eventually(t, "reconnect", func() bool {
				if clk.Pending() > 0 {
					clk.Advance(time.Second) // ReconnectMax: any jittered wait is over
				}
				return p.Status().Connected
			})

			go pty2.Master.Write([]byte("back"))
			if got := readFull(t, p, 4); string(got) != "back" {
				t.Fatalf("read after reconnect = %q", got)
			}
			go p.Write([]byte("ok"))
			if got := readMaster(t, pty2.Master, 2); string(got) != "ok" {
				t.Fatalf("device got %q after reconnect", got)
			}
			if st := p.Status(); st.Reconnects != 1 || !st.Connected {
				t.Fatalf("status after reconnect = %+v", st)
			}
		})
	}
}

// TestReconnectBackoff checks the waits between reopen attempts: each is
// drawn from [d/2, d], d starts at ReconnectMin and doubles up to
// ReconnectMax.
func TestReconnectBackoff(t *testing.T) {
	clk := clock.NewFake(epoch)
	path := filepath.Join(t.TempDir(), "printer")
	pty := openPTY(t)
	link(t, pty.SlavePath, path)
	p := openPort(t, Config{Path: path, Clock: clk,
		ReconnectMin: 100 * time.Millisecond, ReconnectMax: 800 * time.Millisecond})
	pty.Close()
	os.Remove(path) // the device does not come back
	if _, err := p.Write([]byte("x")); !errors.Is(err, ErrDisconnected) {
		t.Fatalf("write after unplug: %v", err)
	}
	for i, d := range []time.Duration{100, 200, 400, 800, 800, 800} {
		d *= time.Millisecond
		if !clk.WaitPending(1, waitLimit) {
			t.Fatalf("attempt %d: reconnector not waiting", i)
		}
		clk.Advance(d/2 - time.Nanosecond)
		if clk.Pending() != 1 {
			t.Fatalf("attempt %d: retried before d/2 = %v", i, d/2)
		}
		clk.Advance(d/2 + time.Nanosecond)
		// The failed attempt is recorded at the fake time it was made.
		eventually(t, fmt.Sprintf("attempt %d by d = %v", i, d), func() bool {
			return p.Status().LastErrorAt.Equal(clk.Now())
		})
	}
	if !clk.WaitPending(1, waitLimit) {
		t.Fatal("reconnector stopped retrying")
	}
	st := p.Status()
	if st.Connected || !errors.Is(statusCause(p), fs.ErrNotExist) {
		t.Fatalf("status while the device is missing = %+v (cause %v)", st, statusCause(p))
	}
}

func statusCause(p *Port) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cause
}

func TestTapFramesInOrder(t *testing.T) {
	clk := clock.NewFake(epoch)
	pty := openPTY(t)
	p := openPort(t, Config{Path: pty.SlavePath, Clock: clk})

	step := func(write string, read string) {
		t.Helper()
		if write != "" {
			// Small writes fit the pty buffer, so Write returns (and
			// records its frame) before the answer is sent.
			if _, err := p.Write([]byte(write)); err != nil {
				t.Fatal(err)
			}
			readMaster(t, pty.Master, len(write))
		}
		if read != "" {
			pty.Master.Write([]byte(read))
			readFull(t, p, len(read))
		}
	}
	step("ESC@", "")
	step("", "12") // answer in two chunks with no pause: one frame
	step("", "34")
	clk.Advance(time.Second) // a pause longer than the gap: a new frame
	step("", "56")
	step("STATUS", "78") // a write ends the In frame

	want := []struct {
		dir  Dir
		data string
		at   time.Time
	}{
		{Out, "ESC@", epoch},
		{In, "1234", epoch},
		{In, "56", epoch.Add(time.Second)},
		{Out, "STATUS", epoch.Add(time.Second)},
		{In, "78", epoch.Add(time.Second)},
	}
	got := p.Tap().Frames()
	if len(got) != len(want) {
		t.Fatalf("got %d frames, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		t.Run(w.dir.String()+" "+w.data, func(t *testing.T) {
			f := got[i]
			if f.Dir != w.dir || string(f.Data) != w.data || f.Len != len(w.data) || !f.At.Equal(w.at) || f.Truncated {
				t.Fatalf("frame %d = %+v, want %s %q at %v", i, f, w.dir, w.data, w.at)
			}
		})
	}
}

func TestStatusCountsTraffic(t *testing.T) {
	clk := clock.NewFake(epoch)
	pty := openPTY(t)
	p := openPort(t, Config{Path: pty.SlavePath, Baud: 9600, Clock: clk})
	if _, err := p.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	readMaster(t, pty.Master, 5)
	clk.Advance(time.Minute)
	pty.Master.Write([]byte("abc"))
	readFull(t, p, 3)
	got := p.Status()
	want := Status{
		Name: filepath.Base(pty.SlavePath), Path: pty.SlavePath, Baud: 9600,
		Connected: true, LastOK: epoch.Add(time.Minute), BytesIn: 3, BytesOut: 5,
	}
	if got != want {
		t.Fatalf("status = %+v\nwant     %+v", got, want)
	}
}

func TestFlushDiscardsPendingInput(t *testing.T) {
	pty := openPTY(t)
	p := openPort(t, Config{Path: pty.SlavePath})
	pty.Master.Write([]byte("stale answer"))
	// The pty moves bytes to the line discipline asynchronously; wait
	// until they are readable so the flush has something to discard.
	eventually(t, "input to arrive", func() bool {
		fds := []unix.PollFd{{Fd: int32(p.cur.ctl.Fd()), Events: unix.POLLIN}}
		n, _ := unix.Poll(fds, 0)
		return n > 0
	})
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	pty.Master.Write([]byte("fresh"))
	if got := readFull(t, p, 5); string(got) != "fresh" {
		t.Fatalf("read after flush = %q, want %q", got, "fresh")
	}
}

func TestClose(t *testing.T) {
	pty := openPTY(t)
	p, err := Open(Config{Path: pty.SlavePath})
	if err != nil {
		t.Fatal(err)
	}
	readErr := make(chan error, 1)
	go func() {
		buf := make([]byte, 8)
		for {
			if _, err := p.Read(buf); !errors.Is(err, ErrTimeout) {
				readErr <- err
				return
			}
		}
	}()
	if err := p.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := <-readErr; !errors.Is(err, ErrClosed) {
		t.Fatalf("read during close: %v, want ErrClosed", err)
	}
	tests := []struct {
		name string
		op   func() error
	}{
		{"close again", p.Close},
		{"read", func() error { _, err := p.Read(make([]byte, 1)); return err }},
		{"write", func() error { _, err := p.Write([]byte("x")); return err }},
		{"flush", p.Flush},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(); !errors.Is(err, ErrClosed) {
				t.Fatalf("%s after close: %v, want ErrClosed", tt.name, err)
			}
		})
	}
	if p.Status().Connected {
		t.Fatal("closed port reports connected")
	}
}

func TestOpenFails(t *testing.T) {
	pty := openPTY(t)
	tests := []struct {
		name string
		cfg  Config
		is   error
	}{
		{"no path", Config{}, nil},
		{"missing device", Config{Path: filepath.Join(t.TempDir(), "ttyUSB9")}, fs.ErrNotExist},
		{"baud termios cannot express", Config{Path: pty.SlavePath, Baud: 12345}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Open(tt.cfg)
			if err == nil {
				p.Close()
				t.Fatal("Open succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   Config
		want Config
	}{
		{"zero", Config{Path: "/dev/ttyUSB0"}, Config{Name: "ttyUSB0", Path: "/dev/ttyUSB0", Baud: 115200,
			ReadTimeout: 100 * time.Millisecond, ReconnectMin: 200 * time.Millisecond, ReconnectMax: 10 * time.Second, TapSize: 64}},
		{"timeout rounds down to VTIME steps", Config{Name: "x", ReadTimeout: 250 * time.Millisecond},
			Config{Name: "x", Baud: 115200, ReadTimeout: 200 * time.Millisecond, ReconnectMin: 200 * time.Millisecond, ReconnectMax: 10 * time.Second, TapSize: 64}},
		{"timeout below VTIME granularity", Config{Name: "x", ReadTimeout: 20 * time.Millisecond},
			Config{Name: "x", Baud: 115200, ReadTimeout: 100 * time.Millisecond, ReconnectMin: 200 * time.Millisecond, ReconnectMax: 10 * time.Second, TapSize: 64}},
		{"timeout above VTIME range", Config{Name: "x", ReadTimeout: time.Minute},
			Config{Name: "x", Baud: 115200, ReadTimeout: 25500 * time.Millisecond, ReconnectMin: 200 * time.Millisecond, ReconnectMax: 10 * time.Second, TapSize: 64}},
		{"max below min", Config{Name: "x", Baud: 9600, ReconnectMin: time.Second, ReconnectMax: time.Millisecond, TapSize: -1},
			Config{Name: "x", Baud: 9600, ReadTimeout: 100 * time.Millisecond, ReconnectMin: time.Second, ReconnectMax: time.Second, TapSize: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.withDefaults()
			if _, ok := got.Clock.(clock.Real); !ok {
				t.Fatalf("clock = %T, want clock.Real", got.Clock)
			}
			got.Clock = nil
			if got != tt.want {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestTapOff(t *testing.T) {
	pty := openPTY(t)
	p := openPort(t, Config{Path: pty.SlavePath, TapSize: -1})
	go p.Write([]byte("x"))
	readMaster(t, pty.Master, 1)
	if p.Tap() != nil || p.Tap().Frames() != nil {
		t.Fatal("tap records although TapSize < 0")
	}
}

func BenchmarkPortWrite(b *testing.B) {
	pty := openPTY(b)
	p := openPort(b, Config{Path: pty.SlavePath, TapSize: -1})
	go io.Copy(io.Discard, pty.Master)
	chunk := bytes.Repeat([]byte{0x55}, 1024)
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		if _, err := p.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPortRead(b *testing.B) {
	pty := openPTY(b)
	p := openPort(b, Config{Path: pty.SlavePath, TapSize: -1})
	chunk := bytes.Repeat([]byte{0xaa}, 1024)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := pty.Master.Write(chunk); err != nil {
				return
			}
		}
	}()
	buf := make([]byte, len(chunk))
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		for n := 0; n < len(buf); {
			k, err := p.Read(buf[n:])
			if err != nil && !errors.Is(err, ErrTimeout) {
				b.Fatal(err)
			}
			n += k
		}
	}
}

// TestHangupSeenByPoll checks the signal Read relies on to tell a hung-up
// line from a timeout, whatever the time the EOF took.
func TestHangupSeenByPoll(t *testing.T) {
	pty := openPTY(t)
	p := openPort(t, Config{Path: pty.SlavePath})
	c := p.cur
	if c.hungUp() {
		t.Fatal("open line polls as hung up")
	}
	pty.Close()
	if !c.hungUp() {
		t.Fatal("line with its master closed does not poll as hung up")
	}
}

func TestPortErrorWraps(t *testing.T) {
	tests := []struct {
		name string
		err  *PortError
		msg  string
		is   []error
	}{
		{"sentinel with cause", &PortError{Op: "write", Port: "printer", Path: "/dev/ttyUSB0", Err: ErrDisconnected, Cause: unix.EIO},
			"write printer (/dev/ttyUSB0): serial: device disconnected: input/output error", []error{ErrDisconnected, unix.EIO}},
		{"timeout", &PortError{Op: "read", Port: "scanner", Path: "/dev/ttyACM0", Err: ErrTimeout},
			"read scanner (/dev/ttyACM0): serial: read timeout", []error{ErrTimeout}},
		{"open", &PortError{Op: "open", Port: "reader", Path: "/dev/ttyUSB1", Err: fs.ErrNotExist},
			"open reader (/dev/ttyUSB1): file does not exist", []error{fs.ErrNotExist}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.msg {
				t.Errorf("Error() = %q, want %q", got, tt.msg)
			}
			for _, target := range tt.is {
				if !errors.Is(tt.err, target) {
					t.Errorf("errors.Is(%v, %v) = false", tt.err, target)
				}
			}
		})
	}
}
