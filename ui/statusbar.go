package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// statusBar is the strip at the top of every screen: the hall's name, the
// offline badge, the time, the speaker button (when the kiosk can speak),
// the 中文/English toggle and the elder-mode toggle. They are on every
// screen, so a citizen can switch or listen at any step.
type statusBar struct {
	k *Kiosk

	clock   *widget.Label
	offline fyne.CanvasObject
	langZh  *widget.Button
	langEn  *widget.Button
	elder   *widget.Button
	speaker *widget.Button
	right   *fyne.Container
}

func (s *statusBar) buildUI() fyne.CanvasObject {
	k := s.k
	hall := newText(k.hallName(), theme.SizeNameSubHeadingText, true)
	hall.Importance = widget.HighImportance
	hall.Truncation = fyne.TextTruncateEllipsis

	s.clock = newText("", theme.SizeNameText, true)
	s.setTime(k.now())

	d := theme.Size(theme.SizeNameText) * 0.5
	dot := canvas.NewRectangle(theme.Color(colorNameNoticeForeground))
	dot.CornerRadius = d / 2 // a rounded square of radius d/2 is a circle
	dot.SetMinSize(fyne.NewSquareSize(d))
	s.offline = panelTight(colorNameNoticeBackground, container.NewHBox(
		container.NewCenter(dot),
		colored(k.t("status.offline"), colorNameNoticeForeground, theme.SizeNameText, true),
	))
	if k.online {
		s.offline.Hide()
	}

	s.langZh = newButton(k.t("lang.zh"), nil, widget.MediumImportance, func() { k.setLanguage(Chinese) })
	s.langEn = newButton(k.t("lang.en"), nil, widget.MediumImportance, func() { k.setLanguage(English) })
	if k.lang == English {
		s.langEn.Importance = widget.HighImportance
	} else {
		s.langZh.Importance = widget.HighImportance
	}
	icon := theme.CheckButtonIcon()
	if k.elder {
		icon = theme.CheckButtonCheckedIcon()
	}
	s.elder = newButton(k.t("status.elder"), icon, widget.MediumImportance, func() { k.setElder(!k.elder) })

	s.right = container.NewHBox(
		vcenter(s.offline),
		vcenter(s.clock),
	)
	s.speaker = nil
	if k.voiceOn() {
		// The speaker icon alone: it is understood without words, and the
		// bar has no room for a label in English large text on a totem.
		s.speaker = k.button("", theme.VolumeUpIcon(), widget.MediumImportance, k.repeatPrompt)
		s.right.Add(touchMin(s.speaker))
	}
	s.right.Add(touchMin(container.NewHBox(s.langZh, s.langEn)))
	s.right.Add(touchMin(s.elder))
	line := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	line.SetMinSize(fyne.NewSize(1, theme.Size(theme.SizeNamePadding)/2))
	bg := canvas.NewRectangle(theme.Color(colorNameSurface))
	pad := theme.Size(theme.SizeNamePadding)
	var hallArea fyne.CanvasObject = container.New(&shrinkToFit{label: hall,
		sizes: []fyne.ThemeSizeName{theme.SizeNameSubHeadingText, theme.SizeNameText, theme.SizeNameCaptionText}}, hall)
	if k.deps.Technician != nil {
		if k.secret == nil {
			k.secret = &secretTapper{now: k.now, fire: k.deps.Technician}
		}
		hallArea = container.NewStack(hallArea, newTapCatcher(k.secret.tap))
	}
	bar := container.NewBorder(nil, nil, nil, s.right, hallArea)
	h := theme.Size(sizeNameStatusBar)
	return container.NewBorder(nil, line, nil, nil,
		minSize(container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(pad, pad, 2*pad, 2*pad), container.NewVBox(layout.NewSpacer(), bar, layout.NewSpacer()))), fyne.NewSize(1, h)))
}

// setTime shows t as HH:MM in the hall's time.
func (s *statusBar) setTime(t time.Time) {
	if s.clock == nil {
		return
	}
	s.clock.SetText(t.Format("15:04"))
}

// panelTight is panel with half the padding, for badges.
func panelTight(bg fyne.ThemeColorName, content fyne.CanvasObject) fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Color(bg))
	r.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	pad := theme.Size(theme.SizeNamePadding)
	return container.NewStack(r, container.New(layout.NewCustomPaddedLayout(0, 0, pad, pad), content))
}

// colored returns one line of text in the theme colour name.
func colored(s string, c fyne.ThemeColorName, size fyne.ThemeSizeName, bold bool) *widget.RichText {
	rt := widget.NewRichText(&widget.TextSegment{Text: s, Style: widget.RichTextStyle{
		ColorName: c, SizeName: size, Inline: true, TextStyle: fyne.TextStyle{Bold: bold},
	}})
	return rt
}

// vcenter centres o vertically in the height it is given.
func vcenter(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(layout.NewSpacer(), o, layout.NewSpacer())
}

// shrinkToFit lays out a one-line label at the largest of its text sizes at
// which the text fits the width it gets; a text too long even at the
// smallest size takes two lines at it. The hall's name in English
// large text is the long case: smaller type that is read whole beats
// large type that is cut.
type shrinkToFit struct {
	label *widget.Label
	sizes []fyne.ThemeSizeName // largest first
}

func (l *shrinkToFit) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	pick, fits := l.sizes[len(l.sizes)-1], false
	room := s.Width - 2*theme.Size(theme.SizeNameInnerPadding)
	for _, n := range l.sizes {
		if fyne.MeasureText(l.label.Text, theme.Size(n), l.label.TextStyle).Width <= room {
			pick, fits = n, true
			break
		}
	}
	// Too long even at the smallest size: two lines rather than a cut,
	// when two lines hold it without breaking a word; else it is cut.
	wrap, trunc := fyne.TextWrapOff, fyne.TextTruncateEllipsis
	if !fits && l.twoLines(pick, room) {
		wrap, trunc = fyne.TextWrapWord, fyne.TextTruncateOff
	}
	if l.label.SizeName != pick || l.label.Wrapping != wrap {
		l.label.SizeName, l.label.Wrapping, l.label.Truncation = pick, wrap, trunc
		l.label.Refresh()
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, (s.Height-o.MinSize().Height)/2))
		o.Resize(fyne.NewSize(s.Width, o.MinSize().Height))
	}
}

// twoLines says whether the label's text, at size n, fills at most two
// lines of width room with every word whole (a CJK name without spaces is
// one word here, and is cut rather than broken at random).
func (l *shrinkToFit) twoLines(n fyne.ThemeSizeName, room float32) bool {
	measure := func(s string) float32 { return fyne.MeasureText(s, theme.Size(n), l.label.TextStyle).Width }
	lines, width := 1, float32(0)
	for _, w := range strings.Fields(l.label.Text) {
		ww := measure(w)
		if ww > room {
			return false
		}
		switch {
		case width == 0:
			width = ww
		case width+measure(" ")+ww <= room:
			width += measure(" ") + ww
		default:
			lines, width = lines+1, ww
		}
	}
	return lines <= 2
}

// MinSize is the label's at the largest size, so that the bar keeps its
// height whichever size is picked; any width will do (it truncates).
func (l *shrinkToFit) MinSize([]fyne.CanvasObject) fyne.Size {
	h := fyne.MeasureText(l.label.Text, theme.Size(l.sizes[0]), l.label.TextStyle).Height
	return fyne.NewSize(0, h+2*theme.Size(theme.SizeNameInnerPadding))
}
