package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
)

// screen is one screen of the kiosk. buildUI builds its widgets from the
// screen's state; the kiosk calls it again after a language or elder-mode
// switch, so a screen keeps everything the citizen entered in its fields,
// never only in widgets.
type screen interface {
	buildUI() fyne.CanvasObject
}

// leaver is a screen that must let go of something (cancel a flow, wipe
// personal data) when the kiosk leaves it.
type leaver interface {
	leave()
}

// Kiosk is the kiosk's window and the screens in it.
type Kiosk struct {
	app  fyne.App
	win  fyne.Window
	deps Deps
	tr   *Translations
	br   *bridge
	clk  clock.Clock

	// UI-goroutine state.
	lang    Lang
	elder   bool
	online  bool
	hall    api.Text
	current screen
	home    *homeScreen
	status  *statusBar
	idle    *idleOverlay

	root    *fyne.Container // frame + overlay
	frame   *fyne.Container // status bar above the screen
	host    *fyne.Container // the current screen
	overlay *fyne.Container // the idle countdown, when shown
}

// New builds the kiosk's window on app: the kiosk theme, the status bar and
// the home screen. It does not show the window; call Show.
func New(app fyne.App, deps Deps) *Kiosk {
	return newKiosk(app, deps, fyne.Do)
}

// newKiosk is New with the bridge's scheduler: fyne.Do, or in tests a queue
// the test drains on its own goroutine (Fyne's test driver would run fyne.Do
// at once on the calling goroutine, racing with the test).
func newKiosk(app fyne.App, deps Deps, do func(func())) *Kiosk {
	k := &Kiosk{
		app:    app,
		deps:   deps,
		tr:     deps.translations(),
		br:     newBridge(do),
		clk:    clock.Or(deps.Clock),
		lang:   Chinese,
		online: true,
	}
	app.Settings().SetTheme(NewTheme(false))
	k.win = app.NewWindow(k.t("app.title"))
	// A main menu would get a Quit item from the driver (fyne-notes 1.1), so
	// the kiosk sets none; closing is intercepted and ignored: only the
	// technician mode or the OS may end the kiosk.
	k.win.SetCloseIntercept(func() {})
	k.win.SetPadded(false)
	// A hardware key press is input too (fyne-notes 1.11).
	k.win.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { k.touch() })

	k.status = &statusBar{k: k}
	k.idle = &idleOverlay{k: k}
	k.host = container.NewStack()
	k.overlay = container.NewStack()
	k.overlay.Hide()
	k.frame = container.NewBorder(nil, nil, nil, nil, k.host)
	k.root = container.NewStack(k.frame, k.overlay)
	k.win.SetContent(k.root)
	k.wire()
	k.goHome()
	return k
}

// Window returns the kiosk's window (tests and cmd/kiosk's technician mode
// use it).
func (k *Kiosk) Window() fyne.Window { return k.win }

// Show shows the window: full screen with no decorations on the kiosk, or
// a plain window of size for development. The layouts work in landscape
// (1920×1080, 1280×800) and portrait (1080×1920).
func (k *Kiosk) Show(fullScreen bool, size fyne.Size) {
	if fullScreen {
		k.win.SetFullScreen(true)
	} else {
		k.win.Resize(size)
	}
	k.win.Show()
}

// Close stops the kiosk's background goroutines (the clock, flow
// subscriptions) and closes the window.
func (k *Kiosk) Close() {
	k.unwire()
	k.br.close()
	k.win.Close()
}

// t translates key into the kiosk's current language.
func (k *Kiosk) t(key string, kv ...any) string {
	return k.tr.T(k.lang, key, kv...)
}

// text picks the current language of a catalog text.
func (k *Kiosk) text(t api.Text) string { return t.In(string(k.lang)) }

func (k *Kiosk) now() time.Time { return k.clk.Now() }

func (k *Kiosk) hallName() string {
	if n := k.text(k.hall); n != "" {
		return n
	}
	return k.t("app.hall_default")
}

// formatClock shows a time of today as HH:MM, another day's with its date.
func (k *Kiosk) formatClock(t time.Time) string {
	now := k.now().In(t.Location())
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04")
	}
	return k.t("format.date_time", "Month", int(t.Month()), "Day", t.Day(), "Time", t.Format("15:04"))
}

// show makes s the current screen. Results still on their way for the
// previous screen are dropped (bridge generation).
func (k *Kiosk) show(s screen) {
	if l, ok := k.current.(leaver); ok && k.current != s {
		l.leave()
	}
	k.br.next()
	k.current = s
	k.render()
}

// render builds the status bar and the current screen again.
func (k *Kiosk) render() {
	k.frame.Objects = []fyne.CanvasObject{k.host, k.status.buildUI()}
	k.frame.Layout = layout.NewBorderLayout(k.frame.Objects[1], nil, nil, nil)
	k.host.Objects = []fyne.CanvasObject{k.current.buildUI()}
	k.frame.Refresh()
	if k.overlay.Visible() {
		k.overlay.Objects = []fyne.CanvasObject{k.idle.buildUI()}
		k.overlay.Refresh()
	}
}

// refreshScreen rebuilds only the current screen (its state changed).
func (k *Kiosk) refreshScreen(s screen) {
	if k.current != s {
		return
	}
	k.host.Objects = []fyne.CanvasObject{s.buildUI()}
	k.host.Refresh()
}

// setLanguage switches every text to l at once, on any screen.
func (k *Kiosk) setLanguage(l Lang) {
	k.touch()
	if l == k.lang {
		return
	}
	k.applyLanguage(l)
	k.sessionSetLanguage(l)
}

func (k *Kiosk) applyLanguage(l Lang) {
	k.lang = l
	k.win.SetTitle(k.t("app.title"))
	k.render()
}

// setElder switches elder mode: a theme with larger sizes, applied live
// (Fyne refreshes every widget on SetTheme), and screens rebuilt so their
// pages hold fewer, larger items.
func (k *Kiosk) setElder(on bool) {
	k.touch()
	if on == k.elder {
		return
	}
	k.applyElder(on)
	k.sessionSetElder(on)
}

func (k *Kiosk) applyElder(on bool) {
	k.elder = on
	k.app.Settings().SetTheme(NewTheme(on))
	k.render()
}

// setOnline shows or hides the offline badge.
func (k *Kiosk) setOnline(online bool) {
	if online == k.online {
		return
	}
	k.online = online
	k.status.setOnline(online)
}

// showCountdown shows the idle overlay with n seconds left.
func (k *Kiosk) showCountdown(n int) {
	k.idle.setRemaining(n)
	if !k.overlay.Visible() {
		k.overlay.Objects = []fyne.CanvasObject{k.idle.buildUI()}
		k.overlay.Show()
		k.overlay.Refresh()
	}
}

// hideCountdown removes the idle overlay.
func (k *Kiosk) hideCountdown() {
	if k.overlay.Visible() {
		k.overlay.Hide()
		k.overlay.Objects = nil
	}
}

func (k *Kiosk) onIdleContinue() {
	k.hideCountdown()
	k.sessionContinue()
}

func (k *Kiosk) onIdleHome() {
	k.hideCountdown()
	k.sessionEnd()
	k.goHome()
}

// tick updates the status bar clock; it runs on the UI goroutine.
func (k *Kiosk) tick() {
	k.status.setTime(k.now())
}

// startClock updates the status bar's time every few seconds through the
// bridge, on the kiosk's clock (a fake clock in tests).
func (k *Kiosk) startClock(every time.Duration) {
	ch := make(chan struct{})
	done := k.br.done()
	go func() {
		t := k.clk.NewTimer(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C():
			}
			select {
			case ch <- struct{}{}:
			case <-done:
				return
			}
			t.Reset(every)
		}
	}()
	k.br.every(ch, k.tick)
}

// navBar is the bottom bar of every screen but home: 返回 when there is a
// step to go back to, and 返回首页 always.
func (k *Kiosk) navBar(back func()) fyne.CanvasObject {
	home := newButton(k.t("nav.home"), theme.HomeIcon(), widget.MediumImportance, func() {
		k.touch()
		k.sessionHome()
		k.goHome()
	})
	var left fyne.CanvasObject = layout.NewSpacer()
	if back != nil {
		left = touchMin(newButton(k.t("nav.back"), theme.NavigateBackIcon(), widget.MediumImportance, func() {
			k.touch()
			back()
		}))
	}
	return container.NewGridWithColumns(3, left, layout.NewSpacer(), touchMin(home))
}

// page lays out a screen: title (and an optional step line) on top, the
// body, and the navigation bar at the bottom.
func (k *Kiosk) page(title, step string, body fyne.CanvasObject, back func()) fyne.CanvasObject {
	head := []fyne.CanvasObject{newText(title, theme.SizeNameHeadingText, true, true)}
	if step != "" {
		head = append(head, newText(step, theme.SizeNameText, false, true))
	}
	pad := theme.Size(theme.SizeNameInnerPadding)
	sep := canvas.NewRectangle(theme.Color(theme.ColorNameSeparator))
	sep.SetMinSize(fyne.NewSize(1, theme.Size(theme.SizeNameSeparatorThickness)))
	bottom := container.NewVBox(sep, k.navBar(back))
	content := container.NewBorder(container.NewVBox(head...), bottom, nil, nil, body)
	return container.New(layout.NewCustomPaddedLayout(pad, pad, 2*pad, 2*pad), content)
}
