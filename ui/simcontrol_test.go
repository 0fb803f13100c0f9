package ui

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A simulator control without preset cards or codes still has nothing that
// ends the process when tapped: its menus hold a line saying there is
// nothing to choose, and are disabled.
func TestSimControlEmptyMenusDoNotCrash(t *testing.T) {
	a := test.NewTempApp(t)
	w := ShowSimControl(a, SimControl{})
	defer w.Close()
	sels := shown[*widget.Select](w.Content())
	if len(sels) != 2 {
		t.Fatalf("found %d menus, want 2 (cards, codes)", len(sels))
	}
	for _, s := range sels {
		if len(s.Options) == 0 {
			t.Errorf("a menu has no options")
		}
		if !s.Disabled() {
			t.Errorf("the empty menu %q is enabled", s.Options)
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("tapping the menu %q panicked: %v", s.Options, r)
				}
			}()
			test.Tap(s)
		}()
	}
	// With presets the menus work as before.
	w2 := ShowSimControl(a, SimControl{Cards: []SimChoice{{"a", "Card A"}}, Codes: []SimChoice{{"c1", "Code 1"}}})
	defer w2.Close()
	for _, s := range shown[*widget.Select](w2.Content()) {
		if s.Disabled() || len(s.Options) != 1 {
			t.Errorf("menu with one preset: disabled %v, options %q", s.Disabled(), s.Options)
		}
	}
}

// darkDesktop is a desktop theme that is dark whatever variant is asked
// for, as a dark desktop's default is.
type darkDesktop struct{ fyne.Theme }

func (t darkDesktop) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantDark)
}

// On a desktop whose default is dark, the simulator control is still
// readable: its window takes the kiosk's light theme, background and text
// alike.
func TestSimControlReadableOnADarkDesktop(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(darkDesktop{theme.DefaultTheme()})
	w := ShowSimControl(a, SimControl{})
	defer w.Close()
	th, v := a.Settings().Theme(), a.Settings().ThemeVariant()
	bg, fg := luminance(th.Color(theme.ColorNameBackground, v)), luminance(th.Color(theme.ColorNameForeground, v))
	if bg < 0.8 || fg > 0.3 {
		t.Errorf("window background luminance %.2f, text %.2f: want light background, dark text", bg, fg)
	}
}
