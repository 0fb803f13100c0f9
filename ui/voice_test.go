package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"hallkiosk/assets"
	"hallkiosk/flow"
	"hallkiosk/voice"
)

// voiceClips makes the kiosk's clips once per test binary with the real
// engine (the tests must not depend on `make clips`); TestMain removes
// them.
var voiceClips struct {
	once sync.Once
	dir  string
	err  error
}

func testBank(t testing.TB) *voice.Bank {
	t.Helper()
	voiceClips.once.Do(func() {
		voiceClips.dir, voiceClips.err = os.MkdirTemp("", "ui-voice-clips-")
		if voiceClips.err != nil {
			return
		}
		script, err := voice.Script(assets.I18n)
		if err == nil {
			err = voice.Generate(context.Background(), script, voiceClips.dir)
		}
		voiceClips.err = err
	})
	if voiceClips.err != nil {
		t.Fatalf("voice clips (espeak-ng, scripts/deps.sh test): %v", voiceClips.err)
	}
	b, err := voice.LoadBank(os.DirFS(voiceClips.dir))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func removeTestClips() {
	if voiceClips.dir != "" {
		os.RemoveAll(voiceClips.dir)
	}
}

// speech is a real voice player on the real ALSA path into a file (an
// asoundrc whose default PCM is a `type file` plugin over null), and what
// it reports having played.
type speech struct {
	p      *voice.Player
	out    string
	mu     sync.Mutex
	played []voice.Played
}

func newSpeech(t testing.TB) *speech {
	t.Helper()
	home := t.TempDir()
	sp := &speech{out: filepath.Join(home, "out.wav")}
	rc := fmt.Sprintf("pcm.!default {\n\ttype file\n\tslave.pcm \"null\"\n\tfile %q\n\tformat \"wav\"\n}\n", sp.out)
	if err := os.WriteFile(filepath.Join(home, ".asoundrc"), []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	sp.p = voice.NewPlayer(testBank(t), voice.Options{Volume: 100, Env: []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home},
		OnDone: func(pl voice.Played) {
			sp.mu.Lock()
			sp.played = append(sp.played, pl)
			sp.mu.Unlock()
		}})
	t.Cleanup(sp.p.Close)
	<-sp.p.Probed()
	if s := sp.p.Status(); s.State != voice.StateReady {
		t.Fatalf("player %+v", s)
	}
	return sp
}

// withVoice gives the kiosk the player, in voice mode mode.
func withVoice(sp *speech, mode string) func(*Deps) {
	return func(d *Deps) { d.Voice, d.VoiceMode = sp.p, mode }
}

// log returns the first clip of every utterance reported so far.
func (sp *speech) log() []string {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	var out []string
	for _, pl := range sp.played {
		if len(pl.Clips) > 0 {
			out = append(out, pl.Clips[0])
		}
	}
	return out
}

// waitPlayed waits until an utterance whose clips are want has played to
// its end, and returns it.
func (h *harness) waitPlayed(sp *speech, want voice.Utterance) voice.Played {
	h.t.Helper()
	var got voice.Played
	h.settle("played "+want.Key(), func() bool {
		sp.mu.Lock()
		defer sp.mu.Unlock()
		for _, pl := range sp.played {
			if slices.Equal(pl.Clips, want.Clips()) && !pl.Interrupted && pl.Err == nil {
				got = pl
				return true
			}
		}
		return false
	})
	return got
}

// TestVoiceElder: in elder mode each screen speaks its prompt as it
// appears, through the real player and ALSA; the result screen calls the
// number and the windows; the speaker button says the prompt again; normal
// mode is silent until the button is tapped.
func TestVoiceElder(t *testing.T) {
	sp := newSpeech(t)
	p := newParts(t)
	h := newHarnessOn(t, test.NewTempApp(t), p, withVoice(sp, "elder"))
	if !h.speakerShown() {
		t.Fatalf("no speaker button: %q", texts(h.content()))
	}
	if got := sp.log(); len(got) != 0 {
		t.Fatalf("normal mode spoke %v", got)
	}
	h.tapSpeaker()
	h.waitPlayed(sp, voice.Say(voice.Chinese, voice.PromptHome))

	// The citizen waits for each prompt before the next tap, so that none
	// is cut short: every screen's prompt must reach the device, in order.
	// The printing screen is held (pause) until its prompt has been heard.
	h.tap(h.tr("status.elder"))
	sp.waitReported(t, 2)
	h.tapTile(h.tr("home.ticket.title"))
	h.settle("departments", h.ticketIn(flow.TicketDepartments))
	sp.waitReported(t, 3)
	h.tapTileOnPages("社会保障")
	h.settle("services", h.ticketIn(flow.TicketServices))
	sp.waitReported(t, 4)
	h.tapTileOnPages("失业登记")
	h.settle("card step", h.ticketIn(flow.TicketCard))
	sp.waitReported(t, 5)
	h.tapWhen(h.tr("ticket.skip_card"))
	h.pause("issuing", h.ticketIn(flow.TicketIssuing))
	sp.waitReported(t, 6)
	h.waitShows(h.tr("ticket.take_ticket"))
	tk, err := voice.ParseTicket(p.issued().Number)
	if err != nil {
		t.Fatal(err)
	}
	// The test hall numbers its counters (6号窗口, 20号窗口), as halls do:
	// the call says where to go.
	call := voice.Call(voice.Chinese, tk, 6, 20).Then(voice.Say(voice.Chinese, voice.PromptTakeTicket))
	h.waitPlayed(sp, call)
	want := []string{"zh/voice.home", "zh/voice.home", "zh/voice.department", "zh/voice.service", "zh/voice.card", "zh/voice.printing", call.Clips()[0]}
	if got := sp.log(); !slices.Equal(got, want) {
		t.Errorf("spoken %v, want %v", got, want)
	}
	sp.mu.Lock()
	for _, pl := range sp.played {
		if pl.Err != nil {
			t.Errorf("%v did not play: %v", pl.Clips, pl.Err)
		}
	}
	sp.mu.Unlock()
	// The device got the call last.
	raw, err := os.ReadFile(sp.out)
	if err != nil {
		t.Fatal(err)
	}
	_, samples, err := voice.ParseWAV(raw)
	if err != nil {
		t.Fatal(err)
	}
	bank := testBank(t)
	pcm, err := bank.PCM(call, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(samples), string(pcm)) {
		t.Error("the ALSA device did not get the call")
	}

	// English: the screen's prompt again, in English (elder mode speaks
	// it as the language changes; the button says it once more).
	h.tap(h.tr("lang.en"))
	h.tapSpeaker()
	h.waitPlayed(sp, voice.Call(voice.English, tk, 6, 20).Then(voice.Say(voice.English, voice.PromptTakeTicket)))
}

// waitReported waits, without running the UI's queue (a paused screen
// stays), until the player has reported n utterances, played or cut short.
func (sp *speech) waitReported(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(settleLimit)
	for len(sp.log()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d utterances reported, want %d: %v", len(sp.log()), n, sp.log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// speakerShown reports whether the status bar shows the speaker button.
func (h *harness) speakerShown() bool {
	sb := h.k.status.speaker
	return sb != nil && slices.Contains(buttons(h.content()), sb)
}

// tapSpeaker taps the speaker button.
func (h *harness) tapSpeaker() {
	h.t.Helper()
	h.settle("screen up to date", h.caughtUp)
	if !h.speakerShown() {
		h.t.Fatalf("no speaker button: %q", texts(h.content()))
	}
	test.Tap(h.k.status.speaker)
	h.q.Drain()
}

// TestVoiceFailureInWords: a failure is spoken as its reason.
func TestVoiceFailureInWords(t *testing.T) {
	sp := newSpeech(t)
	p := newParts(t)
	h := newHarnessOn(t, test.NewTempApp(t), p, withVoice(sp, "always"))
	h.cardStep("社会保障", "社会保障卡补换")
	p.cards.Status41MidRead()
	p.place(cardWang)
	h.waitShows(h.tr("reason.card_read_failed"))
	u, _ := voice.Failure(voice.Chinese, "card_read_failed")
	h.waitPlayed(sp, u)
	// Nothing of the card was spoken: every clip played is one of the
	// bank's, made from the fixed script.
	bank := testBank(t)
	sp.mu.Lock()
	defer sp.mu.Unlock()
	for _, pl := range sp.played {
		for _, c := range pl.Clips {
			if _, err := bank.Samples(c); err != nil && c != "pause" {
				t.Errorf("played %q, which is not a clip of the script: %v", c, err)
			}
		}
	}
}

// TestVoiceOffAndSilent: voice switched off, or a kiosk without a sound
// card: no speaker button, and the kiosk works.
func TestVoiceOffAndSilent(t *testing.T) {
	sp := newSpeech(t)
	h := newHarnessOn(t, test.NewTempApp(t), newParts(t), withVoice(sp, "off"))
	if h.speakerShown() {
		t.Error("speaker button with voice off")
	}
	h.tap(h.tr("status.elder"))
	h.tapTile(h.tr("home.ticket.title"))
	h.settle("departments", h.ticketIn(flow.TicketDepartments))
	if got := sp.log(); len(got) != 0 {
		t.Errorf("voice off spoke %v", got)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".asoundrc"), []byte("pcm.!default {\n\ttype hw\n\tcard 29\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	silent := voice.NewPlayer(testBank(t), voice.Options{Env: []string{"HOME=" + dir}})
	t.Cleanup(silent.Close)
	<-silent.Probed()
	h2 := newHarnessOn(t, test.NewTempApp(t), newParts(t), func(d *Deps) { d.Voice, d.VoiceMode = silent, "always" })
	if h2.speakerShown() {
		t.Error("speaker button without a sound card")
	}
	h2.walkIn("社会保障", "失业登记")
	h2.waitShows(h2.tr("ticket.take_ticket"))
}

// TestVoiceCoversFlow: every reason flow can report has its spoken form,
// and the result's windows are read from the counters a hall numbers.
func TestVoiceCoversFlow(t *testing.T) {
	for r := flow.ReasonNone + 1; ; r++ {
		code := r.String()
		if strings.HasPrefix(code, "reason(") {
			break
		}
		if _, ok := voice.Failure(voice.Chinese, code); !ok {
			t.Errorf("reason %s has no spoken form", code)
		}
	}
	h := newHarness(t, nil)
	got := h.k.callOf(&flow.TicketResult{Number: "A023", CounterIDs: []string{"3", "12", "c4"}, Printed: true}).Clips()
	tk, _ := voice.ParseTicket("A023")
	want := voice.Call(voice.Chinese, tk, 3, 12).Then(voice.Say(voice.Chinese, voice.PromptTakeTicket)).Clips()
	if !slices.Equal(got, want) {
		t.Errorf("call %v\nwant %v", got, want)
	}
	// A ticket whose paper did not come out: the call, then why.
	got = h.k.callOf(&flow.TicketResult{Number: "A023", CounterIDs: []string{"3"},
		PrintProblem: &flow.Problem{Reason: flow.ReasonPrinterOutOfPaper}}).Clips()
	if last := got[len(got)-1]; last != "zh/reason.printer_out_of_paper" {
		t.Errorf("call ends with %s", last)
	}
}
