// Package assets embeds what the kiosk ships inside its binary: the seed
// service catalog, translations (zh_Hans.json, en.json), the bundled CJK
// fonts, icons and the simulator's card profiles.
package assets

import "embed"

// Catalog holds catalog/seed.json: the reference hall's services, used by the
// back office as seed data and by a kiosk that has never reached its back office.
//
//go:embed catalog
var Catalog embed.FS

// I18n holds the translation files i18n/zh_Hans.json and i18n/en.json.
//
//go:embed i18n
var I18n embed.FS

// Fonts holds the bundled single-face CJK fonts (see scripts/make-fonts.py).
//
//go:embed fonts/*.otf fonts/OFL.txt
var Fonts embed.FS

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

// Font returns a bundled font file, e.g. "HallKioskSansSC-Regular.otf".
func Font(name string) []byte {
	b, err := Fonts.ReadFile("fonts/" + name)
	if err != nil {
		panic("assets: font missing from the build: " + err.Error())
	}
	return b
}
