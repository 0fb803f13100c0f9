package scanner

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"hallkiosk/clock"
	"hallkiosk/devices/serial"
)

const waitLimit = 10 * time.Second

var epoch = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

// scriptConn is a Conn whose reads the test hands over one at a time: a
// read blocks until the test pushes bytes or an error. It plays back what a
// serial.Port returns, so the scanner's logic is tested apart from ptys
// (the pty path is tested in scannersim).
type scriptConn struct {
	reads chan step
	rest  step // what did not fit the last read
	mu    sync.Mutex
	wrote bytes.Buffer
}

type step struct {
	data []byte
	err  error
}

func newScriptConn() *scriptConn { return &scriptConn{reads: make(chan step)} }

func (c *scriptConn) Read(p []byte) (int, error) {
	s := c.rest
	if len(s.data) == 0 && s.err == nil {
		var ok bool
		if s, ok = <-c.reads; !ok {
			return 0, serial.ErrClosed
		}
	}
	n := copy(p, s.data)
	if n < len(s.data) {
		c.rest = step{data: s.data[n:], err: s.err}
		return n, nil
	}
	c.rest = step{}
	return n, s.err
}

func (c *scriptConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wrote.Write(p)
}

func (c *scriptConn) push(t *testing.T, s step) {
	t.Helper()
	select {
	case c.reads <- s:
	case <-time.After(waitLimit):
		t.Fatal("scanner stopped reading")
	}
}

func (c *scriptConn) send(t *testing.T, chunks ...string) {
	t.Helper()
	for _, ch := range chunks {
		c.push(t, step{data: []byte(ch)})
	}
}

// start runs a scanner over a script; the returned function stops it and
// returns Run's error.
func start(t *testing.T, o Opts) (*Scanner, *scriptConn, func() error) {
	t.Helper()
	conn := newScriptConn()
	s := New(conn, o)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			close(conn.reads)
			runErr = <-errc
		})
		return runErr
	}
	t.Cleanup(func() { stop() })
	return s, conn, stop
}

func next(t *testing.T, codes <-chan string) string {
	t.Helper()
	select {
	case c := <-codes:
		return c
	case <-time.After(waitLimit):
		t.Fatal("no code")
		return ""
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(waitLimit); !cond(); {
		if time.Now().After(end) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestScannerDelivers(t *testing.T) {
	tests := []struct {
		name   string
		term   string
		reads  []string
		codes  []string
		errors int
		last   error
	}{
		{"one code", "", []string{"ABC\r"}, []string{"ABC"}, 0, nil},
		{"CR LF with the CR default", "", []string{"A\r\nB\r\n"}, []string{"A", "B"}, 0, nil},
		{"CR LF terminator", "\r\n", []string{"A\r\n", "B\r\n"}, []string{"A", "B"}, 0, nil},
		{"code in pieces", "", []string{"12", "34", "\r"}, []string{"1234"}, 0, nil},
		{"GBK payload", "", []string{"\xd4\xa4\xd4\xbc\xc2\xeb:42\r"}, []string{"预约码:42"}, 0, nil},
		{"blank lines ignored", "", []string{"\r\n\r\n \r"}, nil, 0, nil},
		{"control character rejected", "", []string{"A\aB\rC\r"}, []string{"C"}, 1, ErrControl},
		{"noise rejected", "", []string{"\xff\xfe\xff\r", "OK\r"}, []string{"OK"}, 1, ErrEncoding},
		{"too long, then resync", "", []string{strings.Repeat("9", 5000), "\rOK\r"}, []string{"OK"}, 1, ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewFake(epoch)
			s, conn, _ := start(t, Opts{Terminator: []byte(tt.term), Clock: clk})
			codes := s.Codes()
			conn.send(t, tt.reads...)
			term := cmp.Or(tt.term, "\r")
			conn.send(t, "END"+term) // everything before it has been handled once it arrives
			var got []string
			for c := next(t, codes); c != "END"; c = next(t, codes) {
				got = append(got, c)
			}
			if strings.Join(got, "|") != strings.Join(tt.codes, "|") {
				t.Fatalf("codes %q, want %q", got, tt.codes)
			}
			st := s.Status()
			if st.Errors != tt.errors || st.Codes != len(tt.codes)+1 || !st.LastCodeAt.Equal(epoch) {
				t.Fatalf("status = %+v", st)
			}
			if tt.last != nil && (!strings.HasPrefix(st.LastError, tt.last.Error()) || !st.LastErrorAt.Equal(epoch)) {
				t.Fatalf("last error %q, want %q", st.LastError, tt.last)
			}
		})
	}
}

// TestFragmentDroppedAfterSilence: a partial line followed by
// InterByteTimeout of silence is dropped and counted, and is not glued to
// the next code. The silence is measured on the fake clock.
func TestFragmentDroppedAfterSilence(t *testing.T) {
	clk := clock.NewFake(epoch)
	s, conn, _ := start(t, Opts{Clock: clk, InterByteTimeout: 150 * time.Millisecond})
	codes := s.Codes()
	conn.send(t, "GARB")
	if !clk.WaitPending(1, waitLimit) {
		t.Fatal("no inter-byte timer armed for the partial line")
	}
	clk.Advance(149 * time.Millisecond)
	conn.send(t, "AGE\r") // within the timeout: still one line
	if c := next(t, codes); c != "GARBAGE" {
		t.Fatalf("code %q, want GARBAGE", c)
	}
	if clk.Pending() != 0 {
		t.Fatal("timer still armed with no partial line")
	}

	conn.send(t, "FRAG")
	if !clk.WaitPending(1, waitLimit) {
		t.Fatal("no inter-byte timer armed")
	}
	clk.Advance(150 * time.Millisecond)
	conn.send(t, "OK\r")
	if c := next(t, codes); c != "OK" {
		t.Fatalf("code %q, want OK: the fragment was not dropped", c)
	}
	st := s.Status()
	if st.Errors != 1 || !strings.Contains(st.LastError, ErrFragment.Error()) || strings.Contains(st.LastError, "FRAG") {
		t.Fatalf("status = %+v", st)
	}
}

func TestPartialLineLostWithConnection(t *testing.T) {
	s, conn, _ := start(t, Opts{Clock: clock.NewFake(epoch)})
	codes := s.Codes()
	conn.send(t, "PART")
	conn.push(t, step{err: serial.ErrDisconnected})
	conn.push(t, step{err: serial.ErrDisconnected})
	eventually(t, "disconnect to be seen", func() bool { return !s.Status().Connected })
	conn.push(t, step{err: serial.ErrTimeout})
	conn.send(t, "OK\r")
	if c := next(t, codes); c != "OK" {
		t.Fatalf("code %q, want OK", c)
	}
	if st := s.Status(); st.Errors != 1 || !st.Connected {
		t.Fatalf("status = %+v", st)
	}
}

func TestWaitCode(t *testing.T) {
	s, conn, stop := start(t, Opts{Clock: clock.NewFake(epoch)})
	codes := s.Codes()

	t.Run("returns the next code, not an earlier one", func(t *testing.T) {
		conn.send(t, "OLD\r")
		next(t, codes)
		got := make(chan string)
		for range 2 {
			go func() {
				c, err := s.WaitCode(context.Background())
				if err != nil {
					t.Error(err)
				}
				got <- c
			}()
		}
		eventually(t, "two waiters", func() bool { return s.Status().Waiting == 2 })
		conn.send(t, "NEW\r")
		for range 2 {
			if c := <-got; c != "NEW" {
				t.Fatalf("WaitCode = %q, want NEW", c)
			}
		}
		next(t, codes)
		if n := s.Status().Waiting; n != 0 {
			t.Fatalf("%d waiters left", n)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error)
		go func() {
			_, err := s.WaitCode(ctx)
			errc <- err
		}()
		eventually(t, "a waiter", func() bool { return s.Status().Waiting == 1 })
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("WaitCode after cancel: %v", err)
		}
		if n := s.Status().Waiting; n != 0 {
			t.Fatalf("%d waiters left after cancel", n)
		}
	})

	t.Run("stopped", func(t *testing.T) {
		errc := make(chan error)
		go func() {
			_, err := s.WaitCode(context.Background())
			errc <- err
		}()
		eventually(t, "a waiter", func() bool { return s.Status().Waiting == 1 })
		stop()
		if err := <-errc; !errors.Is(err, ErrStopped) {
			t.Fatalf("WaitCode when Run returns: %v", err)
		}
		if _, err := s.WaitCode(context.Background()); !errors.Is(err, ErrStopped) {
			t.Fatalf("WaitCode after Run returned: %v", err)
		}
		if _, open := <-codes; open {
			t.Fatal("Codes channel not closed when Run returned")
		}
	})
}

func TestRunEnds(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"port closed", &serial.PortError{Op: "read", Port: "scanner", Err: serial.ErrClosed}},
		{"end of a recorded stream", io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := newScriptConn()
			s := New(conn, Opts{})
			errc := make(chan error, 1)
			go func() { errc <- s.Run(context.Background()) }()
			conn.push(t, step{data: []byte("PART"), err: tt.err})
			if err := <-errc; !errors.Is(err, tt.err) {
				t.Fatalf("Run = %v, want %v", err, tt.err)
			}
			if st := s.Status(); st.Errors != 1 || st.Connected {
				t.Fatalf("status after end = %+v; the pending fragment should be counted", st)
			}
			if err := s.Run(context.Background()); err == nil {
				t.Fatal("second Run succeeded")
			}
		})
	}
}

func TestSend(t *testing.T) {
	s, conn, _ := start(t, Opts{})
	if err := s.Send([]byte{0x16, 0x54, 0x0d}); err != nil {
		t.Fatal(err)
	}
	conn.mu.Lock()
	defer conn.mu.Unlock()
	if got := conn.wrote.Bytes(); !bytes.Equal(got, []byte{0x16, 0x54, 0x0d}) {
		t.Fatalf("wrote %x", got)
	}
}

// BenchmarkScanner measures codes per second through Run and WaitCode's
// sibling Codes, over a conn that always has the next code ready.
func BenchmarkScanner(b *testing.B) {
	conn := &repeatConn{line: []byte("https://zwfw.example.gov.cn/yy?id=00000042&sig=3f9a0c\r\n")}
	s := New(conn, Opts{})
	codes := s.Codes()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	b.SetBytes(int64(len(conn.line)))
	for b.Loop() {
		<-codes
	}
}

type repeatConn struct{ line []byte }

func (c *repeatConn) Read(p []byte) (int, error)  { return copy(p, c.line), nil }
func (c *repeatConn) Write(p []byte) (int, error) { return len(p), nil }
