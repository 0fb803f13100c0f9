package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/clock"
)

// uiQueue is the bridge's scheduler in tests: functions posted from any
// goroutine wait here until the test goroutine runs them with drain, the
// way fyne.Do queues them for the UI goroutine in the real driver.
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) do(fn func()) {
	q.mu.Lock()
	q.fns = append(q.fns, fn)
	q.mu.Unlock()
}

// drain runs the queued functions, including those they queue, and reports
// how many ran.
func (q *uiQueue) drain() int {
	n := 0
	for {
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return n
		}
		for _, fn := range fns {
			fn()
			n++
		}
	}
}

func (q *uiQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.fns)
}

// harness is a kiosk on a test app with a fake clock, a queued bridge
// and, when given, fake ports behind the real flows.
type harness struct {
	t     *testing.T
	app   fyne.App
	k     *Kiosk
	q     *uiQueue
	clk   *clock.Fake
	ports *ports
}

// testStart is the fake clock's start: Tuesday 24 November 2026, 09:30 in
// the hall's zone, within opening hours.
var testStart = time.Date(2026, 11, 24, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

// newHarness builds a kiosk on a fresh test app; p may be nil (no ports:
// screens are then shown from hand-made snapshots).
func newHarness(t *testing.T, p *ports) *harness {
	t.Helper()
	return newHarnessOn(t, test.NewTempApp(t), p)
}

// newHarnessOn is newHarness on an existing test app: the screenshot test
// shares one, since a new app drops Fyne's font cache and parsing the 11 MB
// CJK faces again for every screen would take most of the test's time.
func newHarnessOn(t *testing.T, app fyne.App, p *ports) *harness {
	t.Helper()
	h := &harness{t: t, app: app, q: &uiQueue{}, clk: clock.NewFake(testStart), ports: p}
	deps := Deps{KioskNumber: 7}
	if p != nil {
		deps.Env = p.env()
	} else {
		deps.Hall = testCatalog().Hall.Name
	}
	deps.Env.Clock = h.clk
	h.k = newKiosk(app, deps, h.q.do)
	h.k.win.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(h.k.Close)
	h.q.drain()
	return h
}

// settle runs what background work posted to the UI until cond holds.
func (h *harness) settle(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		h.q.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s: not reached; on screen: %q", what, texts(h.content()))
		}
		time.Sleep(time.Millisecond)
	}
}

// waitShows settles until a text containing s is on screen.
func (h *harness) waitShows(s string) {
	h.t.Helper()
	h.settle("show "+s, func() bool { return h.shows(s) })
}

// tr is the kiosk's translation of key in its current language.
func (h *harness) tr(key string, kv ...any) string { return h.k.t(key, kv...) }

// content returns the window's content.
func (h *harness) content() fyne.CanvasObject { return h.k.win.Canvas().Content() }

// walk visits every visible object under o with its absolute position.
func walk(o fyne.CanvasObject, pos fyne.Position, visit func(o fyne.CanvasObject, abs fyne.Position, parents []fyne.CanvasObject), parents []fyne.CanvasObject) {
	if o == nil || !o.Visible() {
		return
	}
	visit(o, pos, parents)
	parents = append(parents, o)
	var kids []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		kids = x.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(x).Objects()
	}
	for _, c := range kids {
		walk(c, pos.Add(c.Position()), visit, parents)
	}
}

// buttons returns the visible buttons under o.
func buttons(o fyne.CanvasObject) []*widget.Button {
	var out []*widget.Button
	walk(o, fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position, _ []fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			out = append(out, b)
		}
	}, nil)
	return out
}

// button finds the visible button with text s, failing the test if none.
func (h *harness) button(s string) *widget.Button {
	h.t.Helper()
	for _, b := range buttons(h.content()) {
		if b.Text == s {
			return b
		}
	}
	h.t.Fatalf("no button %q on screen; texts: %q", s, texts(h.content()))
	return nil
}

// hasButton reports whether a visible button with text s is on screen.
func (h *harness) hasButton(s string) bool {
	for _, b := range buttons(h.content()) {
		if b.Text == s {
			return true
		}
	}
	return false
}

// tap taps the button with text s, then runs what it queued.
func (h *harness) tap(s string) {
	h.t.Helper()
	b := h.button(s)
	if b.Disabled() {
		h.t.Fatalf("button %q is disabled", s)
	}
	test.Tap(b)
	h.q.drain()
}

// tiles returns the visible tiles under o.
func tiles(o fyne.CanvasObject) []*Tile {
	var out []*Tile
	walk(o, fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position, _ []fyne.CanvasObject) {
		if t, ok := o.(*Tile); ok {
			out = append(out, t)
		}
	}, nil)
	return out
}

// tile finds the visible tile titled s.
func (h *harness) tile(s string) *Tile {
	h.t.Helper()
	for _, t := range tiles(h.content()) {
		if t.Title == s {
			return t
		}
	}
	h.t.Fatalf("no tile %q on screen; texts: %q", s, texts(h.content()))
	return nil
}

// texts returns every visible text on screen, in tree order.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position, _ []fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && t.Text != "" {
			out = append(out, t.Text)
		}
	}, nil)
	return out
}

// shows reports whether some visible text on screen contains s.
func (h *harness) shows(s string) bool {
	for _, x := range texts(h.content()) {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// isElder reports whether the current app theme is the elder-mode theme.
func isElder() bool {
	th, ok := fyne.CurrentApp().Settings().Theme().(kioskTheme)
	return ok && th.elder
}
