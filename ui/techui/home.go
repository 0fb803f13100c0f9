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

	"hallkiosk/devices"
	"hallkiosk/flow"
	"hallkiosk/ui"
)

// page is one technician page: its tab label and how to build it. Pages
// are rebuilt each time their tab is chosen, so they open on fresh state;
// the devices, sync and health pages then refresh themselves while shown
// (autoRefresh).
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
		{txtTabSettings, m.settingsPage},
		{txtTabVoice, m.voicePage},
		{txtTabSync, m.syncPage},
		{txtTabHealth, m.healthPage},
		{txtTabExport, m.exportPage},
	}
}

// showHome shows the technician home: tabs on the left, the page on the
// right, the busy indicator in the header.
func (m *Mode) showHome() {
	m.stopLockTicker()
	m.stopRefresh()
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

// openPage builds p and shows it; the previous page's refresh stops.
func (m *Mode) openPage(p *page) {
	m.stopRefresh()
	m.page = p
	m.showInPage(p.build())
}

// showInPage replaces what the page area shows (a page, an editor, the
// quit question).
func (m *Mode) showInPage(obj fyne.CanvasObject) {
	m.pageArea.Objects = []fyne.CanvasObject{obj}
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
	m.stopRefresh()
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
	m.showInPage(container.NewCenter(container.NewVBox(msg,
		container.NewGridWithColumns(2, big(no, 240), big(yes, 240)), result)))
}

// action is a touch-sized button that runs do in the background and then,
// on the UI goroutine, shows do's words (or its error) in result and calls
// after, which reads the page's state again.
func (m *Mode) action(label string, imp widget.Importance, result *widget.Label, do func(ctx context.Context) (string, error), after func()) fyne.CanvasObject {
	return big(m.button(label, imp, func() {
		m.run(func(ctx context.Context) func() {
			text, err := do(ctx)
			return func() {
				if err != nil {
					result.SetText(txtErrorPrefix + err.Error())
				} else {
					result.SetText(text)
				}
				after()
			}
		})
	}), 0)
}

// middle centres obj vertically in the height it is given, as a button
// centres its text: a label beside a button row would otherwise sit at
// the row's top.
func middle(obj fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(layout.NewSpacer(), obj, layout.NewSpacer())
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

// lineLabel is a one-line label that ends in "…" when its text does not
// fit, so a long path or reason never widens the page past the screen.
func lineLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Truncation = fyne.TextTruncateEllipsis
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
	return t.In(zone).Format("2006-01-02 15:04:05")
}

func yesNo(b bool) string {
	if b {
		return txtYes
	}
	return txtNo
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

// pager pages through n items with big previous/next buttons, because a
// finger cannot drag-scroll a desktop Fyne list (docs/fyne-notes.md 0.3). It
// only keeps the page index; render shows items [lo, hi) however the page
// lays them out, and the bar (ui.PageBar, the citizen screens' own) shows
// the page number and which buttons lead somewhere.
type pager struct {
	per    int
	n      int
	index  int
	render func(lo, hi int)
	nav    *ui.PageBar
}

func (m *Mode) newPager(per int, render func(lo, hi int)) *pager {
	p := &pager{per: per, render: render}
	p.nav = ui.NewPageBar(
		m.button(txtPrev, widget.MediumImportance, func() { p.index--; p.show() }),
		m.button(txtNext, widget.MediumImportance, func() { p.index++; p.show() }),
		func(n, count int) string { return fmt.Sprintf(txtPageFmt, n, count, n, count) })
	return p
}

// bar is the previous and next buttons with the page number between them.
func (p *pager) bar() fyne.CanvasObject {
	return container.NewBorder(nil, nil, big(p.nav.Prev, 180), big(p.nav.Next, 180), middle(container.NewCenter(p.nav.Label)))
}

// narrowBar is the two buttons alone, for a column too narrow for the page
// number between them; the caller puts p.nav.Label, a short "1 / 2",
// elsewhere.
func (p *pager) narrowBar() fyne.CanvasObject {
	p.nav.Text = func(n, count int) string { return fmt.Sprintf(txtPageShortFmt, n, count) }
	p.show()
	return container.NewGridWithColumns(2, big(p.nav.Prev, 0), big(p.nav.Next, 0))
}

// set shows the first page of n items.
func (p *pager) set(n int) { p.n, p.index = n, 0; p.show() }

// setLast shows the last page: traffic and logs are read newest last.
func (p *pager) setLast(n int) { p.n = n; p.index = p.page().Count - 1; p.show() }

// keep shows the same page of n items (the last one if fewer remain): a
// refresh must not throw the technician back to page one.
func (p *pager) keep(n int) { p.n = n; p.show() }

// follow is keep for lists that grow at the end (logs): a technician on
// the last page stays on the last page and sees new lines arrive.
func (p *pager) follow(n int) {
	if !p.page().HasNext {
		p.setLast(n)
		return
	}
	p.keep(n)
}

// at is the index in the list of the item in row slot of the page.
func (p *pager) at(slot int) int {
	lo, _ := p.page().Bounds()
	return lo + slot
}

// page is the page on screen; flow owns the page arithmetic.
func (p *pager) page() flow.PageInfo { return flow.PageAt(p.index, p.n, p.per) }

func (p *pager) show() {
	pg := p.page()
	p.index = pg.Index
	p.render(pg.Bounds())
	p.nav.Set(pg)
}

// objectList is a paged list of ready-made objects (traffic frames).
type objectList struct {
	*pager
	items []fyne.CanvasObject
	body  *fyne.Container
	box   fyne.CanvasObject
}

func (m *Mode) newObjectList(per int) *objectList {
	l := &objectList{body: container.NewVBox()}
	l.pager = m.newPager(per, func(lo, hi int) {
		if len(l.items) == 0 {
			l.body.Objects = []fyne.CanvasObject{widget.NewLabel(txtNone)}
		} else {
			l.body.Objects = append([]fyne.CanvasObject(nil), l.items[lo:hi]...)
		}
		m.retheme()
	})
	l.box = container.NewBorder(nil, l.bar(), nil, nil, l.body)
	l.pager.set(0)
	return l
}

func (l *objectList) setItems(items []fyne.CanvasObject, last bool) {
	l.items = items
	if last {
		l.pager.setLast(len(items))
	} else {
		l.pager.set(len(items))
	}
}

// rows is a fixed number of touch rows reused page after page: a refresh
// changes their text, never the widget tree, so nothing is rebuilt or
// re-themed every two seconds.
type rows struct {
	buttons []*widget.Button
	labels  []*widget.Label
	objs    []fyne.CanvasObject
	onTap   func(slot int)
}

// newRows makes n rows. Each is a full-width button under a one-line
// label: a plain button would grow to its text's width (a dead letter's
// reason, a port's USB identity) and push the page past the screen.
func (m *Mode) newRows(n int, onTap func(slot int)) *rows {
	r := &rows{onTap: onTap}
	for i := range n {
		b := m.button("", widget.MediumImportance, func() { r.onTap(i) })
		l := lineLabel("")
		r.buttons = append(r.buttons, b)
		r.labels = append(r.labels, l)
		r.objs = append(r.objs, big(container.NewStack(b, middle(l)), 0))
	}
	return r
}

// show puts text in slot i and shows it; hide hides slot i.
func (r *rows) show(i int, text string, chosen bool) {
	r.labels[i].SetText(text)
	imp := widget.MediumImportance
	if chosen {
		imp = widget.HighImportance
	}
	if r.buttons[i].Importance != imp {
		r.buttons[i].Importance = imp
		r.buttons[i].Refresh()
	}
	r.objs[i].Show()
}

func (r *rows) hide(i int) { r.objs[i].Hide() }

// box lays the rows out one under the other.
func (r *rows) box() *fyne.Container { return container.NewVBox(r.objs...) }

// deviceChooser is a row of big buttons choosing one device; the chosen one
// is highlighted.
func (m *Mode) deviceChooser(choose func(devices.Kind)) fyne.CanvasObject {
	return m.newToggles(len(devices.Kinds), func(i int) string { return kindName(devices.Kinds[i]) }, 0,
		func(i int) { choose(devices.Kinds[i]) }).box
}

// toggles is a row of buttons of which one is chosen (highlighted): a
// device, a baud, a log level. Touch-sized where a drop-down's pop-up
// would be small and, when long, would need scrolling.
type toggles struct {
	buttons []*widget.Button
	box     *fyne.Container
}

// newToggles makes n buttons labelled label(i); first is chosen at the
// start (-1: none); a tap chooses the button and calls choose.
func (m *Mode) newToggles(n int, label func(int) string, first int, choose func(int)) *toggles {
	t := &toggles{buttons: make([]*widget.Button, n)}
	objs := make([]fyne.CanvasObject, n)
	for i := range n {
		t.buttons[i] = m.button(label(i), widget.MediumImportance, func() {
			t.mark(i)
			choose(i)
		})
		objs[i] = big(t.buttons[i], 0)
	}
	t.mark(first)
	t.box = container.NewGridWithColumns(n, objs...)
	return t
}

// mark highlights button i (-1: none) without calling choose.
func (t *toggles) mark(i int) {
	for j, b := range t.buttons {
		imp := widget.MediumImportance
		if j == i {
			imp = widget.HighImportance
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
}
