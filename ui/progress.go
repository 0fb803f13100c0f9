package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/flow"
)

// progressScreen is 办件进度: receipt number (typed or scanned) → the last
// four characters of the ID number (typed, or read from the card) → where
// the application stands, driven by flow.ProgressFlow. It needs the back
// office; offline, flow says so and the screen says where to ask instead.
type progressScreen struct {
	k  *Kiosk
	f  *flow.ProgressFlow
	s  flow.ProgressSnapshot
	kp *keypad

	stepPage int
}

func (s *progressScreen) start() {
	s.s, s.stepPage = flow.ProgressSnapshot{}, 0
	s.f.Start()
}

func (s *progressScreen) refresh() {}

// update shows a new snapshot; a keypad key only updates the display field.
func (s *progressScreen) update(snap flow.ProgressSnapshot) {
	prev := s.s
	s.s = snap
	if snap.State != prev.State {
		s.stepPage = 0
	}
	redraw(s.k, s, s.kp, prev, snap, snap.Input.Value)
}

func (s *progressScreen) buildUI() fyne.CanvasObject {
	k, snap := s.k, s.s
	title := k.t("progress.title")
	s.kp = nil
	switch snap.State {
	case flow.ProgressReceipt:
		if snap.Input.Kind == flow.InputNone {
			break // not started yet
		}
		s.kp = k.newKeypad(snap.Input, k.t("progress.receipt_placeholder"), s.f.Key, s.f.Backspace, s.f.Submit)
		info := k.entryInfo(snap.Scanning, "progress.scan_hint", snap.Problem)
		return k.page(title, k.t("progress.receipt_step"), s.kp.buildUI(info...), nil)

	case flow.ProgressIdentity:
		s.kp = k.newKeypad(snap.Input, k.t("progress.last4_placeholder"), s.f.Key, s.f.Backspace, s.f.Submit)
		info := k.entryInfo(false, "", snap.Problem,
			block(fyne.TextAlignLeading, para{text: k.t("progress.receipt_is", "Receipt", snap.Receipt)}))
		var extra []fyne.CanvasObject
		if snap.CardAvailable {
			// Beside the navigation, where it takes no height from the keys.
			extra = append(extra, k.button(k.t("progress.use_card"), iconIDCard, widget.MediumImportance, s.f.UseCard))
		}
		return k.pageWith(title, k.t("progress.last4_step"), s.kp.buildUI(info...), k.navBar(s.f.Back, extra...))

	case flow.ProgressCard:
		return k.page(k.t("card.title"), title, k.cardGuide(k.t("progress.card_note"), false), s.f.Back)

	case flow.ProgressLooking:
		return k.busyPage(title, k.t("progress.looking"), "", nil)

	case flow.ProgressResult:
		if snap.Result != nil {
			return k.page(title, k.t("progress.receipt_is", "Receipt", snap.Result.Receipt), s.result(), s.f.Back)
		}

	case flow.ProgressFailed:
		return k.failedPage(title, "", snap.Problem, when(snap.CanRetry, s.f.Retry), when(snap.Receipt != "", s.f.Back))
	}
	return k.busyPage(title, k.t("common.loading"), "", nil)
}

// result shows the application's status, its steps (done or to come, with
// their dates) and where to collect the result.
func (s *progressScreen) result() fyne.CanvasObject {
	k, r := s.k, s.s.Result
	status := k.t("progress.status." + r.Status)
	if msg := k.text(r.StatusMsg); msg != "" {
		status = msg
	}
	pickup := ""
	if p := k.text(r.Pickup); p != "" {
		pickup = k.t("progress.pickup", "Pickup", p)
	}
	head := container.NewVBox(
		block(fyne.TextAlignLeading, para{text: k.text(r.Service), size: theme.SizeNameSubHeadingText, bold: true}),
		panel(colorNameInfoBackground, block(fyne.TextAlignLeading,
			para{text: status, size: theme.SizeNameSubHeadingText, bold: true},
			para{text: pickup},
		)),
	)
	// Each step is a line: done steps with their date, the rest greyed.
	rows := make([]fyne.CanvasObject, 0, len(r.Steps))
	for _, st := range r.Steps {
		name := k.text(st.Name)
		p := para{text: k.t("progress.step_todo", "Step", name), color: theme.ColorNameDisabled}
		if st.Done {
			if st.At != nil {
				name = k.t("progress.step_done_at", "Step", name, "At", k.formatClock(*st.At))
			}
			p = para{text: k.t("progress.step_done", "Step", name), bold: true, color: theme.ColorNameSuccess}
		}
		rows = append(rows, block(fyne.TextAlignLeading, p))
	}
	return container.NewBorder(head, nil, nil, nil, k.newPagedColumn(rows, &s.stepPage))
}
