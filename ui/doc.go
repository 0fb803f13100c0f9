// Package ui is the kiosk's touch interface, written with Fyne only: the
// kiosk theme (large type, high contrast, bundled CJK fonts), the
// translations lookup, the widgets a citizen touches (keypad, tiles, paged
// grids, status bar, ID-card guidance, idle countdown, big ticket number) and
// one screen per transaction.
//
// The screens show state that package flow owns and call flow's methods; ui
// holds no business rule and never imports devices/ or offline/ (see
// ARCHITECTURE.md). Every result that arrives from another goroutine is
// applied through one bridge that calls fyne.Do (docs/fyne-notes.md 1.6), so no widget
// is touched off the UI goroutine.
//
// Tests run on Fyne's headless driver: go test -tags ci ./ui/...
// TestScreenshots renders every screen in both languages, normal and elder
// mode, portrait and landscape; with -args -screenshots=DIR it writes PNGs.
package ui
