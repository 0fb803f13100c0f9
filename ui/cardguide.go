package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// cardIllustration draws "place your ID card on the reader" with canvas
// primitives: the reader seen from above with its sensing area, an ID card
// (photo on the right, text lines on the left, as on the front of a 二代证)
// coming down onto it, and an arrow. Drawn, not a bitmap, so it scales to
// every screen size and needs no asset.
func cardIllustration() fyne.CanvasObject {
	rr := func(c fyne.ThemeColorName) *canvas.Rectangle {
		r := canvas.NewRectangle(theme.Color(c))
		return r
	}
	il := &cardLayout{
		reader: rr(colorNameReader),
		sensor: canvas.NewRectangle(color.Transparent),
		led:    rr(theme.ColorNameSuccess),
		shadow: canvas.NewRectangle(theme.Color(theme.ColorNameShadow)),
		card:   rr(colorNameCard),
		photo:  rr(colorNameCardDetail),
		arrow: [3]*canvas.Line{
			canvas.NewLine(theme.Color(theme.ColorNamePrimary)),
			canvas.NewLine(theme.Color(theme.ColorNamePrimary)),
			canvas.NewLine(theme.Color(theme.ColorNamePrimary)),
		},
	}
	il.sensor.StrokeColor = theme.Color(colorNameInfoBackground)
	il.card.StrokeColor = theme.Color(colorNameCardDetail)
	for i := range il.lines {
		il.lines[i] = rr(colorNameCardDetail)
	}
	objs := []fyne.CanvasObject{il.reader, il.sensor, il.led, il.shadow, il.card, il.photo}
	for _, l := range il.lines {
		objs = append(objs, l)
	}
	for _, a := range il.arrow {
		objs = append(objs, a)
	}
	return &fyne.Container{Layout: il, Objects: objs}
}

type cardLayout struct {
	reader, sensor, led, shadow, card, photo *canvas.Rectangle
	lines                                    [4]*canvas.Rectangle
	arrow                                    [3]*canvas.Line
}

func (l *cardLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	e := theme.Size(sizeNameTouchTarget) * 4
	return fyne.NewSize(e, e*0.75)
}

func (l *cardLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	// A 4:3 box, centred, holds the drawing.
	w := min(size.Width, size.Height*4/3)
	h := w * 3 / 4
	ox, oy := (size.Width-w)/2, (size.Height-h)/2
	place := func(o fyne.CanvasObject, x, y, ww, hh float32) {
		o.Move(fyne.NewPos(ox+x*w, oy+y*h))
		o.Resize(fyne.NewSize(ww*w, hh*h))
	}
	radius := w * 0.03

	place(l.reader, 0.14, 0.34, 0.72, 0.64)
	l.reader.CornerRadius = radius * 1.5
	place(l.sensor, 0.24, 0.46, 0.52, 0.40)
	l.sensor.CornerRadius = radius
	l.sensor.StrokeWidth = max(2, w*0.008)
	place(l.led, 0.78, 0.90, 0.03, 0.04)
	l.led.CornerRadius = w * 0.015

	// The card is an ID-1 card (85.6 × 54 mm) hovering just above the
	// sensing area, its shadow already on it.
	cw, ch := float32(0.46), float32(0.46*54/85.6*4/3)
	place(l.shadow, 0.265, 0.23, cw, ch)
	l.shadow.CornerRadius = radius
	place(l.card, 0.25, 0.20, cw, ch)
	l.card.CornerRadius = radius
	l.card.StrokeWidth = max(1, w*0.004)
	place(l.photo, 0.25+cw*0.66, 0.20+ch*0.14, cw*0.26, ch*0.62)
	l.photo.CornerRadius = radius / 2
	for i, r := range l.lines {
		lw := cw * []float32{0.50, 0.34, 0.56, 0.44}[i]
		place(r, 0.25+cw*0.08, 0.20+ch*(0.16+float32(i)*0.18), lw, ch*0.07)
		r.CornerRadius = ch * h * 0.03
	}

	// A down arrow beside the card: shaft and two heads.
	ax, top, tip := ox+0.83*w, oy+0.06*h, oy+0.30*h
	stroke := max(3, w*0.014)
	head := w * 0.05
	for _, a := range l.arrow {
		a.StrokeWidth = stroke
	}
	l.arrow[0].Position1, l.arrow[0].Position2 = fyne.NewPos(ax, top), fyne.NewPos(ax, tip)
	l.arrow[1].Position1, l.arrow[1].Position2 = fyne.NewPos(ax-head, tip-head), fyne.NewPos(ax, tip)
	l.arrow[2].Position1, l.arrow[2].Position2 = fyne.NewPos(ax+head, tip-head), fyne.NewPos(ax, tip)
}
