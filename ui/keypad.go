package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keypad is the in-app keypad. Fyne's desktop driver has no on-screen
// keyboard and OS keyboards fight a full-screen window (fyne-notes 1.5), so
// the kiosk draws its own keys and writes into its own display field: no
// Entry, no focus, no IME. Digits always; X for the last character of ID
// numbers; A–Z for appointment codes and receipt numbers.
type keypad struct {
	// maxLen bounds the input (0 = 32).
	maxLen int
	// allowX adds an X key (ID numbers end in a check character that may be X).
	allowX bool
	// letters adds an A–Z block.
	letters bool
	// placeholder shows while the field is empty.
	placeholder string
	// group splits the display into groups of these lengths for reading
	// ("6 8 4" for an ID number); nil shows the value as is.
	group []int

	deleteText, clearText, okText string

	// onChange runs after every key with the new value; onOK runs on OK.
	onChange func(string)
	onOK     func(string)

	value []rune

	display *canvas.Text
	frame   *canvas.Rectangle
	ok      *widget.Button
	// touch runs before every key (the idle session's input report).
	touch func()
}

func (kp *keypad) limit() int {
	if kp.maxLen <= 0 {
		return 32
	}
	return kp.maxLen
}

// Value returns what was typed.
func (kp *keypad) Value() string { return string(kp.value) }

// SetValue replaces the typed value (a screen rebuilt after a language or
// elder-mode switch keeps what the citizen typed).
func (kp *keypad) SetValue(s string) {
	kp.value = []rune(s)
	if len(kp.value) > kp.limit() {
		kp.value = kp.value[:kp.limit()]
	}
	kp.refresh()
}

func (kp *keypad) press(r rune) {
	if len(kp.value) >= kp.limit() {
		return
	}
	kp.value = append(kp.value, r)
	kp.changed()
}

func (kp *keypad) backspace() {
	if len(kp.value) == 0 {
		return
	}
	kp.value = kp.value[:len(kp.value)-1]
	kp.changed()
}

func (kp *keypad) clear() {
	if len(kp.value) == 0 {
		return
	}
	kp.value = kp.value[:0]
	kp.changed()
}

func (kp *keypad) submit() {
	if len(kp.value) == 0 || kp.onOK == nil {
		return
	}
	kp.onOK(string(kp.value))
}

func (kp *keypad) changed() {
	kp.refresh()
	if kp.onChange != nil {
		kp.onChange(string(kp.value))
	}
}

// shown is the display text: the value in groups, or the placeholder.
func (kp *keypad) shown() string {
	if len(kp.value) == 0 {
		return kp.placeholder
	}
	if len(kp.group) == 0 {
		return string(kp.value)
	}
	var parts []string
	rest := kp.value
	for _, n := range kp.group {
		if len(rest) == 0 {
			break
		}
		n = min(n, len(rest))
		parts = append(parts, string(rest[:n]))
		rest = rest[n:]
	}
	if len(rest) > 0 {
		parts = append(parts, string(rest))
	}
	return strings.Join(parts, " ")
}

func (kp *keypad) refresh() {
	if kp.display == nil {
		return
	}
	kp.display.Text = kp.shown()
	if len(kp.value) == 0 {
		kp.display.Color = theme.Color(theme.ColorNamePlaceHolder)
		kp.display.TextStyle.Bold = false
		kp.frame.StrokeColor = theme.Color(theme.ColorNameInputBorder)
		kp.ok.Disable()
	} else {
		kp.display.Color = theme.Color(theme.ColorNameForeground)
		kp.display.TextStyle.Bold = true
		kp.frame.StrokeColor = theme.Color(theme.ColorNamePrimary)
		kp.ok.Enable()
	}
	kp.display.Refresh()
	kp.frame.Refresh()
}

// key returns a keypad key for one character.
func (kp *keypad) key(label string, tap func()) fyne.CanvasObject {
	return newKey(label, func() {
		if kp.touch != nil {
			kp.touch()
		}
		tap()
	})
}

// button returns one of the keypad's word buttons (删除, 清空, 确定).
func (kp *keypad) button(label string, icon fyne.Resource, imp widget.Importance, tap func()) *widget.Button {
	return newButton(label, icon, imp, func() {
		if kp.touch != nil {
			kp.touch()
		}
		tap()
	})
}

func (kp *keypad) digitBlock() fyne.CanvasObject {
	var keys []fyne.CanvasObject
	for _, r := range "123456789" {
		keys = append(keys, kp.key(string(r), func() { kp.press(r) }))
	}
	if kp.allowX {
		keys = append(keys, kp.key("X", func() { kp.press('X') }))
	} else {
		keys = append(keys, layout.NewSpacer())
	}
	keys = append(keys, kp.key("0", func() { kp.press('0') }))
	h := theme.Size(sizeNameKey)
	del := kp.button(kp.deleteText, theme.ContentUndoIcon(), widget.MediumImportance, kp.backspace)
	keys = append(keys, minSize(del, fyne.NewSize(h, h)))
	return container.NewGridWithColumns(3, keys...)
}

func (kp *keypad) letterBlock() fyne.CanvasObject {
	var keys []fyne.CanvasObject
	for r := 'A'; r <= 'Z'; r++ {
		keys = append(keys, kp.key(string(r), func() { kp.press(r) }))
	}
	return container.NewGridWithColumns(7, keys...)
}

// buildUI returns the display field above the keys, with 清空 and 确定 under
// them.
func (kp *keypad) buildUI() fyne.CanvasObject {
	kp.display = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	kp.display.TextSize = theme.Size(sizeNameDisplayText)
	kp.display.Alignment = fyne.TextAlignCenter
	kp.frame = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	kp.frame.StrokeWidth = theme.Size(theme.SizeNameInputBorder)
	kp.frame.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	pad := theme.Size(theme.SizeNameInnerPadding)
	field := container.NewStack(kp.frame,
		container.New(layout.NewCustomPaddedLayout(pad/2, pad/2, pad, pad), kp.display))

	kp.ok = kp.button(kp.okText, theme.ConfirmIcon(), widget.HighImportance, kp.submit)
	clr := kp.button(kp.clearText, theme.ContentClearIcon(), widget.MediumImportance, kp.clear)
	h := theme.Size(sizeNameKey)
	actions := container.NewGridWithColumns(2, minSize(clr, fyne.NewSize(h, h)), minSize(kp.ok, fyne.NewSize(h, h)))

	var keys fyne.CanvasObject = kp.digitBlock()
	if kp.letters {
		keys = container.New(&flex{weights: []float32{7, 3}}, kp.letterBlock(), kp.digitBlock())
	}
	kp.refresh()
	return container.NewVBox(field, keys, actions)
}

// isElder reports whether the current app theme is the elder-mode theme.
func isElder() bool {
	th, ok := fyne.CurrentApp().Settings().Theme().(kioskTheme)
	return ok && th.elder
}

// key is one character key of the keypad: a button-coloured rounded
// square with the character larger than body text, since a keypad is read
// at arm's length by people who may not have their glasses with them. (A
// widget.Button takes its text size from the theme; overriding the theme
// for the keys would make Fyne parse the CJK faces again for that scope.)
type key struct {
	widget.BaseWidget
	label   string
	onTap   func()
	pressed bool
}

var (
	_ fyne.Tappable     = (*key)(nil)
	_ desktop.Mouseable = (*key)(nil)
)

func newKey(label string, tap func()) *key {
	k := &key{label: label, onTap: tap}
	k.ExtendBaseWidget(k)
	return k
}

// Tapped types the key.
func (k *key) Tapped(*fyne.PointEvent) {
	if k.onTap != nil {
		k.onTap()
	}
}

// MouseDown shows the pressed colour.
func (k *key) MouseDown(*desktop.MouseEvent) { k.pressed = true; k.Refresh() }

// MouseUp clears the pressed colour.
func (k *key) MouseUp(*desktop.MouseEvent) { k.pressed = false; k.Refresh() }

// CreateRenderer draws the key.
func (k *key) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameButton))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	txt := canvas.NewText(k.label, theme.Color(theme.ColorNameForeground))
	txt.TextSize = theme.Size(sizeNameDisplayText) * 0.8
	txt.TextStyle.Bold = true
	txt.Alignment = fyne.TextAlignCenter
	return &keyRenderer{k: k, bg: bg, txt: txt}
}

type keyRenderer struct {
	k   *key
	bg  *canvas.Rectangle
	txt *canvas.Text
}

func (r *keyRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	m := r.txt.MinSize()
	r.txt.Move(fyne.NewPos(0, (s.Height-m.Height)/2))
	r.txt.Resize(fyne.NewSize(s.Width, m.Height))
}

func (r *keyRenderer) MinSize() fyne.Size {
	h := theme.Size(sizeNameKey)
	return r.txt.MinSize().Max(fyne.NewSize(h, h))
}

func (r *keyRenderer) Refresh() {
	r.bg.FillColor = theme.Color(theme.ColorNameButton)
	if r.k.pressed {
		r.bg.FillColor = blend(theme.Color(theme.ColorNameButton), theme.Color(theme.ColorNamePressed))
	}
	r.bg.Refresh()
	r.txt.Refresh()
}

func (r *keyRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.txt} }

func (r *keyRenderer) Destroy() {}
