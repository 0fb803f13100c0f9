package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"hallkiosk/assets"
	"hallkiosk/internal/layoutcheck"
)

// luminance is the WCAG 2.x relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}

// contrast is the WCAG contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestContrastFormula(t *testing.T) {
	// WCAG's fixed points: black on white is 21:1, a colour on itself 1:1.
	if got := contrast(color.Black, color.White); math.Abs(got-21) > 0.01 {
		t.Errorf("black/white = %.2f, want 21", got)
	}
	if got := contrast(rgb(0x777777), rgb(0x777777)); got != 1 {
		t.Errorf("same colour = %.2f, want 1", got)
	}
}

// TestThemeContrast checks every text/background pair the kiosk draws at
// the 工信部 适老化 minimum of 4.5:1 (market.md d), including button text on
// its hover, focus and pressed tints, and the disabled pairs (which WCAG
// exempts, but a citizen still has to read why a tile is disabled).
func TestThemeContrast(t *testing.T) {
	th := NewTheme(false)
	c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, theme.VariantDark) }
	on := func(bg fyne.ThemeColorName, tint fyne.ThemeColorName) color.Color { return blend(c(bg), c(tint)) }
	pairs := []struct {
		name   string
		fg, bg color.Color
	}{
		{"text on page", c(theme.ColorNameForeground), c(theme.ColorNameBackground)},
		{"text on card", c(theme.ColorNameForeground), c(colorNameSurface)},
		{"text on hint", c(theme.ColorNameForeground), c(colorNameInfoBackground)},
		{"primary text on page", c(theme.ColorNamePrimary), c(theme.ColorNameBackground)},
		{"primary text on card", c(theme.ColorNamePrimary), c(colorNameSurface)},
		{"primary button", c(theme.ColorNameForegroundOnPrimary), c(theme.ColorNamePrimary)},
		{"primary button hovered", c(theme.ColorNameForegroundOnPrimary), on(theme.ColorNamePrimary, theme.ColorNameHover)},
		{"primary button focused", c(theme.ColorNameForegroundOnPrimary), on(theme.ColorNamePrimary, theme.ColorNameFocus)},
		{"button", c(theme.ColorNameForeground), c(theme.ColorNameButton)},
		{"button hovered", c(theme.ColorNameForeground), on(theme.ColorNameButton, theme.ColorNameHover)},
		{"button focused", c(theme.ColorNameForeground), on(theme.ColorNameButton, theme.ColorNameFocus)},
		{"button pressed", c(theme.ColorNameForeground), on(theme.ColorNameButton, theme.ColorNamePressed)},
		{"tile pressed", c(theme.ColorNameForeground), on(colorNameSurface, theme.ColorNamePressed)},
		{"disabled button", c(theme.ColorNameDisabled), c(theme.ColorNameDisabledButton)},
		{"disabled text on page", c(theme.ColorNameDisabled), c(theme.ColorNameBackground)},
		{"disabled tile reason", c(theme.ColorNameWarning), c(theme.ColorNameDisabledButton)},
		{"danger button", c(theme.ColorNameForegroundOnError), c(theme.ColorNameError)},
		{"success button", c(theme.ColorNameForegroundOnSuccess), c(theme.ColorNameSuccess)},
		{"warning button", c(theme.ColorNameForegroundOnWarning), c(theme.ColorNameWarning)},
		{"error text on page", c(theme.ColorNameError), c(theme.ColorNameBackground)},
		{"warning text on page", c(theme.ColorNameWarning), c(theme.ColorNameBackground)},
		{"input text", c(theme.ColorNameForeground), c(theme.ColorNameInputBackground)},
		{"placeholder", c(theme.ColorNamePlaceHolder), c(theme.ColorNameInputBackground)},
		{"offline badge", c(colorNameNoticeForeground), c(colorNameNoticeBackground)},
		{"problem panel", c(colorNameProblemForeground), c(colorNameProblemBackground)},
		{"problem panel body", c(theme.ColorNameForeground), c(colorNameProblemBackground)},
		{"countdown on card", c(theme.ColorNamePrimary), c(colorNameSurface)},
		{"text on header", c(theme.ColorNameForeground), c(theme.ColorNameHeaderBackground)},
	}
	for _, p := range pairs {
		if r := contrast(p.fg, p.bg); r < 4.5 {
			t.Errorf("%s: contrast %.2f:1, want ≥ 4.5:1", p.name, r)
		}
	}
}

// TestThemeFixedVariant: the OS dark mode must not change anything.
func TestThemeFixedVariant(t *testing.T) {
	th := NewTheme(false)
	for n := range palette {
		if th.Color(n, theme.VariantDark) != th.Color(n, theme.VariantLight) {
			t.Errorf("%s differs between variants", n)
		}
	}
	test.AssertAllColorNamesDefined(t, th, "kiosk")
}

func TestThemeSizes(t *testing.T) {
	normal, elder := NewTheme(false), NewTheme(true)
	if s := normal.Size(theme.SizeNameText); s < 18 {
		t.Errorf("body text %v dp, want ≥ 18", s)
	}
	if s := elder.Size(theme.SizeNameText); s < 24 {
		t.Errorf("elder body text %v dp, want ≥ 24", s)
	}
	for _, n := range []fyne.ThemeSizeName{theme.SizeNameCaptionText, theme.SizeNameText} {
		if s := normal.Size(n); s < 18 {
			t.Errorf("%s %v dp: no text on the kiosk is below 18 dp", n, s)
		}
	}
	for _, th := range []fyne.Theme{normal, elder} {
		if s := th.Size(sizeNameTouchTarget); s < 60 {
			t.Errorf("touch target %v dp, want ≥ 60", s)
		}
		if s := th.Size(sizeNameKey); s < 60 {
			t.Errorf("keypad key %v dp high, want ≥ 60", s)
		}
		if s := th.Size(sizeNameKeyWidth); s < 60 {
			t.Errorf("keypad key %v dp wide, want ≥ 60", s)
		}
	}
	// Elder mode makes every size at least as large.
	for n, v := range sizes {
		if v[1] < v[0] {
			t.Errorf("%s: elder %v < normal %v", n, v[1], v[0])
		}
	}
}

// TestThemeFonts: regular and bold text use the bundled CJK faces, so
// rendering never depends on the host's fonts (docs/fyne-notes.md 1.4).
func TestThemeFonts(t *testing.T) {
	th := NewTheme(false)
	if got := th.Font(fyne.TextStyle{}).Name(); got != assets.FontRegular {
		t.Errorf("regular font = %s", got)
	}
	if got := th.Font(fyne.TextStyle{Bold: true}).Name(); got != assets.FontBold {
		t.Errorf("bold font = %s", got)
	}
	if got := th.Font(fyne.TextStyle{Italic: true}).Name(); got != assets.FontRegular {
		t.Errorf("italic font = %s", got)
	}
	if th.Font(fyne.TextStyle{Monospace: true}) != theme.DefaultTextMonospaceFont() {
		t.Error("monospace should be Fyne's")
	}
	if th.Font(fyne.TextStyle{Symbol: true}) != theme.DefaultSymbolFont() {
		t.Error("symbol should be Fyne's")
	}
	for _, r := range "取号预约签到办事指南好差评投诉建议办件进度喆堃䶮ABCxyz0123456789" {
		reg, err := layoutcheck.Drawable(r, false)
		if err != nil {
			t.Fatal(err)
		}
		if bold, _ := layoutcheck.Drawable(r, true); !reg || !bold {
			t.Errorf("bundled fonts lack %q", r)
		}
	}
}

func TestBlend(t *testing.T) {
	got := blend(color.White, color.NRGBA{0, 0, 0, 0x80})
	n := color.NRGBAModel.Convert(got).(color.NRGBA)
	if n.R < 0x7E || n.R > 0x80 || n.A != 0xFF {
		t.Errorf("half black on white = %v", n)
	}
}
