package ui

import (
	_ "unsafe" // go:linkname, below

	"github.com/go-text/typesetting/fontscan"
)

// The kiosk's two faces cover what it shows: every GB2312 character, the
// CJK blocks with Extension A (the rare characters of names on ID cards),
// punctuation and symbols (scripts/make-fonts.py); Fyne's own Noto Sans,
// the second face of every style, covers Latin, Greek and Cyrillic beyond
// them. Fyne v2.7.1 nevertheless scans the system's font directories at the
// first text it measures and parses the system's face for the locale's
// language, twice (regular and bold), as a last fallback
// (internal/painter.lookupFaces). On a terminal with a CJK system font
// that is about 150 ms of a 0.9 s start on two cores and 6.5 MB, for a
// face that duplicates the bundled one (docs/fyne-notes.md 1.13).
//
// Fyne has no option for it, so bundledFontsOnly marks its system-font
// scan as done with nothing found: the two package variables below are
// Fyne's own, linked by name. The link fails the build, rather than
// silently doing nothing, if a Fyne upgrade renames them; TestBundledFontsOnly
// checks that they still mean what they meant.

//go:linkname fyneFontsScanned fyne.io/fyne/v2/internal/painter.loaded
var fyneFontsScanned bool

//go:linkname fyneSystemFonts fyne.io/fyne/v2/internal/painter.fm
var fyneSystemFonts *fontscan.FontMap

// bundledFontsOnly turns Fyne's system-font fallback off. It must run
// before any text is measured (WarmFonts calls it first): Fyne reads the
// variables under a lock of its own, which this cannot take.
func bundledFontsOnly() {
	fyneFontsScanned, fyneSystemFonts = true, nil
}
