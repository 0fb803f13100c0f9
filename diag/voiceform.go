package diag

import (
	"context"
	"slices"

	"hallkiosk/config"
)

// VoiceModes are the voice modes a technician may choose, in the voice
// page's order.
var VoiceModes = []string{config.VoiceElder, config.VoiceAlways, config.VoiceOff}

// VoiceForm is the model of the voice page: when the kiosk speaks and how
// loud, as loaded and as being chosen. The two are settings like the
// others; they have their own page because the settings page is full.
type VoiceForm struct {
	Loaded Settings
	// Mode and Volume are what Save would keep.
	Mode   string
	Volume int
}

// Load takes the settings in force; the choice starts as they are.
func (f *VoiceForm) Load(st Settings) {
	f.Loaded = st.Clone()
	f.Mode, f.Volume = st.VoiceMode, st.VoiceVolume
}

// ModeIndex is the chosen mode's place in VoiceModes, or -1.
func (f *VoiceForm) ModeIndex() int { return slices.Index(VoiceModes, f.Mode) }

// ChooseMode takes mode i of VoiceModes, if there is one.
func (f *VoiceForm) ChooseMode(i int) {
	if i >= 0 && i < len(VoiceModes) {
		f.Mode = VoiceModes[i]
	}
}

// VolumeChanged reports whether the volume differs from the one loaded.
func (f *VoiceForm) VolumeChanged() bool { return f.Volume != f.Loaded.VoiceVolume }

// ApplyVoice saves a voice mode and volume with ApplySettings, the other
// settings as they are saved now: what the settings page holds unsaved is
// not the voice page's to save.
func (s *Session) ApplyVoice(ctx context.Context, mode string, volume int) (ApplyResult, error) {
	st, err := s.Settings()
	if err != nil {
		return ApplyResult{}, err
	}
	st.VoiceMode, st.VoiceVolume = mode, volume
	return s.ApplySettings(ctx, st)
}
