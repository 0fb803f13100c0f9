package diag

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"hallkiosk/clock"
	"hallkiosk/devices"
	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
)

// TestResult is the outcome of one device test, for the screen and (without
// the card) for the diagnostics bundle.
type TestResult struct {
	Device devices.Kind `json:"device"`
	Pass   bool         `json:"pass"`
	// Summary says what happened in a line a technician reads; it never
	// holds personal data.
	Summary string `json:"summary"`
	// Raw is the underlying error text or the status bytes, for the
	// technician who wants the exact reason.
	Raw string    `json:"raw,omitempty"`
	At  time.Time `json:"at"`
	// Card is the card read by a card test, masked. It is shown on the
	// screen only and is left out of the bundle.
	Card *MaskedCard `json:"-"`
}

// MaskedCard is what a card test shows of a card: enough to see that the
// reader decodes names and numbers, not enough to identify the holder.
type MaskedCard struct {
	Type         idcard.CardType
	Name         string // 张*三
	NameEN       string // SMITH J*** (foreign cards)
	IDNumber     string // 110101********1234
	CheckDigitOK bool
	// PhotoBytes is the size of the photo read; the photo is never shown.
	PhotoBytes int
}

// DefaultTestWait is how long the card and scan tests wait for the
// technician to place a card or scan a code.
const DefaultTestWait = 30 * time.Second

// errTestTimeout is the cause of a test's context when its wait ran out.
var errTestTimeout = errors.New("diag: test wait over")

// withClockTimeout is context.WithTimeout on the package's clock, so that
// tests end a wait by advancing a fake clock instead of sleeping.
func withClockTimeout(ctx context.Context, clk clock.Clock, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	t := clk.NewTimer(d)
	stop := make(chan struct{})
	go func() {
		select {
		case <-t.C():
			cancel(errTestTimeout)
		case <-stop:
		case <-ctx.Done():
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			t.Stop()
			close(stop)
			cancel(context.Canceled)
		})
	}
}

func timedOut(ctx context.Context) bool { return errors.Is(context.Cause(ctx), errTestTimeout) }

// finish stamps, remembers and audits a test result.
func (s *Session) finish(ctx context.Context, action string, r TestResult) TestResult {
	r.At = s.clk.Now()
	s.g.tools.addResult(r)
	verdict := "fail"
	if r.Pass {
		verdict = "pass"
	}
	detail := verdict + ": " + r.Summary
	if !r.Pass && r.Raw != "" {
		detail += " (" + r.Raw + ")"
	}
	s.g.audit.record(ctx, action, detail)
	s.Touch()
	return r
}

// TestPrint prints escpos.TestTicket — Chinese text at several sizes, a QR
// code, a CODE128 barcode and a partial cut — after a status check. It
// fails with the printer's reason (paper end, cover open, not responding)
// and the status bytes in Raw. The technician checks the paper by eye; a
// scan test afterwards recognises the ticket's QR code or barcode.
func (s *Session) TestPrint(ctx context.Context) (TestResult, error) {
	if err := s.begin(); err != nil {
		return TestResult{}, err
	}
	r := TestResult{Device: devices.Printer}
	p, err := s.printer()
	if err != nil {
		r.Summary, r.Raw = both("打印机不可用", "printer not available"), err.Error()
		return s.finish(ctx, ActionTestPrint, r), nil
	}
	job := escpos.TestTicket(s.clk.Now())
	s.g.tools.setTicketCodes(ticketCodes(job))
	err = p.Print(ctx, job)
	st, _, _ := p.LastStatus()
	r.Raw = st.RawString()
	if err != nil {
		r.Summary = both("测试页未打印："+printFailureZh(err), "test ticket not printed: "+printFailure(err))
		r.Raw = err.Error()
		return s.finish(ctx, ActionTestPrint, r), nil
	}
	r.Pass = true
	zh, en := fmt.Sprintf("测试页已发送（%d 字节）：请检查中文、二维码、条码和切纸", len(job)),
		fmt.Sprintf("test ticket sent (%d bytes): check the Chinese text, QR code, barcode and the cut", len(job))
	if p.NearEnd() {
		zh, en = zh+"；纸将用尽", en+"; paper near end"
	}
	r.Summary = both(zh, en)
	return s.finish(ctx, ActionTestPrint, r), nil
}

func (s *Session) printer() (*escpos.Printer, error) {
	if s.g.o.Devices == nil {
		return nil, errNoDevices
	}
	return s.g.o.Devices.PrinterDriver()
}

// printFailure names a print failure's cause in a few words.
func printFailure(err error) string {
	var nre *escpos.NotReadyError
	if errors.As(err, &nre) {
		var words []string
		for _, c := range nre.Causes {
			words = append(words, c.Error())
		}
		return strings.Join(words, ", ")
	}
	return err.Error()
}

// both is a result line in Chinese and English, as every technician text
// is: the technician may read either.
func both(zh, en string) string { return zh + "  " + en }

// zhCauses are the printer's refusal causes in Chinese.
var zhCauses = map[error]string{
	escpos.ErrPaperEnd:      "缺纸",
	escpos.ErrCoverOpen:     "上盖打开",
	escpos.ErrOffline:       "脱机",
	escpos.ErrCutter:        "切刀故障",
	escpos.ErrUnrecoverable: "不可恢复的故障",
	escpos.ErrNotResponding: "无应答",
}

// printFailureZh is printFailure in Chinese.
func printFailureZh(err error) string {
	var nre *escpos.NotReadyError
	if !errors.As(err, &nre) {
		return "打印失败"
	}
	var words []string
	for _, c := range nre.Causes {
		if w, ok := zhCauses[c]; ok {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return "打印失败"
	}
	return strings.Join(words, "、")
}

// ticketCodes returns what the QR codes and barcodes of an ESC/POS job
// encode, as a scanner would read them back.
func ticketCodes(job []byte) []string {
	doc, _ := escpos.Decode(job)
	var out []string
	for _, q := range doc.QRs() {
		out = append(out, string(q.Data))
	}
	for _, it := range doc.Items {
		if it.Kind == escpos.KindBarcode && it.Barcode != nil {
			out = append(out, it.Barcode.Text)
		}
	}
	return out
}

// TestCard waits up to wait (DefaultTestWait when 0) for a card placed on
// the reader and shows it masked: name 张*三, ID 110101********1234, no
// photo. A card lying on the reader since before the test must be lifted
// and placed again: the reader hands each placement out once. The card is
// wiped from memory once masked.
func (s *Session) TestCard(ctx context.Context, wait time.Duration) (TestResult, error) {
	if err := s.begin(); err != nil {
		return TestResult{}, err
	}
	if wait <= 0 {
		wait = DefaultTestWait
	}
	r := TestResult{Device: devices.IDCard}
	if s.g.o.Devices == nil {
		r.Summary, r.Raw = both("身份证阅读器不可用", "ID reader not available"), errNoDevices.Error()
		return s.finish(ctx, ActionTestCard, r), nil
	}
	rd, err := s.g.o.Devices.Reader()
	if err != nil {
		r.Summary, r.Raw = both("身份证阅读器不可用", "ID reader not available"), err.Error()
		return s.finish(ctx, ActionTestCard, r), nil
	}
	wctx, cancel := withClockTimeout(ctx, s.clk, wait)
	defer cancel()
	card, err := rd.WaitCard(wctx)
	if card != nil {
		defer card.Clear()
	}
	switch {
	case card == nil && timedOut(wctx):
		r.Summary = both(fmt.Sprintf("%s 内未放卡", wait), fmt.Sprintf("no card placed within %s", wait))
		if st := rd.Status(); st.LastErr != nil {
			r.Raw = "last reader error: " + st.LastErr.Error()
		}
	case card == nil:
		r.Summary = both("未读到卡", "card not read: "+readFailure(err))
		r.Raw = err.Error()
	default:
		r.Card = maskCard(card)
		r.Pass = true
		zh, en := fmt.Sprintf("已读卡（%s），照片 %d 字节（不显示）", card.Type, len(card.Photo)),
			fmt.Sprintf("%s card read, photo %d bytes (not shown)", card.Type, len(card.Photo))
		r.Summary = both(zh, en)
		if err != nil {
			// A wrong check digit: the reader works, the card is odd.
			r.Summary = both(zh+"；证件号码校验位不符", en+"; the ID number fails its check digit")
			r.Raw = err.Error()
		}
	}
	return s.finish(ctx, ActionTestCard, r), nil
}

// readFailure names an ID reader failure's cause in a few words.
func readFailure(err error) string {
	var se *idcard.StatusError
	switch {
	case errors.As(err, &se):
		return se.En() + " / " + se.Zh()
	case errors.Is(err, idcard.ErrNoReply):
		return "the reader does not answer"
	case errors.Is(err, idcard.ErrDisconnected):
		return "the reader is disconnected"
	}
	return err.Error()
}

func maskCard(c *idcard.Card) *MaskedCard {
	m := &MaskedCard{Type: c.Type, Name: idcard.MaskName(c.Name), NameEN: idcard.MaskName(c.NameEN),
		IDNumber: idcard.MaskID(c.IDNumber), CheckDigitOK: c.CheckDigitOK, PhotoBytes: len(c.Photo)}
	if m.IDNumber == "" && c.PassNumber != "" {
		m.IDNumber = idcard.MaskID(c.PassNumber)
	}
	return m
}

// TestScan waits up to wait (DefaultTestWait when 0) for a scanned code.
// The code's content is not shown — codes can carry personal data — only
// its length and character classes, unless it is a code of the last test
// ticket, which is recognised and named.
func (s *Session) TestScan(ctx context.Context, wait time.Duration) (TestResult, error) {
	if err := s.begin(); err != nil {
		return TestResult{}, err
	}
	if wait <= 0 {
		wait = DefaultTestWait
	}
	r := TestResult{Device: devices.Scanner}
	if s.g.o.Devices == nil {
		r.Summary, r.Raw = both("扫码器不可用", "scanner not available"), errNoDevices.Error()
		return s.finish(ctx, ActionTestScan, r), nil
	}
	sc, err := s.g.o.Devices.ScannerDriver()
	if err != nil {
		r.Summary, r.Raw = both("扫码器不可用", "scanner not available"), err.Error()
		return s.finish(ctx, ActionTestScan, r), nil
	}
	before := sc.Status()
	wctx, cancel := withClockTimeout(ctx, s.clk, wait)
	defer cancel()
	code, err := sc.WaitCode(wctx)
	switch {
	case err != nil && timedOut(wctx):
		zh, en := fmt.Sprintf("%s 内未扫到码", wait), fmt.Sprintf("no code scanned within %s", wait)
		if st := sc.Status(); st.Errors > before.Errors {
			n := st.Errors - before.Errors
			zh, en = zh+fmt.Sprintf("；%d 次无法识别", n), en+fmt.Sprintf("; %d unreadable scan(s)", n)
			r.Raw = st.LastError
		}
		r.Summary = both(zh, en)
	case err != nil:
		r.Summary, r.Raw = both("扫码失败", "scan failed"), err.Error()
	default:
		r.Pass = true
		if s.g.tools.isTicketCode(code) {
			r.Summary = both(fmt.Sprintf("已扫到测试页上的码 %q", code), fmt.Sprintf("scanned the test ticket's code %q", code))
		} else {
			r.Summary = both("已扫到码（内容不显示）", "scanned a code of "+describeCode(code)+" (content hidden)")
		}
	}
	return s.finish(ctx, ActionTestScan, r), nil
}

// describeCode says how long a code is and what kind of characters it has,
// without its content.
func describeCode(code string) string {
	var digits, ascii, han, other int
	for _, c := range code {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c < 0x80:
			ascii++
		case unicode.Is(unicode.Han, c):
			han++
		default:
			other++
		}
	}
	n := digits + ascii + han + other
	var kinds []string
	if digits > 0 {
		kinds = append(kinds, "digits")
	}
	if ascii > 0 {
		kinds = append(kinds, "Latin letters or symbols")
	}
	if han > 0 {
		kinds = append(kinds, "Chinese characters")
	}
	if other > 0 {
		kinds = append(kinds, "other characters")
	}
	return fmt.Sprintf("%d characters: %s", n, strings.Join(kinds, ", "))
}

// Tests returns the recent test results of this process, oldest first.
func (s *Session) Tests() ([]TestResult, error) {
	if err := s.begin(); err != nil {
		return nil, err
	}
	return s.g.tools.recent(), nil
}
