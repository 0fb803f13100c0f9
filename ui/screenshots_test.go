package ui

import (
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"hallkiosk/flow"
	"hallkiosk/internal/layoutcheck"
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
// and tile at least a touch target, every text's lines broken by the
// Chinese rules (lineBreakFaults: the window line, long service names), and
// the speaker button in the status bar, on every screen.
// With -args -screenshots=DIR it also writes the PNGs.
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
		keep := flow.KeepWords(p.cat)
		number := setUpScenes(p)
		// A kiosk that speaks: the speaker button is in every status bar.
		h := newHarnessOn(t, app, p, withVoice(newSpeech(t), "elder"))
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
						if !h.speakerShown() {
							t.Errorf("no speaker button: %q", texts(h.content()))
						}
						for _, f := range lineBreakFaults(h.content(), keep) {
							t.Error(f)
						}
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

// checkLayout reports every layout fault it can find on c; tiles are touch
// targets like buttons.
func checkLayout(t *testing.T, c fyne.Canvas) {
	t.Helper()
	faults := layoutcheck.Check(c, layoutcheck.Options{Target: func(o fyne.CanvasObject) (string, bool) {
		if x, ok := o.(*Tile); ok {
			return fmt.Sprintf("tile %q", x.Title), true
		}
		return "", false
	}})
	for _, f := range faults {
		t.Error(f)
	}
}
