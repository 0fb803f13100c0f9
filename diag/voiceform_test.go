package diag

import (
	"errors"
	"testing"

	"hallkiosk/config"
)

// TestVoiceForm: the choice starts as loaded, takes a mode by its place
// and marks a volume that differs from the one loaded.
func TestVoiceForm(t *testing.T) {
	st := loadedSettings()
	st.VoiceMode, st.VoiceVolume = config.VoiceElder, 80
	var f VoiceForm
	f.Load(st)
	if f.Mode != config.VoiceElder || f.ModeIndex() != 0 || f.Volume != 80 || f.VolumeChanged() {
		t.Fatalf("loaded: %+v", f)
	}
	f.ChooseMode(2)
	f.Volume = 60
	if f.Mode != config.VoiceOff || f.ModeIndex() != 2 || !f.VolumeChanged() {
		t.Fatalf("after choosing: %+v", f)
	}
	f.ChooseMode(-1)
	if f.Mode != config.VoiceOff {
		t.Fatalf("a choice before the modes changed the mode to %q", f.Mode)
	}
	f.Mode = "sometimes"
	if f.ModeIndex() != -1 {
		t.Fatalf("an unknown mode is at %d", f.ModeIndex())
	}
}

// TestApplyVoice: the voice page saves mode and volume and nothing else,
// and a volume out of range is refused with nothing saved.
func TestApplyVoice(t *testing.T) {
	ctx := ctxT(t)
	f := newConfigFixture(t)
	before := f.load(t)
	if _, err := f.s.ApplyVoice(ctx, config.VoiceAlways, 40); err != nil {
		t.Fatal(err)
	}
	c := f.load(t)
	if c.Voice.Mode != config.VoiceAlways || c.Voice.Volume != 40 {
		t.Fatalf("voice %+v", c.Voice)
	}
	if c.UI.IdleSeconds != before.UI.IdleSeconds || c.BackOffice != before.BackOffice {
		t.Errorf("other settings changed: %+v %+v", c.UI, c.BackOffice)
	}

	_, err := f.s.ApplyVoice(ctx, config.VoiceOff, MaxVoiceVolume+1)
	var ce *config.Error
	if !errors.As(err, &ce) || SettingField(ce.Field) != FieldVoiceVolume {
		t.Fatalf("volume past the range: %v", err)
	}
	if c := f.load(t); c.Voice.Mode != config.VoiceAlways || c.Voice.Volume != 40 {
		t.Fatalf("a refused save changed the voice: %+v", c.Voice)
	}
}
