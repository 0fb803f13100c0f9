package techui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

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

// settingsScreen is the settings page. diag.SettingsForm holds the draft
// and decides what changed; the screen draws the form and hands it the
// technician's edits.
type settingsScreen struct {
	m    *Mode
	s    *diag.Session
	form diag.SettingsForm

	rows           []*settingRow
	langs, start   *toggles
	status, result *widget.Label
}

// settingsPage shows the settings in two columns, identity and back office
// on the left, timeouts and languages on the right, each with its editor.
func (m *Mode) settingsPage() fyne.CanvasObject {
	sc := &settingsScreen{m: m, s: m.sess, status: wrapLabel(""), result: wrapLabel("")}
	sc.result.TextStyle.Bold = true
	return sc.build()
}

func (sc *settingsScreen) build() fyne.CanvasObject {
	m := sc.m
	left := []*settingRow{
		sc.hallRow(),
		sc.textRow(diag.FieldKioskID, txtSetKioskID, txtSetKioskIDHint),
		sc.numberRow(diag.FieldKioskNumber, txtSetKioskNo, "",
			fmt.Sprintf(txtRangeFmt, diag.MinKioskNumber, diag.MaxKioskNumber, "", diag.MinKioskNumber, diag.MaxKioskNumber, "")),
		sc.textRow(diag.FieldBackOfficeURL, txtSetURL, txtSetURLHint),
		sc.tokenRow(),
		sc.textRow(diag.FieldCAFile, txtSetCA, txtSetCAHint),
	}
	right := []*settingRow{
		sc.numberRow(diag.FieldIdleSeconds, txtSetIdle, txtUnitSeconds,
			fmt.Sprintf(txtRangeFmt, diag.MinIdleSeconds, diag.MaxIdleSeconds, txtSeconds, diag.MinIdleSeconds, diag.MaxIdleSeconds, " s")),
		sc.numberRow(diag.FieldGuideIdleSeconds, txtSetGuideIdle, txtUnitSeconds,
			fmt.Sprintf(txtGuideRangeFmt, diag.MaxGuideIdleSeconds, diag.MaxGuideIdleSeconds)),
		sc.numberRow(diag.FieldCountdownSeconds, txtSetCountdown, txtUnitSeconds,
			fmt.Sprintf(txtRangeFmt, diag.MinCountdownSeconds, diag.MaxCountdownSeconds, txtSeconds, diag.MinCountdownSeconds, diag.MaxCountdownSeconds, " s")),
		sc.numberRow(diag.FieldDiagIdleMinutes, txtSetDiagIdle, txtUnitMinutes,
			fmt.Sprintf(txtRangeFmt, diag.MinDiagIdleMinutes, diag.MaxDiagIdleMinutes, txtMinutes, diag.MinDiagIdleMinutes, diag.MaxDiagIdleMinutes, " min")),
	}
	sc.rows = append(append(sc.rows, left...), right...)

	codes := make([]string, len(languages))
	for i, l := range languages {
		codes[i] = l.code
	}
	name := func(i int) string { return languages[i].name }
	sc.langs = m.newToggles(len(languages), name, -1, func(i int) {
		sc.form.ToggleLanguage(languages[i].code, codes)
		sc.refresh()
	})
	sc.start = m.newToggles(len(languages), name, -1, func(i int) {
		sc.form.SetText(diag.FieldLanguage, languages[i].code)
		sc.refresh()
	})
	save := m.button(txtSetSave, widget.HighImportance, sc.save)
	discard := m.button(txtSetDiscard, widget.MediumImportance, func() {
		sc.form.Discard()
		sc.result.SetText("")
		sc.refresh()
	})

	column := func(rows []*settingRow, more ...fyne.CanvasObject) fyne.CanvasObject {
		var objs []fyne.CanvasObject
		for _, r := range rows {
			objs = append(objs, m.settingRowBox(r))
		}
		return container.NewVBox(append(objs, more...)...)
	}
	sc.load()
	// The right column holds numbers and toggles and gets a fixed width;
	// the rest goes to the left one, whose values (the hall's name, the
	// URL) are long.
	rightColumn := &fyne.Container{Layout: minSize{w: rightColumnWidth},
		Objects: []fyne.CanvasObject{column(right, rowBox(txtSetLanguages, sc.langs.box), rowBox(txtSetLanguage, sc.start.box))}}
	return container.NewVBox(
		container.NewBorder(nil, nil, nil, rightColumn, column(left)),
		container.NewGridWithColumns(2, big(discard, 0), big(save, 0)),
		sc.status, sc.result,
	)
}

// refresh shows the draft: the rows' values, the language toggles, and the
// settings not saved yet, which the mode keeps while another page is open.
func (sc *settingsScreen) refresh() {
	f := &sc.form
	for _, r := range sc.rows {
		r.show(f)
	}
	sc.langs.mark(-1)
	for i, l := range languages {
		if slices.Contains(f.Draft.Languages, l.code) {
			sc.langs.buttons[i].Importance = widget.HighImportance
			sc.langs.buttons[i].Refresh()
		}
	}
	sc.start.mark(slices.IndexFunc(languages, func(l language) bool { return l.code == f.Draft.Language }))

	var changed []string
	for _, field := range f.Changed() {
		changed = append(changed, settingNames[field])
	}
	if len(changed) > 0 {
		sc.status.SetText(txtSetUnsaved + strings.Join(changed, ", "))
	} else {
		sc.status.SetText("")
	}
	sc.m.settingsDraft = f.Kept()
}

// load reads the settings; back from another page with unsaved edits,
// the draft is those edits.
func (sc *settingsScreen) load() {
	m, s := sc.m, sc.s
	m.run(func(context.Context) func() {
		st, err := s.Settings()
		return func() {
			if err != nil {
				sc.result.SetText(txtErrorPrefix + err.Error())
				return
			}
			sc.form.Load(st, m.settingsDraft)
			sc.refresh()
		}
	})
}

// save hands the draft to diag, which validates, saves atomically or not
// at all, and audits; the screen words the outcome.
func (sc *settingsScreen) save() {
	m, s := sc.m, sc.s
	draft := sc.form.Draft.Clone()
	sc.result.SetText(txtBusy)
	m.run(func(ctx context.Context) func() {
		res, err := s.ApplyDraft(ctx, draft)
		return func() {
			if err != nil {
				sc.result.SetText(txtSetNotSaved + settingErrorText(err))
				return
			}
			sc.result.SetText(appliedText(res))
			m.settingsDraft = nil
			sc.load()
		}
	})
}

// textRow is a text setting edited on the on-screen keyboard.
func (sc *settingsScreen) textRow(field diag.SettingField, name, hint string) *settingRow {
	r := &settingRow{field: field, name: name, value: func(st diag.Settings) string { return st.Text(field) }}
	r.edit = func() {
		sc.m.editText(textField{title: name, hint: hint, value: sc.form.Draft.Text(field)},
			func(v string) { sc.form.SetText(field, v); sc.refresh() })
	}
	return r
}

// numberRow is a number setting edited on the keypad.
func (sc *settingsScreen) numberRow(field diag.SettingField, name, unit, hint string) *settingRow {
	r := &settingRow{field: field, name: name, value: func(st diag.Settings) string { return strconv.Itoa(st.Number(field)) + unit }}
	r.edit = func() {
		sc.m.editNumber(numberField{title: name, hint: hint, value: sc.form.Draft.Number(field)},
			func(n int) { sc.form.SetNumber(field, n); sc.refresh() })
	}
	return r
}

// hallRow is the hall's name: the catalog's unless overridden.
func (sc *settingsScreen) hallRow() *settingRow {
	r := &settingRow{field: diag.FieldHallName, name: txtSetHall, value: func(st diag.Settings) string {
		if st.HallName == "" {
			// The name first: if the row is too narrow, the ellipsis
			// cuts the note, not the name.
			return st.CatalogHallName + txtSetHallFollows
		}
		return st.HallName
	}}
	useCatalog := fieldAction{txtSetHallCatalog, func() { sc.form.SetText(diag.FieldHallName, ""); sc.refresh() }}
	r.edit = func() {
		// The hint names the catalog's hall, which is known only once the
		// settings are loaded.
		d := sc.form.Draft
		sc.m.editText(textField{title: txtSetHall, hint: fmt.Sprintf(txtSetHallHint, d.CatalogHallName),
			value: d.HallName, actions: []fieldAction{useCatalog}},
			func(v string) { sc.form.SetText(diag.FieldHallName, v); sc.refresh() })
	}
	return r
}

// tokenRow is the back-office token, which the row never shows.
func (sc *settingsScreen) tokenRow() *settingRow {
	r := &settingRow{field: diag.FieldToken, name: txtSetToken, value: func(diag.Settings) string { return tokenText(&sc.form) }}
	r.edit = func() {
		sc.m.editText(textField{title: txtSetToken, hint: txtSetTokenHint, secret: true,
			actions: []fieldAction{{txtSetTokenRemove, func() { sc.form.RemoveToken(); sc.refresh() }}}},
			func(v string) { sc.form.SetToken(v); sc.refresh() })
	}
	return r
}

// language is a citizen-screen language a kiosk may offer.
type language struct{ code, name string }

// languages are the languages the kiosk has translations for
// (assets/i18n), in the order config lists them.
var languages = []language{{"zh", txtLangZh}, {"en", txtLangEn}}

// settingRow is one setting: its name, its value as shown, its editor.
type settingRow struct {
	field diag.SettingField
	name  string
	value func(diag.Settings) string
	edit  func()
	label *widget.Label
}

// show puts the draft's value in the row, marked when it differs from the
// saved one.
func (r *settingRow) show(f *diag.SettingsForm) {
	v := r.value(f.Draft)
	if v == "" {
		v = txtNone
	}
	r.label.SetText(v)
	markChanged(r.label, f.IsChanged(r.field))
}

// markChanged marks a value the technician changed but has not saved.
func markChanged(l *widget.Label, changed bool) {
	l.TextStyle.Bold = changed
	if changed {
		l.Importance = widget.HighImportance
	} else {
		l.Importance = widget.MediumImportance
	}
	l.Refresh()
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
func tokenText(f *diag.SettingsForm) string {
	switch st, n := f.Token(); st {
	case diag.TokenRemoved:
		return txtTokenRemove
	case diag.TokenNew:
		return fmt.Sprintf(txtTokenNewFmt, n, n)
	case diag.TokenKept:
		return txtTokenSet
	}
	return txtTokenNone
}

// settingErrorText words diag's refusal: a *config.Error names the field,
// and the field says what the technician should enter. Anything else (a
// full disk, a read-only file) is shown as it is, after the words that
// nothing changed.
func settingErrorText(err error) string {
	var ce *config.Error
	if errors.As(err, &ce) {
		switch diag.SettingField(ce.Field) {
		case diag.FieldHallName:
			return fmt.Sprintf(txtErrHallFmt, diag.MaxHallNameRunes, diag.MaxHallNameRunes)
		case diag.FieldKioskID:
			return txtErrKioskID
		case diag.FieldKioskNumber:
			return fmt.Sprintf(txtErrKioskNoFmt, diag.MinKioskNumber, diag.MaxKioskNumber, diag.MinKioskNumber, diag.MaxKioskNumber)
		case diag.FieldBackOfficeURL:
			return txtErrURL
		case diag.FieldToken:
			return txtErrToken
		case diag.FieldCAFile:
			return txtErrCA
		case diag.FieldIdleSeconds:
			return fmt.Sprintf(txtErrIdleFmt, diag.MinIdleSeconds, diag.MaxIdleSeconds, diag.MinIdleSeconds, diag.MaxIdleSeconds)
		case diag.FieldGuideIdleSeconds:
			return fmt.Sprintf(txtErrGuideIdleFmt, diag.MaxGuideIdleSeconds, diag.MaxGuideIdleSeconds)
		case diag.FieldCountdownSeconds:
			return fmt.Sprintf(txtErrCountdownFmt, diag.MinCountdownSeconds, diag.MaxCountdownSeconds, diag.MinCountdownSeconds, diag.MaxCountdownSeconds)
		case diag.FieldDiagIdleMinutes:
			return fmt.Sprintf(txtErrDiagIdleFmt, diag.MinDiagIdleMinutes, diag.MaxDiagIdleMinutes, diag.MinDiagIdleMinutes, diag.MaxDiagIdleMinutes)
		case diag.FieldLanguages:
			return txtErrLanguages
		case diag.FieldLanguage:
			return txtErrLanguage
		case diag.FieldVoiceVolume:
			return fmt.Sprintf(txtErrVolumeFmt, diag.MinVoiceVolume, diag.MaxVoiceVolume, diag.MinVoiceVolume, diag.MaxVoiceVolume)
		case diag.FieldVoiceMode:
			return txtErrVoiceMode
		}
	}
	return txtErrSave + err.Error()
}

// settingNames are the settings' names on screen, by config field.
var settingNames = map[diag.SettingField]string{
	diag.FieldHallName:         txtSetHall,
	diag.FieldKioskID:          txtSetKioskID,
	diag.FieldKioskNumber:      txtSetKioskNo,
	diag.FieldBackOfficeURL:    txtSetURL,
	diag.FieldToken:            txtSetToken,
	diag.FieldCAFile:           txtSetCA,
	diag.FieldIdleSeconds:      txtSetIdle,
	diag.FieldGuideIdleSeconds: txtSetGuideIdle,
	diag.FieldCountdownSeconds: txtSetCountdown,
	diag.FieldDiagIdleMinutes:  txtSetDiagIdle,
	diag.FieldLanguage:         txtSetLanguage,
	diag.FieldLanguages:        txtSetLanguages,
	diag.FieldVoiceMode:        txtSetVoice,
	diag.FieldVoiceVolume:      txtSetVolume,
}

// appliedText says what Save changed, what needs a restart and what to
// check afterwards.
func appliedText(res diag.ApplyResult) string {
	if len(res.Changes) == 0 {
		return txtSetNoChange
	}
	var changes []string
	for _, c := range res.Changes {
		name := settingNames[diag.SettingField(c.Field)]
		if name == "" {
			name = c.Field
		}
		if diag.SettingField(c.Field) == diag.FieldToken {
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
