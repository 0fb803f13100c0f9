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

// newText returns a label. wrap makes it break at word boundaries (and
// between CJK characters), so long English never overflows a tile.
func newText(s string, size fyne.ThemeSizeName, bold, wrap bool) *widget.Label {
	l := &widget.Label{Text: s, SizeName: size, TextStyle: fyne.TextStyle{Bold: bold}}
	if wrap {
		l.Wrapping = fyne.TextWrapWord
	}
	return l
}

// centered is newText, centred.
func centered(s string, size fyne.ThemeSizeName, bold bool) *widget.Label {
	l := newText(s, size, bold, true)
	l.Alignment = fyne.TextAlignCenter
	return l
}

// panel puts content on a rounded surface of colour bg with the theme's
// padding around it.
func panel(bg fyne.ThemeColorName, content fyne.CanvasObject) fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Color(bg))
	r.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	pad := theme.Size(theme.SizeNameInnerPadding)
	return container.NewStack(r, container.New(layout.NewCustomPaddedLayout(pad, pad, pad, pad), content))
}

// outlined is panel with a separator-coloured border, for white cards on the
// light page.
func outlined(bg fyne.ThemeColorName, content fyne.CanvasObject) fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Color(bg))
	r.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	r.StrokeColor = theme.Color(theme.ColorNameSeparator)
	r.StrokeWidth = theme.Size(theme.SizeNameSeparatorThickness)
	pad := theme.Size(theme.SizeNameInnerPadding)
	return container.NewStack(r, container.New(layout.NewCustomPaddedLayout(pad, pad, pad, pad), content))
}

// coloredIcon returns an icon of res in the theme colour name.
func coloredIcon(res fyne.Resource, name fyne.ThemeColorName, edge float32) fyne.CanvasObject {
	img := canvas.NewImageFromResource(theme.NewColoredResource(res, name))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(edge))
	return img
}
