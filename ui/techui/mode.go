package techui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/clock"
	"hallkiosk/diag"
	"hallkiosk/ui"
)

// Options wires technician mode into the kiosk window.
type Options struct {
	// OnClose is called on the UI goroutine after technician mode has put
	// the citizen screen back (exit, idle expiry, program exit, back from
	// the PIN keypad). Optional.
	OnClose func()
	// Dirs returns the folders exports can go to, USB sticks first and
	// the kiosk's own export folder last; the technician chooses one on the
	// export page. It is asked when that page opens and on Rescan, because
	// a stick can be plugged in after the mode opened. Default: the current
	// directory, which on the kiosk is the data directory the service runs
	// in.
	Dirs func() []string
	// Location is the hall's time zone, in which the pages show times.
	// Nil: the machine's (time.Local).
	Location *time.Location
	// Refresh is how often the devices, sync and health pages re-read
	// their state while they are shown. Default DefaultRefresh.
	Refresh time.Duration
	// Clock times the page refresh and the lockout countdown's repaint:
	// the gate's clock, so that a test's fake clock drives both. Nil: the
	// wall clock.
	Clock clock.Clock
}

// DefaultRefresh is how often a page refreshes itself: often enough that a
// technician who opens the printer's cover sees it on the screen without
// tapping anything, seldom enough to cost nothing (the pages read what the
// drivers and the database already know).
const DefaultRefresh = 2 * time.Second

// Mode is technician mode on one window. It is used from the UI goroutine
// only; its background work comes back through fyne.Do.
type Mode struct {
	win  fyne.Window
	gate *diag.Gate
	opts Options

	shown  bool
	prev   fyne.CanvasObject // the citizen screen, put back on close
	root   *fyne.Container   // the current screen, under the theme override
	over   *container.ThemeOverride
	ctx    context.Context // ends when the mode closes: cancels pending waits
	cancel context.CancelFunc

	sess *diag.Session

	// exportDir is the folder chosen on the export page ("" until then):
	// bundles and dead-letter exports go there. Exports read it from their
	// background work, hence the lock.
	exportMu  sync.Mutex
	exportDir string
	// settingsDraft holds unsaved edits of the settings page while the
	// technician looks at another page (e.g. tests a port before saving
	// its address); nil when there are none. A session's end drops it.
	settingsDraft *diag.Settings

	// busy counts background calls in flight; the header shows an activity
	// indicator while it is above zero.
	busy      int
	busyIcon  *widget.Activity
	busyLabel *widget.Label

	lockStop context.CancelFunc // stops the lockout countdown ticker
	pin      *pinScreen

	page     *page
	pageArea *fyne.Container
	// refresh re-reads the shown page's state; nil when the page has
	// nothing to refresh or no page is shown.
	refresh *refresher

	// br schedules on the UI goroutine, the citizen screens' way: fyne.Do
	// in the kiosk. Tests queue the calls and run them on the test
	// goroutine, because the test driver's fyne.Do runs fn at once on the
	// calling goroutine, which would let a background result race the
	// test's own taps.
	br  *ui.Bridge
	clk clock.Clock
}

// New prepares technician mode for win over gate. Nothing is shown until
// Show.
func New(win fyne.Window, gate *diag.Gate, opts Options) *Mode {
	if opts.Dirs == nil {
		opts.Dirs = func() []string { return []string{"."} }
	}
	if opts.Refresh <= 0 {
		opts.Refresh = DefaultRefresh
	}
	if opts.Location != nil {
		zone = opts.Location
	}
	return &Mode{win: win, gate: gate, opts: opts, br: ui.NewBridge(nil), clk: clock.Or(opts.Clock)}
}

// do schedules fn on the UI goroutine.
func (m *Mode) do(fn func()) { m.br.Post(fn) }

// zone is the zone the pages show times in (Options.Location). It is the
// package's because the pages' formatting helpers are plain functions; a
// kiosk has one technician mode.
var zone = time.Local

// Show replaces the window's content with the PIN keypad, remembering the
// citizen screen to restore when technician mode closes. Calling it while
// the mode is shown goes back to the keypad.
func (m *Mode) Show() {
	if s := m.sess; s != nil {
		// Back to the keypad means the open session is over; ending it
		// here keeps it from lingering until its idle expiry.
		m.sess = nil
		go s.Exit(context.WithoutCancel(m.ctx))
	}
	if !m.shown {
		m.prev = m.win.Content()
		m.shown = true
		m.ctx, m.cancel = context.WithCancel(context.Background())
		if m.over == nil {
			// The kiosk theme's citizen sizes (22 dp text) leave too little
			// room for the technician's dense pages; the override keeps its
			// fonts and colours and only makes text and padding smaller.
			// It is made once: Fyne parses the fonts again for every new
			// override scope and keeps them for good, so an override per
			// visit would grow the kiosk by both CJK faces each time a
			// technician comes.
			m.root = container.NewStack()
			m.over = container.NewThemeOverride(m.root, techTheme{})
		}
		m.root.Objects = nil
		m.win.SetContent(m.over)
	}
	m.showPIN()
}

// Shown reports whether technician mode currently owns the window.
func (m *Mode) Shown() bool { return m.shown }

// close puts the citizen screen back. It is idempotent: the Done watcher,
// the exit button and an ended background call may all ask for it.
func (m *Mode) close() {
	if !m.shown {
		return
	}
	m.shown = false
	m.stopLockTicker()
	m.stopRefresh()
	m.cancel()
	m.sess = nil
	m.settingsDraft = nil
	m.win.SetContent(m.prev)
	m.prev = nil
	if m.opts.OnClose != nil {
		m.opts.OnClose()
	}
}

// setScreen shows obj as the whole technician screen.
func (m *Mode) setScreen(obj fyne.CanvasObject) {
	m.root.Objects = []fyne.CanvasObject{obj}
	m.retheme()
}

// retheme applies the technician theme to objects added since the last
// call: a ThemeOverride themes its children when it is refreshed, not when
// a sub-container gains new ones (container/theme.go), so every screen,
// page and pager change goes through here.
func (m *Mode) retheme() {
	if m.over != nil {
		m.over.Refresh()
	}
}

// touch keeps the technician session alive: diag ends a session after
// Diag.IdleMinutes without input, and only the screen knows about taps
// that do not call diag (paging, switching tabs).
func (m *Mode) touch() {
	if m.sess != nil {
		m.sess.Touch()
	}
}

// opened takes over a session that Gate.Enter returned. The watcher turns
// the end of the session (idle expiry, replaced, program exit) into closing
// the mode, on the UI goroutine.
func (m *Mode) opened(s *diag.Session) {
	m.sess = s
	ctx := m.ctx
	go func() {
		select {
		case <-s.Done():
			m.do(func() {
				if m.sess == s {
					m.close()
				}
			})
		case <-ctx.Done():
		}
	}()
}

// run does work off the UI goroutine, with the busy indicator on, and
// applies the function work returns (if any) on the UI goroutine. Results
// that arrive after the mode closed are dropped: their widgets are gone.
func (m *Mode) run(work func(ctx context.Context) func()) {
	m.touch()
	m.setBusy(+1)
	ctx := m.ctx
	go func() {
		apply := work(ctx)
		m.do(func() {
			m.setBusy(-1)
			if apply != nil && m.shown && ctx.Err() == nil {
				apply()
			}
		})
	}()
}

func (m *Mode) setBusy(d int) {
	m.busy += d
	if m.busyIcon == nil {
		return
	}
	if m.busy > 0 {
		m.busyIcon.Show()
		m.busyIcon.Start()
		m.busyLabel.Show()
	} else {
		m.busyIcon.Stop()
		m.busyIcon.Hide()
		m.busyLabel.Hide()
	}
}

// Busy reports whether background calls are in flight (tests wait on it).
func (m *Mode) Busy() bool { return m.busy > 0 }

// button is a touch-sized button whose tap counts as activity.
func (m *Mode) button(label string, imp widget.Importance, tap func()) *widget.Button {
	b := widget.NewButton(label, func() {
		m.touch()
		tap()
	})
	b.Importance = imp
	return b
}

// startLockTicker refreshes the lockout countdown every half second. The
// ticks only repaint; what they show is the gate's own Status.
func (m *Mode) startLockTicker() {
	if m.lockStop != nil {
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	m.lockStop = stop
	m.br.Tick(ctx, m.clk, 500*time.Millisecond, func() {
		if m.pin != nil && ctx.Err() == nil {
			m.pin.refreshLock()
		}
	})
}

func (m *Mode) stopLockTicker() {
	if m.lockStop != nil {
		m.lockStop()
		m.lockStop = nil
	}
}

// refresher re-reads one page's state every Options.Refresh.
type refresher struct {
	stop     context.CancelFunc
	inflight bool // a poll is running: the next tick skips instead of piling up
	polls    int  // polls that came back, for tests
}

// autoRefresh makes the page being built refresh itself: every
// Options.Refresh, poll runs off the UI goroutine and the function it
// returns is applied on it, like run but without the busy indicator and
// without counting as a tap — poll must use the session's Poll views, or a
// page left open would keep the session alive for ever. It stops when the
// page is left (openPage, another screen), the mode closes or the session
// ends.
func (m *Mode) autoRefresh(poll func(ctx context.Context) func()) {
	m.stopRefresh()
	ctx, stop := context.WithCancel(m.ctx)
	r := &refresher{stop: stop}
	m.refresh = r
	if m.sess != nil {
		// The refresh ends with the session, as the mode does.
		ended := m.sess.Done()
		go func() {
			select {
			case <-ended:
				stop()
			case <-ctx.Done():
			}
		}()
	}
	m.br.Tick(ctx, m.clk, m.opts.Refresh, func() { m.tick(r, poll) })
}

// tick starts one poll of r, on the UI goroutine, unless r was stopped or
// its previous poll is still running (a slow database must not queue up a
// poll every tick).
func (m *Mode) tick(r *refresher, poll func(ctx context.Context) func()) {
	if m.refresh != r || r.inflight || !m.shown {
		return
	}
	r.inflight = true
	ctx := m.ctx
	go func() {
		apply := poll(ctx)
		m.do(func() {
			r.inflight = false
			r.polls++
			if apply != nil && m.refresh == r && m.shown && ctx.Err() == nil {
				apply()
			}
		})
	}()
}

// stopRefresh stops the shown page's refresh, if any.
func (m *Mode) stopRefresh() {
	if m.refresh != nil {
		m.refresh.stop()
		m.refresh = nil
	}
}

func (m *Mode) chooseExportDir(dir string) {
	m.exportMu.Lock()
	m.exportDir = dir
	m.exportMu.Unlock()
}

// exportFolder is where exports go: the folder chosen on the export page,
// else the first the kiosk offers. Finding those probes the mounts, so it
// runs in background work, not on the UI goroutine.
func (m *Mode) exportFolder() string {
	m.exportMu.Lock()
	dir := m.exportDir
	m.exportMu.Unlock()
	if dir != "" {
		return dir
	}
	if dirs := m.opts.Dirs(); len(dirs) > 0 {
		return dirs[0]
	}
	return "."
}
