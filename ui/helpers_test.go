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
	"hallkiosk/flow"
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

// step runs the oldest queued function, if any, and reports whether one ran.
func (q *uiQueue) step() bool {
	q.mu.Lock()
	if len(q.fns) == 0 {
		q.mu.Unlock()
		return false
	}
	fn := q.fns[0]
	q.fns = q.fns[1:]
	q.mu.Unlock()
	fn()
	return true
}

func (q *uiQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.fns)
}

// harness is a kiosk on a test app with a fake clock, a queued bridge
// and, when given, the real parts behind its flows.
type harness struct {
	t     *testing.T
	app   fyne.App
	k     *Kiosk
	q     *uiQueue
	clk   *clock.Fake
	parts *parts
}

// newHarness builds a kiosk on a fresh test app; p may be nil (no parts:
// the tiles stay unavailable and screens are shown from hand-made
// snapshots).
func newHarness(t *testing.T, p *parts) *harness {
	t.Helper()
	return newHarnessOn(t, test.NewTempApp(t), p)
}

// newHarnessOn is newHarness on an existing test app: the screenshot test
// shares one, since a new app drops Fyne's font cache and parsing the 11 MB
// CJK faces again for every screen would take most of the test's time.
func newHarnessOn(t *testing.T, app fyne.App, p *parts) *harness {
	t.Helper()
	h := &harness{t: t, app: app, q: &uiQueue{}, parts: p}
	deps := Deps{KioskNumber: testKioskNumber}
	if p != nil {
		h.clk = p.clk
		deps.Env = p.env()
	} else {
		h.clk = clock.NewFake(testStart)
		deps.Env.Clock = h.clk
		deps.Hall = testCatalog().Hall.Name
	}
	h.k = newKiosk(app, deps, h.q.do)
	h.k.win.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(func() {
		h.k.Close()
		h.q.drain()
	})
	h.q.drain()
	return h
}

// settleLimit bounds a wait for the kiosk to reach a state. It is
// generous: behind the screens are a card reader that polls every half
// second and a printer behind a serial line.
const settleLimit = 15 * time.Second

// settle runs what background work posted to the UI until cond holds.
func (h *harness) settle(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(settleLimit)
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

// pause runs what background work posts to the UI one function at a time
// and stops as soon as cond holds, leaving the rest queued: the screen then
// shows a state the flow passes through on its way, such as "issuing",
// which on the real parts lasts only as long as a commit.
func (h *harness) pause(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(settleLimit)
	for !cond() {
		if !h.q.step() {
			if time.Now().After(deadline) {
				h.t.Fatalf("%s: not reached; on screen: %q", what, texts(h.content()))
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// ticketIn, checkInIn and progressIn report whether a screen holds a
// snapshot in state st.
func (h *harness) ticketIn(st flow.TicketState) func() bool {
	return func() bool { return h.k.current == h.k.ticket && h.k.ticket.s.State == st }
}

func (h *harness) checkInIn(st flow.CheckInState) func() bool {
	return func() bool { return h.k.current == h.k.checkIn && h.k.checkIn.s.State == st }
}

func (h *harness) progressIn(st flow.ProgressState) func() bool {
	return func() bool { return h.k.current == h.k.progress && h.k.progress.s.State == st }
}

// waitShows settles until a text containing s is on screen.
func (h *harness) waitShows(s string) {
	h.t.Helper()
	h.settle("show "+s, func() bool { return h.shows(s) })
}

// tapTile waits for an enabled tile titled s (the home tiles enable once
// the printer and the store have answered) and taps it.
func (h *harness) tapTile(s string) {
	h.t.Helper()
	var tl *Tile
	h.settle("enabled tile "+s, func() bool {
		tl = nil
		for _, t := range tiles(h.content()) {
			if t.Title == s && !t.Disabled() {
				tl = t
			}
		}
		return tl != nil
	})
	test.Tap(tl)
	h.q.drain()
}

// tapWhen waits for an enabled button with text s, then taps it.
func (h *harness) tapWhen(s string) {
	h.t.Helper()
	h.settle("enabled button "+s, func() bool {
		for _, b := range buttons(h.content()) {
			if b.Text == s && !b.Disabled() {
				return true
			}
		}
		return false
	})
	h.tap(s)
}

// tapKey taps the keypad key labelled label.
func (h *harness) tapKey(label string) {
	h.t.Helper()
	var k *key
	h.settle("key "+label, func() bool {
		walk(h.content(), fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position, _ []fyne.CanvasObject) {
			if kk, ok := o.(*key); ok && kk.label == label {
				k = kk
			}
		}, nil)
		return k != nil
	})
	test.Tap(k)
	h.q.drain()
}

// typeKeys taps the keypad's keys for s, one by one, letting each
// keystroke's snapshot arrive.
func (h *harness) typeKeys(s string) {
	h.t.Helper()
	for _, r := range s {
		h.tapKey(string(r))
	}
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
