// Package assets embeds what the kiosk ships inside its binary: the seed
// service catalog, translations (zh_Hans.json, en.json), the bundled CJK
// fonts, icons, the voice clips and the simulator's card profiles.
package assets

import (
	"embed"
	"unsafe"
)

// Catalog holds catalog/seed.json: the reference hall's services, used by the
// back office as seed data and by a kiosk that has never reached its back office.
//
//go:embed catalog
var Catalog embed.FS

// I18n holds the translation files i18n/zh_Hans.json and i18n/en.json.
//
//go:embed i18n
var I18n embed.FS

// The bundled single-face CJK fonts (see scripts/make-fonts.py), about 11 MB
// each. They are embedded as strings, which the linker places in the
// binary's read-only data: Font hands out views of those bytes, so a font is
// never copied onto the Go heap (fonts/OFL.txt is their licence).
var (
	//go:embed fonts/HallKioskSansSC-Regular.otf
	fontRegular string
	//go:embed fonts/HallKioskSansSC-Bold.otf
	fontBold string
)

// Font names of the bundled faces, for Font.
const (
	FontRegular = "HallKioskSansSC-Regular.otf"
	FontBold    = "HallKioskSansSC-Bold.otf"
)

// Voice holds voice/: the clips <lang>/<key>.wav that `make clips` makes
// with espeak-ng (hallkiosk/voice), and a README. A build without the clips
// (a plain go build of a fresh clone) embeds only the README and is silent.
//
//go:embed voice
var Voice embed.FS

// Cards holds the simulator's card profiles: fictional people of all four
// card types.
//
//go:embed cards
var Cards embed.FS

// SeedCatalog returns the bytes of catalog/seed.json.
func SeedCatalog() []byte {
	b, err := Catalog.ReadFile("catalog/seed.json")
	if err != nil {
		panic("assets: seed catalog missing from the build: " + err.Error())
	}
	return b
}

// Font returns a bundled font file, FontRegular or FontBold, as a view of the
// binary's read-only data: the caller must never write to it (a write
// faults). Font parsers only read, and every caller shares the one copy.
func Font(name string) []byte {
	var s string
	switch name {
	case FontRegular:
		s = fontRegular
	case FontBold:
		s = fontBold
	default:
		panic("assets: no bundled font " + name)
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
