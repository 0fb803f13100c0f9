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

// devicesScreen is the devices page: one card per device. diag reads the
// devices and each card's diag.DeviceCard decides what it shows; the
// screen draws the cards and runs the technician's tests and probes.
type devicesScreen struct {
	m     *Mode
	s     *diag.Session
	cards []*deviceCard
}

// devicesPage shows one card per device: what diag knows of it, a probe,
// its test and (printer) the paper-roll reset. The cards refresh
// themselves every Options.Refresh from what the drivers last saw (no
// device I/O: a probe is the technician's to ask for).
func (m *Mode) devicesPage() fyne.CanvasObject {
	sc := &devicesScreen{m: m, s: m.sess}
	return sc.build()
}

func (sc *devicesScreen) build() fyne.CanvasObject {
	m, s := sc.m, sc.s
	var cols []fyne.CanvasObject
	for _, k := range devices.Kinds {
		c := sc.newCard(k)
		sc.cards = append(sc.cards, c)
		cols = append(cols, c.box)
	}
	m.run(func(context.Context) func() {
		views, err := s.Devices()
		return func() { sc.showAll(views, err) }
	})
	poll := s.Poll()
	m.autoRefresh(func(context.Context) func() {
		views, err := poll.Devices()
		return func() { sc.showAll(views, err) }
	})
	return container.NewGridWithColumns(len(cols), cols...)
}

// showAll shows a read of every device's views on the cards.
func (sc *devicesScreen) showAll(views []diag.DeviceView, err error) {
	for _, c := range sc.cards {
		c.take(views, err)
	}
}

// deviceCard is one device's column on the devices page.
type deviceCard struct {
	sc     *devicesScreen
	form   diag.DeviceCard
	lines  []string
	detail *widget.Label
	pg     *pager
	result *widget.Label
	box    fyne.CanvasObject
}

func (sc *devicesScreen) newCard(k devices.Kind) *deviceCard {
	m := sc.m
	c := &deviceCard{sc: sc, form: diag.DeviceCard{Kind: k}, detail: wrapLabel("…"), result: wrapLabel("")}
	c.result.TextStyle.Bold = true
	c.pg = m.newPager(detailLinesPerPage, func(lo, hi int) {
		c.detail.SetText(joinLines(c.lines[lo:hi]...))
	})
	// The details are paged, not scrolled: a finger cannot drag a desktop
	// Fyne scroll (docs/fyne-notes.md 0.3), and a scroll bar is too thin to hit.
	head := container.NewBorder(nil, nil, nil, c.pg.nav.Label, section(kindName(k)))
	c.box = container.NewBorder(head, container.NewVBox(c.pg.narrowBar(), c.result, c.buttons()), nil, nil,
		container.NewVBox(c.detail, layout.NewSpacer()))
	return c
}

// buttons are the card's actions: the device's test, (printer) the paper
// reset, and the probe.
func (c *deviceCard) buttons() fyne.CanvasObject {
	m, s := c.sc.m, c.sc.s
	switch c.form.Kind {
	case devices.Printer:
		reset := m.action(txtResetPaper, widget.MediumImportance, c.result, func(ctx context.Context) (string, error) {
			return txtPaperReset, s.ResetPaper(ctx)
		}, c.load)
		return container.NewVBox(c.testButton(txtTestPrint, "", s.TestPrint), reset, c.probeButton())
	case devices.IDCard:
		return container.NewVBox(c.testButton(txtTestCard, txtWaitCard, func(ctx context.Context) (diag.TestResult, error) {
			return s.TestCard(ctx, 0)
		}), c.probeButton())
	}
	return container.NewVBox(c.testButton(txtTestScan, txtWaitScan, func(ctx context.Context) (diag.TestResult, error) {
		return s.TestScan(ctx, 0)
	}), c.probeButton())
}

// testButton runs the device's test, saying wait meanwhile (what the
// technician has to do, e.g. lay a card on the reader), then the result.
func (c *deviceCard) testButton(label, wait string, do func(ctx context.Context) (diag.TestResult, error)) fyne.CanvasObject {
	m := c.sc.m
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

// probeButton asks the device whether it answers. Its verdict goes to the
// result line, not the details: the details are rewritten by every
// refresh and would wipe it.
func (c *deviceCard) probeButton() fyne.CanvasObject {
	m, s := c.sc.m, c.sc.s
	return big(m.button(txtProbe, widget.MediumImportance, func() {
		m.run(func(ctx context.Context) func() {
			v, err := s.Probe(ctx, c.form.Kind)
			return func() {
				c.form.Set(v)
				c.render()
				if err != nil {
					c.result.SetText(txtFail + "  " + err.Error())
				} else {
					c.result.SetText(txtPass + "  " + txtProbeOK)
				}
			}
		})
	}), 0)
}

// load re-reads this device's view after an action on it.
func (c *deviceCard) load() {
	s := c.sc.s
	c.sc.m.run(func(context.Context) func() {
		views, err := s.Devices()
		return func() { c.take(views, err) }
	})
}

// take shows a read of every device's views, if it changes this card.
func (c *deviceCard) take(views []diag.DeviceView, err error) {
	if c.form.Take(views, err) {
		c.render()
	}
}

// render shows the card's model in its detail lines, on the page shown.
func (c *deviceCard) render() {
	if c.form.Err != nil {
		c.lines = []string{txtErrorPrefix + c.form.Err.Error()}
	} else {
		c.lines = deviceLines(c.form.View)
	}
	c.pg.keep(len(c.lines))
}

// deviceLines is a device's view in lines, the most telling first.
func deviceLines(v diag.DeviceView) []string {
	if v.Kind == "" {
		return []string{txtNone}
	}
	port := v.Port
	switch v.PortState() {
	case diag.PortSimulated:
		port += "  " + txtSimulated
	case diag.PortAbsent:
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
		bits, problems := p.Flags()
		for _, b := range bits {
			lines = append(lines, "• "+b.NameZh+" "+b.Name+" ("+b.Severity+")")
		}
		for _, pr := range problems {
			lines = append(lines, "• "+pr)
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
