package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestBundledFontsOnly: the variables bundledFontsOnly sets are the ones
// Fyne's painter uses for its system-font fallback. With the fallback as
// Fyne leaves it, a character no bundled face has (Hangul) makes Fyne scan
// the system's fonts (scripts/deps.sh test installs fonts-noto-cjk and
// DejaVu, so it finds some); after bundledFontsOnly it scans nothing.
func TestBundledFontsOnly(t *testing.T) {
	test.NewTempApp(t)
	saved, savedMap := fyneFontsScanned, fyneSystemFonts
	t.Cleanup(func() { fyneFontsScanned, fyneSystemFonts = saved, savedMap })

	fyneFontsScanned, fyneSystemFonts = false, nil
	fyne.MeasureText("한", 20, fyne.TextStyle{})
	if !fyneFontsScanned || fyneSystemFonts == nil {
		t.Fatalf("a character outside the bundled faces did not make Fyne scan the system's fonts (scanned %v, map %v): "+
			"the linked variables are not Fyne's fallback any more", fyneFontsScanned, fyneSystemFonts != nil)
	}

	fyneFontsScanned, fyneSystemFonts = false, nil
	bundledFontsOnly()
	// A character no font has: Fyne looks for it in the system's fonts.
	fyne.MeasureText("\U0010FFFD", 20, fyne.TextStyle{})
	if fyneSystemFonts != nil {
		t.Fatal("Fyne scanned the system's fonts after bundledFontsOnly")
	}
}
