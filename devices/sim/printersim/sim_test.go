package printersim_test

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"hallkiosk/devices/escpos"
	"hallkiosk/devices/serial"
	"hallkiosk/devices/sim/printersim"
)

// These tests run the real driver (escpos.Printer over serial.Port, i.e.
// tarm/serial on the slave side of a pseudo-terminal) against the
// simulator, so the bytes on the wire are what is tested.

var ticket = escpos.Ticket{
	Hall:           "北京市东城区政务服务中心",
	Service:        "不动产登记（二手房转移登记）",
	Number:         "A023",
	PeopleAhead:    5,
	EstWaitMinutes: 15,
	IssuedAt:       time.Date(2026, 11, 29, 9, 41, 0, 0, time.UTC),
	MaskedID:       "110101********1234",
	Counters:       "3-5号窗口",
	Materials:      []string{"申请人身份证原件及复印件", "不动产权证书原件"},
	QR:             "https://hall.example.gov.cn/t/A023?k=7Hq2",
	Footer:         []string{"服务热线：12345"},
}

type rig struct {
	sim     *printersim.Sim
	port    *serial.Port
	printer *escpos.Printer
}

func newRig(t *testing.T) *rig {
	t.Helper()
	return newRigWith(t, printersim.Opts{Dir: t.TempDir()})
}

func newRigWith(t *testing.T, opts printersim.Opts) *rig {
	t.Helper()
	s, err := printersim.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	port, err := serial.Open(serial.Config{Name: "printer", Path: s.Path(), Baud: 115200, ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		port.Close()
		s.Close()
	})
	return &rig{sim: s, port: port, printer: escpos.NewPrinter(port, escpos.Opts{StatusTimeout: 500 * time.Millisecond})}
}

func waitTicket(t *testing.T, s *printersim.Sim) printersim.Ticket {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tk, err := s.WaitTicket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tk.RenderErr != nil {
		t.Fatalf("render: %v", tk.RenderErr)
	}
	return tk
}

func readQR(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("QR in %s does not scan: %v", path, err)
	}
	return res.GetText()
}

func TestPrintTicket(t *testing.T) {
	r := newRig(t)
	if err := r.printer.PrintTicket(context.Background(), ticket); err != nil {
		t.Fatalf("PrintTicket: %v", err)
	}
	tk := waitTicket(t, r.sim)
	for _, want := range []string{"A023", "不动产登记", "（二手房转移登记）", "110101********1234", "3-5号窗口", "前面等候：5 人"} {
		if !strings.Contains(tk.Text, want) {
			t.Errorf("printed text lacks %q:\n%s", want, tk.Text)
		}
	}
	if len(tk.Doc.Problems) != 0 {
		t.Errorf("decoding problems: %v", tk.Doc.Err())
	}
	if got := readQR(t, tk.PNGPath); got != ticket.QR {
		t.Errorf("QR reads %q, want %q", got, ticket.QR)
	}
	if b, err := os.ReadFile(tk.TextPath); err != nil || !strings.Contains(string(b), "A023") {
		t.Errorf("text file: %v", err)
	}
	if q := r.sim.Queries(); q != 6 {
		t.Errorf("%d status requests, want 3 before and 3 after the ticket", q)
	}
	if n := len(r.sim.Tickets()); n != 1 {
		t.Errorf("%d tickets", n)
	}
}

func TestPrintChecklistAndTestTicket(t *testing.T) {
	r := newRig(t)
	c := escpos.Checklist{Service: "居民身份证换领", Materials: []string{"户口簿"}, Version: "v3 2026-10-01", QR: "https://hall.example.gov.cn/g/1"}
	if err := r.printer.PrintChecklist(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := r.printer.Print(context.Background(), escpos.TestTicket(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))); err != nil {
		t.Fatal(err)
	}
	one, two := waitTicket(t, r.sim), waitTicket(t, r.sim)
	if !strings.Contains(one.Text, "一次性告知单") || !strings.Contains(one.Text, "v3 2026-10-01") {
		t.Errorf("checklist:\n%s", one.Text)
	}
	if got := readQR(t, one.PNGPath); got != c.QR {
		t.Errorf("checklist QR reads %q", got)
	}
	if !strings.Contains(two.Text, "打印测试") || !strings.Contains(two.Text, "[CODE128: 20261129090000]") {
		t.Errorf("test ticket:\n%s", two.Text)
	}
}

// TestRefusals: a printer that cannot finish a ticket gets nothing but
// status requests, and the driver says why.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name  string
		state printersim.State
		want  error
	}{
		{"paper out", printersim.State{PaperOut: true}, escpos.ErrPaperEnd},
		{"cover open", printersim.State{CoverOpen: true}, escpos.ErrCoverOpen},
		{"cutter error", printersim.State{CutterError: true}, escpos.ErrCutter},
		{"offline", printersim.State{Offline: true}, escpos.ErrOffline},
		{"switched off", printersim.State{NoReply: true}, escpos.ErrNotResponding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.sim.SetState(tt.state)
			err := r.printer.PrintTicket(context.Background(), ticket)
			var nre *escpos.NotReadyError
			if !errors.Is(err, tt.want) || !errors.As(err, &nre) {
				t.Fatalf("PrintTicket() = %v, want a *NotReadyError matching %v", err, tt.want)
			}
			if err := r.printer.Ready(context.Background()); !errors.Is(err, tt.want) {
				t.Errorf("Ready() = %v", err)
			}
			doc, derr := escpos.Decode(r.sim.Received())
			if derr != nil {
				t.Fatal(derr)
			}
			for _, it := range doc.Items {
				if it.Kind != escpos.KindStatusQuery {
					t.Fatalf("the printer received %v %s besides status requests", it.Kind, it.Name)
				}
			}
			if tt.state.NoReply && len(doc.Items) != 0 {
				t.Errorf("a switched-off printer received %d items", len(doc.Items))
			}
			if n := len(r.sim.Tickets()); n != 0 {
				t.Errorf("%d tickets printed", n)
			}
		})
	}
}

func TestNearEndPrintsAndWarns(t *testing.T) {
	r := newRig(t)
	r.sim.SetState(printersim.State{NearEnd: true, XON: true})
	if err := r.printer.PrintTicket(context.Background(), ticket); err != nil {
		t.Fatalf("PrintTicket: %v", err)
	}
	waitTicket(t, r.sim)
	if !r.printer.NearEnd() {
		t.Error("near end not reported")
	}
}

// TestHeldUntilPaperReplaced: data sent while the paper is out waits in
// the printer and prints once paper is back, as on the hardware.
func TestHeldUntilPaperReplaced(t *testing.T) {
	r := newRig(t)
	r.sim.SetState(printersim.State{PaperOut: true})
	if _, err := r.port.Write(escpos.LayoutTicket(ticket)); err != nil {
		t.Fatal(err)
	}
	// The status reply proves the simulator has read everything before it.
	if _, err := r.printer.Status(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(r.sim.Tickets()); n != 0 {
		t.Fatalf("%d tickets printed without paper", n)
	}
	r.sim.SetState(printersim.State{})
	if tk := waitTicket(t, r.sim); !strings.Contains(tk.Text, "A023") {
		t.Errorf("held ticket:\n%s", tk.Text)
	}
}

// TestRealTimeMidTicket: a status request in the middle of a ticket is
// answered at once, and the ticket still prints whole.
func TestRealTimeMidTicket(t *testing.T) {
	r := newRig(t)
	job := escpos.LayoutTicket(ticket)
	doc, _ := escpos.Decode(job)
	cut := doc.Items[len(doc.Items)/2].Offset // a command boundary mid-ticket
	if _, err := r.port.Write(job[:cut]); err != nil {
		t.Fatal(err)
	}
	st, err := r.printer.Status(context.Background())
	if err != nil || st.Err() != nil {
		t.Fatalf("status mid-ticket: %v %v", st, err)
	}
	if _, err := r.port.Write(job[cut:]); err != nil {
		t.Fatal(err)
	}
	tk := waitTicket(t, r.sim)
	if !strings.Contains(tk.Text, "A023") || !strings.Contains(tk.Text, "110101********1234") {
		t.Errorf("ticket:\n%s", tk.Text)
	}
	queries := 0
	for _, it := range tk.Doc.Items {
		if it.Kind == escpos.KindStatusQuery {
			queries++
		}
	}
	if queries != 3 {
		t.Errorf("%d status requests inside the ticket, want 3", queries)
	}
}

func TestUnplugged(t *testing.T) {
	r := newRig(t)
	if err := r.printer.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.sim.Close()
	err := r.printer.Ready(context.Background())
	if !errors.Is(err, escpos.ErrNotResponding) {
		t.Fatalf("Ready() after unplug = %v", err)
	}
}

// TestBoundedHistory prints more tickets than the simulator keeps: it
// forgets the oldest, in memory and on disk, and still counts them.
func TestBoundedHistory(t *testing.T) {
	dir := t.TempDir()
	r := newRigWith(t, printersim.Opts{Dir: dir, Keep: 3, KeepBytes: 1024})
	var paths []string
	for i := range 5 {
		tk := ticket
		tk.Number = fmt.Sprintf("A%03d", i+1)
		if err := r.printer.PrintTicket(context.Background(), tk); err != nil {
			t.Fatalf("PrintTicket %d: %v", i+1, err)
		}
		got := waitTicket(t, r.sim)
		if !strings.Contains(got.Text, tk.Number) {
			t.Fatalf("ticket %d reads:\n%s", i+1, got.Text)
		}
		paths = append(paths, got.PNGPath)
	}
	if n := r.sim.Printed(); n != 5 {
		t.Errorf("Printed() = %d, want 5", n)
	}
	var seqs []int
	for _, tk := range r.sim.Tickets() {
		seqs = append(seqs, tk.Seq)
	}
	if fmt.Sprint(seqs) != "[3 4 5]" {
		t.Errorf("kept tickets %v, want [3 4 5]", seqs)
	}
	for i, p := range paths {
		_, err := os.Stat(p)
		if kept := i >= 2; kept != (err == nil) {
			t.Errorf("ticket %d file %s: kept %v, stat error %v", i+1, p, kept, err)
		}
	}
	if n := len(r.sim.Received()); n != 1024 {
		t.Errorf("Received() holds %d bytes, want the latest 1024", n)
	}
	// The latest bytes are the end of the fifth ticket: its cut.
	if rec := r.sim.Received(); !strings.Contains(string(rec), "A005") {
		t.Errorf("received bytes do not end with the fifth ticket")
	}
}
