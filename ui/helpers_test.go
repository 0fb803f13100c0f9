package ui

import (
	"image"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"hallkiosk/clock"
	"hallkiosk/flow"
	"hallkiosk/internal/layoutcheck"

	"hallkiosk/internal/uiqueue"
)

// harness is a kiosk on a test app with a fake clock, a queued bridge
// and, when given, the real parts behind its flows.
type harness struct {
	t     testing.TB
	app   fyne.App
	k     *Kiosk
	q     *uiqueue.Queue
	clk   *clock.Fake
	parts *parts
}

// newHarness builds a kiosk on a fresh test app; p may be nil (no parts:
// the tiles stay unavailable and screens are shown from hand-made
// snapshots).
func newHarness(t testing.TB, p *parts) *harness {
	t.Helper()
	return newHarnessOn(t, test.NewTempApp(t), p)
}

// newHarnessOn is newHarness on an existing test app: the screenshot test
// shares one, since a new app drops Fyne's font cache and parsing the 11 MB
// CJK faces again for every screen would take most of the test's time.
func newHarnessOn(t testing.TB, app fyne.App, p *parts, opts ...func(*Deps)) *harness {
	t.Helper()
	h := &harness{t: t, app: app, q: &uiqueue.Queue{}, parts: p}
	deps := Deps{KioskNumber: testKioskNumber}
	if p != nil {
		h.clk = p.clk
		deps.Env = p.env()
	} else {
		h.clk = clock.NewFake(testStart)
		deps.Env.Clock = h.clk
		deps.Hall = testCatalog().Hall.Name
	}
	for _, o := range opts {
		o(&deps)
	}
	h.k = newKiosk(app, deps, h.q.Do)
	h.k.win.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(func() {
		h.k.Close()
		h.q.Drain()
	})
	h.q.Drain()
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
		h.q.Drain()
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
		if !h.q.Step() {
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

// caughtUp reports whether the screen on show draws its flow's latest
// state. A flow's snapshots reach the screen through the UI queue, and
// until they all have, the screen may show an earlier state, even one of
// the previous citizen's transaction: a tap there would reach the flow in
// another state than the one on screen. Every tap of the harness waits for
// this first, as a citizen looks before touching.
func (h *harness) caughtUp() bool {
	k := h.k
	switch k.current {
	case k.ticket:
		return reflect.DeepEqual(k.ticket.s, k.ticket.f.Snapshot())
	case k.checkIn:
		return reflect.DeepEqual(k.checkIn.s, k.checkIn.f.Snapshot())
	case k.guide:
		return reflect.DeepEqual(k.guide.s, k.guide.f.Snapshot())
	case k.rating:
		return reflect.DeepEqual(k.rating.s, k.rating.f.Snapshot())
	case k.suggest:
		return reflect.DeepEqual(k.suggest.s, k.suggest.f.Snapshot())
	case k.progress:
		return reflect.DeepEqual(k.progress.s, k.progress.f.Snapshot())
	}
	return true
}

// tapFound waits until the screen has caught up with its flow and find
// returns something to tap, then taps it and runs what the tap queued.
func (h *harness) tapFound(what string, find func() fyne.Tappable) {
	h.t.Helper()
	var target fyne.Tappable
	h.settle(what, func() bool {
		target = nil
		if h.caughtUp() {
			target = find()
		}
		return target != nil
	})
	test.Tap(target)
	h.q.Drain()
}

// tapTile waits for an enabled tile titled s (the home tiles enable once
// the printer and the store have answered) and taps it.
func (h *harness) tapTile(s string) {
	h.t.Helper()
	h.tapFound("enabled tile "+s, func() fyne.Tappable {
		for _, t := range tiles(h.content()) {
			if t.Title == s && !t.Disabled() {
				return t
			}
		}
		return nil
	})
}

// tapWhen waits for an enabled button with text s, then taps it.
func (h *harness) tapWhen(s string) {
	h.t.Helper()
	h.tapFound("enabled button "+s, func() fyne.Tappable {
		for _, b := range buttons(h.content()) {
			if b.Text == s && !b.Disabled() {
				return b
			}
		}
		return nil
	})
}

// tap taps the button with text s, which must be on screen and enabled
// once the screen has caught up with its flow.
func (h *harness) tap(s string) {
	h.t.Helper()
	h.settle("screen up to date", h.caughtUp)
	b := h.button(s)
	if b.Disabled() {
		h.t.Fatalf("button %q is disabled", s)
	}
	test.Tap(b)
	h.q.Drain()
}

// tapKey taps the keypad key labelled label.
func (h *harness) tapKey(label string) {
	h.t.Helper()
	h.tapFound("key "+label, func() fyne.Tappable {
		for _, k := range shown[*key](h.content()) {
			if k.label == label {
				return k
			}
		}
		return nil
	})
}

// typeKeys taps the keypad's keys for s, one by one, letting each
// keystroke's snapshot arrive.
func (h *harness) typeKeys(s string) {
	h.t.Helper()
	for _, r := range s {
		h.tapKey(string(r))
	}
}

// A citizen's ways through the screens, shared by the flow tests and the
// screenshot scenes.

// chooseService taps the ticket tile, a department and a service, turning
// pages to find them as a citizen would (elder mode has fewer a page).
func (h *harness) chooseService(dept, service string) {
	h.t.Helper()
	h.tapTile(h.tr("home.ticket.title"))
	h.settle("departments", h.ticketIn(flow.TicketDepartments))
	h.tapTileOnPages(dept)
	h.settle("services", h.ticketIn(flow.TicketServices))
	h.tapTileOnPages(service)
}

// walkIn takes a ticket for a service without an ID card.
func (h *harness) walkIn(dept, service string) {
	h.t.Helper()
	h.chooseService(dept, service)
	h.tapWhen(h.tr("ticket.skip_card"))
}

// cardStep chooses a service and waits for the ID card step.
func (h *harness) cardStep(dept, service string) {
	h.t.Helper()
	h.chooseService(dept, service)
	h.settle("card step", h.ticketIn(flow.TicketCard))
}

// reachCap takes the one ticket capService gives a day, then asks for
// another.
func (h *harness) reachCap() {
	h.t.Helper()
	h.walkIn("市场监管", capServiceName)
	h.settle("the day's ticket", h.ticketIn(flow.TicketDone))
	elder := isElder()
	h.tapWhen(h.tr("action.finish"))
	// Finishing ends that citizen's session, elder mode with it; the next
	// citizen, who meets the cap, asks for it again.
	if elder && !isElder() {
		h.tap(h.tr("status.elder"))
	}
	h.walkIn("市场监管", capServiceName)
	h.waitShows(h.tr("reason.cap_reached"))
}

// tapTileOnPages taps the enabled tile titled s, turning to the next page
// until it is on screen.
func (h *harness) tapTileOnPages(s string) {
	h.t.Helper()
	for {
		h.settle("screen up to date", h.caughtUp)
		var titles []string
		for _, t := range tiles(h.content()) {
			if t.Title == s && !t.Disabled() {
				h.tapTile(s)
				return
			}
			titles = append(titles, t.Title)
		}
		h.tapWhen(h.tr("pager.next"))
		h.settle("next page", func() bool {
			var now []string
			for _, t := range tiles(h.content()) {
				now = append(now, t.Title)
			}
			return !slices.Equal(now, titles)
		})
	}
}

// typeAndOK types s on the keypad and confirms it.
func (h *harness) typeAndOK(s string) {
	h.t.Helper()
	h.typeKeys(s)
	h.tapWhen(h.tr("keypad.ok"))
}

// startCheckIn opens check-in and chooses a way in (a translation key).
func (h *harness) startCheckIn(method string) {
	h.t.Helper()
	h.tapTile(h.tr("home.check_in.title"))
	h.tapTile(h.tr(method))
}

// checkInByCode types an appointment code and confirms it.
func (h *harness) checkInByCode(code string) {
	h.t.Helper()
	h.startCheckIn("checkin.code")
	h.typeAndOK(code)
}

// startRating opens the rating and enters a ticket number.
func (h *harness) startRating(number string) {
	h.t.Helper()
	h.tapTile(h.tr("home.rating.title"))
	h.settle("ticket step", func() bool { return h.k.current == h.k.rating && h.k.rating.s.State == flow.RatingTicket })
	h.typeAndOK(number)
}

// enterReceipt opens 办件进度 and enters a receipt number.
func (h *harness) enterReceipt(receipt string) {
	h.t.Helper()
	h.tapTile(h.tr("home.progress.title"))
	h.typeAndOK(receipt)
	h.settle("identity step", h.progressIn(flow.ProgressIdentity))
}

// tr is the kiosk's translation of key in its current language.
func (h *harness) tr(key string, kv ...any) string { return h.k.t(key, kv...) }

// content returns the window's content.
func (h *harness) content() fyne.CanvasObject { return h.k.win.Canvas().Content() }

// walk visits every visible object under o with its enclosing objects.
func walk(o fyne.CanvasObject, visit func(o fyne.CanvasObject, abs fyne.Position, parents []fyne.CanvasObject)) {
	if o != nil {
		layoutcheck.Walk(o, visit)
	}
}

// shown returns the visible objects of type T under o, in tree order.
func shown[T fyne.CanvasObject](o fyne.CanvasObject) []T {
	var out []T
	walk(o, func(o fyne.CanvasObject, _ fyne.Position, _ []fyne.CanvasObject) {
		if x, ok := o.(T); ok {
			out = append(out, x)
		}
	})
	return out
}

// buttons returns the visible buttons under o.
func buttons(o fyne.CanvasObject) []*widget.Button { return shown[*widget.Button](o) }

// tiles returns the visible tiles under o.
func tiles(o fyne.CanvasObject) []*Tile { return shown[*Tile](o) }

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
	walk(o, func(o fyne.CanvasObject, _ fyne.Position, _ []fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && t.Text != "" {
			out = append(out, t.Text)
		}
	})
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

// scanQR decodes the QR code of the first image on screen, as a phone
// would, or fails the test.
func (h *harness) scanQR() string {
	h.t.Helper()
	var img image.Image
	walk(h.content(), func(o fyne.CanvasObject, _ fyne.Position, _ []fyne.CanvasObject) {
		if c, ok := o.(*canvas.Image); ok && img == nil && c.Image != nil {
			img = c.Image
		}
	})
	if img == nil {
		h.t.Fatalf("no image on screen: %q", texts(h.content()))
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		h.t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		h.t.Fatalf("the image on screen is no readable QR code: %v", err)
	}
	return res.GetText()
}
