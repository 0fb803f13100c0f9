package diag

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"
)

// SettingField names one setting of the settings page as config names it
// (the Field of a Change and of a *config.Error), so the page finds a
// refusal's and a change's setting by the same name.
type SettingField string

// The settings the settings page edits, and the voice page's.
const (
	FieldHallName         SettingField = "ui.hall_name"
	FieldKioskID          SettingField = "kiosk_id"
	FieldKioskNumber      SettingField = "kiosk_number"
	FieldBackOfficeURL    SettingField = "backoffice.url"
	FieldToken            SettingField = "backoffice.token"
	FieldCAFile           SettingField = "backoffice.ca_file"
	FieldIdleSeconds      SettingField = "ui.idle_seconds"
	FieldGuideIdleSeconds SettingField = "ui.guide_idle_seconds"
	FieldCountdownSeconds SettingField = "ui.countdown_seconds"
	FieldDiagIdleMinutes  SettingField = "diag.idle_minutes"
	FieldLanguages        SettingField = "ui.languages"
	FieldLanguage         SettingField = "ui.language"
	// The voice page's settings.
	FieldVoiceMode   SettingField = "voice.mode"
	FieldVoiceVolume SettingField = "voice.volume"
)

// FormFields are the settings of the form in the order Changed lists them.
var FormFields = []SettingField{
	FieldHallName, FieldKioskID, FieldKioskNumber, FieldBackOfficeURL, FieldToken, FieldCAFile,
	FieldIdleSeconds, FieldGuideIdleSeconds, FieldCountdownSeconds, FieldDiagIdleMinutes,
	FieldLanguages, FieldLanguage,
}

// textFields and numberFields reach a setting of a Settings by its name.
var (
	textFields = map[SettingField]func(*Settings) *string{
		FieldHallName:      func(st *Settings) *string { return &st.HallName },
		FieldKioskID:       func(st *Settings) *string { return &st.KioskID },
		FieldBackOfficeURL: func(st *Settings) *string { return &st.BackOfficeURL },
		FieldCAFile:        func(st *Settings) *string { return &st.CAFile },
		FieldLanguage:      func(st *Settings) *string { return &st.Language },
	}
	numberFields = map[SettingField]func(*Settings) *int{
		FieldKioskNumber:      func(st *Settings) *int { return &st.KioskNumber },
		FieldIdleSeconds:      func(st *Settings) *int { return &st.IdleSeconds },
		FieldGuideIdleSeconds: func(st *Settings) *int { return &st.GuideIdleSeconds },
		FieldCountdownSeconds: func(st *Settings) *int { return &st.CountdownSeconds },
		FieldDiagIdleMinutes:  func(st *Settings) *int { return &st.DiagIdleMinutes },
	}
)

// Text returns text setting f of st ("" for a field that is not text).
func (st Settings) Text(f SettingField) string {
	if p, ok := textFields[f]; ok {
		return *p(&st)
	}
	return ""
}

// Number returns number setting f of st (0 for a field that is no number).
func (st Settings) Number(f SettingField) int {
	if p, ok := numberFields[f]; ok {
		return *p(&st)
	}
	return 0
}

// SettingsForm is the model of the settings page: the settings as saved,
// the draft the technician edits, and what differs between them. It checks
// no value (ApplySettings does, when the draft is saved) and holds no
// words: the screen names the settings and draws the form.
type SettingsForm struct {
	// Loaded is what Session.Settings read; Draft starts as a copy.
	Loaded, Draft Settings
}

// Load starts the form over loaded, with kept as the draft when the
// technician comes back to the page with unsaved edits (nil: none).
func (f *SettingsForm) Load(loaded Settings, kept *Settings) {
	f.Loaded, f.Draft = loaded, loaded.Clone()
	if kept != nil {
		f.Draft = kept.Clone()
	}
}

// Discard puts the draft back to what was loaded.
func (f *SettingsForm) Discard() { f.Draft = f.Loaded.Clone() }

// SetText sets a text setting to v without the spaces around it, which a
// touch keyboard adds easily and no setting has.
func (f *SettingsForm) SetText(field SettingField, v string) {
	if p, ok := textFields[field]; ok {
		*p(&f.Draft) = strings.TrimSpace(v)
	}
}

// SetNumber sets a number setting.
func (f *SettingsForm) SetNumber(field SettingField, n int) {
	if p, ok := numberFields[field]; ok {
		*p(&f.Draft) = n
	}
}

// SetToken replaces the back-office token with v, trimmed; an empty v
// (the editor closed with nothing typed) changes nothing.
func (f *SettingsForm) SetToken(v string) {
	if v = strings.TrimSpace(v); v != "" {
		f.Draft.Token, f.Draft.ClearToken = v, false
	}
}

// RemoveToken makes Save remove the back-office token.
func (f *SettingsForm) RemoveToken() { f.Draft.Token, f.Draft.ClearToken = "", true }

// ToggleLanguage offers code on the citizen screens, or stops offering it.
// The offered languages stay in the order of all (the kiosk's languages,
// zh first), so that toggling a language off and on again is no change.
func (f *SettingsForm) ToggleLanguage(code string, all []string) {
	if slices.Contains(f.Draft.Languages, code) {
		f.Draft.Languages = slices.DeleteFunc(slices.Clone(f.Draft.Languages), func(c string) bool { return c == code })
		return
	}
	next := []string{}
	for _, l := range all {
		if l == code || slices.Contains(f.Draft.Languages, l) {
			next = append(next, l)
		}
	}
	f.Draft.Languages = next
}

// Changed lists the settings whose draft differs from what was loaded, in
// FormFields order.
func (f *SettingsForm) Changed() []SettingField {
	var out []SettingField
	for _, field := range FormFields {
		if f.IsChanged(field) {
			out = append(out, field)
		}
	}
	return out
}

// IsChanged reports whether the draft's setting field differs from the
// loaded one.
func (f *SettingsForm) IsChanged(field SettingField) bool {
	switch field {
	case FieldToken:
		return f.Draft.Token != f.Loaded.Token || f.Draft.ClearToken != f.Loaded.ClearToken
	case FieldLanguages:
		return !slices.Equal(f.Draft.Languages, f.Loaded.Languages)
	}
	if _, ok := numberFields[field]; ok {
		return f.Draft.Number(field) != f.Loaded.Number(field)
	}
	return f.Draft.Text(field) != f.Loaded.Text(field)
}

// Kept is the draft to keep while the technician looks at another page,
// or nil when nothing differs from what was loaded.
func (f *SettingsForm) Kept() *Settings {
	if len(f.Changed()) == 0 {
		return nil
	}
	kept := f.Draft.Clone()
	return &kept
}

// TokenState is what the form shows of the back-office token: never the
// token, only whether there is one and what Save would do with it.
type TokenState int

// The token's states on the form.
const (
	TokenNone    TokenState = iota // no token configured, none typed
	TokenKept                      // a token is configured and stays
	TokenNew                       // Save sets the token typed
	TokenRemoved                   // Save removes the token
)

// Token returns the draft's token state and, for TokenNew, the length of
// the token typed in characters.
func (f *SettingsForm) Token() (TokenState, int) {
	d := f.Draft
	switch {
	case d.ClearToken:
		return TokenRemoved, 0
	case d.Token != "" && d.Token != f.Loaded.Token:
		return TokenNew, utf8.RuneCountInString(d.Token)
	case d.Token == TokenSet:
		return TokenKept, 0
	}
	return TokenNone, 0
}

// ApplyDraft saves a settings page's draft with ApplySettings. The voice
// page saves the voice mode and volume on its own, so they are taken from
// the settings in force: a draft made before must not put back their old
// values.
func (s *Session) ApplyDraft(ctx context.Context, draft Settings) (ApplyResult, error) {
	st := draft.Clone()
	if cur, err := s.Settings(); err == nil {
		st.VoiceMode, st.VoiceVolume = cur.VoiceMode, cur.VoiceVolume
	}
	return s.ApplySettings(ctx, st)
}

// Clone returns a copy of st that shares no slice with it.
func (st Settings) Clone() Settings {
	st.Languages = slices.Clone(st.Languages)
	return st
}
