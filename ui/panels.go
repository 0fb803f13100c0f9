package ui

import (
	"image/color"

	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// problemView is a failure as the screens show it: flow.Problem's codes
// (Reason.String(), Advice.String()) and the time the citizen can come back.
// The words come from the translations: "reason.<code>" says what happened,
// "advice.<code>" what to do.
type problemView struct {
	Reason string
	Advice string
	At     time.Time
}

// problemPanel shows what went wrong and what to do, with the actions that
// apply (try again, another method …) as large buttons. Every failure screen
// is one of these, so no failure is ever a dead end.
func (k *Kiosk) problemPanel(p problemView, actions ...fyne.CanvasObject) fyne.CanvasObject {
	title := coloredWrap(k.t("reason."+p.Reason), colorNameProblemForeground, theme.SizeNameSubHeadingText, true)
	advice := newText(k.adviceText(p), theme.SizeNameText, false, true)
	icon := coloredIcon(theme.WarningIcon(), colorNameProblemForeground, theme.Size(sizeNameTileIcon))
	box := container.NewVBox(container.NewBorder(nil, nil, icon, nil, title), advice)
	card := panel(colorNameProblemBackground, box)
	if len(actions) == 0 {
		return container.NewVBox(card)
	}
	return container.NewVBox(card, actionRow(actions...))
}

// adviceText is the "what to do" sentence of p, with its time filled in.
func (k *Kiosk) adviceText(p problemView) string {
	at := ""
	if !p.At.IsZero() {
		at = k.formatClock(p.At)
	}
	return k.t("advice."+p.Advice, "At", at)
}

// actionRow lays out action buttons in equal columns, each at least a touch
// target high.
func actionRow(actions ...fyne.CanvasObject) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(actions))
	for i, a := range actions {
		objs[i] = touchMin(a)
	}
	return container.NewGridWithColumns(len(objs), objs...)
}

// busyPanel shows that the kiosk is working (reading the card, printing,
// asking the back office): an animated bar and one sentence.
func busyPanel(title, hint string) fyne.CanvasObject {
	bar := widget.NewProgressBarInfinite()
	h := theme.Size(theme.SizeNamePadding) * 2
	return container.NewVBox(
		centered(title, theme.SizeNameSubHeadingText, true),
		minSize(bar, fyne.NewSize(theme.Size(sizeNameTouchTarget)*4, h)),
		centered(hint, theme.SizeNameText, false),
	)
}

// ticketView is an issued ticket as the result panel shows it (flow's
// TicketResult in the session language).
type ticketView struct {
	Number  string
	Service string
	// PeopleAhead < 0 means unknown (numbered offline).
	PeopleAhead    int
	EstWaitMinutes int
	Counters       string
	Offline        bool
	Priority       bool
	Late           bool
	// Printing is true while the ticket is being printed.
	Printing bool
	// PrintProblem is set when the printer failed after the ticket was
	// committed: the number is the citizen's only record, so it stays large.
	PrintProblem *problemView
}

// ticketPanel shows the queue number very large, then people ahead, the
// counters and any notice (offline numbering, printer failure).
func (k *Kiosk) ticketPanel(v ticketView) fyne.CanvasObject {
	caption := centered(k.t("ticket.your_number"), theme.SizeNameSubHeadingText, false)
	num := canvas.NewText(v.Number, theme.Color(theme.ColorNamePrimary))
	num.TextSize = theme.Size(sizeNameTicketNumber)
	num.TextStyle.Bold = true
	num.Alignment = fyne.TextAlignCenter

	lines := []fyne.CanvasObject{caption, num}
	if v.Service != "" {
		lines = append(lines, centered(v.Service, theme.SizeNameSubHeadingText, true))
	}
	if v.Priority {
		lines = append(lines, centered(k.t("ticket.priority"), theme.SizeNameText, false))
	}
	if v.Late {
		lines = append(lines, centered(k.t("ticket.late"), theme.SizeNameText, false))
	}
	switch {
	case v.PeopleAhead < 0:
		lines = append(lines, centered(k.t("ticket.ahead_unknown"), theme.SizeNameText, false))
	case v.EstWaitMinutes > 0:
		lines = append(lines, centered(k.t("ticket.ahead_wait", "N", v.PeopleAhead, "Min", v.EstWaitMinutes), theme.SizeNameText, false))
	default:
		lines = append(lines, centered(k.t("ticket.ahead", "N", v.PeopleAhead), theme.SizeNameText, false))
	}
	if v.Counters != "" {
		lines = append(lines, centered(k.t("ticket.counters", "Counters", v.Counters), theme.SizeNameText, false))
	}
	card := outlined(colorNameSurface, container.NewVBox(lines...))

	var notes []fyne.CanvasObject
	if v.Offline {
		notes = append(notes, panel(colorNameNoticeBackground,
			coloredWrap(k.t("ticket.offline_note"), colorNameNoticeForeground, theme.SizeNameText, false)))
	}
	switch {
	case v.Printing:
		notes = append(notes, busyPanel(k.t("ticket.printing"), k.t("ticket.printing_hint")))
	case v.PrintProblem != nil:
		notes = append(notes, panel(colorNameNoticeBackground, container.NewVBox(
			coloredWrap(k.t("ticket.print_failed"), colorNameNoticeForeground, theme.SizeNameSubHeadingText, true),
			coloredWrap(k.t("ticket.print_failed_advice"), colorNameNoticeForeground, theme.SizeNameText, false),
		)))
	default:
		notes = append(notes, centered(k.t("ticket.take_ticket"), theme.SizeNameText, true))
	}
	return container.NewVBox(append([]fyne.CanvasObject{card}, notes...)...)
}

// hintPanel is a pale-blue box with one or two sentences of guidance.
func hintPanel(text string) fyne.CanvasObject {
	return panel(colorNameInfoBackground, newText(text, theme.SizeNameText, false, true))
}

// vspace is vertical space of n paddings.
func vspace(n float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(1, n*theme.Size(theme.SizeNamePadding)))
	return r
}

var _ = layout.NewSpacer
