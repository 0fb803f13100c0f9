package pages_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
)

// hallClips are recorded clips addressed by number and counter, as a
// voice package would serve them.
type hallClips struct{}

func (hallClips) CallClips(number string, counter api.Text) []string {
	return []string{"/clips/qing.wav", "/clips/number/" + number + ".wav", "/clips/counter/" + counter.Zh + ".wav"}
}

func clipsOf(t *testing.T, url string) []string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Clips []string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Clips == nil {
		t.Fatalf("clips answer: %v (%v)", out, err)
	}
	return out.Clips
}

// TestDisplayClips: without Clips the endpoint answers an empty list; with
// them, the clips of a call the display shows, and nothing for a call it
// does not show.
func TestDisplayClips(t *testing.T) {
	ctx := testContext(t)
	h := newHall(t, ctx)
	if got := clipsOf(t, h.srv.URL+"/display/clips?number=A001&counter=2"); len(got) != 0 {
		t.Fatalf("no Clips: %v", got)
	}

	bo, err := backoffice.Open(backoffice.Options{
		DBPath: filepath.Join(t.TempDir(), "bo.db"), Tokens: map[string]string{kioskTok: "K01"},
		Principals: map[string]backoffice.Principal{counterTok: {Role: backoffice.RoleCounter, Name: "desk 2", Counters: []string{"2"}}},
		Clock:      h.clk, Logger: slog.New(slog.DiscardHandler), Clips: hallClips{},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(bo.Handler())
	t.Cleanup(func() {
		// The display's event stream never ends by itself.
		srv.CloseClientConnections()
		srv.Close()
		bo.Close()
	})
	h2 := &hall{t: t, ctx: ctx, bo: bo, srv: srv, clk: h.clk, dir: t.TempDir()}
	h2.ticket(service)
	if got := clipsOf(t, srv.URL+"/display/clips?number=A001&counter=2"); len(got) != 0 {
		t.Fatalf("clips of a call not made: %v", got)
	}
	h2.post("/v1/counters/2/call-next", counterTok, nil, nil)
	// The display's view follows the call a moment later.
	got := clipsOf(t, srv.URL+"/display/clips?number=A001&counter=2")
	for len(got) == 0 && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
		got = clipsOf(t, srv.URL+"/display/clips?number=A001&counter=2")
	}
	if len(got) != 3 || got[1] != "/clips/number/A001.wav" || got[2] != "/clips/counter/2号窗口 企业开办.wav" {
		t.Fatalf("clips: %v", got)
	}

	// A browser without speech synthesis plays the clips, twice.
	b := browser(t)
	noSpeech := `Object.defineProperty(window, "speechSynthesis", {value: undefined}); window.SpeechSynthesisUtterance = undefined;
window.__played = [];
window.Audio = function (src) { window.__played.push(src); var a = {}; a.play = function () { setTimeout(function () { a.onended && a.onended(); }, 1); return Promise.resolve(); }; return a; };`
	d := h2.open(b, "/display", "zh-CN", 1920, 1080, false, noSpeech)
	waitFor(t, ctx, d, `document.querySelector("#current .n")`)
	h2.clk.Advance(60e9)
	h2.post("/v1/counters/2/recall", counterTok, nil, nil)
	waitFor(t, ctx, d, `window.__played.length >= 6`)
	var played []string
	if err := d.Eval(ctx, `window.__played`, &played); err != nil {
		t.Fatal(err)
	}
	if len(played) != 6 || played[1] != "/clips/number/A001.wav" || played[4] != "/clips/number/A001.wav" {
		t.Fatalf("played %v, want the call's three clips twice", played)
	}
}
