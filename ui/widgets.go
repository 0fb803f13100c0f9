package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Small builders shared by the screens. They read sizes from the current
// theme when called; screens are rebuilt when elder mode switches the theme,
// so fixed minimum sizes taken here stay right.

// touchMin wraps obj so that it is never smaller than the theme's touch
// target in either direction (≥ 60×60 dp, market.md d).
func touchMin(obj fyne.CanvasObject) fyne.CanvasObject {
	ts := theme.Size(sizeNameTouchTarget)
	return minSize(obj, fyne.NewSize(ts, ts))
}

// minSize wraps obj in a stack with an invisible rectangle of size s, so the
// stack's minimum is at least s.
func minSize(obj fyne.CanvasObject, s fyne.Size) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(s)
	return container.NewStack(r, obj)
}

// newButton returns a button of the given importance that calls tap. The
// caller wraps it with touchMin (or puts it in a layout that gives it the
// touch height) — tests check every button on every screen.
func newButton(text string, icon fyne.Resource, imp widget.Importance, tap func()) *widget.Button {
	return &widget.Button{Text: text, Icon: icon, Importance: imp, OnTapped: tap}
}

// newText returns a one-line label (the status bar's hall name and
// clock). Text that may need more than one line is a block, which breaks
// its lines by the Chinese rules.
func newText(s string, size fyne.ThemeSizeName, bold bool) *widget.Label {
	return &widget.Label{Text: s, SizeName: size, TextStyle: fyne.TextStyle{Bold: bold}}
}

// centered is newText, centred (a pager's "第 1/3 页").
func centered(s string, size fyne.ThemeSizeName, bold bool) *widget.Label {
	l := newText(s, size, bold)
	l.Alignment = fyne.TextAlignCenter
	return l
}

// panel puts content on a rounded surface of colour bg. The padding is
// small: texts pad themselves by InnerPadding already.
func panel(bg fyne.ThemeColorName, content fyne.CanvasObject) fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Color(bg))
	r.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	pad := theme.Size(theme.SizeNamePadding)
	return container.NewStack(r, container.New(layout.NewCustomPaddedLayout(pad, pad, pad, pad), content))
}

// outlined is panel with a separator-coloured border, for white cards on the
// light page.
func outlined(bg fyne.ThemeColorName, content fyne.CanvasObject) fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Color(bg))
	r.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	r.StrokeColor = theme.Color(theme.ColorNameSeparator)
	r.StrokeWidth = theme.Size(theme.SizeNameSeparatorThickness)
	pad := theme.Size(theme.SizeNamePadding)
	return container.NewStack(r, container.New(layout.NewCustomPaddedLayout(pad, pad, pad, pad), content))
}

// coloredIcon returns an icon of res in the theme colour name.
func coloredIcon(res fyne.Resource, name fyne.ThemeColorName, edge float32) fyne.CanvasObject {
	img := canvas.NewImageFromResource(theme.NewColoredResource(res, name))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(edge))
	return img
}

// para is one paragraph of a text block.
type para struct {
	text  string
	size  fyne.ThemeSizeName  // "" = body text
	bold  bool                // bold face
	color fyne.ThemeColorName // "" = foreground
	// hang is the lead of text ("办理窗口：") that its later lines are
	// indented under; "" for none.
	hang string
	// inline continues the next paragraph on this one's last line.
	inline bool
}

// block returns paragraphs as one wrapping rich text whose lines break by
// the Chinese rules (lineText). One widget pads once,
// where a label per line would pad every line by 2×InnerPadding: on an
// 800-pixel-high panel in elder mode that is the difference between fitting
// and not. Empty paragraphs are left out.
func block(align fyne.TextAlign, ps ...para) *lineText {
	var segs []*widget.TextSegment
	var hangs []string
	for _, p := range ps {
		if p.text == "" {
			continue
		}
		size, c := p.size, p.color
		if size == "" {
			size = theme.SizeNameText
		}
		if c == "" {
			c = theme.ColorNameForeground
		}
		segs = append(segs, &widget.TextSegment{Text: p.text, Style: widget.RichTextStyle{
			Alignment: align, ColorName: c, SizeName: size, TextStyle: fyne.TextStyle{Bold: p.bold}, Inline: p.inline,
		}})
		hangs = append(hangs, p.hang)
	}
	t := newLineText(segs...)
	copy(t.hang, hangs)
	return t
}

// fixedHeight gives its one child the full width and a fixed height: an
// infinite progress bar wants a text line's height, the kiosk wants a slim
// bar.
type fixedHeight struct{ h float32 }

func (f fixedHeight) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, (s.Height-f.h)/2))
		o.Resize(fyne.NewSize(s.Width, f.h))
	}
}

func (f fixedHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, f.h)
}

// activity is a slim animated bar that says "working".
func activity() fyne.CanvasObject {
	return container.New(fixedHeight{h: theme.Size(theme.SizeNamePadding) * 1.5}, widget.NewProgressBarInfinite())
}

// fitLayout lays out one canvas.Text centred and shrunk, if need be, to the
// width it gets: a 32-character receipt number or an offline ticket number
// (A07-015) must not widen the screen. Its minimum is a line of base size.
type fitLayout struct{ base float32 }

func (l fitLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		t, ok := o.(*canvas.Text)
		if !ok {
			continue
		}
		size := l.base
		for size > 12 && fyne.MeasureText(t.Text, size, t.TextStyle).Width > s.Width {
			size -= 2
		}
		if t.TextSize != size {
			t.TextSize = size
			t.Refresh()
		}
		m := t.MinSize()
		t.Move(fyne.NewPos(0, (s.Height-m.Height)/2))
		t.Resize(fyne.NewSize(s.Width, m.Height))
	}
}

func (l fitLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		if t, ok := o.(*canvas.Text); ok {
			h = max(h, fyne.MeasureText("M", l.base, t.TextStyle).Height)
		}
	}
	return fyne.NewSize(theme.Size(sizeNameTouchTarget)*3, h)
}

// fitted puts t in a fitLayout at its current size.
func fitted(t *canvas.Text) fyne.CanvasObject {
	return container.New(fitLayout{base: t.TextSize}, t)
}
