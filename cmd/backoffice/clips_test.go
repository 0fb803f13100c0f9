package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"hallkiosk/assets"
	"hallkiosk/backoffice/api"
	"hallkiosk/voice"
)

// The display's clip fallback through the back office's own routes: the
// URLs CallClips gives for a call are served as WAV files by the same
// handler, in the order of the spoken call; a counter without a number in
// its name gets no clips. The clips are made by the real engine, only
// those one call needs.
func TestDisplayClipsAreServed(t *testing.T) {
	want, err := voice.CallClips("A023", 3)
	if err != nil {
		t.Fatal(err)
	}
	script, err := voice.Script(assets.I18n)
	if err != nil {
		t.Fatal(err)
	}
	script = slices.DeleteFunc(script, func(c voice.Clip) bool { return !slices.Contains(want, c.Name) })
	dir := t.TempDir()
	if err := voice.Generate(context.Background(), script, dir); err != nil {
		t.Fatalf("espeak-ng (scripts/deps.sh build installs it): %v", err)
	}
	bank, err := voice.LoadBank(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	d := newDisplayClips(bank)
	urls := d.CallClips("A023", api.Text{Zh: "3号窗口", En: "Window 3"})
	if len(urls) != len(want) {
		t.Fatalf("clips %v, want the %d of %v", urls, len(want), want)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /clips/", d)
	for i, u := range urls {
		if u != "/clips/"+want[i]+".wav" {
			t.Fatalf("clip %d is %s, want %s", i, u, want[i])
		}
		rr := httptest.NewRecorder()
		mux.ServeHTTP(rr, httptest.NewRequest("GET", u, nil))
		body, _ := io.ReadAll(rr.Body)
		if rr.Code != http.StatusOK || rr.Header().Get("Content-Type") != "audio/wav" || !strings.HasPrefix(string(body), "RIFF") {
			t.Fatalf("GET %s: %d %s, %d bytes", u, rr.Code, rr.Header().Get("Content-Type"), len(body))
		}
	}
	if got := d.CallClips("A023", api.Text{Zh: "综合窗口", En: "General desk"}); got != nil {
		t.Fatalf("a counter without a number got clips %v", got)
	}
	if got := d.CallClips("A023", api.Text{Zh: "12号窗口"}); got != nil {
		t.Fatalf("a window whose clips are missing got clips %v (the display would say half a call)", got)
	}
	b, _ := json.Marshal(urls)
	t.Logf("the call A023 → 3: %s", b)
}

func TestWindowNumber(t *testing.T) {
	for in, want := range map[string]int{"3号窗口": 3, "Window 12": 12, "综合窗口": 0, "": 0, "窗口100": 0, "A区 7号": 7, "２号": 0} {
		if got := windowNumber(in); got != want {
			t.Errorf("windowNumber(%q) = %d, want %d", in, got, want)
		}
	}
}
