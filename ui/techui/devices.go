package techui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/devices"
	"hallkiosk/diag"
)

// kindName is a device's name on the technician screens.
func kindName(k devices.Kind) string {
	switch k {
	case devices.Printer:
		return txtDevPrinter
	case devices.IDCard:
		return txtDevIDCard
	case devices.Scanner:
		return txtDevScanner
	}
	return string(k)
}

// detailLinesPerPage is how many lines of a device's details one page of
// its card shows. A printer with every fault reports more than fit beside
// its test buttons; the rest is one tap on the card's next button away.
const detailLinesPerPage = 8

// devicesPage shows one card per device: what diag knows of it, a probe,
// its test and (printer) the paper-roll reset. The cards refresh
// themselves every Options.Refresh from what the drivers last saw (no
// device I/O: a probe is the technician's to ask for).
func (m *Mode) devicesPage() fyne.CanvasObject {
	s := m.sess
	cards := map[devices.Kind]*deviceCard{}
	var cols []fyne.CanvasObject
	for _, k := range devices.Kinds {
		c := m.newDeviceCard(k)
		cards[k] = c
		cols = append(cols, c.box)
	}
	showAll := func(views []diag.DeviceView, err error) {
		for _, c := range cards {
			c.showView(views, err)
		}
	}
	m.run(func(context.Context) func() {
		views, err := s.Devices()
		return func() { showAll(views, err) }
	})
	poll := s.Poll()
	m.autoRefresh(func(context.Context) func() {
		views, err := poll.Devices()
		return func() { showAll(views, err) }
	})
	return container.NewGridWithColumns(len(cols), cols...)
}

// deviceCard is one device's column on the devices page.
type deviceCard struct {
	m      *Mode
	kind   devices.Kind
	lines  []string
	detail *widget.Label
	pg     *pager
	result *widget.Label
	box    fyne.CanvasObject
}

func (m *Mode) newDeviceCard(k devices.Kind) *deviceCard {
	c := &deviceCard{m: m, kind: k, detail: wrapLabel("…"), result: wrapLabel("")}
	c.result.TextStyle.Bold = true
	c.pg = m.newPager(detailLinesPerPage, func(lo, hi int) {
		c.detail.SetText(joinLines(c.lines[lo:hi]...))
	})
	s := m.sess

	test := func(label, wait string, do func(ctx context.Context) (diag.TestResult, error)) fyne.CanvasObject {
		return big(m.button(label, widget.HighImportance, func() {
			c.result.SetText(wait)
			m.run(func(ctx context.Context) func() {
				r, err := do(ctx)
				return func() {
					if err != nil {
						c.result.SetText(txtFail + "  " + err.Error())
					} else {
						c.result.SetText(testText(r))
					}
					c.load()
				}
			})
		}), 0)
	}
	// A probe's verdict goes to the result line, not the details: the
	// details are rewritten by every refresh and would wipe it.
	probe := big(m.button(txtProbe, widget.MediumImportance, func() {
		m.run(func(ctx context.Context) func() {
			v, err := s.Probe(ctx, k)
			return func() {
				c.show(v)
				if err != nil {
					c.result.SetText(txtFail + "  " + err.Error())
				} else {
					c.result.SetText(txtPass + "  " + txtProbeOK)
				}
			}
		})
	}), 0)
	var buttons fyne.CanvasObject
	switch k {
	case devices.Printer:
		reset := m.action(txtResetPaper, widget.MediumImportance, c.result, func(ctx context.Context) (string, error) {
			return txtPaperReset, s.ResetPaper(ctx)
		}, c.load)
		buttons = container.NewVBox(test(txtTestPrint, "", s.TestPrint), reset, probe)
	case devices.IDCard:
		buttons = container.NewVBox(test(txtTestCard, txtWaitCard, func(ctx context.Context) (diag.TestResult, error) {
			return s.TestCard(ctx, 0)
		}), probe)
	default:
		buttons = container.NewVBox(test(txtTestScan, txtWaitScan, func(ctx context.Context) (diag.TestResult, error) {
			return s.TestScan(ctx, 0)
		}), probe)
	}

	// The details are paged, not scrolled: a finger cannot drag a desktop
	// Fyne scroll (docs/fyne-notes.md 0.3), and a scroll bar is too thin to hit.
	head := container.NewBorder(nil, nil, nil, c.pg.info, section(kindName(k)))
	c.box = container.NewBorder(head, container.NewVBox(c.pg.narrowBar(), c.result, buttons), nil, nil,
		container.NewVBox(c.detail, layout.NewSpacer()))
	return c
}

// load re-reads this device's view after an action on it.
func (c *deviceCard) load() {
	s := c.m.sess
	c.m.run(func(context.Context) func() {
		views, err := s.Devices()
		return func() { c.showView(views, err) }
	})
}

// showView shows this card's device out of all views.
func (c *deviceCard) showView(views []diag.DeviceView, err error) {
	if err != nil {
		c.lines = []string{txtErrorPrefix + err.Error()}
		c.pg.keep(len(c.lines))
		return
	}
	for _, v := range views {
		if v.Kind == c.kind {
			c.show(v)
		}
	}
}

func (c *deviceCard) show(v diag.DeviceView) {
	c.lines = deviceLines(v)
	c.pg.keep(len(c.lines))
}

// deviceLines is a device's view in lines, the most telling first.
func deviceLines(v diag.DeviceView) []string {
	if v.Kind == "" {
		return []string{txtNone}
	}
	port := v.Port
	if v.Simulated {
		port += "  " + txtSimulated
	}
	if v.Absent {
		port = txtAbsent
	}
	lines := []string{
		txtDevPort + port,
		fmt.Sprintf(txtDevBaudFmt, v.Baud),
		txtDevConnected + yesNo(v.Connected),
		txtDevLastOK + when(v.LastOK),
	}
	if v.LastError != "" {
		lines = append(lines, txtDevLastError+v.LastError+" ("+when(v.LastErrorAt)+")")
	}
	if v.Unavailable != "" {
		lines = append(lines, txtDevUnavailable+v.Unavailable)
	}
	if p := v.Printer; p != nil {
		lines = append(lines, txtDevReady+yesNo(p.Ready))
		if p.Raw != "" {
			lines = append(lines, txtDevStatus+p.Raw)
		}
		// Only the set bits, one a line: a healthy printer has a dozen
		// clear ones, which say nothing a technician acts on.
		set := 0
		for _, b := range p.Bits {
			if b.Set {
				lines = append(lines, "• "+b.NameZh+" "+b.Name+" ("+b.Severity+")")
				set++
			}
		}
		if set == 0 {
			for _, pr := range p.Problems {
				lines = append(lines, "• "+pr)
			}
		}
		if p.Err != "" {
			lines = append(lines, txtErrorPrefix+p.Err)
		}
		if pp := p.Paper; pp != nil {
			lines = append(lines, fmt.Sprintf(txtDevPaperFmt, pp.LeftMM/1000, pp.Percent, pp.Tickets))
			if pp.NearEnd {
				lines = append(lines, txtDevPaperNearEnd)
			}
		}
	}
	if r := v.Reader; r != nil {
		sam := "SAM: " + yesNo(r.SAMOK)
		if r.SAMError != "" {
			sam += " " + r.SAMError
		}
		lines = append(lines, sam, "SAM ID: "+r.SAMID,
			fmt.Sprintf(txtDevCardsFmt, r.CardsRead, r.BadFrames))
		if r.LastError != "" {
			lines = append(lines, txtErrorPrefix+r.LastError)
		}
	}
	if sc := v.Scanner; sc != nil {
		lines = append(lines, fmt.Sprintf(txtDevCodesFmt, sc.Codes, sc.Errors),
			txtDevLastCode+when(sc.LastCodeAt))
		if sc.LastError != "" {
			lines = append(lines, txtErrorPrefix+sc.LastError)
		}
	}
	return lines
}

// testText is a test result: pass/fail, summary, the raw reason and, for a
// card test, the masked card.
func testText(r diag.TestResult) string {
	s := resultText(r.Pass, r.Summary, r.Raw)
	if c := r.Card; c != nil {
		s = joinLines(s, c.Name+" "+c.NameEN, c.IDNumber)
	}
	return s + "\n" + r.At.In(zone).Format(time.TimeOnly)
}
