package techui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/devices"
	"hallkiosk/diag"
)

// trafficPerPage fits the 1280×800 page with two-line entries.
const trafficPerPage = 8

// trafficScreen is the traffic page: the last frames on the chosen
// device's wire, which diag masks and explains; the screen lays them out.
type trafficScreen struct {
	m    *Mode
	kind devices.Kind
	list *objectList
}

// trafficPage shows the last frames on a device's wire, as diag masks and
// explains them, newest page first.
func (m *Mode) trafficPage() fyne.CanvasObject {
	sc := &trafficScreen{m: m, kind: devices.Kinds[0], list: m.newObjectList(trafficPerPage)}
	chooser := m.deviceChooser(func(k devices.Kind) { sc.kind = k; sc.load() })
	refresh := m.button(txtRefresh, widget.MediumImportance, sc.load)
	sc.load()
	return container.NewBorder(container.NewBorder(nil, nil, nil, big(refresh, 160), chooser), nil, nil, nil, sc.list.box)
}

// load reads the chosen device's traffic and shows it from its last page.
func (sc *trafficScreen) load() {
	k, s := sc.kind, sc.m.sess
	sc.m.run(func(context.Context) func() {
		lines, err := s.Traffic(k)
		return func() { sc.show(lines, err) }
	})
}

func (sc *trafficScreen) show(lines []diag.TrafficLine, err error) {
	if err != nil {
		sc.list.setItems([]fyne.CanvasObject{wrapLabel(txtErrorPrefix + err.Error())}, false)
		return
	}
	items := make([]fyne.CanvasObject, 0, len(lines))
	for _, l := range lines {
		items = append(items, trafficItem(l))
	}
	sc.list.setItems(items, true)
}

func trafficItem(l diag.TrafficLine) fyne.CanvasObject {
	head := fmt.Sprintf("%s %s %d B  %s", l.At.In(zone).Format("15:04:05.000"), l.Arrow, l.Len, l.Explained())
	hex := l.Hex
	if l.Hidden > 0 {
		hex += fmt.Sprintf(txtTrafficHiddenFmt, l.Hidden, l.Hidden)
	}
	h := widget.NewLabelWithStyle(hex, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	h.Wrapping = fyne.TextWrapBreak
	top := widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(top, h)
}

// age is a duration as a technician reads it: days and hours once it is
// long, because "6533h0m5s" says nothing at a glance.
func age(d time.Duration) string {
	if d >= 24*time.Hour {
		days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		return fmt.Sprintf(txtAgeDaysFmt, days, hours, days, hours)
	}
	return d.Round(time.Second).String()
}

// logsPerPage fits the health page under the health summary.
const logsPerPage = 6

// healthScreen is the health page: the health checks and the log tail.
// diag reads both; its LogFilter holds the level chosen. The screen draws
// them and keeps them current while shown.
type healthScreen struct {
	m      *Mode
	s      *diag.Session
	filter diag.LogFilter
	lines  []diag.LogLine

	state *widget.Label
	slots []*widget.Label
	pg    *pager
}

// healthPage shows the database, disk, clock and version checks and the
// log tail, filtered by level, and keeps both current while shown.
func (m *Mode) healthPage() fyne.CanvasObject {
	sc := &healthScreen{m: m, s: m.sess, filter: diag.NewLogFilter(), state: wrapLabel("…")}
	return sc.build()
}

func (sc *healthScreen) build() fyne.CanvasObject {
	m := sc.m
	slotObjs := make([]fyne.CanvasObject, logsPerPage)
	for i := range logsPerPage {
		l := lineLabel("")
		sc.slots = append(sc.slots, l)
		slotObjs[i] = l
	}
	sc.pg = m.newPager(logsPerPage, sc.render)
	levels := diag.LogLevels
	levelGroup := m.newToggles(len(levels), func(i int) string { return levels[i].String() }, sc.filter.Index(), func(i int) {
		sc.filter.Choose(i)
		sc.loadLogs()
	}).box
	refresh := big(m.button(txtRefresh, widget.MediumImportance, sc.load), 160)
	sc.load()
	poll := sc.s.Poll()
	m.autoRefresh(func(ctx context.Context) func() {
		lv := sc.filter.Level
		h, herr := poll.Health(ctx)
		got, lerr := poll.Logs(200, lv)
		return func() {
			sc.showHealth(h, herr)
			if sc.filter.Current(lv) {
				sc.showLogs(got, lerr, true)
			}
		}
	})
	logHead := container.NewBorder(nil, nil, middle(section(txtHealthLogs)), refresh, container.NewGridWrap(fyne.NewSize(440, touchMin), levelGroup))
	return container.NewBorder(container.NewVBox(sc.state, widget.NewSeparator(), logHead), sc.pg.bar(), nil, nil,
		container.NewVBox(slotObjs...))
}

// render shows log lines [lo, hi) in the slots.
func (sc *healthScreen) render(lo, hi int) {
	for i, l := range sc.slots {
		switch j := lo + i; {
		case j < hi:
			ll := sc.lines[j]
			l.SetText(fmt.Sprintf("%s %-5s %s", ll.Time.In(zone).Format("01-02 15:04:05"), ll.Level, ll.Message))
		case i == 0 && len(sc.lines) == 0:
			l.SetText(txtNone)
		default:
			l.SetText("")
		}
	}
}

// showLogs shows a read of the log tail: a refresh follows the newest
// lines if the technician is on the last page, a load goes to it.
func (sc *healthScreen) showLogs(got []diag.LogLine, err error, follow bool) {
	if err != nil {
		got = []diag.LogLine{{Level: "", Message: txtErrorPrefix + err.Error()}}
	}
	sc.lines = got
	if follow {
		sc.pg.follow(len(sc.lines))
	} else {
		sc.pg.setLast(len(sc.lines))
	}
}

func (sc *healthScreen) loadLogs() {
	lv, s := sc.filter.Level, sc.s
	sc.m.run(func(context.Context) func() {
		got, err := s.Logs(200, lv)
		return func() { sc.showLogs(got, err, false) }
	})
}

func (sc *healthScreen) showHealth(h diag.HealthView, err error) {
	if err != nil {
		sc.state.SetText(txtErrorPrefix + err.Error())
		return
	}
	sc.state.SetText(healthText(h))
}

// load reads the health checks and the log tail.
func (sc *healthScreen) load() {
	s := sc.s
	sc.m.run(func(ctx context.Context) func() {
		h, err := s.Health(ctx)
		return func() { sc.showHealth(h, err) }
	})
	sc.loadLogs()
}

func healthText(h diag.HealthView) string {
	integrity := txtHealthIntact
	if !h.Database.IntegrityOK {
		integrity = txtHealthDamaged + h.Database.IntegrityCheck
	}
	db := fmt.Sprintf("%s, %.1f MB", integrity, float64(h.Database.Bytes)/1e6)
	disk := fmt.Sprintf(txtHealthDiskFmt, h.Disk.FreePercent, float64(h.Disk.FreeBytes)/1e9, float64(h.Disk.TotalBytes)/1e9)
	if h.Disk.Error != "" {
		disk = txtErrorPrefix + h.Disk.Error
	}
	clock := "OK"
	if !h.Clock.OK {
		clock = txtHealthClockWrong + strings.Join(h.Clock.Problems, "; ")
	}
	clock += "  " + when(h.Clock.System)
	if !h.Clock.BackOffice.IsZero() {
		clock += txtHealthOffset + h.Clock.Offset.Round(time.Millisecond).String()
	}
	alarms := txtNone
	if len(h.Alarms) > 0 {
		alarms = strings.Join(h.Alarms, ", ")
	}
	return joinLines(
		txtHealthDB+db,
		txtHealthDisk+disk,
		txtHealthClock+clock,
		txtHealthVersion+h.Version+"  "+h.KioskID+"    "+txtHealthUptime+age(h.Uptime),
		txtHealthAlarms+alarms,
		txtHealthFaults+faultsText(h.Incidents, h.Now),
	)
}

// healthFaults is how many device faults the health summary lists, newest
// first; the bundle's health.json has them all.
const healthFaults = 2

// faultsText lists the latest device faults with when they began and
// ended (or how long they have lasted so far), e.g.
// "打印机 Printer: paper end 09:12:05–09:21:40 (9m35s)".
func faultsText(in []devices.Incident, now time.Time) string {
	if len(in) == 0 {
		return txtNone
	}
	spans, more := diag.RecentFaults(in, now, healthFaults)
	parts := make([]string, 0, len(spans)+1)
	for _, f := range spans {
		span := fmt.Sprintf("%s–%s (%s)", when(f.Start), f.End.In(zone).Format("15:04:05"), age(f.Lasted))
		if f.Ongoing {
			span = fmt.Sprintf(txtFaultOngoingFmt, when(f.Start), age(f.Lasted))
		}
		parts = append(parts, kindName(f.Kind)+": "+f.Problem+" "+span)
	}
	if more > 0 {
		parts = append(parts, fmt.Sprintf(txtFaultsMoreFmt, more, more))
	}
	return strings.Join(parts, "; ")
}

// maxExportDirs is how many folders the export page offers: a kiosk has
// one or two USB ports, and the page keeps room for the result.
const maxExportDirs = 4

// exportScreen is the export page. diag says which folders it offers and
// which is chosen, and writes the bundle; the screen draws the choice and
// the outcome.
type exportScreen struct {
	m       *Mode
	s       *diag.Session
	choices *fyne.Container

	result, files *widget.Label
}

// exportPage lets the technician choose a folder (a USB stick, or the
// kiosk's own export folder), writes the diagnostics bundle there and says
// where it went and what is in it.
func (m *Mode) exportPage() fyne.CanvasObject {
	sc := &exportScreen{m: m, s: m.sess, result: wrapLabel(""), files: wrapLabel(""), choices: container.NewVBox()}
	sc.result.TextStyle.Bold = true
	sc.list()
	rescan := m.button(txtExportRescan, widget.MediumImportance, sc.list)
	export := m.button(txtExportBundle, widget.HighImportance, sc.export)
	return container.NewVBox(widget.NewLabel(txtExportDir), sc.choices,
		container.NewHBox(big(export, 320), big(rescan, 240)), widget.NewLabel(txtExportHint), sc.result, sc.files)
}

// list finds the folders to offer. Finding the sticks probes the mounts
// (a write to each): off the UI goroutine.
func (sc *exportScreen) list() {
	m := sc.m
	m.run(func(context.Context) func() {
		found := m.opts.Dirs()
		return func() { sc.show(found) }
	})
}

// show offers the folders found, one big button each, the chosen one
// marked and made the mode's export folder.
func (sc *exportScreen) show(found []string) {
	m := sc.m
	m.exportMu.Lock()
	dirs, chosen := diag.ExportChoice(found, m.exportDir, maxExportDirs)
	m.exportMu.Unlock()
	m.chooseExportDir(dirs[chosen])
	t := m.newToggles(len(dirs), func(i int) string { return dirs[i] }, chosen, func(i int) { m.chooseExportDir(dirs[i]) })
	objs := make([]fyne.CanvasObject, len(t.buttons))
	for i, b := range t.buttons {
		b.Alignment = widget.ButtonAlignLeading
		objs[i] = big(b, 0)
	}
	sc.choices.Objects = objs
	sc.choices.Refresh()
}

// export writes the bundle to the chosen folder and says where it went and
// what is in it.
func (sc *exportScreen) export() {
	m, s := sc.m, sc.s
	sc.result.SetText(txtBusy)
	sc.files.SetText("")
	m.run(func(ctx context.Context) func() {
		r, err := s.ExportBundle(ctx, m.exportFolder())
		return func() {
			if err != nil {
				sc.result.SetText(txtErrorPrefix + err.Error())
				return
			}
			sc.result.SetText(fmt.Sprintf(txtExportDoneFmt, r.Path, r.Bytes, r.Bytes))
			sc.files.SetText(txtExportFiles + strings.Join(r.Files, ", "))
		}
	})
}
