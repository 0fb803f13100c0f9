package techui

import (
	"context"
	"fmt"
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

// voiceModeNames name the voice modes of diag.VoiceModes.
var voiceModeNames = map[string]string{config.VoiceElder: txtVoiceElder, config.VoiceAlways: txtVoiceAlways, config.VoiceOff: txtVoiceOff}

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

// voiceScreen is the voice page. diag.VoiceForm holds the mode and volume
// chosen and diag saves them; the screen draws the form and hands it the
// taps.
type voiceScreen struct {
	m    *Mode
	s    *diag.Session
	form diag.VoiceForm

	audio, result, volume *widget.Label
	modes                 *toggles
}

func (m *Mode) voicePage() fyne.CanvasObject {
	sc := &voiceScreen{m: m, s: m.sess, audio: wrapLabel("…"), result: wrapLabel(""), volume: lineLabel("…")}
	sc.audio.TextStyle.Bold = true
	sc.result.TextStyle.Bold = true
	return sc.build()
}

func (sc *voiceScreen) build() fyne.CanvasObject {
	m := sc.m
	modes := diag.VoiceModes
	sc.modes = m.newToggles(len(modes), func(i int) string { return voiceModeNames[modes[i]] }, -1, func(i int) {
		sc.form.ChooseMode(i)
		sc.refresh()
	})
	editVolume := m.button(txtSetEdit, widget.MediumImportance, func() {
		m.editNumber(numberField{title: txtSetVolume, value: sc.form.Volume,
			hint: fmt.Sprintf(txtRangeFmt, diag.MinVoiceVolume, diag.MaxVoiceVolume, txtUnitPercent, diag.MinVoiceVolume, diag.MaxVoiceVolume, txtUnitPercent)},
			func(n int) { sc.form.Volume = n; sc.refresh() })
	})
	save := m.button(txtSetSave, widget.HighImportance, sc.save)
	sc.load()
	return container.NewVBox(
		sc.audio,
		rowBox(txtSetVoice, sc.modes.box),
		rowBox(txtSetVolume, container.NewBorder(nil, nil, nil, big(editVolume, 110), middle(sc.volume))),
		wrapLabel(txtVoiceHint),
		big(save, 0),
		sc.result,
	)
}

// refresh shows the form: the mode chosen and the volume, marked when it
// is not the one saved.
func (sc *voiceScreen) refresh() {
	sc.modes.mark(sc.form.ModeIndex())
	sc.volume.SetText(strconv.Itoa(sc.form.Volume) + txtUnitPercent)
	markChanged(sc.volume, sc.form.VolumeChanged())
}

// load reads the settings and the voice player's state.
func (sc *voiceScreen) load() {
	s := sc.s
	sc.m.run(func(context.Context) func() {
		st, err := s.Settings()
		a, aerr := s.Audio()
		return func() {
			if err == nil {
				err = aerr
			}
			if err != nil {
				sc.result.SetText(txtErrorPrefix + err.Error())
				return
			}
			sc.audio.SetText(txtAudioPrefix + audioText(a))
			sc.form.Load(st)
			sc.refresh()
		}
	})
}

// save has diag save the mode and volume, and reads them again.
func (sc *voiceScreen) save() {
	s, mode, vol := sc.s, sc.form.Mode, sc.form.Volume
	sc.result.SetText(txtBusy)
	sc.m.run(func(ctx context.Context) func() {
		res, err := s.ApplyVoice(ctx, mode, vol)
		return func() {
			if err != nil {
				sc.result.SetText(txtSetNotSaved + settingErrorText(err))
				return
			}
			sc.result.SetText(appliedText(res))
			sc.load()
		}
	})
}
