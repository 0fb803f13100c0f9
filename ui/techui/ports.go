package techui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/devices"
	"hallkiosk/diag"
)

// portsPerPage fits the configuration page with its path, baud and save
// rows at 1280×800.
const portsPerPage = 3

// configScreen is the configuration page. diag.PortForm holds the ports
// found, the path and baud chosen and the check before applying; the
// screen draws it and hands it the taps.
type configScreen struct {
	m    *Mode
	kind devices.Kind
	form diag.PortForm

	current, result *widget.Label
	// path is an Entry so that a USB keyboard types into it; the keyboard
	// button opens the on-screen keyboard for the touch screen.
	path  *widget.Entry
	list  *rows
	pg    *pager
	bauds *toggles
}

// configPage moves a device to another serial port: choose the port from
// the detected list (with its USB identity, which is how a technician
// tells two adapters apart) or type its path, choose the baud, and "test &
// save", which diag runs as test first, save second, roll back on failure.
func (m *Mode) configPage() fyne.CanvasObject {
	sc := &configScreen{m: m, kind: devices.Kinds[0], current: wrapLabel(""), result: wrapLabel(""), path: widget.NewEntry()}
	sc.result.TextStyle.Bold = true
	return sc.build()
}

func (sc *configScreen) build() fyne.CanvasObject {
	m := sc.m
	sc.path.SetPlaceHolder("/dev/serial/by-id/…")
	sc.path.OnChanged = func(v string) {
		m.touch()
		sc.form.Path = v
	}
	sc.list = m.newRows(portsPerPage, func(slot int) {
		if i := sc.pg.at(slot); i < len(sc.form.Choices) {
			sc.form.Choose(i)
			sc.setPath(sc.form.Path)
			sc.pg.keep(len(sc.form.Choices)) // re-mark the chosen row
		}
	})
	sc.pg = m.newPager(portsPerPage, sc.render)
	sc.bauds = m.newToggles(len(diag.Bauds), func(i int) string { return strconv.Itoa(diag.Bauds[i]) }, -1,
		func(i int) { sc.form.Baud = diag.Bauds[i] })

	keyboard := m.button(txtKeyboard, widget.MediumImportance, func() {
		m.editText(textField{title: txtConfigPathTitle, hint: txtConfigPathHint, value: sc.form.Path}, func(v string) {
			sc.setPath(v)
			sc.pg.keep(len(sc.form.Choices))
		})
	})
	apply := m.button(txtConfigApply, widget.HighImportance, sc.apply)
	chooser := m.deviceChooser(func(k devices.Kind) { sc.kind = k; sc.result.SetText(""); sc.load() })
	sc.load()

	label := func(text string) fyne.CanvasObject {
		return &fyne.Container{Layout: minSize{w: 150}, Objects: []fyne.CanvasObject{middle(widget.NewLabel(text))}}
	}
	pathRow := container.NewBorder(nil, nil, label(txtConfigPath), big(keyboard, 150), big(sc.path, 0))
	baudRow := container.NewBorder(nil, nil, label(txtConfigBaud), nil, sc.bauds.box)
	return container.NewVBox(chooser, sc.current, section(txtConfigPick), sc.list.box(), sc.pg.bar(),
		pathRow, baudRow, big(apply, 0), sc.result)
}

// setPath shows path in the field and tells the form.
func (sc *configScreen) setPath(path string) {
	sc.form.Path = path
	sc.path.SetText(path)
}

// render shows ports [lo, hi) in the list's rows, the chosen one marked.
func (sc *configScreen) render(lo, hi int) {
	choices := sc.form.Choices
	for slot := range portsPerPage {
		i := lo + slot
		switch {
		case i < hi:
			c := choices[i]
			label := c.Label
			if c.InUseBy != "" {
				label = fmt.Sprintf(txtConfigInUseFmt, kindName(c.InUseBy)) + label
			}
			sc.list.show(slot, label, sc.form.Chosen(c))
		case slot == 0 && len(choices) == 0:
			sc.list.show(slot, txtConfigNoPorts, false)
		default:
			sc.list.hide(slot)
		}
	}
}

// load reads the ports and where the chosen device is now.
func (sc *configScreen) load() {
	k, s := sc.kind, sc.m.sess
	sc.m.run(func(context.Context) func() {
		found, perr := s.Ports()
		views, verr := s.Devices()
		return func() {
			var cur []string
			if v, ok := sc.form.Load(k, found, views); ok {
				cur = append(cur, txtConfigCurrent+v.Port+fmt.Sprintf(" @ %d", v.Baud))
				if v.Simulated {
					cur = append(cur, txtSimulated)
				}
				sc.setPath(v.Port)
				sc.bauds.mark(sc.form.BaudIndex())
			}
			if perr != nil {
				cur = append(cur, txtErrorPrefix+perr.Error())
			}
			if verr != nil {
				cur = append(cur, txtErrorPrefix+verr.Error())
			}
			sc.current.SetText(strings.Join(cur, "  "))
			sc.pg.set(len(sc.form.Choices))
		}
	})
}

// apply has diag test the port and save it, or roll back.
func (sc *configScreen) apply() {
	k, s := sc.kind, sc.m.sess
	p, b, err := sc.form.Check()
	switch {
	case errors.Is(err, diag.ErrNoPort):
		sc.result.SetText(txtConfigNoPort)
		return
	case err != nil:
		sc.result.SetText(txtConfigNoBaud)
		return
	}
	sc.result.SetText(txtBusy)
	sc.m.run(func(ctx context.Context) func() {
		err := s.ApplyDevice(ctx, k, p, b)
		return func() {
			if err != nil {
				sc.result.SetText(txtConfigRolled + err.Error())
				return
			}
			sc.result.SetText(txtConfigSaved + fmt.Sprintf("%s @ %d", p, b))
			sc.load()
		}
	})
}
