// Package layoutcheck finds on a Fyne canvas what a person would see wrong
// on the kiosk: text wider than its place or outside its container or the
// window, characters the bundled font cannot draw (tofu on a kiosk without
// system CJK fonts), and touch targets below the minimum. The citizen and
// the technician screenshot tests share it; only tests import it.
package layoutcheck

import (
	"fmt"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/font/sfnt"

	"hallkiosk/assets"
)

// MinTouch is the smallest touch target, in dp.
const MinTouch = 60

// tol is how far, in dp, a text may stick out before it counts: Fyne's
// text metrics round.
const tol = 2

// Options tune Check for a screen family.
type Options struct {
	// Target names a tappable object of the caller's own type (a tile) so
	// its size is checked like a button's; ok false for anything else.
	Target func(o fyne.CanvasObject) (name string, ok bool)
	// SkipMonospace leaves monospaced text unchecked (hex dumps that wrap
	// by design).
	SkipMonospace bool
	// NoContainerCheck checks texts against the window only, not against
	// each enclosing container (pages whose one-line labels truncate).
	NoContainerCheck bool
}

// Check lays c out as the driver would and returns every fault it finds.
func Check(c fyne.Canvas, o Options) []string {
	var faults []string
	fault := func(format string, args ...any) { faults = append(faults, fmt.Sprintf(format, args...)) }
	size := c.Size()
	content := c.Content()
	Relayout(content)
	if m := content.MinSize(); m.Width > size.Width+1 || m.Height > size.Height+1 {
		fault("content needs %v, window is %v", m, size)
	}
	glyphs, err := bundledGlyphs()
	if err != nil {
		return append(faults, "bundled fonts: "+err.Error())
	}
	type rect struct{ x0, y0, x1, y1 float32 }
	abs := map[fyne.CanvasObject]rect{}
	Walk(content, func(obj fyne.CanvasObject, p fyne.Position, parents []fyne.CanvasObject) {
		s := obj.Size()
		r := rect{p.X, p.Y, p.X + s.Width, p.Y + s.Height}
		abs[obj] = r
		switch x := obj.(type) {
		case *canvas.Text:
			if strings.TrimSpace(x.Text) == "" || (o.SkipMonospace && x.TextStyle.Monospace) {
				return
			}
			for _, ch := range x.Text {
				if !glyphs.has(ch, x.TextStyle.Bold) {
					fault("text %q: the bundled font has no %q (U+%04X)", x.Text, ch, ch)
				}
			}
			if inEntry(parents) {
				return // an entry scrolls its text inside its box
			}
			if r.x0 < -tol || r.y0 < -tol || r.x1 > size.Width+tol || r.y1 > size.Height+tol {
				fault("text %q at %v lies outside the %v window", x.Text, r, size)
			}
			if m := x.MinSize(); m.Width > s.Width+tol {
				fault("text %q needs width %.0f, has %.0f", x.Text, m.Width, s.Width)
			}
			if !o.NoContainerCheck {
				for _, a := range parents {
					ar := abs[a]
					if r.x0 < ar.x0-tol || r.y0 < ar.y0-tol || r.x1 > ar.x1+tol || r.y1 > ar.y1+tol {
						fault("text %q at %v overflows its container %T at %v", x.Text, r, a, ar)
						break
					}
				}
			}
		case *widget.Button:
			if s.Width < MinTouch-0.5 || s.Height < MinTouch-0.5 {
				fault("button %q is %v, below the %d dp touch target", x.Text, s, MinTouch)
			}
		default:
			if o.Target == nil {
				return
			}
			if name, ok := o.Target(obj); ok && (s.Width < MinTouch-0.5 || s.Height < MinTouch-0.5) {
				fault("%s is %v, below the %d dp touch target", name, s, MinTouch)
			}
		}
	})
	return faults
}

func inEntry(parents []fyne.CanvasObject) bool {
	for _, p := range parents {
		if _, ok := p.(*widget.Entry); ok {
			return true
		}
	}
	return false
}

// Walk visits every visible object under o with its absolute position and
// its enclosing objects, outermost first, the way a person sees the screen:
// a widget's parts are those its renderer draws.
func Walk(o fyne.CanvasObject, visit func(o fyne.CanvasObject, abs fyne.Position, parents []fyne.CanvasObject)) {
	walk(o, o.Position(), nil, visit)
}

func walk(o fyne.CanvasObject, pos fyne.Position, parents []fyne.CanvasObject, visit func(fyne.CanvasObject, fyne.Position, []fyne.CanvasObject)) {
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
	for _, k := range kids {
		walk(k, pos.Add(k.Position()), parents, visit)
	}
}

// Relayout does what the real driver does every frame (EnsureMinSize in
// internal/driver/common/canvas.go): a wrapping text knows its height only
// once it has its width, and the driver then lays its parents out again.
// A test canvas has no frames, so this makes a few passes itself.
func Relayout(o fyne.CanvasObject) {
	for range 4 {
		layoutPass(o)
	}
}

func layoutPass(o fyne.CanvasObject) {
	if !o.Visible() {
		return
	}
	switch x := o.(type) {
	case *fyne.Container:
		if x.Layout != nil {
			x.Layout.Layout(x.Objects, x.Size())
		}
		for _, c := range x.Objects {
			layoutPass(c)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		r.Layout(x.Size())
		for _, c := range r.Objects() {
			layoutPass(c)
		}
	}
}

// glyphSet answers whether the bundled fonts draw a character.
type glyphSet struct {
	reg, bold *sfnt.Font
	mu        sync.Mutex
	buf       sfnt.Buffer
}

func (g *glyphSet) has(r rune, bold bool) bool {
	// Fyne draws the ellipsis of a truncated line itself.
	if r == '\n' || r == '\t' || r == '…' {
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.reg
	if bold {
		f = g.bold
	}
	i, err := f.GlyphIndex(&g.buf, r)
	return err == nil && i != 0
}

var bundledGlyphs = sync.OnceValues(func() (*glyphSet, error) {
	reg, err := sfnt.Parse(assets.Font("HallKioskSansSC-Regular.otf"))
	if err != nil {
		return nil, err
	}
	bold, err := sfnt.Parse(assets.Font("HallKioskSansSC-Bold.otf"))
	if err != nil {
		return nil, err
	}
	return &glyphSet{reg: reg, bold: bold}, nil
})

// Drawable reports whether the bundled regular (or bold) font draws r.
func Drawable(r rune, bold bool) (bool, error) {
	g, err := bundledGlyphs()
	if err != nil {
		return false, err
	}
	return g.has(r, bold), nil
}
