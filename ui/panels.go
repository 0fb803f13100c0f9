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

	"hallkiosk/flow"
)

// problemView is a failure as the screens show it: flow.Problem's codes
// (Reason.String(), Advice.String()) and the time the citizen can come back.
// The words come from the translations: "reason.<code>" says what happened,
// "advice.<code>" what to do.
type problemView struct {
	Reason string
	Advice string
	At     time.Time
	// Minutes is the wait before trying again, rounded up (advice
	// try_later); 0 when unknown.
	Minutes int
}

// problemPanel shows what went wrong and what to do, with the actions that
// apply (try again, another method …) as large buttons. Every failure screen
// is one of these, so no failure is ever a dead end.
func (k *Kiosk) problemPanel(p problemView, actions ...fyne.CanvasObject) fyne.CanvasObject {
	text := block(fyne.TextAlignLeading,
		para{text: k.t("reason." + p.Reason), size: theme.SizeNameSubHeadingText, bold: true, color: colorNameProblemForeground},
		para{text: k.adviceText(p)},
	)
	icon := coloredIcon(theme.WarningIcon(), colorNameProblemForeground, theme.Size(sizeNameTileIcon))
	card := panel(colorNameProblemBackground, container.NewBorder(nil, nil, container.NewVBox(icon), nil, text))
	if len(actions) == 0 {
		return card
	}
	return container.NewVBox(card, actionRow(actions...))
}

// failurePanel is problemPanel for a flow's problem, with "try again"
// first when retry is set, then the screen's other ways on.
func (k *Kiosk) failurePanel(p *flow.Problem, retry func(), more ...fyne.CanvasObject) fyne.CanvasObject {
	var actions []fyne.CanvasObject
	if retry != nil {
		actions = append(actions, k.retryButton(p, retry))
	}
	pv, _ := problemOf(p)
	panel := k.problemPanel(pv, append(actions, more...)...)
	if r := k.cardReminder(); r != nil {
		return container.NewVBox(r, panel)
	}
	return panel
}

// cardReminder asks the citizen to take her ID card back while the card
// read in this visit lies on the reader (nil otherwise). It names no one:
// the card's data never appear in it.
func (k *Kiosk) cardReminder() fyne.CanvasObject {
	if !k.cardOn {
		return nil
	}
	icon := coloredIcon(iconIDCard, colorNameNoticeForeground, theme.Size(sizeNameTileIcon))
	return panel(colorNameNoticeBackground, container.NewBorder(nil, nil, container.NewVBox(icon), nil,
		block(fyne.TextAlignLeading,
			para{text: k.t("card.take_back"), size: theme.SizeNameSubHeadingText, bold: true, color: colorNameNoticeForeground},
			para{text: k.t("card.take_back_hint"), color: colorNameNoticeForeground},
		)))
}

// cardChip is cardReminder in one line, for the bar of a result page and
// the greeting's line on the home screen: they keep all their height for
// the ticket's number and the tiles.
func (k *Kiosk) cardChip() fyne.CanvasObject {
	if !k.cardOn {
		return nil
	}
	icon := coloredIcon(iconIDCard, colorNameNoticeForeground, theme.Size(theme.SizeNameInlineIcon)*1.5)
	return panelTight(colorNameNoticeBackground, container.NewHBox(
		container.NewCenter(icon),
		container.NewCenter(colored(k.t("card.take_back"), colorNameNoticeForeground, theme.SizeNameSubHeadingText, true)),
	))
}

// failedPage is the page of a transaction's failed step: the failure panel
// at the top, and the way back.
func (k *Kiosk) failedPage(title, step string, p *flow.Problem, retry, back func(), more ...fyne.CanvasObject) fyne.CanvasObject {
	return k.page(title, step, container.NewVBox(k.failurePanel(p, retry, more...), layout.NewSpacer()), back)
}

// retryButton is "try again", worded for the step that failed.
func (k *Kiosk) retryButton(p *flow.Problem, retry func()) *widget.Button {
	text := k.t("action.retry")
	if p != nil && p.Advice == flow.AdviceReplaceCard {
		text = k.t("action.retry_card")
	}
	return k.button(text, theme.ViewRefreshIcon(), widget.HighImportance, retry)
}

// noticePanel is a one-line problem above a keypad or a list: the reason
// and what to do, without leaving the step.
func (k *Kiosk) noticePanel(p problemView) fyne.CanvasObject {
	return panel(colorNameProblemBackground, block(fyne.TextAlignLeading,
		para{text: k.t("reason." + p.Reason), bold: true, color: colorNameProblemForeground},
		para{text: k.adviceText(p)},
	))
}

// entryInfo is what goes above a keypad's field: the step's own lines,
// the scan hint (scanHintKey) while the scanner waits as well, and the
// problem of the last try.
func (k *Kiosk) entryInfo(scanning bool, scanHintKey string, p *flow.Problem, lines ...fyne.CanvasObject) []fyne.CanvasObject {
	info := lines
	if scanning {
		info = append(info, hintPanel(k.t(scanHintKey)))
	}
	if pv, ok := problemOf(p); ok {
		info = append(info, k.noticePanel(pv))
	}
	return info
}

// adviceText is the "what to do" sentence of p, with its time filled in.
func (k *Kiosk) adviceText(p problemView) string {
	at := ""
	if !p.At.IsZero() {
		at = k.formatClock(p.At)
	}
	return k.t("advice."+p.Advice, "At", at, "Min", p.Minutes)
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
// asking the back office): one sentence, a slim animated bar, a hint.
func busyPanel(title, hint string) fyne.CanvasObject {
	w := theme.Size(sizeNameTouchTarget) * 6
	box := container.NewVBox(
		block(fyne.TextAlignCenter, para{text: title, size: theme.SizeNameSubHeadingText, bold: true}),
		activity(),
	)
	if hint != "" {
		box.Add(block(fyne.TextAlignCenter, para{text: hint}))
	}
	return minSize(box, fyne.NewSize(w, 1))
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
	// MaskedID is the card's number as flow masked it (110101********1234).
	MaskedID string
	// Slot is a check-in's booked time ("预约时间：10:30 - 11:00").
	Slot string
	// Printing is true while the ticket is being printed.
	Printing bool
	// PrintProblem is set when the printer failed after the ticket was
	// committed: the number is the citizen's only record, so it stays large.
	PrintProblem *problemView
}

// ticketNumber is the number card: very large, in the primary colour, with
// the service under it.
func (k *Kiosk) ticketNumber(v ticketView) fyne.CanvasObject {
	num := canvas.NewText(v.Number, theme.Color(theme.ColorNamePrimary))
	num.TextSize = theme.Size(sizeNameTicketNumber)
	num.TextStyle.Bold = true
	num.Alignment = fyne.TextAlignCenter
	caption := k.t("ticket.your_number")
	if v.Priority {
		caption = k.t("ticket.your_priority_number")
	}
	sub := para{}
	if v.Late {
		sub = para{text: k.t("ticket.late")}
	}
	return outlined(colorNameSurface, container.NewVBox(
		layout.NewSpacer(),
		block(fyne.TextAlignCenter, para{text: caption, size: theme.SizeNameSubHeadingText}),
		fitted(num), // long offline numbers (A07-015) shrink to the card
		block(fyne.TextAlignCenter, para{text: v.Service, size: theme.SizeNameSubHeadingText, bold: true}, sub),
		layout.NewSpacer(),
	))
}

// ticketInfo is what goes with the number: people ahead, counters, and any
// notice (numbered offline, printing, printer failed).
func (k *Kiosk) ticketInfo(v ticketView) fyne.CanvasObject {
	ahead := ""
	switch {
	case v.PeopleAhead < 0:
		ahead = k.t("ticket.ahead_unknown")
	case v.EstWaitMinutes > 0:
		ahead = k.t("ticket.ahead_wait", "N", v.PeopleAhead, "Min", v.EstWaitMinutes)
	default:
		ahead = k.t("ticket.ahead", "N", v.PeopleAhead)
	}
	counters, id := "", ""
	if v.Counters != "" {
		counters = k.t("ticket.counters", "Counters", v.Counters)
	}
	// One window a line, the later ones under the first.
	hang := k.t("ticket.counters", "Counters", "")
	if v.MaskedID != "" {
		id = k.t("ticket.id", "ID", v.MaskedID)
	}
	parts := []fyne.CanvasObject{block(fyne.TextAlignLeading,
		para{text: ahead, size: theme.SizeNameSubHeadingText, bold: true},
		para{text: counters, hang: hang},
		para{text: v.Slot},
		para{text: id},
	)}
	if v.Offline {
		parts = append(parts, panel(colorNameNoticeBackground, block(fyne.TextAlignLeading,
			para{text: k.t("ticket.offline_note"), color: colorNameNoticeForeground})))
	}
	switch {
	case v.Printing:
		parts = append(parts, busyPanel(k.t("ticket.printing"), k.t("ticket.printing_hint")))
	case v.PrintProblem != nil:
		parts = append(parts, panel(colorNameNoticeBackground, block(fyne.TextAlignLeading,
			para{text: k.t("ticket.print_failed"), size: theme.SizeNameSubHeadingText, bold: true, color: colorNameNoticeForeground},
			para{text: k.t("ticket.print_failed_advice"), color: colorNameNoticeForeground},
		)))
	default:
		parts = append(parts, block(fyne.TextAlignLeading, para{text: k.t("ticket.take_ticket"), bold: true}))
	}
	return container.NewVBox(parts...)
}

// hintPanel is a pale-blue box with one or two sentences of guidance.
func hintPanel(text string) fyne.CanvasObject {
	return panel(colorNameInfoBackground, block(fyne.TextAlignLeading, para{text: text}))
}

// vspace is vertical space of n paddings.
func vspace(n float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(1, n*theme.Size(theme.SizeNamePadding)))
	return r
}
