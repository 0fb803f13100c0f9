package diag

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"hallkiosk/clock"
	"hallkiosk/devices"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/sim/idcardsim"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/logs"
)

// deviceFixture is a gate over the three simulated devices.
type deviceFixture struct {
	set *devices.Set
	g   *Gate
	s   *Session
	clk *clock.Fake
	rec *recorder
}

func newDeviceFixture(t *testing.T) *deviceFixture {
	t.Helper()
	cfg := testConfig(t)
	cfg.Diag.PINHash = testHash()
	set, err := devices.Open(devices.Options{Config: cfg.Devices, DataDir: cfg.DataDir, Logger: logs.Discard(), RetryOpen: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { set.Close() })
	f := &deviceFixture{set: set, clk: clock.NewFake(t0), rec: &recorder{}}
	f.g = openGate(t, Options{ConfigPath: writeConfig(t, cfg), Config: cfg, Devices: set, Clock: f.clk, Auditor: f.rec})
	f.s = enter(t, f.g, testPIN)
	return f
}

// waitTimerArmed waits until the test's wait timer is armed next to the
// session's idle timer, so that advancing the fake clock ends the wait.
func (f *deviceFixture) waitTimerArmed(t *testing.T) {
	t.Helper()
	if !f.clk.WaitPending(2, 20*time.Second) {
		t.Fatal("the test never started waiting")
	}
}

func TestDeviceTests(t *testing.T) {
	f := newDeviceFixture(t)
	ctx := ctxT(t)
	sims := f.set.Sims()

	t.Run("print", func(t *testing.T) {
		r := printTest(t, f)
		// The result reads in both languages, as every technician text.
		if !r.Pass || !strings.Contains(r.Summary, "测试页已发送") || !strings.Contains(r.Summary, "test ticket sent") || !strings.HasPrefix(r.Raw, "DLE EOT 1=") {
			t.Fatalf("result %+v", r)
		}
		tk, err := sims.Printer.WaitTicket(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"打印测试", "[QR", "—— 测试结束 ——"} {
			if !strings.Contains(tk.Text, want) {
				t.Errorf("printed test ticket lacks %q:\n%s", want, tk.Text)
			}
		}
	})

	t.Run("scan the test ticket", func(t *testing.T) {
		// The QR code of the test page printed above, at the fake clock's time.
		r := scanWith(t, f, "HALLKIOSK-TEST 2026-03-02 10:00:00")
		if !r.Pass || !strings.Contains(r.Summary, "test ticket's code") {
			t.Fatalf("result %+v", r)
		}
	})

	t.Run("scan another code", func(t *testing.T) {
		r := scanWith(t, f, "11010519491231002X")
		if !r.Pass || r.Summary != "已扫到码（内容不显示）  scanned a code of 18 characters: digits, Latin letters or symbols (content hidden)" {
			t.Fatalf("result %+v", r)
		}
	})

	t.Run("scan timeout", func(t *testing.T) {
		done := make(chan TestResult, 1)
		go func() {
			r, _ := f.s.TestScan(ctx, 20*time.Second)
			done <- r
		}()
		f.waitTimerArmed(t)
		f.clk.Advance(20 * time.Second)
		r := <-done
		if r.Pass || r.Summary != "20s 内未扫到码  no code scanned within 20s" {
			t.Fatalf("result %+v", r)
		}
	})

	t.Run("print without paper", func(t *testing.T) {
		sims.Printer.SetState(printersim.State{PaperOut: true})
		defer sims.Printer.SetState(printersim.State{})
		r, err := f.s.TestPrint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.Pass || !strings.Contains(r.Summary, "缺纸") || !strings.Contains(r.Summary, "paper end") || !strings.Contains(r.Raw, "DLE EOT") {
			t.Fatalf("result %+v", r)
		}
		v, err := f.s.Probe(ctx, devices.Printer)
		if err == nil {
			t.Fatal("probe of a printer without paper reported no error")
		}
		if v.Printer == nil || v.Printer.Ready || !hasSetBit(v.Printer.Bits, "paper end") {
			t.Fatalf("printer view %+v", v.Printer)
		}
	})

	t.Run("card", func(t *testing.T) {
		prof := sims.IDCard.Profiles()[0]
		if err := sims.IDCard.Place(prof.ID); err != nil {
			t.Fatal(err)
		}
		defer sims.IDCard.Remove()
		r, err := f.s.TestCard(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		c := r.Card
		if !r.Pass || c == nil {
			t.Fatalf("result %+v", r)
		}
		if c.Name != idcard.MaskName(prof.Card.Name) || c.IDNumber != idcard.MaskID(prof.Card.IDNumber) || c.PhotoBytes == 0 {
			t.Fatalf("masked card %+v", c)
		}
		if c.Name == prof.Card.Name || strings.Contains(c.IDNumber, prof.Card.IDNumber[6:14]) {
			t.Fatalf("card not masked: %+v", c)
		}
		for _, leak := range []string{prof.Card.Name, prof.Card.IDNumber, c.Name, c.IDNumber} {
			if strings.Contains(r.Summary, leak) || strings.Contains(r.Raw, leak) || strings.Contains(strings.Join(f.rec.details(ActionTestCard), "\n"), leak) {
				t.Fatalf("summary, raw reason or audit shows %q", leak)
			}
		}
		if bytes.Contains(jsonOf(r), []byte(c.IDNumber)) {
			t.Fatal("the JSON of a card test (bundle) holds the masked card")
		}
	})

	t.Run("card timeout", func(t *testing.T) {
		done := make(chan TestResult, 1)
		go func() {
			r, _ := f.s.TestCard(ctx, 10*time.Second)
			done <- r
		}()
		f.waitTimerArmed(t)
		f.clk.Advance(10 * time.Second)
		r := <-done
		if r.Pass || r.Summary != "10s 内未放卡  no card placed within 10s" {
			t.Fatalf("result %+v", r)
		}
	})

	t.Run("reader view", func(t *testing.T) {
		v, err := f.s.Probe(ctx, devices.IDCard)
		if err != nil {
			t.Fatal(err)
		}
		r := v.Reader
		if r == nil || !r.SAMOK || r.SAMID != idcardsim.DefaultSAMID.String() || r.SAMIDHex != idcardsim.DefaultSAMID.Hex() {
			t.Fatalf("reader view %+v", r)
		}
		if r.CardsRead < 1 || r.LastRead.IsZero() {
			t.Fatalf("the card read is not counted: %+v", r)
		}
	})

	t.Run("views", func(t *testing.T) {
		// A fresh status: the last one was taken without paper.
		if _, err := f.s.Probe(ctx, devices.Printer); err != nil {
			t.Fatal(err)
		}
		views, err := f.s.Devices()
		if err != nil {
			t.Fatal(err)
		}
		if len(views) != 3 {
			t.Fatalf("%d views", len(views))
		}
		for _, v := range views {
			if !v.Simulated || !v.Connected || v.Port == "" || v.Baud == 0 || v.LastOK.IsZero() {
				t.Errorf("%s view %+v", v.Kind, v)
			}
		}
		p := views[0].Printer
		if p == nil || !p.Ready || p.Paper == nil || p.Paper.Tickets < 1 || p.Paper.LeftMM >= p.Paper.RollMM {
			t.Fatalf("printer view %+v, paper %+v", p, p.Paper)
		}
		if views[2].Scanner == nil || views[2].Scanner.Codes != 2 {
			t.Fatalf("scanner view %+v", views[2].Scanner)
		}
	})

	t.Run("paper reset", func(t *testing.T) {
		if err := f.s.ResetPaper(ctx); err != nil {
			t.Fatal(err)
		}
		if st := f.set.Paper().State(); st.Tickets != 0 || st.UsedMM != 0 {
			t.Fatalf("counter after reset %+v", st)
		}
		d := f.rec.details(ActionPaperReset)
		if len(d) != 1 || !strings.Contains(d[0], "m left after") {
			t.Fatalf("paper reset audit %v", d)
		}
	})

	for _, a := range []string{ActionTestPrint, ActionTestScan, ActionTestCard} {
		if !f.rec.has(a) {
			t.Errorf("%s not audited", a)
		}
	}
}

// printTest runs the print test. On a loaded machine the simulator may
// miss the driver's 400 ms status deadline while it renders the ticket;
// that one cause is retried, anything else fails the test.
func printTest(t *testing.T, f *deviceFixture) TestResult {
	t.Helper()
	for range 3 {
		r, err := f.s.TestPrint(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if r.Pass || !strings.Contains(r.Raw, "printer not responding") {
			return r
		}
		t.Logf("retrying a print test the simulator answered too late: %s", r.Raw)
	}
	t.Fatal("the printer simulator did not answer in time three times")
	return TestResult{}
}

// scanWith runs a scan test and scans code once the scanner waits for it.
func scanWith(t *testing.T, f *deviceFixture, code string) TestResult {
	t.Helper()
	ctx := ctxT(t)
	sc, err := f.set.ScannerDriver()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan TestResult, 1)
	go func() {
		r, _ := f.s.TestScan(ctx, time.Minute)
		done <- r
	}()
	eventually(t, "the scan test to wait for a code", func() bool { return sc.Status().Waiting > 0 })
	if err := f.set.Sims().Scanner.Scan(code); err != nil {
		t.Fatal(err)
	}
	return <-done
}

func hasSetBit(bits []StatusBit, name string) bool {
	for _, b := range bits {
		if b.Name == name && b.Set {
			return true
		}
	}
	return false
}

// The ID reader's traffic tap holds the card's reply, names and numbers in
// UTF-16LE; the view shows its header only.
func TestIDCardTrafficFromTheReader(t *testing.T) {
	f := newDeviceFixture(t)
	ctx := ctxT(t)
	sim := f.set.Sims().IDCard
	prof, _ := sim.Profile("resident-wangzhe")
	if err := sim.Place(prof.ID); err != nil {
		t.Fatal(err)
	}
	if r, err := f.s.TestCard(ctx, 0); err != nil || !r.Pass {
		t.Fatalf("card test %+v %v", r, err)
	}
	// Freeze the reader's side of the tap: further polls get no answer,
	// so the card reply stays among the last frames.
	sim.NoReply(1 << 20)
	raw := f.set.Info(devices.IDCard).Traffic
	var holdsCard bool
	for _, fr := range raw {
		holdsCard = holdsCard || bytes.Contains(fr.Data, utf16le(prof.Card.IDNumber))
	}
	if !holdsCard {
		t.Fatal("the tap holds no card reply: the test proves nothing")
	}
	lines, err := f.s.Traffic(devices.IDCard)
	if err != nil {
		t.Fatal(err)
	}
	var hidden bool
	for _, l := range lines {
		hidden = hidden || strings.Contains(l.Meaning, "bytes of card data hidden") && strings.Contains(l.MeaningZh, "证件数据已隐藏")
	}
	if !hidden {
		t.Fatalf("no card reply in the view:\n%s", jsonOf(lines))
	}
	out := jsonOf(lines)
	for what, s := range secretForms(prof.Card.Name, prof.Card.IDNumber, strings.ToLower(prof.Card.IDNumber)) {
		if bytes.Contains(out, s) {
			t.Errorf("traffic view shows %s", what)
		}
	}
}

// No session, no test.
func TestDeviceTestsNeedASession(t *testing.T) {
	f := newDeviceFixture(t)
	f.s.Exit(context.Background())
	if _, err := f.s.TestPrint(context.Background()); err != ErrSessionClosed {
		t.Fatalf("TestPrint after exit: %v", err)
	}
	if got := len(f.set.Sims().Printer.Tickets()); got != 0 {
		t.Fatalf("%d tickets printed without a session", got)
	}
}
