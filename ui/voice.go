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

// speakScreen takes the prompt of the screen about to be built and speaks it when
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

// The prompts of each flow's steps; a step not listed (loading, looking
// up, saving) says nothing.
var (
	ticketPrompts = map[flow.TicketState]voice.Prompt{
		flow.TicketDepartments: voice.PromptDepartment, flow.TicketServices: voice.PromptService,
		flow.TicketCard: voice.PromptCard, flow.TicketIssuing: voice.PromptPrinting, flow.TicketPrinting: voice.PromptPrinting,
		flow.TicketSearch: voice.PromptSearch,
	}
	checkInPrompts = map[flow.CheckInState]voice.Prompt{
		flow.CheckInChoose: voice.PromptCheckInChoose, flow.CheckInCard: voice.PromptCard, flow.CheckInScan: voice.PromptScan,
		flow.CheckInKeypad: voice.PromptCode, flow.CheckInIssuing: voice.PromptPrinting, flow.CheckInPrinting: voice.PromptPrinting,
	}
	guidePrompts = map[flow.GuideState]voice.Prompt{
		flow.GuideDepartments: voice.PromptGuide, flow.GuideServices: voice.PromptService, flow.GuideDetail: voice.PromptGuideDetail,
		flow.GuideSearch: voice.PromptSearch,
	}
	ratingPrompts = map[flow.RatingState]voice.Prompt{
		flow.RatingTicket: voice.PromptRatingTicket, flow.RatingScores: voice.PromptRatingScores,
		flow.RatingReasonsStep: voice.PromptRatingReasons, flow.RatingThanks: voice.PromptThanksRating,
	}
	suggestionPrompts = map[flow.SuggestionState]voice.Prompt{
		flow.SuggestionCategoryStep: voice.PromptSuggestCategory, flow.SuggestionDetails: voice.PromptSuggestDetails,
		flow.SuggestionThanks: voice.PromptThanksSuggestion,
	}
	// The progress result may name the applicant: it is read on screen,
	// never aloud; the prompt only says where it is.
	progressPrompts = map[flow.ProgressState]voice.Prompt{
		flow.ProgressReceipt: voice.PromptReceipt, flow.ProgressIdentity: voice.PromptIdentity,
		flow.ProgressCard: voice.PromptCard, flow.ProgressResult: voice.PromptProgressResult,
	}
)

// stepPrompt is a step's prompt, or its problem's reason when the step
// shows one (a failed step, a wrong code typed).
func stepPrompt[S comparable](l voice.Lang, st S, prompts map[S]voice.Prompt, problem *flow.Problem) voice.Utterance {
	if problem != nil && problem.Reason != flow.ReasonNone {
		u, _ := voice.Failure(l, problem.Reason.String())
		return u
	}
	return voice.Say(l, prompts[st])
}

// promptOf is what screen s says in its current state.
func (k *Kiosk) promptOf(s screen) voice.Utterance {
	l := voice.Lang(k.lang)
	switch s := s.(type) {
	case *homeScreen:
		return voice.Say(l, voice.PromptHome)
	case *ticketScreen:
		if s.s.State == flow.TicketDone {
			return k.callOf(s.s.Result)
		}
		return stepPrompt(l, s.s.State, ticketPrompts, s.s.Problem)
	case *checkInScreen:
		if s.s.State == flow.CheckInDone {
			return voice.Say(l, voice.PromptCheckedIn).Then(k.callOf(s.s.Result))
		}
		return stepPrompt(l, s.s.State, checkInPrompts, s.s.Problem)
	case *guideScreen:
		return stepPrompt(l, s.s.State, guidePrompts, s.s.Problem)
	case *ratingScreen:
		return stepPrompt(l, s.s.State, ratingPrompts, s.s.Problem)
	case *suggestionScreen:
		return stepPrompt(l, s.s.State, suggestionPrompts, s.s.Problem)
	case *progressScreen:
		return stepPrompt(l, s.s.State, progressPrompts, s.s.Problem)
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
