package ui

import (
	"flag"
	"fmt"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/font/sfnt"

	"hallkiosk/assets"
)

var screenshotDir = flag.String("screenshots", "", "write every screen's PNG to this directory")

// shotSizes are the window sizes every scene is checked at. PNGs are written
// for the ones marked png: the kiosk's small landscape panel and the
// portrait totem.
var shotSizes = []struct {
	name string
	size fyne.Size
	png  bool
}{
	{"1280x800", fyne.NewSize(1280, 800), true},
	{"1080x1920", fyne.NewSize(1080, 1920), true},
	{"1920x1080", fyne.NewSize(1920, 1080), false},
}

// TestScreenshots renders every scene in both languages, normal and elder
// mode, at every size, and checks the layout: nothing wider than the window,
// no text outside its container or clipped, no character the bundled font
// lacks (it would be tofu on a kiosk without system CJK fonts), every button
// and tile at least a touch target. With -args -screenshots=DIR it also
// writes the PNGs.
func TestScreenshots(t *testing.T) {
	if *screenshotDir != "" {
		if err := os.MkdirAll(*screenshotDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	app := test.NewTempApp(t)
	// One kiosk per mode, on its own parts: switching the theme drops
	// Fyne's font cache, so the scenes are grouped by mode, and each scene
	// is reached once and looked at in both languages in place.
	for _, elder := range []bool{false, true} {
		mode := "normal"
		if elder {
			mode = "elder"
		}
		p := newParts(t)
		number := setUpScenes(p)
		h := newHarnessOn(t, app, p)
		for _, sc := range scenes(number) {
			if sc.cont {
				h.k.applyLanguage(Chinese) // the scenes tap Chinese names
			} else {
				h.resetScene()
			}
			// The citizen's mode ends with their session; each scene's
			// citizen asks for it again.
			if isElder() != elder {
				h.tap(h.tr("status.elder"))
			}
			sc.set(h)
			if isElder() != elder {
				t.Fatalf("scene %s: elder mode %v, want %v", sc.name, isElder(), elder)
			}
			for _, lang := range []Lang{Chinese, English} {
				h.k.applyLanguage(lang)
				for _, sz := range shotSizes {
					name := fmt.Sprintf("%s_%s_%s_%s", sc.name, lang, mode, sz.name)
					t.Run(name, func(t *testing.T) {
						h.k.win.Resize(sz.size)
						if sc.each != nil {
							sc.each(h)
						}
						checkLayout(t, h.k.win.Canvas())
						if *screenshotDir == "" || !sz.png {
							// Paint once per scene even without the flag: the
							// software painter is where a bad canvas object
							// (a rectangle without a colour) panics.
							if lang == Chinese && sz.png && sz.size.Width > sz.size.Height {
								h.k.win.Canvas().Capture()
							}
							return
						}
						img := h.k.win.Canvas().Capture()
						f, err := os.Create(filepath.Join(*screenshotDir, name+".png"))
						if err != nil {
							t.Fatal(err)
						}
						defer f.Close()
						if err := png.Encode(f, img); err != nil {
							t.Fatal(err)
						}
					})
				}
			}
		}
	}
}

// checkLayout reports every layout fault it can find on c.
func checkLayout(t *testing.T, c fyne.Canvas) {
	t.Helper()
	size := c.Size()
	content := c.Content()
	relayout(content)
	if m := content.MinSize(); m.Width > size.Width+1 || m.Height > size.Height+1 {
		t.Errorf("content needs %v, window is %v", m, size)
	}
	glyphs := bundledGlyphs(t)
	type rect struct{ x0, y0, x1, y1 float32 }
	rectOf := func(abs fyne.Position, s fyne.Size) rect {
		return rect{abs.X, abs.Y, abs.X + s.Width, abs.Y + s.Height}
	}
	abs := map[fyne.CanvasObject]rect{}
	const tol = 2
	walk(content, content.Position(), func(o fyne.CanvasObject, p fyne.Position, parents []fyne.CanvasObject) {
		r := rectOf(p, o.Size())
		abs[o] = r
		switch x := o.(type) {
		case *canvas.Text:
			if strings.TrimSpace(x.Text) == "" {
				return
			}
			if r.x0 < -tol || r.y0 < -tol || r.x1 > size.Width+tol || r.y1 > size.Height+tol {
				t.Errorf("text %q at %v lies outside the %v window", x.Text, r, size)
			}
			if m := x.MinSize(); m.Width > x.Size().Width+tol {
				t.Errorf("text %q needs width %.0f, has %.0f", x.Text, m.Width, x.Size().Width)
			}
			for _, a := range parents {
				ar := abs[a]
				if r.x0 < ar.x0-tol || r.y0 < ar.y0-tol || r.x1 > ar.x1+tol || r.y1 > ar.y1+tol {
					t.Errorf("text %q at %v overflows its container %T at %v", x.Text, r, a, ar)
					break
				}
			}
			for _, ch := range x.Text {
				if !glyphs.has(ch, x.TextStyle.Bold) {
					t.Errorf("text %q: the bundled font has no %q (U+%04X)", x.Text, ch, ch)
				}
			}
		case *widget.Button:
			if s := x.Size(); s.Width < 60-0.5 || s.Height < 60-0.5 {
				t.Errorf("button %q is %v, below the 60 dp touch target", x.Text, s)
			}
		case *Tile:
			if s := x.Size(); s.Width < 60-0.5 || s.Height < 60-0.5 {
				t.Errorf("tile %q is %v, below the 60 dp touch target", x.Title, s)
			}
		}
	}, nil)
}

// relayout does what the real driver does every frame (EnsureMinSize in
// internal/driver/common/canvas.go): a wrapping text knows its height only
// once it has its width, and the driver then lays its parents out again.
// The test canvas has no frames, so the test makes a few passes itself.
func relayout(o fyne.CanvasObject) {
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
	buf       sfnt.Buffer
	mu        sync.Mutex
}

func (g *glyphSet) has(r rune, bold bool) bool {
	if r == '\n' || r == '\t' {
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

var (
	glyphsOnce sync.Once
	glyphs     *glyphSet
	glyphsErr  error
)

func bundledGlyphs(t *testing.T) *glyphSet {
	t.Helper()
	glyphsOnce.Do(func() {
		load := func(name string) *sfnt.Font {
			b, err := fs.ReadFile(assets.Fonts, "fonts/"+name)
			if err != nil {
				glyphsErr = err
				return nil
			}
			f, err := sfnt.Parse(b)
			if err != nil {
				glyphsErr = err
			}
			return f
		}
		glyphs = &glyphSet{reg: load(fontRegularFile), bold: load(fontBoldFile)}
	})
	if glyphsErr != nil {
		t.Fatalf("bundled fonts: %v", glyphsErr)
	}
	return glyphs
}
