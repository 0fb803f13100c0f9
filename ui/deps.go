package ui

import (
	"hallkiosk/clock"
)

// Session is the part of flow's idle session (*flow.Session) the kiosk
// drives: it reports input and the citizen's choices; the session answers
// with snapshots (Kiosk.SessionChanged). A nil *flow.Session is valid.
type Session interface {
	Touch()
	Continue()
	Home()
	End()
	SetLanguage(lang string)
	SetElder(on bool)
}

// Deps is what the kiosk's screens drive. cmd/kiosk fills it once.
type Deps struct {
	// Session is the idle session; nil means no idle tracking.
	Session Session
	// Clock tells the status bar's time; nil means the wall clock.
	Clock clock.Clock
	// Translations replaces the bundled assets/i18n files (tests).
	Translations *Translations
}

func (d Deps) translations() *Translations {
	if d.Translations != nil {
		return d.Translations
	}
	return bundledTranslations()
}

// touch reports input to the idle session. Every button the kiosk builds
// calls it first: Fyne has no global "any input" hook, so the widgets do it
// themselves (fyne-notes 1.11).
func (k *Kiosk) touch() {
	if k.deps.Session != nil {
		k.deps.Session.Touch()
	}
}

// tap wraps fn so that it reports input before running.
func (k *Kiosk) tap(fn func()) func() {
	return func() {
		k.touch()
		if fn != nil {
			fn()
		}
	}
}

func (k *Kiosk) sessionSetLanguage(l Lang) {
	if k.deps.Session != nil {
		k.deps.Session.SetLanguage(string(l))
	}
}

func (k *Kiosk) sessionSetElder(on bool) {
	if k.deps.Session != nil {
		k.deps.Session.SetElder(on)
	}
}

func (k *Kiosk) sessionContinue() {
	if k.deps.Session != nil {
		k.deps.Session.Continue()
	}
}

func (k *Kiosk) sessionHome() {
	if k.deps.Session != nil {
		k.deps.Session.Home()
	}
}

func (k *Kiosk) sessionEnd() {
	if k.deps.Session != nil {
		k.deps.Session.End()
	}
}
