package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// SimControl is the demo's simulator control: what a newcomer uses to play
// the citizen's other hand — place an ID card, scan a code, take the paper
// out, pull the network cable. It is a developer's window beside the kiosk,
// not a citizen screen, so its labels are bilingual in place rather than in
// the translation files. ui does not import the simulators; cmd/kiosk fills
// the callbacks.
type SimControl struct {
	Cards []SimChoice
	// PlaceCard puts the card with this ID on the reader; RemoveCard takes
	// it away.
	PlaceCard  func(id string) error
	RemoveCard func()
	// Printer states by key: "ok", "near_end", "paper_out", "cover_open", "off".
	SetPrinter func(state string)
	// Codes are ready-made codes to scan (appointment QR codes, receipts).
	Codes []SimChoice
	Scan  func(code string) error
	// SetNetwork connects or disconnects the back office.
	SetNetwork func(up bool)
	// Note is a line shown at the bottom (e.g. where printed tickets go).
	Note string
}

// SimChoice is one entry of a simulator menu.
type SimChoice struct {
	ID    string
	Label string
}

// ShowSimControl opens the simulator control window. It is the only window
// of its process (kiosk sim), so the app's theme is the compact kiosk
// theme: the window's background and its texts come from one theme, light
// whatever the desktop's default.
func ShowSimControl(a fyne.App, c SimControl) fyne.Window {
	a.Settings().SetTheme(compactTheme{NewTheme(false)})
	w := a.NewWindow("Simulators 模拟器")
	status := widget.NewLabel("")
	report := func(what string, err error) {
		if err != nil {
			status.SetText(fmt.Sprintf("%s: %v", what, err))
			return
		}
		status.SetText(what + " ✓")
	}

	cardNames := make([]string, len(c.Cards))
	for i, ch := range c.Cards {
		cardNames[i] = ch.Label
	}
	cardSel := choiceSelect(cardNames, "无预置证件 No preset cards", nil)
	cardSel.SetSelectedIndex(0)
	place := widget.NewButton("放卡 Place card", func() {
		i := cardSel.SelectedIndex()
		if i < 0 || i >= len(c.Cards) || c.PlaceCard == nil {
			return
		}
		report("placed "+c.Cards[i].Label, c.PlaceCard(c.Cards[i].ID))
	})
	remove := widget.NewButton("取走 Remove", func() {
		if c.RemoveCard != nil {
			c.RemoveCard()
			report("card removed", nil)
		}
	})

	printerStates := []SimChoice{
		{"ok", "正常 OK"}, {"near_end", "纸将尽 Near end"}, {"paper_out", "缺纸 Paper out"},
		{"cover_open", "开盖 Cover open"}, {"off", "断电 Off"},
	}
	var printerLabels []string
	for _, s := range printerStates {
		printerLabels = append(printerLabels, s.Label)
	}
	printer := widget.NewRadioGroup(printerLabels, func(sel string) {
		for _, s := range printerStates {
			if s.Label == sel && c.SetPrinter != nil {
				c.SetPrinter(s.ID)
				report("printer: "+s.Label, nil)
			}
		}
	})
	printer.Horizontal = false
	printer.SetSelected(printerStates[0].Label)

	codeEntry := widget.NewEntry()
	codeEntry.SetPlaceHolder("code 码")
	var codeLabels []string
	for _, ch := range c.Codes {
		codeLabels = append(codeLabels, ch.Label)
	}
	codeSel := choiceSelect(codeLabels, "无预置码 No preset codes", func(sel string) {
		for _, ch := range c.Codes {
			if ch.Label == sel {
				codeEntry.SetText(ch.ID)
			}
		}
	})
	scan := widget.NewButton("扫码 Scan", func() {
		if c.Scan != nil && codeEntry.Text != "" {
			report("scanned "+codeEntry.Text, c.Scan(codeEntry.Text))
		}
	})

	network := widget.NewCheck("网络连通 Network up", func(up bool) {
		if c.SetNetwork != nil {
			c.SetNetwork(up)
			if up {
				report("network up", nil)
			} else {
				report("network down", nil)
			}
		}
	})
	network.SetChecked(true)

	w.SetContent(container.NewVBox(
		widget.NewLabelWithStyle("身份证阅读器 ID card reader", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		cardSel, container.NewGridWithColumns(2, place, remove),
		widget.NewSeparator(),
		widget.NewLabelWithStyle("打印机 Printer", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		printer,
		widget.NewSeparator(),
		widget.NewLabelWithStyle("扫码器 Scanner", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		codeSel, codeEntry, scan,
		widget.NewSeparator(),
		network,
		widget.NewSeparator(),
		widget.NewLabel(c.Note),
		status,
	))
	w.Resize(fyne.NewSize(460, 520))
	w.Show()
	return w
}

// choiceSelect is a menu of options. Fyne's menu
// opens an empty pop-up when it has no options, which panics and ends the
// process; without options the menu holds the single line none, disabled.
func choiceSelect(options []string, none string, changed func(string)) *widget.Select {
	if len(options) == 0 {
		s := widget.NewSelect([]string{none}, nil)
		s.SetSelectedIndex(0)
		s.Disable()
		return s
	}
	return widget.NewSelect(options, changed)
}

// compactTheme is the kiosk theme (with its bundled CJK font) at desk
// sizes: the simulator control is used with a mouse, not a finger.
type compactTheme struct{ fyne.Theme }

func (t compactTheme) Size(n fyne.ThemeSizeName) float32 { return t.Theme.Size(n) * 0.55 }
