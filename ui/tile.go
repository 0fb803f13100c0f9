package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tile is a large tappable card: an icon, a title and a line under it. A tile
// that cannot work now is shown disabled with the reason in place of that
// line, not hidden, so the citizen learns what the kiosk offers and why it
// cannot do it at the moment.
type Tile struct {
	widget.BaseWidget

	// Icon is drawn in the primary colour (grey when disabled); may be nil.
	Icon fyne.Resource
	// Title is the tile's name.
	Title string
	// Subtitle is the line under the title while enabled.
	Subtitle string
	// KeepSubtitle makes Subtitle a requirement ("ID card needed") rather
	// than a nicety: on a tile too small for all its text, the title
	// shrinks before the subtitle goes.
	KeepSubtitle bool
	// Reason replaces Subtitle while the tile is disabled.
	Reason string
	// Hint follows Reason while disabled: what to do instead. It is the
	// first line dropped when the tile is too small for all its text.
	Hint string
	// OnTapped runs when an enabled tile is tapped.
	OnTapped func()
	// Selected fills the tile with the primary colour: a chosen level or
	// reason among several.
	Selected bool
	// Small sets the title in body text rather than subheading: for choice
	// tiles (levels, reasons), which are many to a page.
	Small bool

	disabled bool
	pressed  bool
}

var (
	_ fyne.Tappable     = (*Tile)(nil)
	_ fyne.Disableable  = (*Tile)(nil)
	_ desktop.Mouseable = (*Tile)(nil)
)

// NewTile returns an enabled tile.
func NewTile(icon fyne.Resource, title, subtitle string, tapped func()) *Tile {
	t := &Tile{Icon: icon, Title: title, Subtitle: subtitle, OnTapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped calls OnTapped unless the tile is disabled.
func (t *Tile) Tapped(*fyne.PointEvent) {
	if t.disabled || t.OnTapped == nil {
		return
	}
	t.OnTapped()
}

// MouseDown shows the pressed colour: a touch reaches Fyne as a mouse press
// under X11 (docs/fyne-notes.md 1.2), and a finger needs to see that it hit.
func (t *Tile) MouseDown(*desktop.MouseEvent) {
	if t.disabled {
		return
	}
	t.pressed = true
	t.Refresh()
}

// MouseUp clears the pressed colour.
func (t *Tile) MouseUp(*desktop.MouseEvent) {
	if !t.pressed {
		return
	}
	t.pressed = false
	t.Refresh()
}

// Disable shows the tile greyed out with its Reason, and ignores taps.
func (t *Tile) Disable() {
	t.disabled = true
	t.Refresh()
}

// Enable makes the tile tappable again.
func (t *Tile) Enable() {
	t.disabled = false
	t.Refresh()
}

// Disabled reports whether the tile is disabled.
func (t *Tile) Disabled() bool { return t.disabled }

// CreateRenderer builds the tile's card.
func (t *Tile) CreateRenderer() fyne.WidgetRenderer {
	r := &tileRenderer{t: t}
	r.bg = canvas.NewRectangle(color.Transparent)
	r.press = canvas.NewRectangle(color.Transparent)
	r.icon = canvas.NewImageFromResource(nil)
	r.icon.FillMode = canvas.ImageFillContain
	r.title = wrapText()
	r.sub = wrapText()
	r.hint = wrapText()
	r.lay = &tileLayout{}
	r.box = container.New(r.lay, r.icon, r.title, r.sub, r.hint)
	r.Refresh()
	return r
}

func wrapText() *lineText { return newLineText(&widget.TextSegment{}) }

type tileRenderer struct {
	t                *Tile
	bg               *canvas.Rectangle
	press            *canvas.Rectangle
	icon             *canvas.Image
	title, sub, hint *lineText
	lay              *tileLayout
	box              *fyne.Container
}

func (r *tileRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.press, r.box}
}

func (r *tileRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	r.press.Resize(s)
	// The texts pad themselves by InnerPadding; the box only adds a
	// little more, so a small landscape tile keeps room for its text.
	pad := theme.Size(theme.SizeNamePadding)
	r.box.Move(fyne.NewPos(pad, pad))
	r.box.Resize(s.SubtractWidthHeight(2*pad, 2*pad))
}

func (r *tileRenderer) MinSize() fyne.Size {
	pad := theme.Size(theme.SizeNamePadding)
	m := r.box.MinSize().AddWidthHeight(2*pad, 2*pad)
	ts := theme.Size(sizeNameTouchTarget)
	if r.t.Icon == nil || r.t.Small {
		return m.Max(fyne.NewSize(ts*2, ts))
	}
	return m.Max(fyne.NewSize(ts*2, ts*2))
}

func (r *tileRenderer) Refresh() {
	t := r.t
	radius := theme.Size(theme.SizeNameInputRadius) * 1.5
	r.bg.CornerRadius = radius
	r.bg.StrokeWidth = theme.Size(theme.SizeNameSeparatorThickness)
	r.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	r.press.CornerRadius = radius
	r.press.FillColor = theme.Color(theme.ColorNamePressed)
	r.press.Hidden = !t.pressed

	iconColor, titleColor, subColor := theme.ColorNamePrimary, theme.ColorNameForeground, theme.ColorNameForeground
	r.bg.FillColor = theme.Color(colorNameSurface)
	switch {
	case t.disabled:
		r.bg.FillColor = theme.Color(theme.ColorNameDisabledButton)
		iconColor, titleColor = theme.ColorNameDisabled, theme.ColorNameDisabled
	case t.Selected:
		r.bg.FillColor = theme.Color(theme.ColorNamePrimary)
		r.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		iconColor, titleColor, subColor = theme.ColorNameForegroundOnPrimary, theme.ColorNameForegroundOnPrimary, theme.ColorNameForegroundOnPrimary
	}
	r.lay.icon = theme.Size(sizeNameTileIcon)
	if t.Small {
		r.lay.icon = theme.Size(theme.SizeNameInlineIcon)
	}
	r.lay.hasIcon = t.Icon != nil
	r.lay.subOptional = !t.disabled && !t.KeepSubtitle
	if t.Icon != nil {
		r.icon.Resource = theme.NewColoredResource(t.Icon, iconColor)
	} else {
		r.icon.Resource = nil
	}
	r.icon.Refresh()

	r.lay.titleSize = theme.SizeNameSubHeadingText
	r.lay.small = t.Small
	if t.Small {
		r.lay.titleSize = theme.SizeNameText
	}
	setText(r.title, t.Title, r.lay.titleSize, titleColor, true)
	if t.disabled {
		setText(r.sub, t.Reason, theme.SizeNameText, theme.ColorNameWarning, true)
		setText(r.hint, t.Hint, theme.SizeNameText, theme.ColorNameWarning, false)
	} else {
		setText(r.sub, t.Subtitle, theme.SizeNameText, subColor, false)
		setText(r.hint, "", theme.SizeNameText, theme.ColorNameForeground, false)
	}
	r.bg.Refresh()
	r.press.Refresh()
}

func (r *tileRenderer) Destroy() {}

// setText sets the one segment of a rich text.
func setText(rt *lineText, s string, size fyne.ThemeSizeName, c fyne.ThemeColorName, bold bool) {
	seg := rt.Segments[0].(*widget.TextSegment)
	seg.Style = widget.RichTextStyle{Inline: true, SizeName: size, ColorName: c, TextStyle: fyne.TextStyle{Bold: bold}, Alignment: seg.Style.Alignment}
	rt.setSource(0, s, "")
}

// tileLayout places a tile's icon, title, line and hint. A wide tile
// (landscape grids) puts the icon left of the text, a tall one (portrait)
// above it; in both the group is centred. Wrapped text is measured at the
// width it gets, which a VBox cannot do (it asks a wrapping label for its
// height before the label knows its width). When the text does not fit
// (elder mode on a small landscape panel), the hint goes first, then the
// icon of a tall tile, then the title shrinks to body text: title and
// reason always stay.
type tileLayout struct {
	icon    float32 // icon edge
	hasIcon bool
	// subOptional lets the line under the title go too: an enabled tile's
	// subtitle is a nicety, a disabled tile's reason is not.
	subOptional bool
	titleSize   fyne.ThemeSizeName
	// small tiles put a small icon beside the title (a check box), so
	// their least height is one line, not icon plus line.
	small bool
}

func (l *tileLayout) wide(s fyne.Size) bool { return s.Width > s.Height*1.6 }

// textHeight resizes o to width w and returns the height its wrapped text
// then needs; 0 for an empty text.
func textHeight(o *lineText, w float32) float32 {
	if o.String() == "" {
		return 0
	}
	o.Resize(fyne.NewSize(w, o.Size().Height))
	return o.MinSize().Height
}

func (l *tileLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	icon := objs[0].(*canvas.Image)
	title, sub, hint := objs[1].(*lineText), objs[2].(*lineText), objs[3].(*lineText)
	// Each text pads itself by ip on every side; consecutive texts overlap
	// by one ip so lines are ip apart, not 2×ip.
	ip := theme.Size(theme.SizeNameInnerPadding)
	e := float32(0)
	if l.hasIcon {
		e = l.icon
	}
	wide := l.wide(s)
	tw, x := s.Width, float32(0)
	if wide && e > 0 {
		x = e + ip
		tw = s.Width - x
	}
	textSize(title, l.titleSize)
	th, sh, hh := textHeight(title, tw), textHeight(sub, tw), textHeight(hint, tw)
	iconH := e
	if wide || e == 0 {
		iconH = 0
	}
	fit := func() float32 {
		h := iconH
		n := 0
		for _, v := range []float32{th, sh, hh} {
			if v > 0 {
				h += v
				n++
			}
		}
		return h - float32(max(n-1, 0))*ip
	}
	if fit() > s.Height {
		hh = 0
	}
	// The line under the title, and the icon, stay while the texts
	// overflow by no more than one inner padding: that is only the last
	// text's own padding, its letters still inside (elder mode's home
	// tiles are a few dots short of room at 1280×800).
	if fit() > s.Height+ip && l.subOptional {
		sh = 0
	}
	if fit() > s.Height+ip && !wide {
		iconH = 0
	}
	if fit() > s.Height+ip && wide && e > 0 {
		// Without the icon the text gets the whole width, so fewer lines.
		e, x, tw = 0, 0, s.Width
		th, sh = textHeight(title, tw), textHeight(sub, tw)
		if l.subOptional && th+sh-ip > s.Height+ip {
			sh = 0
		}
	}
	if fit() > s.Height+ip && l.titleSize != theme.SizeNameText {
		// Still too tall: a two-line name over a two-line reason, in elder
		// mode on a small panel. The name goes down to body size, as on
		// choice tiles, rather than the reason spilling out of the tile.
		// Up to ip too tall only eats into the last line's own padding,
		// which leaves its letters inside.
		textSize(title, theme.SizeNameText)
		th = textHeight(title, tw)
	}
	icon.Hidden = e == 0 || (!wide && iconH == 0)
	hint.Hidden = hh == 0
	sub.Hidden = sh == 0
	y := max(0, (s.Height-fit())/2)
	a := fyne.TextAlignCenter
	if wide && e > 0 {
		a = fyne.TextAlignLeading
		icon.Move(fyne.NewPos(ip/2, (s.Height-e)/2))
	} else {
		icon.Move(fyne.NewPos((s.Width-e)/2, y+ip/2))
		y += iconH
	}
	icon.Resize(fyne.NewSquareSize(e))
	first := true
	for _, o := range []struct {
		rt *lineText
		h  float32
	}{{title, th}, {sub, sh}, {hint, hh}} {
		if o.h == 0 {
			continue
		}
		if !first {
			y -= ip
		}
		first = false
		o.rt.Move(fyne.NewPos(x, y))
		o.rt.Resize(fyne.NewSize(tw, o.h))
		align(o.rt, a)
		y += o.h
	}
}

// MinSize is the title on one line under the icon: the grid decides the
// tile's size, and the tile wraps, drops and centres its text within it. It
// does not depend on the last layout, so the grid's minimum stays stable.
func (l *tileLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	size := l.titleSize
	if size == "" {
		size = theme.SizeNameSubHeadingText
	}
	line := fyne.MeasureText("M", theme.Size(size), fyne.TextStyle{Bold: true}).Height + 2*theme.Size(theme.SizeNameInnerPadding)
	h := line
	if l.hasIcon && !l.small {
		h += l.icon + theme.Size(theme.SizeNamePadding)
	}
	return fyne.NewSize(l.icon, h)
}

// textSize sets the text size of a one-segment rich text.
func textSize(rt *lineText, size fyne.ThemeSizeName) {
	seg := rt.Segments[0].(*widget.TextSegment)
	if size != "" && seg.Style.SizeName != size {
		seg.Style.SizeName = size
		rt.Refresh()
	}
}

// align sets the alignment of a one-segment rich text.
func align(o fyne.CanvasObject, a fyne.TextAlign) {
	rt, ok := o.(*lineText)
	if !ok {
		return
	}
	seg := rt.Segments[0].(*widget.TextSegment)
	if seg.Style.Alignment != a {
		seg.Style.Alignment = a
		rt.Refresh()
	}
}
