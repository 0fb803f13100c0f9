package techui

import (
	"context"
	"fmt"
	"slices"
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

// configPage moves a device to another serial port: choose the port from
// the detected list (with its USB identity, which is how a technician
// tells two adapters apart) or type its path, choose the baud, and "test &
// save", which diag runs as test first, save second, roll back on failure.
func (m *Mode) configPage() fyne.CanvasObject {
	kind := devices.Kinds[0]
	var choices []diag.PortChoice
	current := wrapLabel("")
	result := wrapLabel("")
	result.TextStyle.Bold = true

	// The path is an Entry so that a USB keyboard types into it; the
	// keyboard button opens the on-screen keyboard for the touch screen.
	path := widget.NewEntry()
	path.SetPlaceHolder("/dev/serial/by-id/…")
	path.OnChanged = func(string) { m.touch() }

	var pg *pager
	list := m.newRows(portsPerPage, func(slot int) {
		i := pg.index*portsPerPage + slot
		if i < len(choices) {
			path.SetText(choices[i].Path)
			pg.keep(len(choices)) // re-mark the chosen row
		}
	})
	pg = m.newPager(portsPerPage, func(lo, hi int) {
		for slot := range portsPerPage {
			i := lo + slot
			switch {
			case i < hi:
				c := choices[i]
				label := c.Label
				if c.InUseBy != "" {
					label = fmt.Sprintf(txtConfigInUseFmt, kindName(c.InUseBy)) + label
				}
				list.show(slot, label, c.Path == path.Text)
			case slot == 0 && len(choices) == 0:
				list.show(slot, txtConfigNoPorts, false)
			default:
				list.hide(slot)
			}
		}
	})

	baud := 0
	bauds := m.newToggles(len(diag.Bauds), func(i int) string { return strconv.Itoa(diag.Bauds[i]) }, -1,
		func(i int) { baud = diag.Bauds[i] })
	selectBaud := func(b int) {
		baud = b
		bauds.mark(slices.Index(diag.Bauds, b))
	}

	load := func() {
		k, s := kind, m.sess
		m.run(func(context.Context) func() {
			found, perr := s.Ports()
			views, verr := s.Devices()
			return func() {
				choices = found
				var cur []string
				for _, v := range views {
					if v.Kind == k {
						cur = append(cur, txtConfigCurrent+v.Port+fmt.Sprintf(" @ %d", v.Baud))
						if v.Simulated {
							cur = append(cur, txtSimulated)
						}
						path.SetText(v.Port)
						selectBaud(v.Baud)
					}
				}
				if perr != nil {
					cur = append(cur, txtErrorPrefix+perr.Error())
				}
				if verr != nil {
					cur = append(cur, txtErrorPrefix+verr.Error())
				}
				current.SetText(strings.Join(cur, "  "))
				pg.set(len(choices))
			}
		})
	}
	keyboard := m.button(txtKeyboard, widget.MediumImportance, func() {
		m.editText(textField{title: txtConfigPathTitle, hint: txtConfigPathHint, value: path.Text}, func(v string) {
			path.SetText(v)
			pg.keep(len(choices))
		})
	})
	apply := m.button(txtConfigApply, widget.HighImportance, func() {
		k, s := kind, m.sess
		p := strings.TrimSpace(path.Text)
		b := baud
		switch {
		case p == "":
			result.SetText(txtConfigNoPort)
			return
		case !slices.Contains(diag.Bauds, b):
			result.SetText(txtConfigNoBaud)
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

	label := func(text string) fyne.CanvasObject {
		return &fyne.Container{Layout: minSize{w: 150}, Objects: []fyne.CanvasObject{middle(widget.NewLabel(text))}}
	}
	pathRow := container.NewBorder(nil, nil, label(txtConfigPath), big(keyboard, 150), big(path, 0))
	baudRow := container.NewBorder(nil, nil, label(txtConfigBaud), nil, bauds.box)
	return container.NewVBox(chooser, current, section(txtConfigPick), list.box(), pg.bar(),
		pathRow, baudRow, big(apply, 0), result)
}
