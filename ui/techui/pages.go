package techui

import (
	"context"
	"fmt"
	"log/slog"
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

// trafficPage shows the last frames on a device's wire, as diag masks and
// explains them, newest page first.
func (m *Mode) trafficPage() fyne.CanvasObject {
	list := m.newObjectList(trafficPerPage)
	kind := devices.Kinds[0]
	load := func() {
		k, s := kind, m.sess
		m.run(func(context.Context) func() {
			lines, err := s.Traffic(k)
			return func() {
				if err != nil {
					list.setItems([]fyne.CanvasObject{wrapLabel(txtErrorPrefix + err.Error())}, false)
					return
				}
				items := make([]fyne.CanvasObject, 0, len(lines))
				for _, l := range lines {
					items = append(items, trafficItem(l))
				}
				list.setItems(items, true)
			}
		})
	}
	chooser := m.deviceChooser(func(k devices.Kind) { kind = k; load() })
	refresh := m.button(txtRefresh, widget.MediumImportance, load)
	load()
	return container.NewBorder(container.NewBorder(nil, nil, nil, big(refresh, 160), chooser), nil, nil, nil, list.box)
}

func trafficItem(l diag.TrafficLine) fyne.CanvasObject {
	meaning := l.Meaning
	if l.MeaningZh != "" {
		meaning = l.MeaningZh + "  " + l.Meaning
	}
	head := fmt.Sprintf("%s %s %d B  %s", l.At.In(zone).Format("15:04:05.000"), l.Arrow, l.Len, meaning)
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

// healthPage shows the database, disk, clock and version checks and the
// log tail, filtered by level, and keeps both current while shown.
func (m *Mode) healthPage() fyne.CanvasObject {
	s := m.sess
	state := wrapLabel("…")
	var lines []diag.LogLine
	slots := make([]*widget.Label, logsPerPage)
	slotObjs := make([]fyne.CanvasObject, logsPerPage)
	for i := range slots {
		slots[i] = lineLabel("")
		slotObjs[i] = slots[i]
	}
	pg := m.newPager(logsPerPage, func(lo, hi int) {
		for i, l := range slots {
			switch j := lo + i; {
			case j < hi:
				ll := lines[j]
				l.SetText(fmt.Sprintf("%s %-5s %s", ll.Time.In(zone).Format("01-02 15:04:05"), ll.Level, ll.Message))
			case i == 0 && len(lines) == 0:
				l.SetText(txtNone)
			default:
				l.SetText("")
			}
		}
	})
	level := slog.LevelWarn
	showLogs := func(got []diag.LogLine, err error, follow bool) {
		if err != nil {
			got = []diag.LogLine{{Level: "", Message: txtErrorPrefix + err.Error()}}
		}
		lines = got
		if follow {
			pg.follow(len(lines))
		} else {
			pg.setLast(len(lines))
		}
	}
	loadLogs := func() {
		lv := level
		m.run(func(context.Context) func() {
			got, err := s.Logs(200, lv)
			return func() { showLogs(got, err, false) }
		})
	}
	showHealth := func(h diag.HealthView, err error) {
		if err != nil {
			state.SetText(txtErrorPrefix + err.Error())
			return
		}
		state.SetText(healthText(h))
	}
	load := func() {
		m.run(func(ctx context.Context) func() {
			h, err := s.Health(ctx)
			return func() { showHealth(h, err) }
		})
		loadLogs()
	}
	levels := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}
	levelGroup := m.newToggles(len(levels), func(i int) string { return levels[i].String() }, 2, func(i int) {
		level = levels[i]
		loadLogs()
	}).box
	refresh := big(m.button(txtRefresh, widget.MediumImportance, load), 160)
	load()
	poll := s.Poll()
	m.autoRefresh(func(ctx context.Context) func() {
		lv := level
		h, herr := poll.Health(ctx)
		got, lerr := poll.Logs(200, lv)
		return func() {
			showHealth(h, herr)
			if lv == level { // the technician may have chosen another level meanwhile
				showLogs(got, lerr, true)
			}
		}
	})
	logHead := container.NewBorder(nil, nil, middle(section(txtHealthLogs)), refresh, container.NewGridWrap(fyne.NewSize(440, touchMin), levelGroup))
	return container.NewBorder(container.NewVBox(state, widget.NewSeparator(), logHead), pg.bar(), nil, nil,
		container.NewVBox(slotObjs...))
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
	var parts []string
	for i := len(in) - 1; i >= 0 && len(parts) < healthFaults; i-- {
		f := in[i]
		span := fmt.Sprintf("%s–%s (%s)", when(f.Start), f.End.In(zone).Format("15:04:05"), age(f.End.Sub(f.Start)))
		if f.End.IsZero() {
			span = fmt.Sprintf(txtFaultOngoingFmt, when(f.Start), age(now.Sub(f.Start)))
		}
		parts = append(parts, kindName(f.Kind)+": "+f.Problem+" "+span)
	}
	if more := len(in) - len(parts); more > 0 {
		parts = append(parts, fmt.Sprintf(txtFaultsMoreFmt, more, more))
	}
	return strings.Join(parts, "; ")
}

// maxExportDirs is how many folders the export page offers: a kiosk has
// one or two USB ports, and the page keeps room for the result.
const maxExportDirs = 4

// exportPage lets the technician choose a folder (a USB stick, or the
// kiosk's own export folder), writes the diagnostics bundle there and says
// where it went and what is in it.
func (m *Mode) exportPage() fyne.CanvasObject {
	s := m.sess
	result := wrapLabel("")
	result.TextStyle.Bold = true
	files := wrapLabel("")
	choices := container.NewVBox()
	show := func(dirs []string) {
		if len(dirs) == 0 {
			dirs = []string{"."}
		}
		dirs = dirs[:min(len(dirs), maxExportDirs)]
		chosen := 0
		m.exportMu.Lock()
		for i, d := range dirs {
			if d == m.exportDir {
				chosen = i
			}
		}
		m.exportMu.Unlock()
		m.chooseExportDir(dirs[chosen])
		t := m.newToggles(len(dirs), func(i int) string { return dirs[i] }, chosen, func(i int) { m.chooseExportDir(dirs[i]) })
		objs := make([]fyne.CanvasObject, len(t.buttons))
		for i, b := range t.buttons {
			b.Alignment = widget.ButtonAlignLeading
			objs[i] = big(b, 0)
		}
		choices.Objects = objs
		choices.Refresh()
	}
	// Finding the sticks probes the mounts (a write to each): off the UI
	// goroutine.
	list := func() {
		m.run(func(context.Context) func() {
			dirs := m.opts.Dirs()
			return func() { show(dirs) }
		})
	}
	list()
	rescan := m.button(txtExportRescan, widget.MediumImportance, list)
	export := m.button(txtExportBundle, widget.HighImportance, func() {
		result.SetText(txtBusy)
		files.SetText("")
		m.run(func(ctx context.Context) func() {
			r, err := s.ExportBundle(ctx, m.exportFolder())
			return func() {
				if err != nil {
					result.SetText(txtErrorPrefix + err.Error())
					return
				}
				result.SetText(fmt.Sprintf(txtExportDoneFmt, r.Path, r.Bytes, r.Bytes))
				files.SetText(txtExportFiles + strings.Join(r.Files, ", "))
			}
		})
	})
	return container.NewVBox(widget.NewLabel(txtExportDir), choices,
		container.NewHBox(big(export, 320), big(rescan, 240)), widget.NewLabel(txtExportHint), result, files)
}
