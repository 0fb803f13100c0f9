package techui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// page is one technician page: its tab label and how to build it. Pages
// are rebuilt each time their tab is chosen, so they always show fresh
// state without a refresh loop.
type page struct {
	label string
	build func() fyne.CanvasObject
}

// pages lists the tabs in the order a technician works through a call
// ("it doesn't print": devices, then the wire, then the configuration).
func (m *Mode) pages() []*page {
	return []*page{
		{txtTabDevices, m.devicesPage},
		{txtTabTraffic, m.trafficPage},
		{txtTabConfig, m.configPage},
		{txtTabSync, m.syncPage},
		{txtTabHealth, m.healthPage},
		{txtTabExport, m.exportPage},
	}
}

// showHome shows the technician home: tabs on the left, the page on the
// right, the busy indicator in the header.
func (m *Mode) showHome() {
	m.stopLockTicker()
	m.pin = nil
	title := widget.NewLabelWithStyle(txtHomeTitle, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	m.busyIcon = widget.NewActivity()
	m.busyLabel = widget.NewLabel(txtBusy)
	m.setBusy(0)
	header := container.NewHBox(title, layout.NewSpacer(), m.busyLabel, container.NewGridWrap(fyne.NewSize(40, 40), m.busyIcon))

	m.pageArea = container.NewStack()
	var tabs []fyne.CanvasObject
	var buttons []*widget.Button
	for _, p := range m.pages() {
		var b *widget.Button
		b = m.button(p.label, widget.MediumImportance, func() {
			for _, o := range buttons {
				o.Importance = widget.MediumImportance
				o.Refresh()
			}
			b.Importance = widget.HighImportance
			b.Refresh()
			m.openPage(p)
		})
		buttons = append(buttons, b)
		tabs = append(tabs, big(b, 190))
	}
	exit := m.button(txtExitDiag, widget.WarningImportance, m.exitDiag)
	quit := m.button(txtExitProgram, widget.DangerImportance, m.confirmQuit)
	nav := container.NewVBox(append(tabs, layout.NewSpacer(), big(exit, 190), big(quit, 190))...)

	m.setScreen(container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil,
		container.NewHBox(nav, widget.NewSeparator()), nil, m.pageArea))
	buttons[0].Importance = widget.HighImportance
	m.openPage(m.pages()[0])
}

func (m *Mode) openPage(p *page) {
	m.page = p
	m.pageArea.Objects = []fyne.CanvasObject{p.build()}
	m.retheme()
}

// exitDiag ends the session and goes back to the citizen screen. The
// screen goes back at once; the audited Exit runs in the background.
func (m *Mode) exitDiag() {
	s := m.sess
	m.close()
	if s != nil {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s.Exit(ctx)
		}()
	}
}

// confirmQuit asks before ending the program: it is the one action that
// takes the kiosk out of service.
func (m *Mode) confirmQuit() {
	msg := widget.NewLabelWithStyle(txtQuitConfirm, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	msg.Wrapping = fyne.TextWrapWord
	result := widget.NewLabel("")
	result.Wrapping = fyne.TextWrapWord
	yes := m.button(txtQuitYes, widget.DangerImportance, func() {
		s := m.sess
		if s == nil {
			return
		}
		m.run(func(ctx context.Context) func() {
			err := s.ExitProgram(ctx)
			return func() {
				if err != nil {
					result.SetText(txtErrorPrefix + err.Error())
				}
				// On success the session ends and the Done watcher closes
				// the mode; the process is on its way out anyway.
			}
		})
	})
	back := m.page
	if back == nil {
		back = m.pages()[0]
	}
	no := m.button(txtQuitNo, widget.MediumImportance, func() { m.openPage(back) })
	m.pageArea.Objects = []fyne.CanvasObject{container.NewCenter(container.NewVBox(msg,
		container.NewGridWithColumns(2, big(no, 240), big(yes, 240)), result))}
	m.retheme()
}

// section is a bold heading over a page part.
func section(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// wrapLabel is a label that wraps at word boundaries, for diag's free text.
func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// resultText renders a pass/fail line with the raw reason under it.
func resultText(pass bool, summary, raw string) string {
	s := txtFail
	if pass {
		s = txtPass
	}
	s += "  " + summary
	if raw != "" {
		s += "\n" + raw
	}
	return s
}

// when formats a time for the technician: local clock time, or "never".
func when(t time.Time) string {
	if t.IsZero() {
		return txtNever
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func yesNo(b bool) string {
	if b {
		return txtYes
	}
	return txtNo
}

// pager shows one page of n items with big previous/next buttons, because a
// finger cannot drag-scroll a desktop Fyne list (fyne-notes 0.3).
type pager struct {
	m     *Mode
	per   int
	index int
	items []fyne.CanvasObject
	body  *fyne.Container
	info  *widget.Label
	prev  *widget.Button
	next  *widget.Button
	box   fyne.CanvasObject
}

func (m *Mode) newPager(per int) *pager {
	p := &pager{m: m, per: per, body: container.NewVBox(), info: widget.NewLabel("")}
	p.prev = m.button(txtPrev, widget.MediumImportance, func() { p.index--; p.show() })
	p.next = m.button(txtNext, widget.MediumImportance, func() { p.index++; p.show() })
	p.box = container.NewBorder(nil, container.NewHBox(big(p.prev, 180), layout.NewSpacer(), p.info, layout.NewSpacer(), big(p.next, 180)),
		nil, nil, p.body)
	p.show()
	return p
}

func (p *pager) set(items []fyne.CanvasObject) {
	p.items = items
	p.index = 0
	p.show()
}

// setLast shows the last page: traffic and logs are read newest last.
func (p *pager) setLast(items []fyne.CanvasObject) {
	p.items = items
	p.index = p.pages() - 1
	p.show()
}

func (p *pager) pages() int { return max(1, (len(p.items)+p.per-1)/p.per) }

func (p *pager) show() {
	n := p.pages()
	p.index = min(max(p.index, 0), n-1)
	lo := p.index * p.per
	hi := min(lo+p.per, len(p.items))
	if len(p.items) == 0 {
		p.body.Objects = []fyne.CanvasObject{widget.NewLabel(txtNone)}
	} else {
		p.body.Objects = append([]fyne.CanvasObject(nil), p.items[lo:hi]...)
	}
	p.m.retheme()
	p.info.SetText(fmt.Sprintf(txtPageFmt, p.index+1, n, p.index+1, n))
	if p.index == 0 {
		p.prev.Disable()
	} else {
		p.prev.Enable()
	}
	if p.index >= n-1 {
		p.next.Disable()
	} else {
		p.next.Enable()
	}
}

// joinLines joins non-empty lines.
func joinLines(lines ...string) string {
	var out []string
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
