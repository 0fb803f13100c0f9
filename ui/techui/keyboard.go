package techui

import (
	"strconv"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/ui"
)

// The on-screen keyboard. The kiosk has a touch screen and no keyboard, and
// no on-screen keyboard comes with Fyne, fyne-x or the kiosk's bare X
// session (docs/fyne-notes.md 0.6), so technician mode brings its own: letters,
// digits and the symbols of URLs, paths and tokens, with big keys.
//
// It types into a Fyne Entry, so a USB keyboard plugged in for the job
// types into the same field (the Entry has the focus). Neither can type
// Chinese: Fyne 2.7's desktop driver takes no input-method composition on
// Linux (fyne-io/fyne#618), and a pinyin keyboard is out of scope for a
// technician screen. The one setting that is usually Chinese, the hall
// name, therefore follows the back office's catalog unless overridden (see
// settings.go).

// keyRows are the character keys, ten to a row. Letters follow shift and
// caps; the symbols are those of URLs (: / . - _ ? = & % ~ # @), paths and
// comma-separated lists.
var keyRows = [][]rune{
	[]rune("1234567890"),
	[]rune("qwertyuiop"),
	[]rune("asdfghjkl:"),
	[]rune("zxcvbnm/.-"),
	[]rune("_@?=&%+~#,"),
}

// textField is what the on-screen keyboard edits.
type textField struct {
	title string // the setting's name, left of the field
	hint  string // its rules and an example, under the field
	value string // the text to start from
	// secret masks the text (the back-office token); a big show/hide key
	// reveals it for checking, since citizens may stand behind the
	// technician.
	secret bool
	// actions are field-specific buttons beside Done (use the catalog's
	// hall name, remove the token). Each closes the keyboard.
	actions []fieldAction
}

// fieldAction is a button of a field's editor other than Done and Cancel.
type fieldAction struct {
	label string
	do    func()
}

// keyboard is the on-screen keyboard of one editor.
type keyboard struct {
	m       *Mode
	entry   *widget.Entry
	shift   bool // the next letter is a capital, then shift releases
	caps    bool // letters are capitals until caps is tapped again
	letters []*widget.Button
	shiftB  *widget.Button
	capsB   *widget.Button
}

// editText shows the on-screen keyboard in the page area over f; done gets
// the text when the technician taps Done (or Enter on a USB keyboard).
// Cancel and Done put back what the page area showed before, unchanged,
// so a half-filled page keeps its state.
func (m *Mode) editText(f textField, done func(string)) {
	prev := m.pageArea.Objects
	restore := func() {
		m.pageArea.Objects = prev
		m.retheme()
	}
	k := &keyboard{m: m}
	if f.secret {
		k.entry = widget.NewPasswordEntry()
	} else {
		k.entry = widget.NewEntry()
	}
	k.entry.SetText(f.value)
	k.entry.CursorColumn = len([]rune(f.value))
	finish := func() {
		v := k.entry.Text
		restore()
		done(v)
	}
	k.entry.OnSubmitted = func(string) { m.touch(); finish() }
	k.entry.OnChanged = func(string) { m.touch() }

	// key is a keyboard key. A tap on it takes the focus off the field
	// (the driver unfocuses on a tap outside a focusable widget), so each
	// key gives it back: a USB keyboard then keeps typing where the screen
	// left off.
	key := func(label string, tap func()) *widget.Button {
		return m.button(label, widget.MediumImportance, func() {
			tap()
			k.focus()
		})
	}
	var rowObjs []fyne.CanvasObject
	for _, row := range keyRows {
		rowObjs = append(rowObjs, ui.CharGrid(row, len(row), func(r rune) fyne.CanvasObject {
			b := key(string(r), func() { k.typeRune(r) })
			if unicode.IsLetter(r) {
				k.letters = append(k.letters, b)
			}
			return big(b, 0)
		}))
	}
	k.shiftB = key(txtKeyShift, func() { k.shift = !k.shift; k.relabel() })
	k.capsB = key(txtKeyCaps, func() { k.caps = !k.caps; k.shift = false; k.relabel() })
	controls := container.NewGridWithColumns(6,
		big(k.shiftB, 0), big(k.capsB, 0),
		big(key(txtKeySpace, func() { k.entry.TypedRune(' ') }), 0),
		big(key(txtKeyBackspace, func() { k.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace}) }), 0),
		big(key(txtKeyClear, func() { k.entry.SetText("") }), 0),
		big(key("https://", func() {
			for _, r := range "https://" {
				k.entry.TypedRune(r)
			}
		}), 0),
	)

	var right []fyne.CanvasObject
	if f.secret {
		var reveal *widget.Button
		reveal = key(txtKeyShow, func() {
			k.entry.Password = !k.entry.Password
			k.entry.Refresh()
			if k.entry.Password {
				reveal.SetText(txtKeyShow)
			} else {
				reveal.SetText(txtKeyHide)
			}
		})
		right = append(right, big(reveal, 140))
	}
	title := widget.NewLabelWithStyle(f.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	field := container.NewBorder(nil, nil, middle(title), container.NewHBox(right...), big(k.entry, 0))

	var actions []fyne.CanvasObject
	for _, a := range f.actions {
		actions = append(actions, big(m.button(a.label, widget.WarningImportance, func() {
			restore()
			a.do()
		}), 0))
	}
	cancel := m.button(txtKeyCancel, widget.MediumImportance, restore)
	ok := m.button(txtKeyDone, widget.HighImportance, finish)
	bottom := container.NewBorder(nil, nil, big(cancel, 200), big(ok, 200), container.NewGridWithColumns(max(1, len(actions)), actions...))

	m.showInPage(container.NewVBox(append(append([]fyne.CanvasObject{field, wrapLabel(f.hint)}, rowObjs...), controls, bottom)...))
	// The focus lets a USB keyboard type into the field straight away.
	k.focus()
}

// focus gives the field the keyboard focus. It asks the window's canvas,
// not CanvasForObject: the driver learns which canvas an object is on only
// when it paints it, so a field shown by this very tap is not known yet.
func (k *keyboard) focus() {
	if c := k.m.win.Canvas(); c.Focused() != k.entry {
		c.Focus(k.entry)
	}
}

// typeRune types r at the cursor, a capital if shift or caps says so.
func (k *keyboard) typeRune(r rune) {
	if unicode.IsLetter(r) && k.shift != k.caps {
		r = unicode.ToUpper(r)
	}
	k.entry.TypedRune(r)
	if k.shift {
		k.shift = false
		k.relabel()
	}
}

// relabel shows the letters as they will be typed and lights shift and
// caps while they are on.
func (k *keyboard) relabel() {
	upper := k.shift != k.caps
	for _, b := range k.letters {
		r := []rune(b.Text)[0]
		if upper {
			b.SetText(string(unicode.ToUpper(r)))
		} else {
			b.SetText(string(unicode.ToLower(r)))
		}
	}
	light := func(b *widget.Button, on bool) {
		imp := widget.MediumImportance
		if on {
			imp = widget.HighImportance
		}
		b.Importance = imp
		b.Refresh()
	}
	light(k.shiftB, k.shift)
	light(k.capsB, k.caps)
}

// numberField is what the numeric keypad edits.
type numberField struct {
	title string
	hint  string // the range, in words
	value int
}

// maxNumberDigits bounds the keypad: no setting it edits needs more, and a
// fifth digit is always a slip.
const maxNumberDigits = 4

// editNumber shows a numeric keypad in the page area over f; done gets the
// number when the technician taps Done. Done with nothing typed changes
// nothing. The range is diag's to enforce when the settings are saved;
// the keypad only shows it.
func (m *Mode) editNumber(f numberField, done func(int)) {
	prev := m.pageArea.Objects
	restore := func() {
		m.pageArea.Objects = prev
		m.retheme()
	}
	digits := strconv.Itoa(f.value)
	display := widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true, Bold: true})
	display.SizeName = theme.SizeNameHeadingText
	show := func() {
		if digits == "" {
			display.SetText(txtEmptyNumber)
		} else {
			display.SetText(digits)
		}
	}
	show()
	first := true // the first digit replaces the old value, as on a calculator
	digit := func(r rune) fyne.CanvasObject {
		d := string(r)
		return big(m.button(d, widget.MediumImportance, func() {
			if first {
				digits, first = "", false
			}
			if len(digits) < maxNumberDigits && (digits != "" || d != "0") {
				digits += d
			}
			show()
		}), 120)
	}
	key := func(label string, tap func()) fyne.CanvasObject {
		return big(m.button(label, widget.MediumImportance, func() { first = false; tap(); show() }), 120)
	}
	pad := ui.DigitPad(digit, key(txtKeyClear, func() { digits = "" }),
		key(txtKeyBackspace, func() {
			if digits != "" {
				digits = digits[:len(digits)-1]
			}
		}))
	cancel := m.button(txtKeyCancel, widget.MediumImportance, restore)
	ok := m.button(txtKeyDone, widget.HighImportance, func() {
		restore()
		if n, err := strconv.Atoi(digits); err == nil {
			done(n)
		}
	})
	title := widget.NewLabelWithStyle(f.title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	hint := widget.NewLabelWithStyle(f.hint, fyne.TextAlignCenter, fyne.TextStyle{})
	column := container.NewVBox(title, hint, big(display, 300),
		container.NewGridWrap(fyne.NewSize(420, pad.MinSize().Height), pad),
		container.NewGridWithColumns(2, big(cancel, 0), big(ok, 0)))
	m.showInPage(container.NewCenter(container.NewVBox(column, layout.NewSpacer())))
}
