package ui

import (
	"image/color"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"hallkiosk/assets"
)

// Sizes and colours the kiosk adds to Fyne's theme names. Widgets of this
// package read them through the theme, so the elder-mode switch (a new theme)
// reaches them like any built-in size.
const (
	// sizeNameTouchTarget is the smallest height and width of anything a
	// finger must hit: 工信部 适老化 rules ask for ≥ 60×60 dp (market.md d).
	sizeNameTouchTarget fyne.ThemeSizeName = "kiosk.touchTarget"
	// sizeNameTicketNumber is the queue number on the result panel.
	sizeNameTicketNumber fyne.ThemeSizeName = "kiosk.ticketNumber"
	// sizeNameCountdown is the seconds left on the idle overlay.
	sizeNameCountdown fyne.ThemeSizeName = "kiosk.countdown"
	// sizeNameTileIcon is the icon edge of a home tile.
	sizeNameTileIcon fyne.ThemeSizeName = "kiosk.tileIcon"
	// sizeNameKey is the height of a keypad key, sizeNameKeyWidth its
	// least width: seven letter columns must fit beside the digits.
	sizeNameKey      fyne.ThemeSizeName = "kiosk.key"
	sizeNameKeyWidth fyne.ThemeSizeName = "kiosk.keyWidth"
	// sizeNameDisplayText is the text in a keypad's display field.
	sizeNameDisplayText fyne.ThemeSizeName = "kiosk.displayText"
	// sizeNameStatusBar is the status bar's height.
	sizeNameStatusBar fyne.ThemeSizeName = "kiosk.statusBar"

	// colorNameSurface is the white of cards and panels on the light page.
	colorNameSurface fyne.ThemeColorName = "kiosk.surface"
	// colorNameNoticeBackground / colorNameNoticeForeground: the calm,
	// always-visible offline badge and the "printer failed" banner. Amber,
	// not red: offline is a normal mode of this kiosk, not an alarm.
	colorNameNoticeBackground fyne.ThemeColorName = "kiosk.noticeBackground"
	colorNameNoticeForeground fyne.ThemeColorName = "kiosk.noticeForeground"
	// colorNameProblemBackground / colorNameProblemForeground: a failure panel.
	colorNameProblemBackground fyne.ThemeColorName = "kiosk.problemBackground"
	colorNameProblemForeground fyne.ThemeColorName = "kiosk.problemForeground"
	// colorNameInfoBackground is the pale blue of hints and step headers.
	colorNameInfoBackground fyne.ThemeColorName = "kiosk.infoBackground"
	// colorNameScrim darkens the screen behind the idle overlay.
	colorNameScrim fyne.ThemeColorName = "kiosk.scrim"
	// colorNameReader / colorNameCard / colorNameCardDetail draw the ID-card
	// illustration.
	colorNameReader     fyne.ThemeColorName = "kiosk.reader"
	colorNameCard       fyne.ThemeColorName = "kiosk.card"
	colorNameCardDetail fyne.ThemeColorName = "kiosk.cardDetail"
)

// palette is the kiosk's one fixed colour set: a white page, near-black text
// and a deep 政务蓝 primary. Every text/background pair is at least 4.5:1
// (TestThemeContrast), the 工信部 适老化 minimum (market.md d).
var palette = map[fyne.ThemeColorName]color.NRGBA{
	theme.ColorNameBackground:          rgb(0xF4F6F9),
	theme.ColorNameForeground:          rgb(0x1A1F26),
	theme.ColorNamePrimary:             rgb(0x0B4EA2),
	theme.ColorNameForegroundOnPrimary: rgb(0xFFFFFF),
	theme.ColorNameButton:              rgb(0xE1E8F2),
	theme.ColorNameDisabledButton:      rgb(0xE7E9ED),
	theme.ColorNameDisabled:            rgb(0x545A63),
	theme.ColorNameError:               rgb(0xB3261E),
	theme.ColorNameForegroundOnError:   rgb(0xFFFFFF),
	theme.ColorNameSuccess:             rgb(0x1E6B3A),
	theme.ColorNameForegroundOnSuccess: rgb(0xFFFFFF),
	theme.ColorNameWarning:             rgb(0x8A4B00),
	theme.ColorNameForegroundOnWarning: rgb(0xFFFFFF),
	theme.ColorNameHover:               {0x0B, 0x4E, 0xA2, 0x14},
	theme.ColorNameFocus:               {0x0B, 0x4E, 0xA2, 0x20},
	theme.ColorNamePressed:             {0x0B, 0x4E, 0xA2, 0x30},
	theme.ColorNameSelection:           {0x0B, 0x4E, 0xA2, 0x30},
	theme.ColorNameInputBackground:     rgb(0xFFFFFF),
	theme.ColorNameInputBorder:         rgb(0x6B7483),
	theme.ColorNamePlaceHolder:         rgb(0x59606C),
	theme.ColorNameSeparator:           rgb(0xC5CDD8),
	theme.ColorNameShadow:              {0x00, 0x00, 0x00, 0x30},
	theme.ColorNameOverlayBackground:   rgb(0xFFFFFF),
	theme.ColorNameMenuBackground:      rgb(0xFFFFFF),
	theme.ColorNameHeaderBackground:    rgb(0xE1E8F2),
	theme.ColorNameHyperlink:           rgb(0x0B4EA2),
	theme.ColorNameScrollBar:           {0x1A, 0x1F, 0x26, 0x80},
	theme.ColorNameScrollBarBackground: {0x00, 0x00, 0x00, 0x00},

	colorNameSurface:           rgb(0xFFFFFF),
	colorNameNoticeBackground:  rgb(0xFFF3DC),
	colorNameNoticeForeground:  rgb(0x6E4200),
	colorNameProblemBackground: rgb(0xFCEBEA),
	colorNameProblemForeground: rgb(0x8C1D18),
	colorNameInfoBackground:    rgb(0xE6EEF9),
	colorNameScrim:             {0x1A, 0x1F, 0x26, 0xC0},
	colorNameReader:            rgb(0x37414F),
	colorNameCard:              rgb(0xD7E6F7),
	colorNameCardDetail:        rgb(0x7D93AE),
}

func rgb(v uint32) color.NRGBA {
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xFF}
}

// sizes holds the normal and the elder-mode sizes. Body text is ≥ 18 dp and
// ≥ 24 dp in elder mode; a button is text height plus 2×InnerPadding
// (docs/fyne-notes.md 1.2), and touchTarget makes sure it is never below 60 dp.
var sizes = map[fyne.ThemeSizeName][2]float32{ // [normal, elder]
	theme.SizeNameText:               {22, 30},
	theme.SizeNameHeadingText:        {34, 40},
	theme.SizeNameSubHeadingText:     {27, 35},
	theme.SizeNameCaptionText:        {19, 25},
	theme.SizeNamePadding:            {8, 10},
	theme.SizeNameInnerPadding:       {16, 18},
	theme.SizeNameLineSpacing:        {6, 9},
	theme.SizeNameInlineIcon:         {30, 38},
	theme.SizeNameSeparatorThickness: {2, 2},
	theme.SizeNameInputBorder:        {2, 3},
	theme.SizeNameInputRadius:        {10, 12},
	theme.SizeNameSelectionRadius:    {6, 6},
	// A finger can hit a wide bar; drag-scrolling does not work on desktop
	// Fyne (docs/fyne-notes.md 0.3), so screens page instead and this is a fallback.
	theme.SizeNameScrollBar:       {24, 28},
	theme.SizeNameScrollBarSmall:  {8, 10},
	theme.SizeNameScrollBarRadius: {6, 6},

	sizeNameTouchTarget:  {64, 76},
	sizeNameTicketNumber: {144, 160},
	sizeNameCountdown:    {110, 130},
	sizeNameTileIcon:     {64, 76},
	sizeNameKey:          {68, 80},
	sizeNameKeyWidth:     {60, 64},
	sizeNameDisplayText:  {40, 48},
	sizeNameStatusBar:    {72, 84},
}

// kioskTheme is the kiosk's fixed light theme. It ignores the variant Fyne
// passes in, so an OS dark-mode setting can never flip the kiosk
// (docs/fyne-notes.md 1.3).
type kioskTheme struct {
	elder bool
}

var _ fyne.Theme = kioskTheme{}

// NewTheme returns the kiosk theme: normal sizes, or the elder-mode sizes
// (bigger text and targets) when elder is true. Colours and fonts are the
// same in both.
func NewTheme(elder bool) fyne.Theme {
	return kioskTheme{elder: elder}
}

// Color returns the kiosk palette's colour, falling back to Fyne's light
// variant for names the kiosk does not set.
func (t kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := palette[n]; ok {
		return c
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

// Font returns the bundled Hall Kiosk Sans SC faces for regular and bold
// text, so that rendering never depends on the host's fonts (docs/fyne-notes.md
// 1.4). Monospace and symbol text use Fyne's own faces; there is no italic
// CJK face, so italic falls back to the upright one.
func (t kioskTheme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace:
		return theme.DefaultTextMonospaceFont()
	case s.Symbol:
		return theme.DefaultSymbolFont()
	case s.Bold:
		return boldFont()
	}
	return regularFont()
}

// Icon returns Fyne's default icons.
func (t kioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}

// Size returns the kiosk size for n in the current mode.
func (t kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	if s, ok := sizes[n]; ok {
		if t.elder {
			return s[1]
		}
		return s[0]
	}
	return theme.DefaultTheme().Size(n)
}

// The font resources are made once: Fyne caches parsed faces per text style
// and theme scope, and the bytes behind both resources are the binary's own
// read-only data (assets.Font), never a heap copy.
var (
	fontsOnce sync.Once
	fontReg   fyne.Resource
	fontBold  fyne.Resource
)

func loadFonts() {
	fontsOnce.Do(func() {
		fontReg = fyne.NewStaticResource(assets.FontRegular, assets.Font(assets.FontRegular))
		fontBold = fyne.NewStaticResource(assets.FontBold, assets.Font(assets.FontBold))
	})
}

// WarmFonts makes the kiosk theme a's theme and has Fyne parse its regular
// and bold faces on background goroutines. Parsing an 11 MB CJK face takes
// around a hundred milliseconds at start (most of it faulting in the copy
// go-text makes of its tables), and Fyne does it on first use, on the UI
// goroutine, while the first screen waits; call WarmFonts before the rest
// of the start-up work so that it overlaps with it. Fyne's face cache is
// safe for concurrent use but does not merge concurrent loads: New waits
// for these parses (waitFonts) before it measures any text, rather than
// parse the same face a second time on a third thread of a two-core
// terminal. Fyne's search of the system's fonts for a further fallback is
// turned off first (bundledFontsOnly).
func WarmFonts(a fyne.App) {
	bundledFontsOnly()
	a.Settings().SetTheme(NewTheme(false))
	for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
		fontsWarming.Add(1)
		go func() {
			defer fontsWarming.Done()
			fyne.MeasureText("0", theme.TextSize(), style)
		}()
	}
}

// fontsWarming counts WarmFonts' parses still running.
var fontsWarming sync.WaitGroup

// waitFonts returns once WarmFonts' parses are done (at once without
// WarmFonts).
func waitFonts() { fontsWarming.Wait() }

func regularFont() fyne.Resource { loadFonts(); return fontReg }
func boldFont() fyne.Resource    { loadFonts(); return fontBold }

// blend composites over (which may be translucent, like Hover or Pressed)
// on the opaque colour under, as the painter does.
func blend(under, over color.Color) color.Color {
	u := color.NRGBAModel.Convert(under).(color.NRGBA)
	o := color.NRGBAModel.Convert(over).(color.NRGBA)
	a := float64(o.A) / 0xFF
	mix := func(x, y uint8) uint8 { return uint8(float64(x)*(1-a) + float64(y)*a + 0.5) }
	return color.NRGBA{R: mix(u.R, o.R), G: mix(u.G, o.G), B: mix(u.B, o.B), A: 0xFF}
}
