package ui

import (
	"reflect"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/flow"
)

// checkInScreen is 预约签到: choose ID card, booking QR or code → wait or
// type → the appointment → the priority ticket, driven by flow.CheckInFlow.
// Every failure offers the same way again and the other ways.
type checkInScreen struct {
	k  *Kiosk
	f  *flow.CheckInFlow
	s  flow.CheckInSnapshot
	kp *keypad
}

func (s *checkInScreen) start()   { s.s = flow.CheckInSnapshot{}; s.f.Start() }
func (s *checkInScreen) refresh() {}

// update shows a new snapshot; a keypad key only updates the display field.
func (s *checkInScreen) update(snap flow.CheckInSnapshot) {
	prev := s.s
	s.s = snap
	redraw(s.k, s, s.kp, prev, snap, snap.Input.Value)
}

// onlyInputChanged reports whether two snapshots differ only in the typed
// value, so the screen can update its display field instead of rebuilding.
func onlyInputChanged[S any](a, b S) bool {
	va, vb := reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()
	fa, fb := va.FieldByName("Input"), vb.FieldByName("Input")
	if !fa.IsValid() || fa.Interface().(flow.Input).Kind == flow.InputNone {
		return false
	}
	fa.Set(fb)
	return reflect.DeepEqual(a, b)
}

func (s *checkInScreen) buildUI() fyne.CanvasObject {
	k, snap := s.k, s.s
	title := k.t("checkin.title")
	s.kp = nil
	switch snap.State {
	case flow.CheckInChoose:
		return k.page(title, k.t("checkin.choose"), k.methodTiles(snap.Methods, ""), nil)

	case flow.CheckInCard:
		return k.page(k.t("card.title"), title, k.cardGuide(k.t("checkin.card_note"), snap.CardLying), s.f.Back)

	case flow.CheckInScan:
		return k.page(title, k.t("checkin.scan_step"), k.scanGuide(k.t("checkin.scan_what")), s.f.Back)

	case flow.CheckInKeypad:
		s.kp = k.newKeypad(snap.Input, k.t("checkin.code_placeholder"), s.f.Key, s.f.Backspace, s.f.Submit)
		body := s.kp.buildUI(block(fyne.TextAlignLeading, para{text: k.t("checkin.code_hint")}))
		return k.page(title, k.t("checkin.code_step"), body, s.f.Back)

	case flow.CheckInFinding:
		return k.busyPage(title, k.t("checkin.finding"), "", nil)

	case flow.CheckInIssuing:
		return k.page(title, "", container.NewVBox(k.appointmentPanel(snap.Appointment), container.NewCenter(busyPanel(k.t("checkin.issuing"), ""))), nil)

	case flow.CheckInPrinting, flow.CheckInDone:
		return k.resultPageFor(title, k.t("checkin.issuing"), snap.Result, snap.Appointment, snap.State == flow.CheckInPrinting, s.f.RetryPrint)

	case flow.CheckInFailed:
		var late []fyne.CanvasObject
		if snap.CanTakeLate {
			late = append(late, k.button(k.t("checkin.take_late"), nil, widget.HighImportance, s.f.AcceptLate))
		}
		side := container.NewVBox()
		if snap.Appointment != nil {
			side.Add(k.appointmentPanel(snap.Appointment))
		}
		if others := k.otherMethods(snap); others != nil {
			side.Add(block(fyne.TextAlignLeading, para{text: k.t("checkin.other_ways"), bold: true}))
			side.Add(others)
		}
		failure := k.failurePanel(snap.Problem, when(snap.CanRetry, s.f.Retry), late...)
		return k.page(title, "", container.New(&flex{weights: []float32{1, 1}}, failure, side), s.f.Back)
	}
	return k.busyPage(title, k.t("common.loading"), "", nil)
}

// methodTiles are the ways to check in, as tiles; skip leaves one out.
func (k *Kiosk) methodTiles(methods []flow.CheckInMethod, skip flow.CheckInMethod) fyne.CanvasObject {
	f := k.checkIn.f
	var items []fyne.CanvasObject
	for _, m := range methods {
		if m == skip {
			continue
		}
		switch m {
		case flow.MethodCard:
			items = append(items, NewTile(iconIDCard, k.t("checkin.card"), k.t("checkin.card_sub"), k.tap(f.UseCard)))
		case flow.MethodScan:
			items = append(items, NewTile(iconQR, k.t("checkin.scan"), k.t("checkin.scan_sub"), k.tap(f.UseScanner)))
		case flow.MethodKeypad:
			items = append(items, NewTile(iconKeypad, k.t("checkin.code"), k.t("checkin.code_sub"), k.tap(f.UseKeypad)))
		}
	}
	return container.New(&tileGrid{n: max(len(items), 1)}, items...)
}

// otherMethods offers the ways not tried in the failure; nil when none.
func (k *Kiosk) otherMethods(snap flow.CheckInSnapshot) fyne.CanvasObject {
	f := k.checkIn.f
	var buttons []fyne.CanvasObject
	for _, m := range snap.Methods {
		if m == snap.Method {
			continue
		}
		switch m {
		case flow.MethodCard:
			buttons = append(buttons, k.button(k.t("checkin.card"), iconIDCard, widget.MediumImportance, f.UseCard))
		case flow.MethodScan:
			buttons = append(buttons, k.button(k.t("checkin.scan"), iconQR, widget.MediumImportance, f.UseScanner))
		case flow.MethodKeypad:
			buttons = append(buttons, k.button(k.t("checkin.code"), iconKeypad, widget.MediumImportance, f.UseKeypad))
		}
	}
	if len(buttons) == 0 {
		return nil
	}
	for i, b := range buttons {
		buttons[i] = touchMin(b)
	}
	return container.NewVBox(buttons...)
}

// appointmentPanel shows the appointment found: service, time, the name
// masked by flow.
func (k *Kiosk) appointmentPanel(a *flow.AppointmentInfo) fyne.CanvasObject {
	if a == nil {
		return layout.NewSpacer()
	}
	name := ""
	if a.NameMasked != "" {
		name = k.t("checkin.name", "Name", a.NameMasked)
	}
	return outlined(colorNameSurface, block(fyne.TextAlignLeading,
		para{text: k.text(a.ServiceName), size: theme.SizeNameSubHeadingText, bold: true},
		para{text: k.t("checkin.slot", "Start", a.Start.Format("15:04"), "End", a.End.Format("15:04"))},
		para{text: name},
	))
}

// scanGuide asks for a code on the scanner window.
func (k *Kiosk) scanGuide(what string) fyne.CanvasObject {
	icon := coloredIcon(iconQR, theme.ColorNamePrimary, theme.Size(sizeNameTileIcon)*3)
	text := container.NewVBox(
		block(fyne.TextAlignLeading,
			para{text: what, size: theme.SizeNameSubHeadingText, bold: true},
			para{text: k.t("scan.hint")},
		),
		block(fyne.TextAlignLeading, para{text: k.t("scan.waiting")}),
		activity(),
	)
	return container.New(&flex{weights: []float32{2, 3}, tall: []float32{1}}, container.NewCenter(icon), text)
}
