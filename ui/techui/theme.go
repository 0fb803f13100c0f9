package techui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// techTheme is the kiosk's own theme with the smaller text a technician's
// dense pages need. Fonts (the bundled CJK faces) and colours come from the
// theme the app runs with, so technician mode looks like the kiosk and
// never renders tofu where the citizen screens do not.
// base is the theme it shrinks; nil means the app's theme at the time of
// drawing, so an override made once follows later switches (elder mode).
type techTheme struct{ base fyne.Theme }

func (t techTheme) app() fyne.Theme {
	if t.base != nil {
		return t.base
	}
	return fyne.CurrentApp().Settings().Theme()
}

var _ fyne.Theme = techTheme{}

// techSizes are the technician sizes. Touch targets are kept at least
// touchMin by layout (minSize), not by text size.
var techSizes = map[fyne.ThemeSizeName]float32{
	theme.SizeNameText:           17,
	theme.SizeNameHeadingText:    26,
	theme.SizeNameSubHeadingText: 21,
	theme.SizeNameCaptionText:    14,
	theme.SizeNamePadding:        5,
	theme.SizeNameInnerPadding:   10,
	theme.SizeNameLineSpacing:    4,
	theme.SizeNameInlineIcon:     22,
}

// touchMin is the smallest edge of anything a finger taps (docs/fyne-notes.md 1.2
// and the kiosk's 60 dp rule).
const touchMin = 64

// Color is the app theme's colour.
func (t techTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.app().Color(n, v)
}

// Font is the app theme's font: the kiosk's bundled CJK faces.
func (t techTheme) Font(s fyne.TextStyle) fyne.Resource { return t.app().Font(s) }

// Icon is the app theme's icon.
func (t techTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.app().Icon(n) }

// Size is the technician size for n, else the app theme's.
func (t techTheme) Size(n fyne.ThemeSizeName) float32 {
	if s, ok := techSizes[n]; ok {
		return s
	}
	return t.app().Size(n)
}

// minSize is a layout that stretches its objects over its area and asks
// for at least w×h, so a button whose text is small is still a touch
// target.
type minSize struct{ w, h float32 }

// Layout stretches every object over the area.
func (l minSize) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(s)
	}
}

// MinSize is the larger of the floor and the objects' own minimum.
func (l minSize) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(l.w, l.h)
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

// big wraps obj so that it is at least touchMin high and w wide.
func big(obj fyne.CanvasObject, w float32) fyne.CanvasObject {
	return &fyne.Container{Layout: minSize{w: w, h: touchMin}, Objects: []fyne.CanvasObject{obj}}
}
