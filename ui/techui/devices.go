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

// devicesPage shows one column per device: what diag knows of it, a probe,
// its test and (printer) the paper-roll reset.
func (m *Mode) devicesPage() fyne.CanvasObject {
	var cols []fyne.CanvasObject
	for _, k := range devices.Kinds {
		cols = append(cols, m.deviceCard(k))
	}
	return container.NewGridWithColumns(len(cols), cols...)
}

func (m *Mode) deviceCard(k devices.Kind) fyne.CanvasObject {
	info := wrapLabel("…")
	result := wrapLabel("")
	result.TextStyle.Bold = true
	s := m.sess

	load := func(probe bool) {
		m.run(func(ctx context.Context) func() {
			var v diag.DeviceView
			var err error
			if probe {
				v, err = s.Probe(ctx, k)
			} else {
				var all []diag.DeviceView
				all, err = s.Devices()
				for _, d := range all {
					if d.Kind == k {
						v = d
					}
				}
			}
			return func() {
				text := deviceText(v)
				if err != nil {
					text = joinLines(text, txtErrorPrefix+err.Error())
				}
				info.SetText(text)
			}
		})
	}
	test := func(label string, wait string, do func(ctx context.Context) (diag.TestResult, error)) *widget.Button {
		return m.button(label, widget.HighImportance, func() {
			result.SetText(wait)
			m.run(func(ctx context.Context) func() {
				r, err := do(ctx)
				return func() {
					if err != nil {
						result.SetText(txtFail + "  " + err.Error())
					} else {
						result.SetText(testText(r))
					}
					load(false)
				}
			})
		})
	}

	var buttons []fyne.CanvasObject
	switch k {
	case devices.Printer:
		buttons = append(buttons, big(test(txtTestPrint, "", s.TestPrint), 0),
			big(m.button(txtResetPaper, widget.MediumImportance, func() {
				m.run(func(ctx context.Context) func() {
					err := s.ResetPaper(ctx)
					return func() {
						if err != nil {
							result.SetText(txtErrorPrefix + err.Error())
						} else {
							result.SetText(txtPaperReset)
						}
						load(false)
					}
				})
			}), 0))
	case devices.IDCard:
		buttons = append(buttons, big(test(txtTestCard, txtWaitCard, func(ctx context.Context) (diag.TestResult, error) {
			return s.TestCard(ctx, 0)
		}), 0))
	case devices.Scanner:
		buttons = append(buttons, big(test(txtTestScan, txtWaitScan, func(ctx context.Context) (diag.TestResult, error) {
			return s.TestScan(ctx, 0)
		}), 0))
	}
	buttons = append(buttons, big(m.button(txtProbe, widget.MediumImportance, func() { load(true) }), 0))
	load(false)

	// The details scroll (a wide bar a finger can hit) rather than push the
	// buttons off the screen when a printer reports many faults at once.
	return container.NewBorder(section(kindName(k)), container.NewVBox(append([]fyne.CanvasObject{result}, buttons...)...),
		nil, nil, container.NewVScroll(info))
}

// deviceText is a device's view in lines, the most telling first.
func deviceText(v diag.DeviceView) string {
	if v.Kind == "" {
		return txtNone
	}
	port := v.Port
	if v.Simulated {
		port += "  [模拟 simulated]"
	}
	if v.Absent {
		port = "未配置 absent"
	}
	lines := []string{
		"串口 Port: " + port,
		fmt.Sprintf("波特率 Baud: %d", v.Baud),
		"连接 Connected: " + yesNo(v.Connected),
		"上次正常 Last OK: " + when(v.LastOK),
	}
	if v.LastError != "" {
		lines = append(lines, "上次错误 Last error: "+v.LastError+" ("+when(v.LastErrorAt)+")")
	}
	if v.Unavailable != "" {
		lines = append(lines, "不可用 Unavailable: "+v.Unavailable)
	}
	if p := v.Printer; p != nil {
		lines = append(lines, "就绪 Ready: "+yesNo(p.Ready))
		if p.Raw != "" {
			lines = append(lines, "状态 Status: "+p.Raw)
		}
		// Only the set bits: a healthy printer has a dozen clear ones,
		// which say nothing a technician acts on.
		var set []string
		for _, b := range p.Bits {
			if b.Set {
				set = append(set, b.NameZh+" "+b.Name+" ("+b.Severity+")")
			}
		}
		if len(set) > 0 {
			lines = append(lines, "状态位 Bits: "+strings.Join(set, "; "))
		} else if len(p.Problems) > 0 {
			lines = append(lines, "问题 Problems: "+strings.Join(p.Problems, ", "))
		}
		if p.Err != "" {
			lines = append(lines, txtErrorPrefix+p.Err)
		}
		if pp := p.Paper; pp != nil {
			lines = append(lines, fmt.Sprintf("余纸 Paper left: %.1f m (%d%%), %d 张 tickets", pp.LeftMM/1000, pp.Percent, pp.Tickets))
			if pp.NearEnd {
				lines = append(lines, "纸将尽 Paper near end")
			}
		}
	}
	if r := v.Reader; r != nil {
		sam := "SAM: " + yesNo(r.SAMOK)
		if r.SAMError != "" {
			sam += " " + r.SAMError
		}
		lines = append(lines, sam, "SAM ID: "+r.SAMID,
			fmt.Sprintf("已读卡 Cards read: %d, 坏帧 bad frames: %d", r.CardsRead, r.BadFrames))
		if r.LastError != "" {
			lines = append(lines, txtErrorPrefix+r.LastError)
		}
	}
	if sc := v.Scanner; sc != nil {
		lines = append(lines, fmt.Sprintf("已扫码 Codes: %d, 错误 errors: %d", sc.Codes, sc.Errors),
			"上次扫码 Last code: "+when(sc.LastCodeAt))
		if sc.LastError != "" {
			lines = append(lines, txtErrorPrefix+sc.LastError)
		}
	}
	return joinLines(lines...)
}

// testText is a test result: pass/fail, summary, the raw reason and, for a
// card test, the masked card.
func testText(r diag.TestResult) string {
	s := resultText(r.Pass, r.Summary, r.Raw)
	if c := r.Card; c != nil {
		s = joinLines(s, c.Name+" "+c.NameEN, c.IDNumber)
	}
	return s + "\n" + r.At.Local().Format(time.TimeOnly)
}
