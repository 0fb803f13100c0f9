package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// idleOverlay is the full-screen "还需要更多时间吗？ 10" countdown that flow's
// idle session asks for before it wipes the transaction and goes home
// (docs/fyne-notes.md 1.11). It covers the whole window, so nothing under it can be
// tapped by accident; a tap anywhere on it, or "continue", keeps the session.
type idleOverlay struct {
	k *Kiosk

	remaining int
	seconds   *canvas.Text
	cont      *widget.Button
	home      *widget.Button
}

func (o *idleOverlay) buildUI() fyne.CanvasObject {
	k := o.k
	o.seconds = canvas.NewText(strconv.Itoa(o.remaining), theme.Color(theme.ColorNamePrimary))
	o.seconds.TextSize = theme.Size(sizeNameCountdown)
	o.seconds.TextStyle.Bold = true
	o.seconds.Alignment = fyne.TextAlignCenter

	o.cont = newButton(k.t("idle.continue"), theme.ConfirmIcon(), widget.HighImportance, k.onIdleContinue)
	o.home = newButton(k.t("idle.home"), theme.HomeIcon(), widget.MediumImportance, k.onIdleHome)

	box := container.NewVBox(
		block(fyne.TextAlignCenter, para{text: k.t("idle.title"), size: theme.SizeNameHeadingText, bold: true}),
		o.seconds,
	)
	if k.cardOn {
		// Said plainly, before the visit ends: the card is what a citizen
		// walking away leaves behind.
		box.Add(panel(colorNameNoticeBackground, block(fyne.TextAlignCenter,
			para{text: k.t("idle.card"), size: theme.SizeNameSubHeadingText, bold: true, color: colorNameNoticeForeground})))
	}
	box.Add(block(fyne.TextAlignCenter, para{text: k.t("idle.hint")}))
	box.Add(vspace(2))
	box.Add(actionRow(o.cont, o.home))
	card := outlined(colorNameSurface, box)
	w := theme.Size(sizeNameTouchTarget) * 9
	return container.NewStack(
		newScrim(k.onIdleContinue),
		container.NewCenter(minSize(card, fyne.NewSize(w, 1))),
	)
}

// setRemaining updates the seconds shown.
func (o *idleOverlay) setRemaining(n int) {
	o.remaining = n
	if o.seconds != nil {
		o.seconds.Text = strconv.Itoa(n)
		o.seconds.Refresh()
		// Straight to the window's canvas, as repaintOverlay explains.
		o.k.win.Canvas().Refresh(o.seconds)
	}
}

// scrim is the dark, tappable backdrop of an overlay. A plain rectangle is
// not tappable, so taps would fall through to the screen underneath.
type scrim struct {
	widget.BaseWidget
	onTap func()
}

func newScrim(onTap func()) *scrim {
	s := &scrim{onTap: onTap}
	s.ExtendBaseWidget(s)
	return s
}

// Tapped calls the scrim's action.
func (s *scrim) Tapped(*fyne.PointEvent) {
	if s.onTap != nil {
		s.onTap()
	}
}

// CreateRenderer draws the darkened backdrop.
func (s *scrim) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(theme.Color(colorNameScrim)))
}
