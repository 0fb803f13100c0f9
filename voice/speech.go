package voice

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Prompt is what a citizen screen asks for, one per screen and step. Only
// the constants below exist; each is a translation key voice.<name>.
type Prompt int

// The screens' prompts.
const (
	PromptNone             Prompt = iota // a screen that is only waiting says nothing
	PromptHome                           // choose what to do
	PromptDepartment                     // choose a department (取号)
	PromptService                        // choose a service
	PromptCard                           // place the ID card
	PromptPrinting                       // printing, please wait
	PromptTakeTicket                     // take the ticket, listen for the call
	PromptCheckInChoose                  // choose how to check in
	PromptScan                           // hold the QR code to the scanner
	PromptCode                           // type the appointment code
	PromptCheckedIn                      // checked in
	PromptGuide                          // choose a department to see the materials
	PromptGuideDetail                    // the materials are on the screen
	PromptRatingTicket                   // scan or type the ticket to rate
	PromptRatingScores                   // rate the service
	PromptRatingReasons                  // what was not satisfactory
	PromptThanksRating                   // thanks for the rating
	PromptSuggestCategory                // choose a topic
	PromptSuggestDetails                 // choose the details
	PromptThanksSuggestion               // thanks for the suggestion
	PromptReceipt                        // scan or type the receipt number
	PromptIdentity                       // last four of the ID number, or the card
	PromptProgressResult                 // the answer is on the screen
	PromptSearch                         // type the first letters of the service's name
	promptCount
)

// promptKeys are the prompts' translation keys, in Prompt order.
var promptKeys = [...]string{
	"", "voice.home", "voice.department", "voice.service", "voice.card", "voice.printing", "voice.take_ticket",
	"voice.checkin_choose", "voice.scan", "voice.code", "voice.checked_in", "voice.guide", "voice.guide_detail",
	"voice.rating_ticket", "voice.rating_scores", "voice.rating_reasons", "voice.thanks_rating",
	"voice.suggest_category", "voice.suggest_details", "voice.thanks_suggestion",
	"voice.receipt", "voice.identity", "voice.progress_result", "voice.search",
}

// Key returns the prompt's translation key ("" for PromptNone or an
// unknown prompt).
func (p Prompt) Key() string {
	if p <= PromptNone || p >= promptCount {
		return ""
	}
	return promptKeys[p]
}

// pause stands for a short silence in a clip list; it names no file.
const pause = "pause"

// Utterance is a sequence of clips in one language, made only by this
// package's constructors. Its zero value says nothing.
type Utterance struct {
	clips []string
}

// Clips returns the clip names in playing order (pauses as "pause").
func (u Utterance) Clips() []string { return slices.Clone(u.clips) }

// Empty reports whether the utterance says nothing.
func (u Utterance) Empty() bool { return len(u.clips) == 0 }

// Key identifies what is said: two utterances with the same key sound the
// same. The kiosk speaks a screen's prompt again only when its key changes.
func (u Utterance) Key() string { return strings.Join(u.clips, " ") }

// Then returns u followed, after a pause, by v.
func (u Utterance) Then(v Utterance) Utterance {
	switch {
	case u.Empty():
		return v
	case v.Empty():
		return u
	}
	return Utterance{clips: append(append(slices.Clone(u.clips), pause), v.clips...)}
}

func (l Lang) valid() bool { return l == Chinese || l == English }

// Say returns the utterance of prompt p in language l; an unknown
// language or prompt says nothing.
func Say(l Lang, p Prompt) Utterance {
	k := p.Key()
	if k == "" || !l.valid() {
		return Utterance{}
	}
	return Utterance{clips: []string{clipName(l, k)}}
}

// failureCodes are the flow reason codes that have a spoken form: the
// reason.* translations (flow.Reason.String()).
var failureCodes = []string{
	"no_card", "card_read_failed", "card_reader_fault", "id_card_required", "no_code", "scanner_fault",
	"wrong_code", "no_appointment", "invalid_ticket", "ticket_not_found", "ticket_not_today", "invalid_receipt",
	"invalid_id_last4", "invalid_phone", "incomplete", "already_checked_in", "too_early", "too_late",
	"service_unknown", "catalog_unavailable", "hall_closed", "cap_reached", "already_has_ticket",
	"printer_out_of_paper", "printer_cover_open", "printer_failed", "offline", "timeout", "backoffice_error",
	"not_found", "storage_full", "storage_broken", "internal", "too_many_tries",
}

// Failure returns the spoken reason for a flow reason code (no_card,
// printer_out_of_paper …). The code only selects one of the fixed reason
// clips; an unknown code says nothing and ok is false.
func Failure(l Lang, code string) (u Utterance, ok bool) {
	if !l.valid() || !slices.Contains(failureCodes, code) {
		return Utterance{}, false
	}
	return Utterance{clips: []string{clipName(l, "reason."+code)}}, true
}

// Ticket is a queue number as printed: one or two letters and one or two
// groups of digits (A023, the offline A07-015), at most six digits in all.
// Its only constructor is ParseTicket.
type Ticket struct {
	prefix string
	groups []string
}

// String returns the number as printed.
func (t Ticket) String() string { return t.prefix + strings.Join(t.groups, "-") }

// Limits of a ticket number. An ID number has 18 characters and a mobile
// number 11 digits, so neither parses as a ticket.
const (
	maxTicketLetters = 2
	maxTicketDigits  = 6
)

// ErrNotTicket is returned by ParseTicket for text that is not a queue
// number.
var ErrNotTicket = errors.New("not a ticket number")

// ParseTicket reads a queue number: one or two letters A–Z, then digits,
// optionally in two groups joined by "-" (A07-015), six digits at most.
func ParseTicket(s string) (Ticket, error) {
	bad := func(why string) (Ticket, error) {
		return Ticket{}, fmt.Errorf("voice: ticket %q: %w: %s", s, ErrNotTicket, why)
	}
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	if i == 0 || i > maxTicketLetters {
		return bad("must start with one or two capital letters")
	}
	t := Ticket{prefix: s[:i]}
	digits := 0
	for _, g := range strings.Split(s[i:], "-") {
		if g == "" {
			return bad("digits missing")
		}
		for j := 0; j < len(g); j++ {
			if g[j] < '0' || g[j] > '9' {
				return bad("only digits after the letters")
			}
		}
		digits += len(g)
		t.groups = append(t.groups, g)
	}
	if len(t.groups) > 2 {
		return bad("at most two groups of digits")
	}
	if digits > maxTicketDigits {
		return bad(fmt.Sprintf("at most %d digits", maxTicketDigits))
	}
	return t, nil
}

// Window is a service window's number, 1–99; others are not spoken.
type Window int

// MaxWindow is the highest window number the clips can say.
const MaxWindow = 99

func (w Window) valid() bool { return w >= 1 && w <= MaxWindow }

// Call returns the call of ticket t to windows ws in language l:
// "A 零 二 三 号，请到 三 号窗口" or "Number A zero two three, please go to
// window three"; two windows are joined with "or". Windows outside 1–99 are
// left out; with none left the call ends after the number. A zero Ticket
// says nothing.
func Call(l Lang, t Ticket, ws ...Window) Utterance {
	if !l.valid() || t.prefix == "" {
		return Utterance{}
	}
	c := func(k string) string { return clipName(l, k) }
	var clips []string
	if l == English {
		clips = append(clips, c("voice.call_number"))
	}
	for _, r := range t.prefix {
		clips = append(clips, c(letterKey(r)))
	}
	for gi, g := range t.groups {
		if gi > 0 {
			clips = append(clips, pause)
		}
		for _, d := range g {
			clips = append(clips, c("voice.digit."+string(d)))
		}
	}
	if l == Chinese {
		clips = append(clips, c("voice.call_number"))
	}
	var valid []Window
	for _, w := range ws {
		if w.valid() && !slices.Contains(valid, w) {
			valid = append(valid, w)
		}
	}
	if len(valid) == 0 {
		return Utterance{clips: clips}
	}
	clips = append(clips, pause, c("voice.call_go"))
	for i, w := range valid {
		if i > 0 {
			clips = append(clips, c("voice.call_or"))
		}
		if l == English {
			clips = append(clips, c("voice.call_window"))
		}
		clips = append(clips, numberClips(l, int(w))...)
		if l == Chinese {
			clips = append(clips, c("voice.call_window"))
		}
	}
	return Utterance{clips: clips}
}

// numberClips reads n (1–99) as a number: the clips voice.digit.0–9,
// voice.num.10–20 and the tens voice.num.30 … voice.num.90; 23 is
// num.20 + digit.3 in both languages (二十 三, twenty three).
func numberClips(l Lang, n int) []string {
	c := func(k string) string { return clipName(l, k) }
	switch {
	case n < 10:
		return []string{c(fmt.Sprintf("voice.digit.%d", n))}
	case n <= 20 || n%10 == 0:
		return []string{c(fmt.Sprintf("voice.num.%d", n))}
	}
	return []string{c(fmt.Sprintf("voice.num.%d", n-n%10)), c(fmt.Sprintf("voice.digit.%d", n%10))}
}

// CallClips returns the clips of the Chinese call of ticket number to
// window, in playing order, without pauses: what the hall display plays
// (from Handler) when its browser has no speech synthesis. The number is
// checked like ParseTicket; a window outside 1–99 is an error.
func CallClips(number string, window int) ([]string, error) {
	t, err := ParseTicket(number)
	if err != nil {
		return nil, err
	}
	if !Window(window).valid() {
		return nil, fmt.Errorf("voice: window %d: must be 1–%d", window, MaxWindow)
	}
	u := Call(Chinese, t, Window(window))
	return slices.DeleteFunc(u.Clips(), func(s string) bool { return s == pause }), nil
}
