package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/flow"
)

// ratingQuestions are the rating's four questions in screen order: the
// overall level, then flow.Indicators.
var ratingQuestions = append([]string{"overall"}, flow.Indicators...)

// ratingLevels are the national five levels, best first as 好差评 shows them.
var ratingLevels = []int{
	flow.LevelVerySatisfied, flow.LevelSatisfied, flow.LevelNeutral,
	flow.LevelDissatisfied, flow.LevelVeryDissatisfied,
}

// ratingScreen is 好差评: ticket number → one question per page (the overall
// level and the three indicators) → reasons and an optional phone when a
// level is poor → thanks, driven by flow.RatingFlow.
type ratingScreen struct {
	k  *Kiosk
	f  *flow.RatingFlow
	s  flow.RatingSnapshot
	kp *keypad

	question   int  // the question on screen
	reasonPage int  // page of the reason tiles
	phoneOpen  bool // the optional phone keypad is on screen
}

func (s *ratingScreen) start() {
	s.s, s.question, s.reasonPage, s.phoneOpen = flow.RatingSnapshot{}, 0, 0, false
	s.f.Start()
}

func (s *ratingScreen) refresh() {}

// update shows a new snapshot; a keypad key only updates the display field.
func (s *ratingScreen) update(snap flow.RatingSnapshot) {
	prev := s.s
	s.s = snap
	if snap.State != prev.State {
		s.reasonPage, s.phoneOpen = 0, false
		if snap.State == flow.RatingScores && prev.State != flow.RatingReasonsStep {
			s.question = 0
		}
	}
	redraw(s.k, s, s.kp, prev, snap, snap.Input.Value)
}

func (s *ratingScreen) buildUI() fyne.CanvasObject {
	k, snap := s.k, s.s
	title := k.t("rating.title")
	s.kp = nil
	switch snap.State {
	case flow.RatingTicket:
		s.kp = k.newKeypad(snap.Input, k.t("rating.ticket_placeholder"), s.f.Key, s.f.Backspace, s.f.SubmitTicket)
		info := k.entryInfo(snap.Scanning, "rating.scan_hint", snap.Problem)
		return k.page(title, k.t("rating.ticket_step"), s.kp.buildUI(info...), nil)

	case flow.RatingLooking:
		return k.busyPage(title, k.t("rating.looking"), "", nil)

	case flow.RatingScores:
		return k.page(title, s.ratedLine(), s.scores(), s.f.Back)

	case flow.RatingReasonsStep:
		if s.phoneOpen {
			return k.phonePage(snap.Input, s.f.Key, s.f.Backspace, &s.kp, func() { s.phoneOpen = false; k.refreshScreen(s) })
		}
		return k.page(k.t("rating.reasons_title"), k.t("rating.reasons_step"), s.reasons(), s.f.Back)

	case flow.RatingSaving:
		return k.busyPage(title, k.t("common.saving"), "", nil)

	case flow.RatingThanks:
		return k.thanksPage(title, k.t("rating.thanks"))

	case flow.RatingFailed:
		return k.failedPage(title, "", snap.Problem, when(snap.CanRetry, s.f.Retry), s.f.Back)
	}
	return k.busyPage(title, k.t("common.loading"), "", nil)
}

// ratedLine names what is rated: the ticket number and, when known, its
// service.
func (s *ratingScreen) ratedLine() string {
	k := s.k
	if n := k.text(s.s.ServiceName); n != "" {
		return k.t("rating.for_service", "Number", s.s.Ticket, "Service", n)
	}
	return k.t("rating.for", "Number", s.s.Ticket)
}

// level returns the chosen level of question q (0 = none).
func (s *ratingScreen) level(q string) int {
	if q == "overall" {
		return s.s.Overall
	}
	return s.s.Scores[q]
}

// scores shows one question with its five levels in a line. A choice moves
// on to the next question; 上一题/下一题 move freely.
func (s *ratingScreen) scores() fyne.CanvasObject {
	k := s.k
	s.question = max(0, min(s.question, len(ratingQuestions)-1))
	q := ratingQuestions[s.question]
	tiles := make([]fyne.CanvasObject, 0, len(ratingLevels))
	for _, lv := range ratingLevels {
		t := NewTile(nil, k.t("rating.level."+itoa(lv)), "", k.tap(func() { s.choose(q, lv) }))
		t.Selected = s.level(q) == lv
		t.Small = true
		t.Icon = radioIcon(t.Selected)
		tiles = append(tiles, t)
	}
	head := container.NewVBox(
		block(fyne.TextAlignLeading, para{text: k.t("rating.question", "N", s.question+1, "Count", len(ratingQuestions))}),
		block(fyne.TextAlignLeading, para{text: k.t("rating.q." + q), size: theme.SizeNameSubHeadingText, bold: true}),
	)
	prev := k.button(k.t("rating.prev_question"), theme.NavigateBackIcon(), widget.MediumImportance, func() { s.question--; k.refreshScreen(s) })
	if s.question == 0 {
		prev.Disable()
	}
	var next *widget.Button
	if s.question < len(ratingQuestions)-1 {
		next = k.button(k.t("rating.next_question"), theme.NavigateNextIcon(), widget.MediumImportance, func() { s.question++; k.refreshScreen(s) })
		next.IconPlacement = widget.ButtonIconTrailingText
		if s.level(q) == 0 {
			next.Disable()
		}
	} else {
		text := k.t("rating.submit")
		if s.s.NeedsReasons {
			text = k.t("rating.next_step")
		}
		next = k.button(text, theme.ConfirmIcon(), widget.HighImportance, s.f.Next)
		if !s.s.CanNext {
			next.Disable()
		}
	}
	return container.NewBorder(head, actionRow(prev, next), nil, nil,
		container.New(&tileGrid{n: len(tiles), line: true}, tiles...))
}

// choose sets a level and moves on to the next question.
func (s *ratingScreen) choose(q string, level int) {
	if q == "overall" {
		s.f.SetOverall(level)
	} else {
		s.f.SetIndicator(q, level)
	}
	if s.question < len(ratingQuestions)-1 {
		s.question++
		s.k.refreshScreen(s) // the next question at once; the snapshot marks the choice
	}
}

// reasons shows the preset reasons as tiles to tick, the optional phone and
// the submit button.
func (s *ratingScreen) reasons() fyne.CanvasObject {
	k := s.k
	items := make([]fyne.CanvasObject, 0, len(flow.RatingReasons))
	for _, code := range flow.RatingReasons {
		t := NewTile(nil, k.t("rating.reason."+code), "", k.tap(func() { s.f.ToggleReason(code) }))
		t.Selected = slices.Contains(s.s.Reasons, code)
		t.Small = true
		t.Icon = checkIcon(t.Selected)
		items = append(items, t)
	}
	grid := k.choicePages(items, &s.reasonPage, s.s.Problem != nil, func() { k.refreshScreen(s) })
	return k.reasonsBody(grid, s.s.Problem, s.s.Input.Value,
		func() { s.phoneOpen = true; k.refreshScreen(s) }, s.f.Submit)
}

// radioIcon and checkIcon mark a choice tile as chosen or not by shape as
// well as by colour, for citizens who do not tell colours apart.
func radioIcon(on bool) fyne.Resource {
	if on {
		return theme.RadioButtonCheckedIcon()
	}
	return theme.RadioButtonIcon()
}

func checkIcon(on bool) fyne.Resource {
	if on {
		return theme.CheckButtonCheckedIcon()
	}
	return theme.CheckButtonIcon()
}

// choicePages pages tiles to tick: 6 a page, 4 in elder mode, and a row
// fewer while a problem line takes its place.
func (k *Kiosk) choicePages(items []fyne.CanvasObject, page *int, problem bool, rebuild func()) fyne.CanvasObject {
	size := 6
	if k.elder {
		size = 4
	}
	if problem {
		size -= 2
	}
	return k.ownPager(items, size, page, rebuild)
}

// reasonsBody is the reasons step shared by 好差评 and 投诉建议: the tiles,
// a problem line (no reason chosen, a bad phone number), and the buttons
// to add a phone number (optional) and to submit.
func (k *Kiosk) reasonsBody(grid fyne.CanvasObject, problem *flow.Problem, phone string, openPhone, submit func()) fyne.CanvasObject {
	phoneText := k.t("phone.add")
	if phone != "" {
		phoneText = k.t("phone.change", "Phone", maskPhone(phone))
	}
	actions := actionRow(
		k.button(phoneText, nil, widget.MediumImportance, openPhone),
		k.button(k.t("common.submit"), theme.ConfirmIcon(), widget.HighImportance, submit),
	)
	var top fyne.CanvasObject
	if p, ok := problemOf(problem); ok {
		top = k.noticePanel(p)
	}
	return container.NewBorder(top, actions, nil, nil, grid)
}

// phonePage is the optional callback phone's keypad. Its OK goes back to
// the reasons, where 提交 checks the number (flow.ParsePhone), so a wrong
// number is shown beside the button that fixes it.
func (k *Kiosk) phonePage(in flow.Input, key func(string), backspace func(), kp **keypad, done func()) fyne.CanvasObject {
	*kp = k.newKeypad(in, k.t("phone.placeholder"), key, backspace, done)
	body := (*kp).buildUI(block(fyne.TextAlignLeading, para{text: k.t("phone.why")}))
	return k.page(k.t("phone.title"), "", body, done)
}

// thanksPage closes a recorded rating or suggestion.
func (k *Kiosk) thanksPage(title, text string) fyne.CanvasObject {
	icon := coloredIcon(theme.ConfirmIcon(), theme.ColorNameSuccess, theme.Size(sizeNameTileIcon)*1.5)
	body := container.NewVBox(
		layout.NewSpacer(),
		container.NewCenter(icon),
		block(fyne.TextAlignCenter,
			para{text: text, size: theme.SizeNameHeadingText, bold: true},
			para{text: k.t("common.thanks_hint")},
		),
		layout.NewSpacer(),
	)
	done := k.button(k.t("action.finish"), theme.ConfirmIcon(), widget.HighImportance, k.finish)
	return k.pageWith(title, "", body, actionRow(done))
}

// maskPhone shows a phone number as 138****5678.
func maskPhone(p string) string {
	r := []rune(p)
	if len(r) < 8 {
		return p
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}

func itoa(n int) string {
	if n < 0 || n > 9 {
		return "?"
	}
	return string(rune('0' + n))
}
