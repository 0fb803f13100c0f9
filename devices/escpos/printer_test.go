package escpos

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hallkiosk/clock"
	"hallkiosk/devices/serial"
)

// fakePort is a printer behind a port with serial.Port's read semantics:
// it answers DLE EOT from its status and, when nothing is waiting, a Read
// advances the fake clock by the read timeout and returns
// serial.ErrTimeout, so the driver's timeout runs without sleeping.
type fakePort struct {
	mu          sync.Mutex
	clk         *clock.Fake
	readTimeout time.Duration
	status      Status
	silent      bool   // no replies (power off)
	replies     int    // when > 0, go silent after this many replies
	lose        int    // when > 0, this many requests go unanswered, then replies resume
	noise       []byte // sent before every reply (XON …)
	readErr     error
	writeErr    error
	onJob       func(f *fakePort) // called (locked) when a write is not a status request
	in          bytes.Buffer
	written     bytes.Buffer
	reads       int
}

func newFakePort() *fakePort {
	return &fakePort{clk: clock.NewFake(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)), readTimeout: 100 * time.Millisecond}
}

func (f *fakePort) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.writeErr != nil {
		return 0, f.writeErr
	}
	f.written.Write(p)
	if len(p) == 3 && p[0] == dle && p[1] == eot {
		if f.lose > 0 {
			f.lose--
			return len(p), nil
		}
		if !f.silent {
			f.in.Write(f.noise)
			f.in.WriteByte(f.status.Encode(StatusKind(p[2])))
			if f.replies > 0 {
				f.replies--
				f.silent = f.replies == 0
			}
		}
		return len(p), nil
	}
	if f.onJob != nil {
		f.onJob(f)
	}
	return len(p), nil
}

func (f *fakePort) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.readErr != nil {
		return 0, f.readErr
	}
	if f.in.Len() > 0 {
		return f.in.Read(p)
	}
	f.clk.Advance(f.readTimeout)
	return 0, &serial.PortError{Op: "read", Port: "printer", Err: serial.ErrTimeout}
}

func (f *fakePort) inject(b ...byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.in.Write(b)
}

func (f *fakePort) sent() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return bytes.Clone(f.written.Bytes())
}

func (f *fakePort) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.written.Reset()
}

func queries(ns ...byte) []byte {
	var out []byte
	for _, n := range ns {
		out = append(out, StatusQueryCommand(StatusKind(n))...)
	}
	return out
}

func TestPrinterReady(t *testing.T) {
	tests := []struct {
		name   string
		status Status
		want   error
		asked  []byte
	}{
		{"healthy", Status{}, nil, queries(1, 2, 4)},
		{"near end prints", Status{NearEnd: true}, nil, queries(1, 2, 4)},
		{"paper end", Status{Offline: true, PaperEndStop: true, NearEnd: true, PaperEnd: true}, ErrPaperEnd, queries(1, 2, 4)},
		{"paper end sensor only", Status{PaperEnd: true}, ErrPaperEnd, queries(1, 2, 4)},
		{"cover open", Status{Offline: true, CoverOpen: true}, ErrCoverOpen, queries(1, 2, 4)},
		{"offline", Status{Offline: true}, ErrOffline, queries(1, 2, 4)},
		{"cutter error asks DLE EOT 3", Status{Offline: true, Error: true, CutterError: true}, ErrCutter, queries(1, 2, 4, 3)},
		{"unrecoverable", Status{Offline: true, Error: true, UnrecoverableError: true}, ErrUnrecoverable, queries(1, 2, 4, 3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakePort()
			f.status = tt.status
			p := NewPrinter(f, Opts{Clock: f.clk})
			err := p.Ready(context.Background())
			if tt.want == nil && err != nil {
				t.Fatalf("Ready() = %v", err)
			}
			if tt.want != nil {
				var nre *NotReadyError
				if !errors.Is(err, tt.want) || !errors.As(err, &nre) {
					t.Fatalf("Ready() = %v, want a *NotReadyError matching %v", err, tt.want)
				}
			}
			if got := f.sent(); !bytes.Equal(got, tt.asked) {
				t.Errorf("sent % X, want % X", got, tt.asked)
			}
			st, _, _ := p.LastStatus()
			if st.NearEnd != tt.status.NearEnd || p.NearEnd() != tt.status.NearEnd {
				t.Errorf("near end: status %v, NearEnd() %v", st.NearEnd, p.NearEnd())
			}
		})
	}
}

func TestPrinterNotResponding(t *testing.T) {
	f := newFakePort()
	f.silent = true
	p := NewPrinter(f, Opts{Clock: f.clk, StatusTimeout: 300 * time.Millisecond})
	start := f.clk.Now()
	_, err := p.Status(context.Background())
	var nre *NotReadyError
	if !errors.Is(err, ErrNotResponding) || !errors.As(err, &nre) {
		t.Fatalf("Status() = %v, want ErrNotResponding", err)
	}
	if !strings.Contains(err.Error(), "no reply to DLE EOT 1") {
		t.Errorf("message %q", err)
	}
	if waited := f.clk.Now().Sub(start); waited < 300*time.Millisecond {
		t.Errorf("gave up after %v of clock time", waited)
	}
	if got := f.sent(); !bytes.Equal(got, queries(1)) {
		t.Errorf("sent % X: nothing follows an unanswered request (B.1)", got)
	}
}

func TestPrinterNotRespondingKeepsPartialStatus(t *testing.T) {
	f := newFakePort()
	f.replies = 1
	f.status = Status{Offline: true}
	p := NewPrinter(f, Opts{Clock: f.clk})
	st, err := p.Status(context.Background())
	var nre *NotReadyError
	if !errors.As(err, &nre) || !errors.Is(err, ErrNotResponding) {
		t.Fatalf("Status() = %v", err)
	}
	if !nre.Status.Known(StatusPrinter) || !nre.Status.Offline || !st.Offline || nre.Status.Known(StatusOffline) {
		t.Errorf("partial status %+v / %+v", nre.Status, st)
	}
	if !strings.Contains(err.Error(), "no reply to DLE EOT 2") || !strings.Contains(err.Error(), "1=1A") {
		t.Errorf("message %q", err)
	}
}

func TestPrinterSkipsNonStatusBytes(t *testing.T) {
	f := newFakePort()
	f.noise = []byte{0x11, 0x13, 0x00} // XON, XOFF, noise (B.1)
	f.status = Status{NearEnd: true}
	p := NewPrinter(f, Opts{Clock: f.clk})
	st, err := p.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !st.NearEnd || st.Raw != [4]byte{0x12, 0x12, 0, 0x1E} {
		t.Errorf("status %+v", st)
	}
}

func TestPrinterLinkErrors(t *testing.T) {
	gone := &serial.PortError{Op: "read", Port: "printer", Err: serial.ErrDisconnected}
	tests := []struct {
		name  string
		setup func(f *fakePort)
	}{
		{"read says disconnected", func(f *fakePort) { f.readErr = gone }},
		{"write says disconnected", func(f *fakePort) { f.writeErr = gone }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakePort()
			tt.setup(f)
			p := NewPrinter(f, Opts{Clock: f.clk})
			err := p.Ready(context.Background())
			if !errors.Is(err, ErrNotResponding) || !errors.Is(err, serial.ErrDisconnected) {
				t.Fatalf("Ready() = %v, want ErrNotResponding and serial.ErrDisconnected", err)
			}
		})
	}
}

// TestPrinterLateReply: a reply that arrives after the driver gave up must
// not be taken for the answer to the next request.
func TestPrinterLateReply(t *testing.T) {
	f := newFakePort()
	f.silent = true
	p := NewPrinter(f, Opts{Clock: f.clk})
	if err := p.Ready(context.Background()); !errors.Is(err, ErrNotResponding) {
		t.Fatalf("first Ready() = %v", err)
	}
	f.mu.Lock()
	f.silent = false
	f.mu.Unlock()
	f.inject(0x1A) // "offline", the late answer to the first request
	if err := p.Ready(context.Background()); err != nil {
		t.Fatalf("second Ready() = %v: the late reply was taken for a new one", err)
	}
}

// TestPrinterReadyAsksAgain: one unanswered request (a lost reply, a kiosk
// too busy to read it in time) is asked again before the printer counts as
// silent; a printer that stays silent is refused after the second request.
func TestPrinterReadyAsksAgain(t *testing.T) {
	f := newFakePort()
	f.lose = 1
	p := NewPrinter(f, Opts{Clock: f.clk})
	if err := p.Ready(context.Background()); err != nil {
		t.Fatalf("Ready() after one lost reply = %v", err)
	}
	if got, want := f.sent(), queries(1, 1, 2, 4); !bytes.Equal(got, want) {
		t.Errorf("sent % X, want % X", got, want)
	}

	f = newFakePort()
	f.silent = true
	p = NewPrinter(f, Opts{Clock: f.clk})
	if err := p.Ready(context.Background()); !errors.Is(err, ErrNotResponding) {
		t.Fatalf("Ready() of a silent printer = %v", err)
	}
	if got, want := f.sent(), queries(1, 1); !bytes.Equal(got, want) {
		t.Errorf("sent % X to a silent printer, want % X", got, want)
	}
	// Status is the technician's raw view: one request, one verdict.
	f.reset()
	if _, err := p.Status(context.Background()); !errors.Is(err, ErrNotResponding) {
		t.Fatalf("Status() of a silent printer = %v", err)
	}
	if got, want := f.sent(), queries(1); !bytes.Equal(got, want) {
		t.Errorf("Status sent % X, want % X", got, want)
	}
}

// flushPort is a fakePort with serial.Port's input Flush.
type flushPort struct {
	*fakePort
	flushes int
}

func (f *flushPort) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.flushes++
	f.in.Reset()
	return nil
}

func TestPrinterFlushesStaleInput(t *testing.T) {
	f := &flushPort{fakePort: newFakePort()}
	f.inject(0x1A, 0x1A, 0x1A)
	p := NewPrinter(f, Opts{Clock: f.clk})
	if err := p.Ready(context.Background()); err != nil {
		t.Fatalf("Ready() = %v", err)
	}
	if f.flushes != 1 {
		t.Errorf("%d flushes", f.flushes)
	}
}

func TestPrinterPrint(t *testing.T) {
	job := LayoutTicket(sampleTicket)
	tests := []struct {
		name    string
		status  Status
		onJob   func(f *fakePort)
		want    error
		sent    []byte
		tickets int
	}{
		{"prints and re-checks", Status{}, nil, nil, append(append(queries(1, 2, 4), job...), queries(1, 2, 4)...), 1},
		{"near end prints", Status{NearEnd: true}, nil, nil, append(append(queries(1, 2, 4), job...), queries(1, 2, 4)...), 1},
		{"paper out refuses", Status{Offline: true, PaperEnd: true, NearEnd: true, PaperEndStop: true}, nil, ErrPaperEnd, queries(1, 2, 4), 0},
		{"cover open refuses", Status{Offline: true, CoverOpen: true}, nil, ErrCoverOpen, queries(1, 2, 4), 0},
		{"paper runs out during the job", Status{}, func(f *fakePort) {
			f.status = Status{Offline: true, PaperEndStop: true, PaperEnd: true}
		}, ErrPaperEnd, append(append(queries(1, 2, 4), job...), queries(1, 2, 4)...), 0},
		{"printer switched off during the job", Status{}, func(f *fakePort) { f.silent = true },
			ErrNotResponding, append(append(queries(1, 2, 4), job...), queries(1, 1)...), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakePort()
			f.status, f.onJob = tt.status, tt.onJob
			counter, err := OpenPaperCounter(filepath.Join(t.TempDir(), "paper.json"), CounterOpts{Clock: f.clk})
			if err != nil {
				t.Fatal(err)
			}
			p := NewPrinter(f, Opts{Clock: f.clk, Counter: counter})
			err = p.PrintTicket(context.Background(), sampleTicket)
			if tt.want == nil && err != nil {
				t.Fatalf("PrintTicket() = %v", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("PrintTicket() = %v, want %v", err, tt.want)
			}
			if got := f.sent(); !bytes.Equal(got, tt.sent) {
				t.Errorf("sent %d bytes, want %d:\n% X", len(got), len(tt.sent), got)
			}
			st := counter.State()
			if st.Tickets != tt.tickets || (tt.tickets > 0) != (st.UsedMM > 50) {
				t.Errorf("counter %+v after %d tickets", st, tt.tickets)
			}
		})
	}
}

func TestPrinterPrintChecklistAndRaw(t *testing.T) {
	f := newFakePort()
	p := NewPrinter(f, Opts{Clock: f.clk, SkipRecheck: true})
	c := Checklist{Service: "居民身份证换领", Materials: []string{"户口簿"}, Version: "v1"}
	if err := p.PrintChecklist(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if got, want := f.sent(), append(queries(1, 2, 4), LayoutChecklist(c)...); !bytes.Equal(got, want) {
		t.Errorf("checklist: sent % X", got)
	}
	f.reset()
	test := TestTicket(f.clk.Now())
	if err := p.Print(context.Background(), test); err != nil {
		t.Fatal(err)
	}
	if got := f.sent(); !bytes.Equal(got, append(queries(1, 2, 4), test...)) {
		t.Errorf("raw: sent % X", got)
	}
}

func TestPrinterCancelled(t *testing.T) {
	f := newFakePort()
	p := NewPrinter(f, Opts{Clock: f.clk})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.PrintTicket(ctx, sampleTicket); !errors.Is(err, context.Canceled) {
		t.Fatalf("PrintTicket() = %v", err)
	}
	if len(f.sent()) != 0 {
		t.Errorf("sent % X after cancel", f.sent())
	}
}

func TestPrinterNearEndFromCounter(t *testing.T) {
	f := newFakePort()
	counter, _ := OpenPaperCounter(filepath.Join(t.TempDir(), "paper.json"), CounterOpts{RollMM: 1000, NearEndMM: 100})
	counter.Add(950, 10)
	p := NewPrinter(f, Opts{Clock: f.clk, Counter: counter})
	if err := p.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !p.NearEnd() {
		t.Error("counter near end not reported")
	}
}
