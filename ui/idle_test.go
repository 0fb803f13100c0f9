package ui

import (
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"hallkiosk/flow"
)

// idleUntilCountdown lets the session's idle time run out.
func (h *harness) idleUntilCountdown() {
	h.t.Helper()
	if !h.clk.WaitPending(1, time.Second) {
		h.t.Fatal("no idle timer")
	}
	h.clk.Advance(h.k.Session().Snapshot().IdleLimit)
	h.settle("countdown", func() bool { return h.k.overlay.Visible() })
}

// paintWindow is the kiosk's window with its canvas's repaint requests
// recorded: what reaches the window's canvas is what the GLFW driver
// draws.
type paintWindow struct {
	fyne.Window
	c *paintCanvas
}

func (w *paintWindow) Canvas() fyne.Canvas { return w.c }

type paintCanvas struct {
	fyne.Canvas
	mu  sync.Mutex
	got []fyne.CanvasObject
}

func (c *paintCanvas) Refresh(o fyne.CanvasObject) {
	c.mu.Lock()
	c.got = append(c.got, o)
	c.mu.Unlock()
	c.Canvas.Refresh(o)
}

func (c *paintCanvas) take() []fyne.CanvasObject {
	c.mu.Lock()
	defer c.mu.Unlock()
	got := c.got
	c.got = nil
	return got
}

// TestCountdownRepaintsWindow: on a guide list, where the citizen reads,
// the countdown is asked of the window's canvas when it appears and at
// every second. Fyne's own Refresh finds an object's canvas through a
// cache whose entries expire a minute after the object was last drawn;
// the overlay is hidden for longer than that, and on the GLFW driver the
// countdown then appeared only with the next repaint of something else,
// for the last second or two.
func TestCountdownRepaintsWindow(t *testing.T) {
	p := newParts(t)
	app := test.NewTempApp(t)
	win := &paintWindow{Window: app.NewWindow("kiosk")}
	win.c = &paintCanvas{Canvas: win.Window.Canvas()}
	h := newHarnessOn(t, app, p, func(d *Deps) { d.Window = win })
	h.tapTile(h.tr("home.guide.title"))
	h.tapTile("社会保障")
	h.settle("guide list", func() bool { return h.k.current == h.k.guide && h.k.guide.s.State == flow.GuideServices })
	win.c.take()

	h.idleUntilCountdown()
	if got := win.c.take(); !slices.Contains(got, fyne.CanvasObject(h.k.overlay)) {
		t.Fatalf("the countdown appeared without a repaint of the window: %T", got)
	}
	h.clk.Advance(time.Second)
	h.settle("9 s left", func() bool { return h.k.idle.remaining == 9 })
	painted := false
	for _, o := range win.c.take() {
		if tx, ok := o.(*canvas.Text); ok && tx.Text == "9" {
			painted = true
		}
	}
	if !painted {
		t.Fatal("the seconds changed without a repaint of the window")
	}
}
