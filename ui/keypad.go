package ui

import (
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/flow"
)

// keypad is the in-app keypad. Fyne's desktop driver has no on-screen
// keyboard and OS keyboards fight a full-screen window (docs/fyne-notes.md 1.5), so
// the kiosk draws its own keys and shows the value in its own display field:
// no Entry, no focus, no IME. The flow owns the value (flow.Input), so that
// wiping the flow wipes what was typed; the keypad only sends keys and shows
// the value of the flow's last snapshot. Digits always; X for the last
// character of ID numbers; A–Z and "-" for codes and receipt numbers.
type keypad struct {
	kind  flow.InputKind
	value string
	// placeholder shows while the field is empty.
	placeholder string

	deleteText, clearText, okText string

	// onKey, onBackspace and onOK go to the flow; touch runs before each.
	onKey       func(string)
	onBackspace func()
	onOK        func()
	touch       func()

	display *canvas.Text
	frame   *canvas.Rectangle
	ok      *widget.Button
}

// newKeypad is a keypad for the flow's field in, sending to the flow.
func (k *Kiosk) newKeypad(in flow.Input, placeholder string, key func(string), backspace, ok func()) *keypad {
	return &keypad{
		kind: in.Kind, value: in.Value, placeholder: placeholder,
		deleteText: k.t("keypad.delete"), clearText: k.t("keypad.clear"), okText: k.t("keypad.ok"),
		onKey: key, onBackspace: backspace, onOK: ok, touch: k.touch,
	}
}

// setValue shows the flow's new value.
func (kp *keypad) setValue(v string) {
	kp.value = v
	kp.refresh()
}

func (kp *keypad) do(fn func()) {
	if kp.touch != nil {
		kp.touch()
	}
	if fn != nil {
		fn()
	}
}

func (kp *keypad) press(r rune) {
	kp.do(func() {
		if kp.onKey != nil {
			kp.onKey(string(r))
		}
	})
}

func (kp *keypad) backspace() { kp.do(kp.onBackspace) }

// clear deletes every character; flows offer only Backspace, so that a
// wipe and a correction are one code path.
func (kp *keypad) clear() {
	kp.do(func() {
		for range []rune(kp.value) {
			if kp.onBackspace != nil {
				kp.onBackspace()
			}
		}
	})
}

func (kp *keypad) submit() {
	if kp.value == "" {
		return
	}
	kp.do(kp.onOK)
}

func (kp *keypad) refresh() {
	if kp.display == nil {
		return
	}
	if kp.value == "" {
		kp.display.Text = kp.placeholder
		kp.display.Color = theme.Color(theme.ColorNamePlaceHolder)
		kp.display.TextStyle.Bold = false
		kp.frame.StrokeColor = theme.Color(theme.ColorNameInputBorder)
		if kp.ok != nil {
			kp.ok.Disable()
		}
	} else {
		kp.display.Text = kp.value
		kp.display.Color = theme.Color(theme.ColorNameForeground)
		kp.display.TextStyle.Bold = true
		kp.frame.StrokeColor = theme.Color(theme.ColorNamePrimary)
		if kp.ok != nil {
			kp.ok.Enable()
		}
	}
	kp.display.Refresh()
	kp.frame.Refresh()
}

// button returns one of the keypad's word buttons (删除, 清空, 确定).
func (kp *keypad) button(label string, icon fyne.Resource, imp widget.Importance, tap func()) fyne.CanvasObject {
	b := newButton(label, icon, imp, tap)
	if label == kp.okText {
		kp.ok = b
	}
	return minSize(b, fyne.NewSize(theme.Size(sizeNameKeyWidth), theme.Size(sizeNameKey)))
}

func (kp *keypad) digitBlock() fyne.CanvasObject {
	var left fyne.CanvasObject = layout.NewSpacer()
	if kp.kind == flow.InputIDTail {
		left = kp.charKey('X')
	}
	return DigitPad(kp.charKey, left, newKey(kp.deleteText, kp.backspace))
}

// charKey is the key that types r.
func (kp *keypad) charKey(r rune) fyne.CanvasObject {
	return newKey(string(r), func() { kp.press(r) })
}

// letters is A–Z, the letters of codes and of the search.
const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

func (kp *keypad) letterBlock() fyne.CanvasObject {
	return CharGrid([]rune(letters+"-"), 7, kp.charKey)
}

// buildUI returns the keypad with info (hints, a problem line) above its
// display field and 清空/确定: beside the keys in landscape, above them in
// portrait. Codes get the letter block beside the digits.
func (kp *keypad) buildUI(info ...fyne.CanvasObject) fyne.CanvasObject {
	field := kp.field()
	clr := kp.button(kp.clearText, nil, widget.MediumImportance, kp.clear)
	ok := kp.button(kp.okText, theme.ConfirmIcon(), widget.HighImportance, kp.submit)
	actions := container.NewGridWithColumns(2, clr, ok)

	var keys fyne.CanvasObject = kp.digitBlock()
	weights := []float32{1, 1}
	if kp.kind == flow.InputAlnum {
		keys = container.New(&flex{weights: []float32{7, 3}}, kp.letterBlock(), keys)
		weights = []float32{2, 3}
	}
	kp.refresh()
	side := container.NewVBox(append(info, field, actions)...)
	// The keys grow into spare height (a portrait totem has plenty), up to
	// half again their size: bigger keys are easier to hit.
	return container.New(&flex{weights: weights, tall: []float32{0, 1}}, side, container.New(growTo{1.5}, keys))
}

// field is the display of the value typed, framed like an entry.
func (kp *keypad) field() fyne.CanvasObject {
	kp.display = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	kp.display.TextSize = theme.Size(sizeNameDisplayText)
	kp.display.Alignment = fyne.TextAlignCenter
	kp.frame = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	kp.frame.StrokeWidth = theme.Size(theme.SizeNameInputBorder)
	kp.frame.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	pad := theme.Size(theme.SizeNameInnerPadding)
	return container.NewStack(kp.frame,
		container.New(layout.NewCustomPaddedLayout(pad/2, pad/2, pad, pad), fitted(kp.display)))
}

// lettersUI returns the display field with 删除 and 清空 beside it, and
// A–Z under it; no 确定, since the results follow every letter. The words
// stay out of the letters' grid, whose columns would all take the width of
// "Delete" in elder mode. The keys grow into spare height like buildUI's,
// in rows of seven. Elder mode's keys are larger, and must stay larger
// than normal mode's keys can grow to: in portrait they are in rows of six
// (wider), and in landscape in rows of nine when four rows of seven would
// be lower (a small panel, under the field). in is the layout the keys are
// placed by, which knows whether the screen is portrait.
func (kp *keypad) lettersUI(elder bool, in *flex) (field, keys fyne.CanvasObject) {
	edit := container.NewHBox(newKey(kp.deleteText, kp.backspace), newKey(kp.clearText, kp.clear))
	field = container.NewBorder(nil, nil, nil, edit, kp.field())
	kp.refresh()
	rows := &letterRows{wide: []int{7}, grow: 1.5, in: in}
	if elder {
		rows.wide, rows.tall = []int{7, 9}, []int{6}
	}
	chars := []rune(letters)
	objs := make([]fyne.CanvasObject, len(chars))
	for i, r := range chars {
		objs[i] = kp.charKey(r)
	}
	return field, container.New(rows, objs...)
}

// letterRows lays keys out as a grid from the top, in rows of one of the
// column counts it offers: tall in portrait (when set), wide otherwise. Of
// those it takes the one with the tallest keys, then the widest, among
// those whose keys are no narrower than a key's minimum. The grid grows
// into the height it is given up to grow times its minimum, as growTo does
// with a grid of keys. Its minimum size is that of rows of the first count.
type letterRows struct {
	wide, tall []int
	grow       float32
	// in is the layout of the screen, which knows its orientation.
	in *flex
}

// counts are the column counts on offer in the screen's orientation.
func (l *letterRows) counts() []int {
	if l.in != nil && l.in.portrait && len(l.tall) > 0 {
		return l.tall
	}
	return l.wide
}

// key is the largest minimum size of objs: every key's.
func (l *letterRows) key(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m
}

// cell is the size of a key in rows of cols within s.
func (l *letterRows) cell(n, cols int, key, s fyne.Size) (w, h float64) {
	pad := theme.Size(theme.SizeNamePadding)
	rows := (n + cols - 1) / cols
	padW, padH := pad*float32(cols-1), pad*float32(rows-1)
	height := min(s.Height, (key.Height*float32(rows)+padH)*l.grow)
	return float64(s.Width-padW) / float64(cols), float64(height-padH) / float64(rows)
}

func (l *letterRows) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	counts := l.counts()
	if len(objs) == 0 || len(counts) == 0 {
		return
	}
	key := l.key(objs)
	cols := counts[0]
	w, h := l.cell(len(objs), cols, key, s)
	for _, c := range counts[1:] {
		cw, ch := l.cell(len(objs), c, key, s)
		if cw >= float64(key.Width) && (ch > h || ch == h && cw > w) {
			cols, w, h = c, cw, ch
		}
	}
	pad := float64(theme.Size(theme.SizeNamePadding))
	for i, o := range objs {
		x, y := (w+pad)*float64(i%cols), (h+pad)*float64(i/cols)
		o.Move(fyne.NewPos(float32(x), float32(y)))
		o.Resize(fyne.NewSize(float32(x+w)-float32(x), float32(y+h)-float32(y)))
	}
}

func (l *letterRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	counts := l.counts()
	if len(objs) == 0 || len(counts) == 0 {
		return fyne.Size{}
	}
	key := l.key(objs)
	pad := theme.Size(theme.SizeNamePadding)
	cols := counts[0]
	rows := (len(objs) + cols - 1) / cols
	return fyne.NewSize(key.Width*float32(cols)+pad*float32(cols-1), key.Height*float32(rows)+pad*float32(rows-1))
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
	if utf8.RuneCountInString(k.label) > 1 {
		txt.TextSize = theme.Size(theme.SizeNameText) // a word: 删除
	}
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

// MinSize is at least 60 dp wide and a key high: seven letter columns must
// fit beside the digits on a 1280-pixel panel.
func (r *keyRenderer) MinSize() fyne.Size {
	return r.txt.MinSize().Max(fyne.NewSize(theme.Size(sizeNameKeyWidth), theme.Size(sizeNameKey)))
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

// growTo gives its child the height it is given, up to factor times the
// child's minimum, from the top.
type growTo struct{ factor float32 }

func (g growTo) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		h := min(s.Height, o.MinSize().Height*g.factor)
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(s.Width, h))
	}
}

func (g growTo) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m
}
