package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"hallkiosk/flow"
)

// suggestionScreen is 投诉建议: category → preset reasons and an optional
// phone → thanks, driven by flow.SuggestionFlow. There is no free text on
// purpose (see flow.SuggestionCategories).
type suggestionScreen struct {
	k  *Kiosk
	f  *flow.SuggestionFlow
	s  flow.SuggestionSnapshot
	kp *keypad

	reasonPage int
	phoneOpen  bool
}

func (s *suggestionScreen) start() {
	s.s, s.reasonPage, s.phoneOpen = flow.SuggestionSnapshot{}, 0, false
	s.f.Start()
}

func (s *suggestionScreen) refresh() {}

// update shows a new snapshot; a keypad key only updates the display field.
func (s *suggestionScreen) update(snap flow.SuggestionSnapshot) {
	prev := s.s
	s.s = snap
	if snap.State != prev.State {
		s.reasonPage, s.phoneOpen = 0, false
	}
	redraw(s.k, s, s.kp, prev, snap, snap.Input.Value)
}

// categoryIcons are the icons of the three categories.
var categoryIcons = map[string]fyne.Resource{
	"complaint":  iconSuggestion,
	"suggestion": iconGuide,
	"praise":     iconRating,
}

func (s *suggestionScreen) buildUI() fyne.CanvasObject {
	k, snap := s.k, s.s
	title := k.t("suggest.title")
	s.kp = nil
	switch snap.State {
	case flow.SuggestionCategoryStep:
		cats := snap.Categories
		if len(cats) == 0 {
			cats = flow.SuggestionCategories
		}
		items := make([]fyne.CanvasObject, 0, len(cats))
		for _, c := range cats {
			code := c.Code
			items = append(items, NewTile(categoryIcons[code], k.t("suggest.cat."+code), k.t("suggest.cat."+code+".sub"),
				k.tap(func() { s.f.SelectCategory(code) })))
		}
		body := container.NewBorder(nil, hintPanel(k.t("suggest.privacy")), nil, nil,
			container.New(&tileGrid{n: len(items)}, items...))
		return k.page(title, k.t("suggest.choose"), body, nil)

	case flow.SuggestionDetails:
		if s.phoneOpen {
			return k.phonePage(snap.Input, s.f.Key, s.f.Backspace, &s.kp, func() { s.phoneOpen = false; k.refreshScreen(s) })
		}
		items := make([]fyne.CanvasObject, 0, len(snap.Offered))
		for _, code := range snap.Offered {
			t := NewTile(nil, k.t("suggest.reason."+code), "", k.tap(func() { s.f.ToggleReason(code) }))
			t.Selected = slices.Contains(snap.Reasons, code)
			t.Small = true
			t.Icon = checkIcon(t.Selected)
			items = append(items, t)
		}
		grid := k.choicePages(items, &s.reasonPage, snap.Problem != nil, func() { k.refreshScreen(s) })
		body := k.reasonsBody(grid, snap.Problem, snap.Input.Value, func() { s.phoneOpen = true; k.refreshScreen(s) }, s.f.Submit)
		return k.page(k.t("suggest.cat."+snap.Category), k.t("suggest.reasons_step"), body, s.f.Back)

	case flow.SuggestionSaving:
		return k.busyPage(title, k.t("common.saving"), "", nil)

	case flow.SuggestionThanks:
		return k.thanksPage(title, k.t("suggest.thanks"))

	case flow.SuggestionFailed:
		return k.failedPage(title, "", snap.Problem, when(snap.CanRetry, s.f.Retry), s.f.Back)
	}
	return k.busyPage(title, k.t("common.loading"), "", nil)
}
