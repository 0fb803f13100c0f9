package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/flow"
	"hallkiosk/voice"
)

// screen is one screen of the kiosk. buildUI builds its widgets from the
// screen's state (the last flow snapshot); the kiosk calls it again after a
// language or elder-mode switch, so a screen keeps its state in fields,
// never only in widgets.
type screen interface {
	buildUI() fyne.CanvasObject
}

// flowScreen is a screen driven by a flow: start begins the transaction,
// refresh asks the flow for a new snapshot (after elder mode changed its
// page size).
type flowScreen interface {
	screen
	start()
	refresh()
}

// Kiosk is the kiosk's window and the screens in it.
type Kiosk struct {
	app  fyne.App
	win  fyne.Window
	deps Deps
	env  flow.Env
	tr   *Translations
	br   *bridge
	clk  clock.Clock

	// UI-goroutine state.
	lang   Lang
	elder  bool
	online bool
	// sessLang and sessElder are the session's values in its last
	// snapshot (see onSession).
	sessLang  Lang
	sessElder bool
	// cardOn is the session's CardOnReader: the card read in this visit
	// still lies on the reader, and the screens remind the citizen.
	cardOn  bool
	hall    api.Text
	current screen
	status  *statusBar
	idle    *idleOverlay

	secret *secretTapper // counts taps on the hall's name (technician entry)

	// prompt is the current screen's spoken prompt (the speaker button
	// says it again); spoken identifies the last one spoken (voice.go).
	prompt voice.Utterance
	spoken string

	homeFlow *flow.Home
	home     *homeScreen
	ticket   *ticketScreen
	checkIn  *checkInScreen
	guide    *guideScreen
	rating   *ratingScreen
	suggest  *suggestionScreen
	progress *progressScreen

	root    *fyne.Container // frame + overlay
	frame   *fyne.Container // status bar above the screen
	host    *fyne.Container // the current screen
	overlay *fyne.Container // the idle countdown, when shown
}

// New builds the kiosk's window on app: the kiosk theme, the status bar,
// the flows and the home screen, and starts the background work (the home
// tiles' availability checks, the clock). It does not show the window;
// call Show. Close stops everything.
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
		env:    deps.Env,
		tr:     deps.translations(),
		br:     newBridge(do),
		clk:    clock.Or(deps.Env.Clock),
		lang:   Chinese,
		online: true,
		hall:   deps.Hall,
	}
	if k.env.Session == nil {
		opts := deps.Session
		if opts.Clock == nil {
			opts.Clock = deps.Env.Clock
		}
		if opts.Cards == nil {
			opts.Cards = deps.Env.Cards
		}
		opts.OnChange = k.SessionChanged
		k.env.Session = flow.NewSession(opts)
	}
	if Lang(k.env.Session.Language()) == English {
		k.lang = English
	}
	k.sessLang, k.sessElder = k.lang, k.env.Session.Elder()
	app.Settings().SetTheme(NewTheme(false))
	k.win = deps.Window
	if k.win == nil {
		k.win = app.NewWindow(k.t("app.title"))
	}
	k.win.SetTitle(k.t("app.title"))
	// A main menu would get a Quit item from the driver (docs/fyne-notes.md 1.1), so
	// the kiosk sets none; closing is intercepted and ignored: only the
	// technician or the OS ends the kiosk.
	k.win.SetCloseIntercept(func() {})
	k.win.SetPadded(false)
	// A hardware key press is input too (docs/fyne-notes.md 1.11).
	k.win.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { k.touch() })

	k.status = &statusBar{k: k}
	k.idle = &idleOverlay{k: k}
	k.host = container.NewStack()
	k.overlay = container.NewStack()
	k.overlay.Hide()
	k.frame = container.NewBorder(nil, nil, nil, nil, k.host)
	k.root = container.NewStack(k.frame, k.overlay)
	k.win.SetContent(k.root)

	// The screens measure text from here on: wait for WarmFonts' parses
	// rather than parse the faces again on this goroutine.
	waitFonts()
	k.makeScreens()
	k.homeFlow = flow.NewHome(k.env, flow.HomeOptions{OnChange: func(st []flow.TileStatus) {
		k.br.post(func() { k.onTiles(st) })
	}})
	k.goHome()
	k.homeFlow.Run()
	k.startClock(10 * time.Second)
	if k.hall.Zh == "" {
		k.loadHall()
	}
	return k
}

// makeScreens builds each transaction's flow, with its OnChange bound to
// its screen through the bridge.
func (k *Kiosk) makeScreens() {
	env := k.env
	po := flow.PrintOptions{Text: k.printText, QRBase: k.deps.QRBase}
	k.home = &homeScreen{k: k, open: k.openTile}

	k.ticket = &ticketScreen{k: k}
	k.ticket.f = flow.NewTicketFlow(env, flow.TicketOptions{Print: po, OnChange: func(s flow.TicketSnapshot) {
		k.br.post(func() { k.ticket.update(s) })
	}})
	k.checkIn = &checkInScreen{k: k}
	k.checkIn.f = flow.NewCheckInFlow(env, flow.CheckInOptions{Print: po, OnChange: func(s flow.CheckInSnapshot) {
		k.br.post(func() { k.checkIn.update(s) })
	}})
	k.guide = &guideScreen{k: k}
	k.guide.f = flow.NewGuideFlow(env, flow.GuideOptions{Text: k.printText, OnChange: func(s flow.GuideSnapshot) {
		k.br.post(func() { k.guide.update(s) })
	}})
	k.rating = &ratingScreen{k: k}
	k.rating.f = flow.NewRatingFlow(env, flow.RatingOptions{KioskNumber: k.deps.KioskNumber, OnChange: func(s flow.RatingSnapshot) {
		k.br.post(func() { k.rating.update(s) })
	}})
	k.suggest = &suggestionScreen{k: k}
	k.suggest.f = flow.NewSuggestionFlow(env, flow.SuggestionOptions{OnChange: func(s flow.SuggestionSnapshot) {
		k.br.post(func() { k.suggest.update(s) })
	}})
	k.progress = &progressScreen{k: k}
	k.progress.f = flow.NewProgressFlow(env, flow.ProgressOptions{OnChange: func(s flow.ProgressSnapshot) {
		k.br.post(func() { k.progress.update(s) })
	}})
}

// loadHall reads the hall's name from the catalog, off the UI goroutine.
// The name belongs to the kiosk, not to a screen: a citizen who taps a
// tile before the catalog is read must not leave the status bar with the
// default name until the next restart.
func (k *Kiosk) loadHall() {
	store := k.env.Store
	if store == nil {
		return
	}
	k.br.runDetached(func(ctx context.Context) func() {
		cat, err := store.Catalog(ctx)
		if err != nil || cat == nil {
			return nil
		}
		name := cat.Hall.Name
		return func() {
			k.hall = name
			k.renderStatus()
		}
	})
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

// Close stops the kiosk's background work (availability checks, the clock,
// the session's timer) and closes the window.
func (k *Kiosk) Close() {
	k.homeFlow.Stop()
	k.env.Session.Close()
	k.br.close()
	k.win.Close()
}

// SessionChanged takes a snapshot of the idle session; any goroutine may
// call it (it is the session's OnChange). The countdown, a language or
// elder-mode change and the return home after a timeout reach the screen
// through the bridge.
func (k *Kiosk) SessionChanged(s flow.SessionSnapshot) {
	k.br.post(func() { k.onSession(s) })
}

func (k *Kiosk) onSession(s flow.SessionSnapshot) {
	// Language and elder mode follow the session only when the session
	// changed them (End and the timeout reset them): a snapshot made before
	// the citizen's own toggle, delivered after it, must not undo it.
	if l := Lang(s.Language); l != k.sessLang {
		k.sessLang = l
		if l != k.lang && (l == Chinese || l == English) {
			k.applyLanguage(l)
		}
	}
	if s.Elder != k.sessElder {
		k.sessElder = s.Elder
		if s.Elder != k.elder {
			k.applyElder(s.Elder)
		}
	}
	if s.CardOnReader != k.cardOn {
		k.cardOn = s.CardOnReader
		k.onCardChanged()
	}
	switch {
	case s.State == flow.SessionWarning:
		k.showCountdown(s.Remaining)
	default:
		k.hideCountdown()
	}
	// Only a timeout sends the kiosk home from here: End and Home are the
	// kiosk's own buttons, which went home already, and acting on their
	// (late) snapshots could undo a tap the next citizen made meanwhile.
	if s.Expired {
		k.goHome()
	}
}

// t translates key into the kiosk's current language.
func (k *Kiosk) t(key string, kv ...any) string {
	return k.tr.T(k.lang, key, kv...)
}

// text picks the current language of a catalog text. The words the
// catalog keeps whole go to the screens' line breaker.
func (k *Kiosk) text(t api.Text) string {
	learnKeep(t.Keep)
	return t.In(string(k.lang))
}

// now is the clock's time in the hall's zone (Deps.Location).
func (k *Kiosk) now() time.Time {
	if k.deps.Location != nil {
		return k.clk.Now().In(k.deps.Location)
	}
	return k.clk.Now()
}

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

// goHome shows the home screen and asks for fresh tile statuses.
func (k *Kiosk) goHome() {
	k.show(k.home)
	if k.homeFlow != nil {
		k.homeFlow.Refresh()
	}
}

// openTile starts the transaction of a home tile.
func (k *Kiosk) openTile(id string) {
	switch id {
	case tileTicket:
		k.startFlow(k.ticket)
	case tileCheckIn:
		k.startFlow(k.checkIn)
	case tileGuide:
		k.startFlow(k.guide)
	case tileRating:
		k.startFlow(k.rating)
	case tileSuggestion:
		k.startFlow(k.suggest)
	case tileProgress:
		k.startFlow(k.progress)
	case tileSearch:
		if _, off := k.home.view.Unavailable[tileTicket]; off {
			k.show(k.guide)
			k.guide.startSearch()
			return
		}
		k.show(k.ticket)
		k.ticket.startSearch()
	}
}

// startFlow shows a transaction's screen and starts its flow. The flow
// makes itself the session's transaction, which wipes the previous one.
func (k *Kiosk) startFlow(s flowScreen) {
	k.show(s)
	s.start()
}

// show makes s the current screen. Work still running for the previous
// screen is dropped (bridge generation).
func (k *Kiosk) show(s screen) {
	k.br.next()
	k.current = s
	k.render()
}

// render builds the status bar and the current screen again.
func (k *Kiosk) render() {
	// The prompt follows the screen's state, not its widgets: it starts
	// before the screen is built, so a slow build does not delay it.
	k.speakScreen(k.current)
	k.frame.Objects = []fyne.CanvasObject{k.host, k.status.buildUI()}
	k.frame.Layout = layout.NewBorderLayout(k.frame.Objects[1], nil, nil, nil)
	k.host.Objects = []fyne.CanvasObject{k.current.buildUI()}
	k.frame.Refresh()
	k.traceScreen(k.current)
	if k.overlay.Visible() {
		k.overlay.Objects = []fyne.CanvasObject{k.idle.buildUI()}
		k.repaintOverlay()
	}
}

// renderStatus builds the status bar again, leaving the screen as it is
// (the citizen may be typing).
func (k *Kiosk) renderStatus() {
	k.frame.Objects[1] = k.status.buildUI()
	k.frame.Layout = layout.NewBorderLayout(k.frame.Objects[1], nil, nil, nil)
	k.frame.Refresh()
}

// refreshScreen rebuilds s if it is on screen (its state changed).
func (k *Kiosk) refreshScreen(s screen) {
	if k.current != s {
		return
	}
	k.speakScreen(s)
	k.host.Objects = []fyne.CanvasObject{s.buildUI()}
	k.host.Refresh()
	k.traceScreen(s)
}

// traceScreen speaks the prompt of the screen just built (speakScreen) and
// reports the screen to Deps.OnScreen.
func (k *Kiosk) traceScreen(s screen) {
	if k.deps.OnScreen == nil {
		return
	}
	name := strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", s), "*ui."), "Screen")
	if st, ok := s.(interface{ stepName() string }); ok {
		name += "/" + st.stepName()
	}
	k.deps.OnScreen(name)
}

// setLanguage switches every text to l at once, on any screen.
func (k *Kiosk) setLanguage(l Lang) {
	if l == k.lang {
		k.touch()
		return
	}
	k.env.Session.SetLanguage(string(l)) // counts as input
	k.applyLanguage(l)
}

func (k *Kiosk) applyLanguage(l Lang) {
	k.lang = l
	k.win.SetTitle(k.t("app.title"))
	k.render()
}

// setElder switches elder mode: a theme with larger sizes, applied live
// (Fyne refreshes every widget on SetTheme); the screens are rebuilt and the
// flow asked for its page again, since elder pages hold fewer items.
func (k *Kiosk) setElder(on bool) {
	if on == k.elder {
		k.touch()
		return
	}
	k.env.Session.SetElder(on) // counts as input
	k.applyElder(on)
}

func (k *Kiosk) applyElder(on bool) {
	k.elder = on
	k.app.Settings().SetTheme(NewTheme(on))
	k.render()
	if fs, ok := k.current.(flowScreen); ok {
		fs.refresh()
	}
}

// onTiles shows the home tiles' availability and the offline badge.
func (k *Kiosk) onTiles(st []flow.TileStatus) {
	v, online := tilesView(st)
	k.home.update(v)
	k.setOnline(online)
}

// tilesView is the home screen's view of the tiles' availability, and
// whether the kiosk is online.
func tilesView(st []flow.TileStatus) (v homeView, online bool) {
	v = homeView{Unavailable: map[string]problemView{}, Limited: map[string]string{}}
	online = true
	for _, s := range st {
		id := tileID(s.Tile)
		switch {
		case !s.Enabled:
			v.Unavailable[id] = problemView{Reason: s.Reason.String(), Advice: s.Reason.Advice().String()}
		case s.Limited && s.Reason != flow.ReasonNone:
			v.Limited[id] = s.Reason.String()
		}
		if s.Reason == flow.ReasonOffline {
			online = false
		}
	}
	return v, online
}

// setOnline shows or hides the offline badge.
func (k *Kiosk) setOnline(online bool) {
	if online == k.online {
		return
	}
	k.online = online
	k.renderStatus()
}

// onCardChanged redraws what reminds the citizen of her ID card: the
// screens that show a transaction's outcome, and the countdown.
func (k *Kiosk) onCardChanged() {
	switch k.current {
	case k.home, k.ticket, k.checkIn, k.progress:
		k.refreshScreen(k.current)
	}
	if k.overlay.Visible() {
		k.overlay.Objects = []fyne.CanvasObject{k.idle.buildUI()}
		k.repaintOverlay()
	}
}

// repaintOverlay lays out the idle overlay and asks the window's canvas to
// draw it. Container.Refresh alone is not enough for the overlay: it finds
// its canvas through Fyne's object-to-canvas cache, whose entries expire
// a minute after the object was last drawn, and the overlay is hidden for
// at least the idle time before every countdown. On the GLFW driver the
// refresh then reached no canvas and the countdown showed only with the
// next repaint of something else (the status bar's clock), often in its
// last seconds, or not at all.
func (k *Kiosk) repaintOverlay() {
	k.overlay.Refresh()
	k.win.Canvas().Refresh(k.overlay)
}

// showCountdown shows the idle overlay with n seconds left.
func (k *Kiosk) showCountdown(n int) {
	k.idle.setRemaining(n)
	if !k.overlay.Visible() {
		k.overlay.Objects = []fyne.CanvasObject{k.idle.buildUI()}
		k.overlay.Show()
		k.repaintOverlay()
	}
}

// hideCountdown removes the idle overlay.
func (k *Kiosk) hideCountdown() {
	if k.overlay.Visible() {
		k.overlay.Hide()
		k.overlay.Objects = nil
		k.repaintOverlay()
	}
}

func (k *Kiosk) onIdleContinue() {
	k.hideCountdown()
	k.env.Session.Continue()
}

func (k *Kiosk) onIdleHome() {
	k.hideCountdown()
	k.finish()
}

// finish closes the citizen's task (the 完成 button of a done screen,
// 返回首页 on the countdown): the task and its personal data are wiped and
// the home screen comes back (flow.Session.Finish). An elderly citizen with
// a second thing to do keeps her language and mode; while her ID card still
// lies on the reader the home screen reminds her of it. A visit with
// neither ends at once, and the next citizen gets the default language and
// normal mode at once rather than when the session's snapshot arrives.
func (k *Kiosk) finish() {
	if !k.env.Session.Finish() {
		k.goHome()
		return
	}
	s := k.env.Session.Snapshot()
	k.lang = Chinese
	if Lang(s.Language) == English {
		k.lang = English
	}
	if s.Elder != k.elder {
		k.elder = s.Elder
		k.app.Settings().SetTheme(NewTheme(s.Elder))
	}
	k.win.SetTitle(k.t("app.title"))
	k.goHome()
}

// tick updates the status bar clock; it runs on the UI goroutine.
func (k *Kiosk) tick() {
	k.status.setTime(k.now())
}

// startClock updates the status bar's time every few seconds through the
// bridge, on the kiosk's clock (a fake clock in tests).
func (k *Kiosk) startClock(every time.Duration) {
	k.br.tick(context.Background(), k.clk, every, k.tick)
}

// button returns a button that reports input and then runs fn.
func (k *Kiosk) button(text string, icon fyne.Resource, imp widget.Importance, fn func()) *widget.Button {
	return newButton(text, icon, imp, k.tap(fn))
}

// navBar holds 返回上一步 when there is a step to go back to, and 返回首页
// always: beside the title in landscape, at the bottom in portrait (see
// pageLayout).
func (k *Kiosk) navBar(back func(), extra ...fyne.CanvasObject) fyne.CanvasObject {
	home := touchMin(k.button(k.t("nav.home"), theme.HomeIcon(), widget.MediumImportance, func() {
		k.env.Session.Home()
		k.goHome()
	}))
	var left fyne.CanvasObject
	if back != nil {
		left = touchMin(k.button(k.t("nav.back"), theme.NavigateBackIcon(), widget.MediumImportance, back))
	}
	right := home
	if len(extra) > 0 {
		objs := make([]fyne.CanvasObject, 0, len(extra)+1)
		for _, e := range extra {
			objs = append(objs, touchMin(e))
		}
		right = container.NewHBox(append(objs, home)...)
	}
	return container.NewBorder(nil, nil, left, right)
}

// page lays out a screen: the title (and the step, on the same line when it
// fits), the navigation, and the body.
func (k *Kiosk) page(title, step string, body fyne.CanvasObject, back func()) fyne.CanvasObject {
	return k.pageWith(title, step, body, k.navBar(back))
}

// pageWith is page with its own bar (nil: none), for screens whose actions
// replace the navigation, like a result's 完成.
func (k *Kiosk) pageWith(title, step string, body, bar fyne.CanvasObject) fyne.CanvasObject {
	return k.pageStep(title, para{text: step}, body, bar)
}

// pageStep is pageWith with a step line of its own style, such as a
// status in the notice colour.
func (k *Kiosk) pageStep(title string, step para, body, bar fyne.CanvasObject) fyne.CanvasObject {
	head := block(fyne.TextAlignLeading, para{text: title, size: theme.SizeNameHeadingText, bold: true})
	sub := block(fyne.TextAlignLeading, step)
	if step.text == "" {
		sub.Hide()
	}
	pad := theme.Size(theme.SizeNameInnerPadding)
	objs := []fyne.CanvasObject{head, sub, body}
	if bar != nil {
		objs = append(objs, bar)
	}
	return container.New(layout.NewCustomPaddedLayout(pad/2, pad, pad, pad), container.New(&pageLayout{}, objs...))
}

// pageLayout places a page's title, step line, body and bar. The step goes
// beside the title when both fit on the line, under it otherwise. In
// landscape the bar sits at the right of the title, which gives the body the
// height a small 800-pixel panel in elder mode needs; in portrait it spans
// the bottom, within reach of a seated citizen on a tall totem.
type pageLayout struct{ portrait bool }

func (l *pageLayout) parts(objs []fyne.CanvasObject) (title, step *lineText, body, bar fyne.CanvasObject) {
	title, step, body = objs[0].(*lineText), objs[1].(*lineText), objs[2]
	if len(objs) > 3 {
		bar = objs[3]
	}
	return title, step, body, bar
}

// head lays the title and step out in width w from y; it returns the height.
func (l *pageLayout) head(title, step *lineText, w float32, pos fyne.Position) float32 {
	tw := title.oneLine()
	if !step.Visible() {
		th := textHeight(title, w)
		title.Move(pos)
		title.Resize(fyne.NewSize(w, th))
		return th
	}
	if sw := step.oneLine(); tw+sw <= w {
		th, sh := textHeight(title, tw), textHeight(step, w-tw)
		title.Move(pos)
		title.Resize(fyne.NewSize(tw, th))
		step.Move(pos.AddXY(tw, th-sh-2)) // on the title's baseline, near enough
		step.Resize(fyne.NewSize(w-tw, sh))
		return th
	}
	th := textHeight(title, w)
	ip := theme.Size(theme.SizeNameInnerPadding)
	sh := textHeight(step, w)
	title.Move(pos)
	title.Resize(fyne.NewSize(w, th))
	step.Move(pos.AddXY(0, th-ip))
	step.Resize(fyne.NewSize(w, sh))
	return th + sh - ip
}

func (l *pageLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	l.portrait = s.Height > s.Width
	title, step, body, bar := l.parts(objs)
	gap := theme.Size(theme.SizeNamePadding)
	// A bar too wide to leave the title a third of the line goes below.
	if l.portrait || bar == nil || bar.MinSize().Width > s.Width*2/3 {
		barH := float32(0)
		if bar != nil {
			barH = bar.MinSize().Height
			bar.Move(fyne.NewPos(0, s.Height-barH))
			bar.Resize(fyne.NewSize(s.Width, barH))
			barH += gap
		}
		hh := l.head(title, step, s.Width, fyne.NewPos(0, 0))
		body.Move(fyne.NewPos(0, hh+gap))
		body.Resize(fyne.NewSize(s.Width, s.Height-hh-gap-barH))
		return
	}
	bm := bar.MinSize()
	hw := s.Width - bm.Width - gap
	hh := l.head(title, step, hw, fyne.NewPos(0, 0))
	top := max(hh, bm.Height)
	if hh < top { // centre the head on the bar
		l.head(title, step, hw, fyne.NewPos(0, (top-hh)/2))
	}
	bar.Move(fyne.NewPos(s.Width-bm.Width, (top-bm.Height)/2))
	bar.Resize(bm)
	body.Move(fyne.NewPos(0, top+gap))
	body.Resize(fyne.NewSize(s.Width, s.Height-top-gap))
}

func (l *pageLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	title, step, body, bar := l.parts(objs)
	gap := theme.Size(theme.SizeNamePadding)
	hm, bd := title.MinSize(), body.MinSize()
	if step.Visible() {
		hm.Height += step.MinSize().Height - theme.Size(theme.SizeNameInnerPadding)
	}
	if bar == nil {
		return fyne.NewSize(max(hm.Width, bd.Width), hm.Height+gap+bd.Height)
	}
	bm := bar.MinSize()
	if l.portrait {
		return fyne.NewSize(max(hm.Width, bd.Width, bm.Width), hm.Height+bd.Height+bm.Height+2*gap)
	}
	return fyne.NewSize(max(hm.Width+gap+bm.Width, bd.Width), max(hm.Height, bm.Height)+gap+bd.Height)
}
