package ui

import (
	"strconv"

	"hallkiosk/flow"
	"hallkiosk/voice"
)

// Voice: a screen names its prompt (promptOf), one player speaks it
// (Deps.Voice). The prompt is spoken as the screen appears when the hall
// wants it (Deps.VoiceMode: in elder mode by default, always, or never),
// and again whenever the citizen taps the speaker button in the status bar.
// What can be said is fixed: prompt constants, reason codes, the ticket's
// number and windows (package voice takes no free text).

// Speaker speaks utterances; *voice.Player is one. Say must return at
// once: it is called on the UI goroutine.
type Speaker interface {
	Say(voice.Utterance)
	Status() voice.Status
}

// The voice modes of Deps.VoiceMode (config.Voice.Mode).
const (
	voiceModeElder  = "elder"
	voiceModeAlways = "always"
	voiceModeOff    = "off"
)

// voiceOn says whether the kiosk can speak: a speaker, not switched off,
// with an output (a kiosk without a sound card shows no speaker button).
func (k *Kiosk) voiceOn() bool {
	return k.deps.Voice != nil && k.deps.VoiceMode != voiceModeOff && k.deps.Voice.Status().Available()
}

// autoSpeak says whether a screen speaks its prompt as it appears.
func (k *Kiosk) autoSpeak() bool {
	if !k.voiceOn() {
		return false
	}
	return k.deps.VoiceMode == voiceModeAlways || k.elder
}

// speakScreen takes the prompt of the screen just built and speaks it when
// it differs from the one spoken last: a new screen or step, a failure, the
// language switched, elder mode switched on. A refresh of the same step
// (a keypad digit, a page turn) says nothing again.
func (k *Kiosk) speakScreen(s screen) {
	k.prompt = k.promptOf(s)
	key := k.prompt.Key()
	if k.elder {
		key += " elder"
	}
	if key == k.spoken {
		return
	}
	k.spoken = key
	if !k.prompt.Empty() && k.autoSpeak() {
		k.deps.Voice.Say(k.prompt)
	}
}

// repeatPrompt is the speaker button: the current screen's prompt again,
// in any mode.
func (k *Kiosk) repeatPrompt() {
	if k.voiceOn() && !k.prompt.Empty() {
		k.deps.Voice.Say(k.prompt)
	}
}

// promptOf is what screen s says in its current state.
func (k *Kiosk) promptOf(s screen) voice.Utterance {
	l := voice.Lang(k.lang)
	say := func(p voice.Prompt) voice.Utterance { return voice.Say(l, p) }
	failed := func(p *flow.Problem) voice.Utterance {
		if p == nil {
			return voice.Utterance{}
		}
		u, _ := voice.Failure(l, p.Reason.String())
		return u
	}
	switch s := s.(type) {
	case *homeScreen:
		return say(voice.PromptHome)
	case *ticketScreen:
		switch s.s.State {
		case flow.TicketDepartments:
			return say(voice.PromptDepartment)
		case flow.TicketServices:
			return say(voice.PromptService)
		case flow.TicketCard:
			return say(voice.PromptCard)
		case flow.TicketIssuing, flow.TicketPrinting:
			return say(voice.PromptPrinting)
		case flow.TicketDone:
			return k.callOf(s.s.Result)
		case flow.TicketFailed:
			return failed(s.s.Problem)
		}
	case *checkInScreen:
		switch s.s.State {
		case flow.CheckInChoose:
			return say(voice.PromptCheckInChoose)
		case flow.CheckInCard:
			return say(voice.PromptCard)
		case flow.CheckInScan:
			return say(voice.PromptScan)
		case flow.CheckInKeypad:
			if s.s.Problem != nil {
				return failed(s.s.Problem)
			}
			return say(voice.PromptCode)
		case flow.CheckInIssuing, flow.CheckInPrinting:
			return say(voice.PromptPrinting)
		case flow.CheckInDone:
			return say(voice.PromptCheckedIn).Then(k.callOf(s.s.Result))
		case flow.CheckInFailed:
			return failed(s.s.Problem)
		}
	case *guideScreen:
		switch s.s.State {
		case flow.GuideDepartments:
			return say(voice.PromptGuide)
		case flow.GuideServices:
			return say(voice.PromptService)
		case flow.GuideDetail:
			return say(voice.PromptGuideDetail)
		case flow.GuideFailed:
			return failed(s.s.Problem)
		}
	case *ratingScreen:
		if s.s.Problem != nil {
			return failed(s.s.Problem)
		}
		switch s.s.State {
		case flow.RatingTicket:
			return say(voice.PromptRatingTicket)
		case flow.RatingScores:
			return say(voice.PromptRatingScores)
		case flow.RatingReasonsStep:
			return say(voice.PromptRatingReasons)
		case flow.RatingThanks:
			return say(voice.PromptThanksRating)
		}
	case *suggestionScreen:
		if s.s.Problem != nil {
			return failed(s.s.Problem)
		}
		switch s.s.State {
		case flow.SuggestionCategoryStep:
			return say(voice.PromptSuggestCategory)
		case flow.SuggestionDetails:
			return say(voice.PromptSuggestDetails)
		case flow.SuggestionThanks:
			return say(voice.PromptThanksSuggestion)
		}
	case *progressScreen:
		if s.s.Problem != nil {
			return failed(s.s.Problem)
		}
		switch s.s.State {
		case flow.ProgressReceipt:
			return say(voice.PromptReceipt)
		case flow.ProgressIdentity:
			return say(voice.PromptIdentity)
		case flow.ProgressCard:
			return say(voice.PromptCard)
		case flow.ProgressResult:
			// The answer may name the applicant: it is read on screen,
			// never aloud.
			return say(voice.PromptProgressResult)
		}
	}
	return voice.Utterance{}
}

// callOf is the result screen's call: the number and the windows (the
// counters a hall numbers), then the printer's failure if the ticket did
// not come out, else "take your ticket".
func (k *Kiosk) callOf(r *flow.TicketResult) voice.Utterance {
	if r == nil {
		return voice.Utterance{}
	}
	l := voice.Lang(k.lang)
	var ws []voice.Window
	for _, id := range r.CounterIDs {
		if n, err := strconv.Atoi(id); err == nil {
			ws = append(ws, voice.Window(n))
		}
	}
	var call voice.Utterance
	if t, err := voice.ParseTicket(r.Number); err == nil {
		call = voice.Call(l, t, ws...)
	}
	if r.PrintProblem != nil && !r.Printed {
		u, _ := voice.Failure(l, r.PrintProblem.Reason.String())
		return call.Then(u)
	}
	return call.Then(voice.Say(l, voice.PromptTakeTicket))
}
