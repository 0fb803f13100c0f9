package diag

import (
	"slices"
	"testing"
)

func formOver(st Settings) *SettingsForm {
	f := &SettingsForm{}
	f.Load(st, nil)
	return f
}

func loadedSettings() Settings {
	return Settings{
		HallName: "", CatalogHallName: "青岚市政务服务中心", KioskID: "K07", KioskNumber: 7,
		BackOfficeURL: "https://bo.hall.example/", Token: TokenSet, IdleSeconds: 60,
		GuideIdleSeconds: 120, CountdownSeconds: 10, DiagIdleMinutes: 5,
		Language: "zh", Languages: []string{"zh", "en"},
	}
}

// TestSettingsFormChanged: the form lists what differs from what was
// loaded, in page order, and keeps a draft only while something does.
func TestSettingsFormChanged(t *testing.T) {
	f := formOver(loadedSettings())
	if c := f.Changed(); len(c) != 0 || f.Kept() != nil {
		t.Fatalf("fresh form: changed %v, kept %v", c, f.Kept())
	}
	f.SetNumber(FieldIdleSeconds, 90)
	f.SetText(FieldKioskID, "  K08 ")
	f.ToggleLanguage("en", []string{"zh", "en"})
	f.SetText(FieldLanguage, "en")
	want := []SettingField{FieldKioskID, FieldIdleSeconds, FieldLanguages, FieldLanguage}
	if got := f.Changed(); !slices.Equal(got, want) {
		t.Fatalf("changed %v, want %v", got, want)
	}
	if f.Draft.KioskID != "K08" {
		t.Errorf("kiosk ID %q: the spaces typed around it stay", f.Draft.KioskID)
	}
	kept := f.Kept()
	if kept == nil || kept.IdleSeconds != 90 {
		t.Fatalf("kept %+v", kept)
	}
	// The kept draft is a copy: editing on does not change it.
	f.ToggleLanguage("en", []string{"zh", "en"})
	if !slices.Equal(kept.Languages, []string{"zh"}) {
		t.Errorf("kept languages %v changed with the form", kept.Languages)
	}

	// Back on the page: the kept draft is the draft again.
	g := &SettingsForm{}
	g.Load(loadedSettings(), kept)
	if g.Draft.IdleSeconds != 90 || !g.IsChanged(FieldIdleSeconds) {
		t.Fatalf("reloaded with the kept draft: %+v", g.Draft)
	}
	g.Discard()
	if c := g.Changed(); len(c) != 0 {
		t.Fatalf("after discard: changed %v", c)
	}
	// Putting a value back is no change.
	g.SetNumber(FieldIdleSeconds, 90)
	g.SetNumber(FieldIdleSeconds, 60)
	if g.Kept() != nil {
		t.Error("a value put back is still kept as a change")
	}
}

// TestSettingsFormLanguages: toggling keeps the kiosk's order, so off and
// on again is no change.
func TestSettingsFormLanguages(t *testing.T) {
	all := []string{"zh", "en"}
	f := formOver(loadedSettings())
	f.ToggleLanguage("zh", all)
	if !slices.Equal(f.Draft.Languages, []string{"en"}) {
		t.Fatalf("zh off: %v", f.Draft.Languages)
	}
	f.ToggleLanguage("zh", all)
	if !slices.Equal(f.Draft.Languages, all) || f.IsChanged(FieldLanguages) {
		t.Fatalf("zh on again: %v, changed %v", f.Draft.Languages, f.IsChanged(FieldLanguages))
	}
	if !slices.Equal(f.Loaded.Languages, all) {
		t.Fatalf("loaded languages edited through the draft: %v", f.Loaded.Languages)
	}
}

// TestSettingsFormToken: the token is never shown, only its state, and an
// editor closed with nothing typed changes nothing.
func TestSettingsFormToken(t *testing.T) {
	f := formOver(loadedSettings())
	if st, _ := f.Token(); st != TokenKept {
		t.Fatalf("configured token: state %v, want kept", st)
	}
	f.SetToken("   ")
	if st, _ := f.Token(); st != TokenKept || f.IsChanged(FieldToken) {
		t.Fatalf("empty entry: state %v, changed %v", st, f.IsChanged(FieldToken))
	}
	f.SetToken(" 新token ")
	if st, n := f.Token(); st != TokenNew || n != 6 || !f.IsChanged(FieldToken) {
		t.Fatalf("new token: state %v length %d", st, n)
	}
	f.RemoveToken()
	if st, _ := f.Token(); st != TokenRemoved || !f.IsChanged(FieldToken) {
		t.Fatalf("removed: state %v", st)
	}
	f.SetToken("again")
	if f.Draft.ClearToken {
		t.Fatal("a token typed after remove still removes")
	}
	none := loadedSettings()
	none.Token = ""
	if st, _ := formOver(none).Token(); st != TokenNone {
		t.Fatalf("no token: state %v", st)
	}
}

// TestApplyDraftKeepsVoice: a draft made before the voice page saved its
// settings does not put the old voice settings back.
func TestApplyDraftKeepsVoice(t *testing.T) {
	ctx := ctxT(t)
	f := newConfigFixture(t)
	st, err := f.s.Settings()
	if err != nil {
		t.Fatal(err)
	}
	form := formOver(st)
	form.SetNumber(FieldIdleSeconds, 75)

	voiced := st.Clone()
	voiced.VoiceVolume = st.VoiceVolume/2 + 1
	if _, err := f.s.ApplySettings(ctx, voiced); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ApplyDraft(ctx, form.Draft); err != nil {
		t.Fatal(err)
	}
	c := f.load(t)
	if c.UI.IdleSeconds != 75 {
		t.Errorf("idle %d, want 75", c.UI.IdleSeconds)
	}
	if c.Voice.Volume != voiced.VoiceVolume {
		t.Errorf("volume %d, want the voice page's %d", c.Voice.Volume, voiced.VoiceVolume)
	}
}
