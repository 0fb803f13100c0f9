package techui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/config"
	"hallkiosk/diag"
)

// The settings page edits the kiosk's settings (diag.Settings) on the
// touch screen: text through the on-screen keyboard, numbers through a
// keypad, languages as toggles. Edits go into a draft; Save hands the
// draft to diag.ApplySettings, which validates, saves atomically or not at
// all, and audits. Nothing here checks a value: diag's refusal is turned
// into words.
//
// The hall name. It is usually Chinese, which neither the on-screen
// keyboard nor a USB keyboard can type on this kiosk (keyboard.go). So by
// default the kiosk shows the hall name of the back office's catalog —
// the back office, where a Chinese keyboard is, names the hall — and the
// page says which name that is. A technician may override it with letters
// and digits (on screen or on a USB keyboard), e.g. while the catalog is
// wrong, and put it back to the catalog's with one button.

// settingsPage shows the settings in two columns, identity and back office
// on the left, timeouts and languages on the right, each with its editor.
func (m *Mode) settingsPage() fyne.CanvasObject {
	s := m.sess
	var loaded, draft diag.Settings
	status := wrapLabel("")
	result := wrapLabel("")
	result.TextStyle.Bold = true

	var fields []*settingRow
	var langs, start *toggles
	refresh := func() {
		var changed []string
		for _, f := range fields {
			if f.show(loaded, draft) {
				changed = append(changed, f.name)
			}
		}
		langs.mark(-1)
		for i, l := range languages {
			if slices.Contains(draft.Languages, l.code) {
				langs.buttons[i].Importance = widget.HighImportance
				langs.buttons[i].Refresh()
			}
		}
		start.mark(slices.IndexFunc(languages, func(l language) bool { return l.code == draft.Language }))
		if !slices.Equal(draft.Languages, loaded.Languages) {
			changed = append(changed, txtSetLanguages)
		}
		if draft.Language != loaded.Language {
			changed = append(changed, txtSetLanguage)
		}

		if len(changed) > 0 {
			status.SetText(txtSetUnsaved + strings.Join(changed, ", "))
			kept := cloneSettings(draft)
			m.settingsDraft = &kept
		} else {
			status.SetText("")
			m.settingsDraft = nil
		}
	}
	load := func() {
		m.run(func(context.Context) func() {
			st, err := s.Settings()
			return func() {
				if err != nil {
					result.SetText(txtErrorPrefix + err.Error())
					return
				}
				loaded, draft = st, cloneSettings(st)
				if m.settingsDraft != nil {
					// Back from another page with unsaved edits.
					draft = cloneSettings(*m.settingsDraft)
				}
				refresh()
			}
		})
	}

	text := func(name string, field func(*diag.Settings) *string, hint string) *settingRow {
		r := &settingRow{name: name, value: func(st diag.Settings) string { return *field(&st) }}
		r.edit = func() {
			m.editText(textField{title: name, hint: hint, value: *field(&draft)},
				func(v string) { *field(&draft) = strings.TrimSpace(v); refresh() })
		}
		return r
	}
	number := func(name, unit string, field func(*diag.Settings) *int, hint string) *settingRow {
		r := &settingRow{name: name, value: func(st diag.Settings) string { return strconv.Itoa(*field(&st)) + unit }}
		r.edit = func() {
			m.editNumber(numberField{title: name, hint: hint, value: *field(&draft)}, func(n int) { *field(&draft) = n; refresh() })
		}
		return r
	}

	useCatalog := fieldAction{txtSetHallCatalog, func() { draft.HallName = ""; refresh() }}
	hall := &settingRow{name: txtSetHall, value: func(st diag.Settings) string {
		if st.HallName == "" {
			// The name first: if the row is too narrow, the ellipsis
			// cuts the note, not the name.
			return st.CatalogHallName + txtSetHallFollows
		}
		return st.HallName
	}}
	hall.edit = func() {
		// The hint names the catalog's hall, which is known only once the
		// settings are loaded.
		m.editText(textField{title: txtSetHall, hint: fmt.Sprintf(txtSetHallHint, draft.CatalogHallName),
			value: draft.HallName, actions: []fieldAction{useCatalog}},
			func(v string) { draft.HallName = strings.TrimSpace(v); refresh() })
	}

	token := &settingRow{name: txtSetToken, value: func(st diag.Settings) string { return tokenText(st, loaded) }}
	token.edit = func() {
		m.editText(textField{title: txtSetToken, hint: txtSetTokenHint, secret: true,
			actions: []fieldAction{{txtSetTokenRemove, func() { draft.Token, draft.ClearToken = "", true; refresh() }}}},
			func(v string) {
				if v = strings.TrimSpace(v); v != "" {
					draft.Token, draft.ClearToken = v, false
				}
				refresh()
			})
	}

	left := []*settingRow{
		hall,
		text(txtSetKioskID, func(st *diag.Settings) *string { return &st.KioskID }, txtSetKioskIDHint),
		number(txtSetKioskNo, "", func(st *diag.Settings) *int { return &st.KioskNumber },
			fmt.Sprintf(txtRangeFmt, diag.MinKioskNumber, diag.MaxKioskNumber, "", diag.MinKioskNumber, diag.MaxKioskNumber, "")),
		text(txtSetURL, func(st *diag.Settings) *string { return &st.BackOfficeURL }, txtSetURLHint),
		token,
		text(txtSetCA, func(st *diag.Settings) *string { return &st.CAFile }, txtSetCAHint),
	}
	right := []*settingRow{
		number(txtSetIdle, txtUnitSeconds, func(st *diag.Settings) *int { return &st.IdleSeconds },
			fmt.Sprintf(txtRangeFmt, diag.MinIdleSeconds, diag.MaxIdleSeconds, txtSeconds, diag.MinIdleSeconds, diag.MaxIdleSeconds, " s")),
		number(txtSetGuideIdle, txtUnitSeconds, func(st *diag.Settings) *int { return &st.GuideIdleSeconds },
			fmt.Sprintf(txtGuideRangeFmt, diag.MaxGuideIdleSeconds, diag.MaxGuideIdleSeconds)),
		number(txtSetCountdown, txtUnitSeconds, func(st *diag.Settings) *int { return &st.CountdownSeconds },
			fmt.Sprintf(txtRangeFmt, diag.MinCountdownSeconds, diag.MaxCountdownSeconds, txtSeconds, diag.MinCountdownSeconds, diag.MaxCountdownSeconds, " s")),
		number(txtSetDiagIdle, txtUnitMinutes, func(st *diag.Settings) *int { return &st.DiagIdleMinutes },
			fmt.Sprintf(txtRangeFmt, diag.MinDiagIdleMinutes, diag.MaxDiagIdleMinutes, txtMinutes, diag.MinDiagIdleMinutes, diag.MaxDiagIdleMinutes, " min")),
	}
	fields = append(append(fields, left...), right...)

	langs = m.newToggles(len(languages), func(i int) string { return languages[i].name }, -1, func(i int) {
		code := languages[i].code
		if slices.Contains(draft.Languages, code) {
			draft.Languages = slices.DeleteFunc(slices.Clone(draft.Languages), func(c string) bool { return c == code })
		} else {
			// Kept in the catalog's order, zh first, so that toggling
			// a language off and on again is no change.
			next := []string{}
			for _, l := range languages {
				if l.code == code || slices.Contains(draft.Languages, l.code) {
					next = append(next, l.code)
				}
			}
			draft.Languages = next
		}
		refresh()
	})
	start = m.newToggles(len(languages), func(i int) string { return languages[i].name }, -1, func(i int) {
		draft.Language = languages[i].code
		refresh()
	})

	save := m.button(txtSetSave, widget.HighImportance, func() {
		st := cloneSettings(draft)
		result.SetText(txtBusy)
		m.run(func(ctx context.Context) func() {
			// The voice page saves voice mode and volume on its own: a
			// draft made before must not put back their old values.
			if cur, err := s.Settings(); err == nil {
				st.VoiceMode, st.VoiceVolume = cur.VoiceMode, cur.VoiceVolume
			}
			res, err := s.ApplySettings(ctx, st)
			return func() {
				if err != nil {
					result.SetText(txtSetNotSaved + settingErrorText(err))
					return
				}
				result.SetText(appliedText(res))
				m.settingsDraft = nil
				load()
			}
		})
	})
	discard := m.button(txtSetDiscard, widget.MediumImportance, func() {
		draft = cloneSettings(loaded)
		result.SetText("")
		refresh()
	})

	column := func(rows []*settingRow, more ...fyne.CanvasObject) fyne.CanvasObject {
		var objs []fyne.CanvasObject
		for _, r := range rows {
			objs = append(objs, m.settingRowBox(r))
		}
		return container.NewVBox(append(objs, more...)...)
	}
	load()
	// The right column holds numbers and toggles and gets a fixed width;
	// the rest goes to the left one, whose values (the hall's name, the
	// URL) are long.
	rightColumn := &fyne.Container{Layout: minSize{w: rightColumnWidth},
		Objects: []fyne.CanvasObject{column(right, rowBox(txtSetLanguages, langs.box), rowBox(txtSetLanguage, start.box))}}
	return container.NewVBox(
		container.NewBorder(nil, nil, nil, rightColumn, column(left)),
		container.NewGridWithColumns(2, big(discard, 0), big(save, 0)),
		status, result,
	)
}

// language is a citizen-screen language a kiosk may offer.
type language struct{ code, name string }

// languages are the languages the kiosk has translations for
// (assets/i18n), in the order config lists them.
var languages = []language{{"zh", txtLangZh}, {"en", txtLangEn}}

// settingRow is one setting: its name, its value as shown, its editor.
type settingRow struct {
	name  string
	value func(diag.Settings) string
	edit  func()
	label *widget.Label
}

// show puts the draft's value in the row, marked when it differs from the
// saved one, and reports whether it does.
func (r *settingRow) show(loaded, draft diag.Settings) bool {
	v := r.value(draft)
	if v == "" {
		v = txtNone
	}
	changed := r.value(draft) != r.value(loaded)
	r.label.SetText(v)
	r.label.TextStyle.Bold = changed
	if changed {
		r.label.Importance = widget.HighImportance
	} else {
		r.label.Importance = widget.MediumImportance
	}
	r.label.Refresh()
	return changed
}

// settingNameWidth lines the values up in each column; rightColumnWidth
// fits a name and the two language toggles.
const (
	settingNameWidth = 195
	rightColumnWidth = 455
)

func (m *Mode) settingRowBox(r *settingRow) fyne.CanvasObject {
	r.label = lineLabel("…")
	edit := m.button(txtSetEdit, widget.MediumImportance, r.edit)
	return rowBox(r.name, container.NewBorder(nil, nil, nil, big(edit, 110), middle(r.label)))
}

// rowBox is a setting's name in a fixed-width column beside obj, a touch
// target high.
func rowBox(name string, obj fyne.CanvasObject) fyne.CanvasObject {
	n := &fyne.Container{Layout: minSize{w: settingNameWidth, h: touchMin}, Objects: []fyne.CanvasObject{middle(widget.NewLabel(name))}}
	return container.NewBorder(nil, nil, n, nil, big(obj, 0))
}

// tokenText shows the token without showing it: whether one is set, and
// whether Save would replace or remove it.
func tokenText(st, loaded diag.Settings) string {
	switch {
	case st.ClearToken:
		return txtTokenRemove
	case st.Token != "" && st.Token != loaded.Token:
		n := utf8.RuneCountInString(st.Token)
		return fmt.Sprintf(txtTokenNewFmt, n, n)
	case st.Token == diag.TokenSet:
		return txtTokenSet
	}
	return txtTokenNone
}

func cloneSettings(st diag.Settings) diag.Settings {
	st.Languages = slices.Clone(st.Languages)
	return st
}

// settingErrorText words diag's refusal: a *config.Error names the field,
// and the field says what the technician should enter. Anything else (a
// full disk, a read-only file) is shown as it is, after the words that
// nothing changed.
func settingErrorText(err error) string {
	var ce *config.Error
	if errors.As(err, &ce) {
		switch ce.Field {
		case "ui.hall_name":
			return fmt.Sprintf(txtErrHallFmt, diag.MaxHallNameRunes, diag.MaxHallNameRunes)
		case "kiosk_id":
			return txtErrKioskID
		case "kiosk_number":
			return fmt.Sprintf(txtErrKioskNoFmt, diag.MinKioskNumber, diag.MaxKioskNumber, diag.MinKioskNumber, diag.MaxKioskNumber)
		case "backoffice.url":
			return txtErrURL
		case "backoffice.token":
			return txtErrToken
		case "backoffice.ca_file":
			return txtErrCA
		case "ui.idle_seconds":
			return fmt.Sprintf(txtErrIdleFmt, diag.MinIdleSeconds, diag.MaxIdleSeconds, diag.MinIdleSeconds, diag.MaxIdleSeconds)
		case "ui.guide_idle_seconds":
			return fmt.Sprintf(txtErrGuideIdleFmt, diag.MaxGuideIdleSeconds, diag.MaxGuideIdleSeconds)
		case "ui.countdown_seconds":
			return fmt.Sprintf(txtErrCountdownFmt, diag.MinCountdownSeconds, diag.MaxCountdownSeconds, diag.MinCountdownSeconds, diag.MaxCountdownSeconds)
		case "diag.idle_minutes":
			return fmt.Sprintf(txtErrDiagIdleFmt, diag.MinDiagIdleMinutes, diag.MaxDiagIdleMinutes, diag.MinDiagIdleMinutes, diag.MaxDiagIdleMinutes)
		case "ui.languages":
			return txtErrLanguages
		case "ui.language":
			return txtErrLanguage
		case "voice.volume":
			return fmt.Sprintf(txtErrVolumeFmt, diag.MinVoiceVolume, diag.MaxVoiceVolume, diag.MinVoiceVolume, diag.MaxVoiceVolume)
		case "voice.mode":
			return txtErrVoiceMode
		}
	}
	return txtErrSave + err.Error()
}

// settingNames are the settings' names on screen, by config field.
var settingNames = map[string]string{
	"ui.hall_name":          txtSetHall,
	"kiosk_id":              txtSetKioskID,
	"kiosk_number":          txtSetKioskNo,
	"backoffice.url":        txtSetURL,
	"backoffice.token":      txtSetToken,
	"backoffice.ca_file":    txtSetCA,
	"ui.idle_seconds":       txtSetIdle,
	"ui.guide_idle_seconds": txtSetGuideIdle,
	"ui.countdown_seconds":  txtSetCountdown,
	"diag.idle_minutes":     txtSetDiagIdle,
	"ui.language":           txtSetLanguage,
	"ui.languages":          txtSetLanguages,
	"voice.mode":            txtSetVoice,
	"voice.volume":          txtSetVolume,
}

// appliedText says what Save changed, what needs a restart and what to
// check afterwards.
func appliedText(res diag.ApplyResult) string {
	if len(res.Changes) == 0 {
		return txtSetNoChange
	}
	var changes []string
	for _, c := range res.Changes {
		name := settingNames[c.Field]
		if name == "" {
			name = c.Field
		}
		if c.Field == "backoffice.token" {
			changes = append(changes, name+": "+tokenChange(c))
			continue
		}
		old, next := c.Old, c.New
		if old == "" {
			old = txtNone
		}
		if next == "" {
			next = txtNone
		}
		changes = append(changes, name+": "+old+" → "+next)
	}
	lines := []string{txtSetSaved + strings.Join(changes, "; ")}
	if !res.Saved {
		lines = append(lines, txtSetMemoryOnly)
	}
	if res.Restart {
		lines = append(lines, txtSetRestart)
	}
	if n := res.PendingUnderOldID; n > 0 {
		lines = append(lines, fmt.Sprintf(txtSetPendingFmt, n, n))
	}
	if res.ConnectionChanged {
		lines = append(lines, txtSetConnection)
	}
	return joinLines(lines...)
}

// tokenChange words a token change from diag's "(set)" markers.
func tokenChange(c diag.Change) string {
	switch {
	case c.Old == "":
		return txtTokenWasSet
	case c.New == "":
		return txtTokenWasRemoved
	}
	return txtTokenWasReplaced
}
