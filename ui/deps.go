package ui

import (
	"time"

	"fyne.io/fyne/v2"

	"hallkiosk/backoffice/api"
	"hallkiosk/flow"
)

// Deps is what the kiosk's screens drive. cmd/kiosk fills it once.
//
// The kiosk makes the flows itself (flow.NewTicketFlow and the others, and
// flow.Home) from Env, because each flow reports its state through an
// OnChange callback given at construction, and the kiosk is what turns
// those callbacks into screen updates on the UI goroutine.
type Deps struct {
	// Env holds the ports (store, printer, card reader, scanner, back
	// office) and the clock every flow uses. Leave Env.Session nil: the
	// kiosk makes the session from Session so that its snapshots (idle
	// countdown, language, elder mode) reach the screen; Kiosk.Session
	// returns it. A session made elsewhere works too, if its OnChange calls
	// Kiosk.SessionChanged.
	Env flow.Env
	// Session configures the idle session (idle and countdown times,
	// default language). Its OnChange is the kiosk's.
	Session flow.SessionOptions
	// Hall is the hall's name for the status bar. Empty: the name in the
	// catalog, read from Env.Store when the kiosk starts.
	Hall api.Text
	// QRBase is the hall's public site for ticket QR links (flow.EncodeTicketQR).
	QRBase string
	// Location is the hall's time zone, in which the status bar shows the
	// time. Nil: the machine's (time.Local).
	Location *time.Location
	// KioskNumber is this kiosk's number in its offline ticket numbers
	// (flow.RatingOptions.KioskNumber).
	KioskNumber int
	// Translations replaces the bundled assets/i18n files (tests).
	Translations *Translations
	// Technician, when set, is called on the UI goroutine when someone taps
	// the hall's name five times within three seconds: cmd/kiosk opens the
	// technician PIN keypad.
	Technician func()
	// OnScreen, when set, is called on the UI goroutine with the name of
	// the screen (and step) each time one is built, such as "home" or
	// "ticket/card", and each time the ticket search shows other services
	// ("ticket/search sb-card"). The real-process benchmark follows the
	// screens with it to tap as soon as a screen is there instead of after
	// a fixed pause.
	OnScreen func(name string)
	// Voice, when set, speaks each screen's prompt (voice.go): as the
	// screen appears per VoiceMode, and on the speaker button of the status
	// bar. Nil, or a speaker without an audio output: silent, no button.
	Voice Speaker
	// VoiceMode is config.Voice.Mode: "elder" (also when empty) speaks as
	// screens appear in elder mode only, "always" on every screen, "off"
	// never and shows no speaker button.
	VoiceMode string
	// Window, when set, is the window the kiosk shows itself in, made
	// with NewWindow before the rest of the start-up work so that GLFW
	// starts (about a tenth of a second) while the store and the devices
	// open. Nil: New makes it.
	Window fyne.Window
}

// NewWindow makes the kiosk's window on a's driver; on the desktop driver
// the first window starts GLFW. Call it from the goroutine that will run
// the app (the main one), and pass it to New in Deps.Window.
func NewWindow(a fyne.App) fyne.Window { return a.NewWindow("Hall kiosk") }

func (d Deps) translations() *Translations {
	if d.Translations != nil {
		return d.Translations
	}
	return bundledTranslations()
}

// Session returns the idle session the kiosk made (or was given).
func (k *Kiosk) Session() *flow.Session { return k.env.Session }

// touch reports input to the idle session. Every button the kiosk builds
// calls it first: Fyne has no global "any input" hook, so the widgets do it
// themselves (docs/fyne-notes.md 1.11). A nil session is valid (flow.Session).
func (k *Kiosk) touch() { k.env.Session.Touch() }

// tap wraps fn so that it reports input before running.
func (k *Kiosk) tap(fn func()) func() {
	return func() {
		k.touch()
		if fn != nil {
			fn()
		}
	}
}
