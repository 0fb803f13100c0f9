package techui

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/devices"
	"hallkiosk/diag"
)

// deviceChooser is a row of big buttons choosing one device; the chosen one
// is highlighted.
func (m *Mode) deviceChooser(choose func(devices.Kind)) fyne.CanvasObject {
	var buttons []*widget.Button
	var objs []fyne.CanvasObject
	for i, k := range devices.Kinds {
		var b *widget.Button
		b = m.button(kindName(k), widget.MediumImportance, func() {
			for _, o := range buttons {
				o.Importance = widget.MediumImportance
				o.Refresh()
			}
			b.Importance = widget.HighImportance
			b.Refresh()
			choose(k)
		})
		if i == 0 {
			b.Importance = widget.HighImportance
		}
		buttons = append(buttons, b)
		objs = append(objs, big(b, 0))
	}
	return container.NewGridWithColumns(len(objs), objs...)
}

// trafficPerPage fits the 1280×800 page with two-line entries.
const trafficPerPage = 8

// trafficPage shows the last frames on a device's wire, as diag masks and
// explains them, newest page first.
func (m *Mode) trafficPage() fyne.CanvasObject {
	pg := m.newPager(trafficPerPage)
	kind := devices.Kinds[0]
	load := func() {
		k, s := kind, m.sess
		m.run(func(context.Context) func() {
			lines, err := s.Traffic(k)
			return func() {
				if err != nil {
					pg.set([]fyne.CanvasObject{wrapLabel(txtErrorPrefix + err.Error())})
					return
				}
				items := make([]fyne.CanvasObject, 0, len(lines))
				for _, l := range lines {
					items = append(items, trafficItem(l))
				}
				pg.setLast(items)
			}
		})
	}
	chooser := m.deviceChooser(func(k devices.Kind) { kind = k; load() })
	refresh := m.button(txtRefresh, widget.MediumImportance, load)
	load()
	return container.NewBorder(container.NewBorder(nil, nil, nil, big(refresh, 160), chooser), nil, nil, nil, pg.box)
}

func trafficItem(l diag.TrafficLine) fyne.CanvasObject {
	meaning := l.Meaning
	if l.MeaningZh != "" {
		meaning = l.MeaningZh + "  " + l.Meaning
	}
	head := fmt.Sprintf("%s %s %d B  %s", l.At.Local().Format("15:04:05.000"), l.Arrow, l.Len, meaning)
	hex := l.Hex
	if l.Hidden > 0 {
		hex += fmt.Sprintf("  (隐藏 %d 字节 hidden)", l.Hidden)
	}
	h := widget.NewLabelWithStyle(hex, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	h.Wrapping = fyne.TextWrapBreak
	top := widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(top, h)
}

// configPage moves a device to another serial port: choose the port (with
// its USB identity) or type its path, choose the baud, and "test & save",
// which diag runs as test first, save second, roll back on failure.
func (m *Mode) configPage() fyne.CanvasObject {
	kind := devices.Kinds[0]
	current := wrapLabel("")
	ports := widget.NewSelect(nil, nil)
	ports.PlaceHolder = txtConfigPick
	path := widget.NewEntry()
	path.SetPlaceHolder("/dev/serial/by-id/…")
	baud := widget.NewSelect(nil, nil)
	for _, b := range diag.Bauds {
		baud.Options = append(baud.Options, strconv.Itoa(b))
	}
	result := wrapLabel("")
	result.TextStyle.Bold = true

	// A label in the picker stands for its path; the picker shows labels
	// because the USB identity (vendor, product, serial) is how a
	// technician tells two adapters apart.
	byLabel := map[string]string{}
	ports.OnChanged = func(label string) {
		m.touch()
		if p, ok := byLabel[label]; ok {
			path.SetText(p)
		}
	}
	path.OnChanged = func(string) { m.touch() }
	baud.OnChanged = func(string) { m.touch() }

	settings := wrapLabel("")
	load := func() {
		k, s := kind, m.sess
		m.run(func(context.Context) func() {
			choices, perr := s.Ports()
			views, verr := s.Devices()
			st, serr := s.Settings()
			return func() {
				if serr != nil {
					settings.SetText(txtErrorPrefix + serr.Error())
				} else {
					settings.SetText(settingsText(st))
				}
				byLabel = map[string]string{}
				ports.Options = nil
				for _, c := range choices {
					label := c.Label
					if c.InUseBy != "" {
						label += fmt.Sprintf(txtConfigInUseFmt, c.InUseBy)
					}
					byLabel[label] = c.Path
					ports.Options = append(ports.Options, label)
				}
				ports.ClearSelected()
				ports.Refresh()
				var cur []string
				for _, v := range views {
					if v.Kind == k {
						cur = append(cur, txtConfigCurrent+v.Port+fmt.Sprintf(" @ %d", v.Baud))
						if v.Simulated {
							cur = append(cur, "[模拟 simulated]")
						}
						path.SetText(v.Port)
						baud.SetSelected(strconv.Itoa(v.Baud))
					}
				}
				if perr != nil {
					cur = append(cur, txtErrorPrefix+perr.Error())
				} else if len(choices) == 0 {
					cur = append(cur, txtConfigNoPorts)
				}
				if verr != nil {
					cur = append(cur, txtErrorPrefix+verr.Error())
				}
				current.SetText(strings.Join(cur, "  "))
			}
		})
	}
	apply := m.button(txtConfigApply, widget.HighImportance, func() {
		k, s := kind, m.sess
		p := strings.TrimSpace(path.Text)
		b, _ := strconv.Atoi(baud.Selected)
		if p == "" {
			result.SetText(txtConfigNoPort)
			return
		}
		result.SetText(txtBusy)
		m.run(func(ctx context.Context) func() {
			err := s.ApplyDevice(ctx, k, p, b)
			return func() {
				if err != nil {
					result.SetText(txtConfigRolled + err.Error())
					return
				}
				result.SetText(txtConfigSaved + fmt.Sprintf("%s @ %d", p, b))
				load()
			}
		})
	})
	chooser := m.deviceChooser(func(k devices.Kind) { kind = k; result.SetText(""); load() })
	load()
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(txtConfigPort), big(ports, 0),
		widget.NewLabel(txtConfigPath), big(path, 0),
		widget.NewLabel(txtConfigBaud), big(baud, 0),
	)
	return container.NewVBox(chooser, current, form, big(apply, 0), result,
		widget.NewSeparator(), section(txtSettings), settings)
}

// settingsText is the kiosk's settings, read-only: changing them needs
// typing (URLs, names), which the touch screen has no keyboard for.
func settingsText(st diag.Settings) string {
	token := st.Token
	if token == "" {
		token = txtNone
	}
	return joinLines(
		fmt.Sprintf("大厅 Hall: %s    自助机 Kiosk: %s (No. %d)", st.HallName, st.KioskID, st.KioskNumber),
		"后台 Back office: "+st.BackOfficeURL+"    令牌 Token: "+token,
		fmt.Sprintf("空闲返回 Idle: %d s, 指南页 guide %d s, 倒计时 countdown %d s;  诊断空闲 diagnostics idle %d min",
			st.IdleSeconds, st.GuideIdleSeconds, st.CountdownSeconds, st.DiagIdleMinutes),
		"语言 Language: "+st.Language+"  ("+strings.Join(st.Languages, ", ")+")",
	)
}

// deadPerPage fits the sync page under its counters.
const deadPerPage = 5

// syncPage shows what waits to sync, what the back office refused, and
// the actions a technician takes once the cause is fixed.
func (m *Mode) syncPage() fyne.CanvasObject {
	s := m.sess
	state := wrapLabel("…")
	result := wrapLabel("")
	result.TextStyle.Bold = true
	pg := m.newPager(deadPerPage)
	load := func() {
		m.run(func(ctx context.Context) func() {
			v, err := s.Sync(ctx)
			return func() {
				if err != nil {
					state.SetText(txtErrorPrefix + err.Error())
					return
				}
				state.SetText(syncText(v))
				items := make([]fyne.CanvasObject, 0, len(v.DeadLetters))
				for _, d := range v.DeadLetters {
					items = append(items, wrapLabel(fmt.Sprintf("#%d %s  %s  ×%d  %s", d.Seq, d.Kind, when(d.OccurredAt), d.Attempts, d.Reason)))
				}
				pg.set(items)
			}
		})
	}
	act := func(label string, imp widget.Importance, do func(ctx context.Context) (string, error)) fyne.CanvasObject {
		return big(m.button(label, imp, func() {
			m.run(func(ctx context.Context) func() {
				text, err := do(ctx)
				return func() {
					if err != nil {
						result.SetText(txtErrorPrefix + err.Error())
					} else {
						result.SetText(text)
					}
					load()
				}
			})
		}), 0)
	}
	buttons := container.NewGridWithColumns(5,
		act(txtSyncNow, widget.HighImportance, func(ctx context.Context) (string, error) {
			r, err := s.ForceSync(ctx)
			return fmt.Sprintf(txtSyncDoneFmt, r.Sent, r.Acknowledged, r.Rejected, r.Sent, r.Acknowledged, r.Rejected), err
		}),
		act(txtSyncRequeue, widget.MediumImportance, func(ctx context.Context) (string, error) {
			n, err := s.RequeueAll(ctx)
			return fmt.Sprintf(txtSyncRequeuedFmt, n, n), err
		}),
		act(txtSyncExport, widget.MediumImportance, func(ctx context.Context) (string, error) {
			p, err := s.ExportDeadLetters(ctx, m.opts.Dir())
			return txtSyncExported + p, err
		}),
		act(txtSyncCheck, widget.MediumImportance, func(ctx context.Context) (string, error) {
			r, err := s.CheckBackOffice(ctx)
			if err != nil || !r.Reachable {
				reason := r.Error
				if err != nil {
					reason = err.Error()
				}
				return txtReachFail + r.URL + " " + reason, nil
			}
			return fmt.Sprintf(txtReachOKFmt, r.Status, r.RTT.Round(time.Millisecond)) + "  " + r.URL, nil
		}),
		big(m.button(txtRefresh, widget.MediumImportance, load), 0),
	)
	load()
	return container.NewBorder(container.NewVBox(state, buttons, result, section(txtSyncDead)), nil, nil, nil, pg.box)
}

// age is a duration as a technician reads it: days and hours once it is
// long, because "6533h0m5s" says nothing at a glance.
func age(d time.Duration) string {
	if d >= 24*time.Hour {
		days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		return fmt.Sprintf("%d 天 %d 小时 (%dd %dh)", days, hours, days, hours)
	}
	return d.Round(time.Second).String()
}

func syncText(v diag.SyncView) string {
	oldest := "-"
	if v.OldestUnsynced > 0 {
		oldest = age(v.OldestUnsynced)
	}
	lines := []string{
		fmt.Sprintf("%s%d    %s%s    %s%d", txtSyncPending, v.Pending, txtSyncOldest, oldest, txtSyncDead, len(v.DeadLetters)),
		txtSyncLast + when(v.LastSync) + "    " + txtSyncOnline + yesNo(v.Online),
	}
	if v.LastSyncError != "" {
		lines = append(lines, txtSyncLastErr+v.LastSyncError)
	}
	if v.Stopped {
		lines = append(lines, txtSyncStopped+strings.Join(v.Alarms, ", "))
	}
	return joinLines(lines...)
}

// logsPerPage fits the health page under the health summary.
const logsPerPage = 6

// healthPage shows the database, disk, clock and version checks and the
// log tail, filtered by level.
func (m *Mode) healthPage() fyne.CanvasObject {
	s := m.sess
	state := wrapLabel("…")
	pg := m.newPager(logsPerPage)
	level := slog.LevelWarn
	loadLogs := func() {
		lv := level
		m.run(func(context.Context) func() {
			lines, err := s.Logs(200, lv)
			return func() {
				if err != nil {
					pg.set([]fyne.CanvasObject{wrapLabel(txtErrorPrefix + err.Error())})
					return
				}
				items := make([]fyne.CanvasObject, 0, len(lines))
				for _, l := range lines {
					t := widget.NewLabel(fmt.Sprintf("%s %-5s %s", l.Time.Local().Format("01-02 15:04:05"), l.Level, l.Message))
					t.Truncation = fyne.TextTruncateEllipsis
					items = append(items, t)
				}
				pg.setLast(items)
			}
		})
	}
	load := func() {
		m.run(func(ctx context.Context) func() {
			h, err := s.Health(ctx)
			return func() {
				if err != nil {
					state.SetText(txtErrorPrefix + err.Error())
					return
				}
				state.SetText(healthText(h))
			}
		})
		loadLogs()
	}
	var levels []*widget.Button
	var levelObjs []fyne.CanvasObject
	for _, lv := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
		var b *widget.Button
		b = m.button(lv.String(), widget.MediumImportance, func() {
			for _, o := range levels {
				o.Importance = widget.MediumImportance
				o.Refresh()
			}
			b.Importance = widget.HighImportance
			b.Refresh()
			level = lv
			loadLogs()
		})
		if lv == level {
			b.Importance = widget.HighImportance
		}
		levels = append(levels, b)
		levelObjs = append(levelObjs, big(b, 100))
	}
	refresh := big(m.button(txtRefresh, widget.MediumImportance, load), 160)
	load()
	logHead := container.NewHBox(section(txtHealthLogs), layout.NewSpacer(), container.NewHBox(levelObjs...), refresh)
	return container.NewBorder(container.NewVBox(state, widget.NewSeparator(), logHead), nil, nil, nil, pg.box)
}

func healthText(h diag.HealthView) string {
	integrity := "完好 OK"
	if !h.Database.IntegrityOK {
		integrity = "损坏 DAMAGED: " + h.Database.IntegrityCheck
	}
	db := fmt.Sprintf("%s, %.1f MB", integrity, float64(h.Database.Bytes)/1e6)
	disk := fmt.Sprintf("%.0f%% 可用 free (%.1f / %.1f GB)", h.Disk.FreePercent, float64(h.Disk.FreeBytes)/1e9, float64(h.Disk.TotalBytes)/1e9)
	if h.Disk.Error != "" {
		disk = txtErrorPrefix + h.Disk.Error
	}
	clock := "OK"
	if !h.Clock.OK {
		clock = "异常 wrong: " + strings.Join(h.Clock.Problems, "; ")
	}
	clock += "  " + when(h.Clock.System)
	if !h.Clock.BackOffice.IsZero() {
		clock += fmt.Sprintf("  偏差 offset %s", h.Clock.Offset.Round(time.Millisecond))
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
	)
}

// exportPage writes the diagnostics bundle to the export folder (a USB
// stick) and says where it went and what is in it.
func (m *Mode) exportPage() fyne.CanvasObject {
	s := m.sess
	dir := wrapLabel(txtExportDir + m.opts.Dir())
	result := wrapLabel("")
	result.TextStyle.Bold = true
	files := wrapLabel("")
	export := m.button(txtExportBundle, widget.HighImportance, func() {
		d := m.opts.Dir()
		dir.SetText(txtExportDir + d)
		result.SetText(txtBusy)
		files.SetText("")
		m.run(func(ctx context.Context) func() {
			r, err := s.ExportBundle(ctx, d)
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
	return container.NewVBox(dir, widget.NewLabel(txtExportHint), big(export, 320), result, files)
}
