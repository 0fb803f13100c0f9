package techui

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/config"
	"hallkiosk/diag"
	"hallkiosk/voice"
)

// The voice page: whether the kiosk can speak (the voice player's view of
// the audio output: ready, no sound card, no aplay, no clips, switched
// off), when it speaks (voice mode) and how loud. Mode and volume are
// settings like the others (diag.ApplySettings: validated, saved
// atomically, audited, applied at the next start); they have their own
// page because the settings page is full at 1280×800.

// voiceMode is a config.Voice.Mode the technician may choose.
type voiceMode struct{ code, name string }

var voiceModes = []voiceMode{{config.VoiceElder, txtVoiceElder}, {config.VoiceAlways, txtVoiceAlways}, {config.VoiceOff, txtVoiceOff}}

// audioText words the voice player's state: whether the kiosk can speak,
// and if not, why.
func audioText(a voice.Status) string {
	switch a.State {
	case voice.StateReady:
		return txtAudioReady + " (" + a.Device + ")"
	case voice.StateProbing:
		return txtAudioProbing
	case voice.StateNoDevice:
		if a.Detail != "" {
			return txtAudioNoDevice + " — " + a.Detail
		}
		return txtAudioNoDevice
	case voice.StateNoPlayer:
		return txtAudioNoPlayer
	case voice.StateNoClips:
		return txtAudioNoClips
	}
	return txtAudioOff
}

func (m *Mode) voicePage() fyne.CanvasObject {
	s := m.sess
	audio := wrapLabel("…")
	audio.TextStyle.Bold = true
	result := wrapLabel("")
	result.TextStyle.Bold = true
	var loaded, draft diag.Settings
	volume := lineLabel("…")
	var modes *toggles
	refresh := func() {
		modes.mark(slices.IndexFunc(voiceModes, func(v voiceMode) bool { return v.code == draft.VoiceMode }))
		volume.SetText(strconv.Itoa(draft.VoiceVolume) + txtUnitPercent)
		markChanged(volume, draft.VoiceVolume != loaded.VoiceVolume)
	}
	load := func() {
		m.run(func(context.Context) func() {
			st, err := s.Settings()
			a, aerr := s.Audio()
			return func() {
				if err == nil {
					err = aerr
				}
				if err != nil {
					result.SetText(txtErrorPrefix + err.Error())
					return
				}
				audio.SetText(txtAudioPrefix + audioText(a))
				loaded, draft = st, st.Clone()
				refresh()
			}
		})
	}
	modes = m.newToggles(len(voiceModes), func(i int) string { return voiceModes[i].name }, -1, func(i int) {
		draft.VoiceMode = voiceModes[i].code
		refresh()
	})
	editVolume := m.button(txtSetEdit, widget.MediumImportance, func() {
		m.editNumber(numberField{title: txtSetVolume, value: draft.VoiceVolume,
			hint: fmt.Sprintf(txtRangeFmt, diag.MinVoiceVolume, diag.MaxVoiceVolume, txtUnitPercent, diag.MinVoiceVolume, diag.MaxVoiceVolume, txtUnitPercent)},
			func(n int) { draft.VoiceVolume = n; refresh() })
	})
	save := m.button(txtSetSave, widget.HighImportance, func() {
		mode, vol := draft.VoiceMode, draft.VoiceVolume
		result.SetText(txtBusy)
		m.run(func(ctx context.Context) func() {
			// Only mode and volume: the rest as saved now, whatever the
			// settings page holds unsaved.
			st, err := s.Settings()
			var res diag.ApplyResult
			if err == nil {
				st.VoiceMode, st.VoiceVolume = mode, vol
				res, err = s.ApplySettings(ctx, st)
			}
			return func() {
				if err != nil {
					result.SetText(txtSetNotSaved + settingErrorText(err))
					return
				}
				result.SetText(appliedText(res))
				load()
			}
		})
	})
	load()
	return container.NewVBox(
		audio,
		rowBox(txtSetVoice, modes.box),
		rowBox(txtSetVolume, container.NewBorder(nil, nil, nil, big(editVolume, 110), middle(volume))),
		wrapLabel(txtVoiceHint),
		big(save, 0),
		result,
	)
}
