package techui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/diag"
	"hallkiosk/ui"
)

// pinStage is what the keypad is collecting.
type pinStage int

const (
	stageEnter  pinStage = iota // the technician PIN, for Gate.Enter
	stageNew                    // a new PIN replacing the factory PIN
	stageRepeat                 // the new PIN once more
)

// pinScreen is the keypad used for entry and for the forced PIN change.
type pinScreen struct {
	m       *Mode
	stage   pinStage
	value   string
	first   string // the new PIN of stageNew, compared in stageRepeat
	title   *widget.Label
	prompt  *widget.Label
	display *widget.Label
	msg     *widget.Label
	keys    []*widget.Button
	back    *widget.Button
	pending bool // a check is running: further input would be lost
}

func (m *Mode) showPIN() {
	m.stopRefresh()
	m.sess = nil
	m.settingsDraft = nil
	m.page = nil
	p := m.newPINScreen(stageEnter)
	m.pin = p
	p.refreshLock()
	m.startLockTicker()
}

func (m *Mode) showChangePIN() {
	m.stopLockTicker()
	p := m.newPINScreen(stageNew)
	m.pin = p
}

func (m *Mode) newPINScreen(stage pinStage) *pinScreen {
	p := &pinScreen{m: m, stage: stage}
	p.title = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	p.title.SizeName = theme.SizeNameHeadingText
	p.prompt = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	p.display = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true, Bold: true})
	p.display.SizeName = theme.SizeNameHeadingText
	p.msg = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	p.msg.Importance = widget.DangerImportance
	p.msg.Wrapping = fyne.TextWrapWord

	key := func(label string, imp widget.Importance, tap func()) fyne.CanvasObject {
		b := m.button(label, imp, tap)
		p.keys = append(p.keys, b)
		return big(b, 120)
	}
	digit := func(d rune) fyne.CanvasObject {
		return key(string(d), widget.MediumImportance, func() { p.press(string(d)) })
	}
	grid := ui.DigitPad(digit, key(txtKeyClear, widget.MediumImportance, p.clear),
		key(txtKeyBackspace, widget.MediumImportance, p.backspace))
	ok := key(txtKeyOK, widget.HighImportance, p.submit)
	// Back also leaves a factory-PIN session open only to change the PIN:
	// exitDiag ends it, so it does not linger until the idle expiry.
	p.back = m.button(txtKeyBack, widget.LowImportance, m.exitDiag)

	switch stage {
	case stageEnter:
		p.title.SetText(txtPINTitle)
		// The same prompt whether or not the factory PIN is in force: the
		// keypad tells nobody who finds it that 000000 still opens it.
		p.prompt.SetText(txtPINPrompt)
	default:
		p.title.SetText(txtChangeTitle)
		p.prompt.SetText(txtChangeNew)
	}
	p.refreshDisplay()

	pad := container.NewVBox(grid, ok)
	column := container.NewVBox(p.title, p.prompt, big(p.display, 360), p.msg,
		container.NewCenter(container.NewGridWrap(fyne.NewSize(440, pad.MinSize().Height), pad)))
	m.setScreen(container.NewBorder(nil, container.NewHBox(big(p.back, 200), layout.NewSpacer()), nil, nil,
		container.NewCenter(column)))
	return p
}

func (p *pinScreen) press(d string) {
	if p.pending || p.locked() || len(p.value) >= diag.MaxPINLen {
		return
	}
	p.value += d
	p.refreshDisplay()
}

func (p *pinScreen) backspace() {
	if p.pending || p.locked() || p.value == "" {
		return
	}
	p.value = p.value[:len(p.value)-1]
	p.refreshDisplay()
}

func (p *pinScreen) clear() {
	if p.pending || p.locked() {
		return
	}
	p.value = ""
	p.refreshDisplay()
}

// refreshDisplay shows one dot per digit: the PIN itself never appears on a
// screen that citizens in the hall can see.
func (p *pinScreen) refreshDisplay() {
	if p.value == "" {
		p.display.SetText(txtEmptyPIN)
		return
	}
	p.display.SetText(strings.TrimSpace(strings.Repeat("● ", len(p.value))))
}

// locked reports whether the gate refuses entry now. Only the entry stage
// can be locked: the change stages run inside an open session.
func (p *pinScreen) locked() bool {
	return p.stage == stageEnter && p.m.gate.Status().Locked
}

// refreshLock shows the lockout countdown and disables the keys while it
// runs, and gives them back once the gate's clock has passed it.
func (p *pinScreen) refreshLock() {
	if p.stage != stageEnter || p.m.pin != p {
		return
	}
	st := p.m.gate.Status()
	switch {
	case st.Problem != nil:
		p.msg.SetText(txtGateProblem + st.Problem.Error())
		p.setKeys(false)
	case st.Locked:
		p.msg.SetText(lockedText(st.Remaining))
		p.setKeys(false)
	default:
		if p.keys[0].Disabled() {
			// The lockout just ended: clear the countdown.
			p.msg.SetText("")
			p.setKeys(true)
		}
	}
}

func lockedText(d time.Duration) string {
	s := int(d.Seconds() + 0.999) // round up: "0 s" while still locked would read as open
	return fmt.Sprintf(txtLockedFmt, s/60, s%60, s/60, s%60)
}

func (p *pinScreen) setKeys(on bool) {
	for _, k := range p.keys {
		if on {
			k.Enable()
		} else {
			k.Disable()
		}
	}
}

func (p *pinScreen) submit() {
	if p.pending || p.locked() {
		return
	}
	switch p.stage {
	case stageEnter:
		p.enter()
	case stageNew:
		if err := diag.CheckPINRules(p.value); err != nil {
			p.msg.SetText(ruleText(err))
			p.value = ""
			p.refreshDisplay()
			return
		}
		p.first, p.value = p.value, ""
		p.stage = stageRepeat
		p.prompt.SetText(txtChangeAgain)
		p.msg.SetText("")
		p.refreshDisplay()
	case stageRepeat:
		if p.value != p.first {
			p.first, p.value = "", ""
			p.stage = stageNew
			p.prompt.SetText(txtChangeNew)
			p.msg.SetText(txtChangeMismatch)
			p.refreshDisplay()
			return
		}
		p.change()
	}
}

// enter checks the PIN off the UI goroutine: argon2id takes 50–200 ms on
// a kiosk CPU, a visible stall if the UI goroutine waited for it.
func (p *pinScreen) enter() {
	pin := p.value
	p.value = ""
	p.refreshDisplay()
	p.pending = true
	p.msg.SetText(txtChecking)
	m := p.m
	m.run(func(ctx context.Context) func() {
		s, err := m.gate.Enter(ctx, pin)
		return func() {
			p.pending = false
			var wrong *diag.WrongPINError
			var locked *diag.LockedError
			switch {
			case err == nil:
				m.opened(s)
				if s.MustChangePIN() {
					m.showChangePIN()
					return
				}
				m.showHome()
			case errors.As(err, &locked):
				p.msg.SetText(lockedText(locked.Remaining))
				p.setKeys(false)
			case errors.As(err, &wrong):
				p.msg.SetText(fmt.Sprintf(txtWrongPINFmt, wrong.AttemptsLeft, wrong.AttemptsLeft))
			default:
				p.msg.SetText(txtErrorPrefix + err.Error())
			}
		}
	})
}

// change saves the new PIN; the session then has full rights.
func (p *pinScreen) change() {
	pin := p.value
	p.value, p.first = "", ""
	p.refreshDisplay()
	p.pending = true
	p.msg.SetText(txtChangeSaving)
	m := p.m
	s := m.sess
	m.run(func(ctx context.Context) func() {
		err := s.ChangePIN(ctx, pin)
		return func() {
			p.pending = false
			if err != nil {
				p.stage = stageNew
				p.prompt.SetText(txtChangeNew)
				if r := ruleText(err); r != "" {
					p.msg.SetText(r)
				} else {
					p.msg.SetText(txtChangeFailed + err.Error())
				}
				return
			}
			m.showHome()
		}
	})
}

// ruleText names the PIN rule err reports, or "" for other errors.
func ruleText(err error) string {
	switch {
	case errors.Is(err, diag.ErrPINLength):
		return txtRuleLength
	case errors.Is(err, diag.ErrPINDigits):
		return txtRuleDigits
	case errors.Is(err, diag.ErrPINRepeated):
		return txtRuleRepeated
	case errors.Is(err, diag.ErrPINSequential):
		return txtRuleSequential
	case errors.Is(err, diag.ErrPINUnchanged):
		return txtRuleUnchanged
	}
	return ""
}
