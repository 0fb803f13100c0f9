package pages_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/internal/cdp"
)

// shot is one screenshot of the pages.
type shot struct {
	name          string
	path, lang    string
	width, height int
	mobile        bool
	ready         string // true once the page shows its data
}

// pageShots renders the pages of a fixed hall: a fixed clock, fixed
// tickets and calls. The ticket page's path names a ticket by its
// position in the hall's data.
func pageShots(t *testing.T, ctx context.Context, b *cdp.Browser) map[string][]byte {
	h := newHall(t, ctx)
	toks := map[string]string{}
	for _, svc := range []string{"qykb-setup", "sb-enroll", "qykb-setup", "qykb-change", "sb-enroll", "qykb-setup",
		"gjj-withdraw", "qykb-setup", "sb-enroll", "qykb-change", "qykb-setup", "bdc-transfer"} {
		r, tok := h.ticket(svc)
		toks[r.Number] = tok
	}
	for _, c := range []string{"1", "4", "2", "3", "4", "1"} {
		h.post("/v1/counters/"+c+"/call-next", adminTok, nil, nil)
		h.clk.Advance(3 * 60e9)
	}
	// The pages read the queue's snapshot, which is rebuilt after the calls,
	// not with them: a page opened on an older one would get the last calls
	// a moment later, flashing, and the shot would depend on when it was
	// taken. Wait for the snapshot with all six calls, four of them current.
	waitDisplayState(t, h, 6, 4)
	shots := []shot{
		{"ticket_waiting_zh_360x740", "/t/" + toks["A005"], "zh-CN", 360, 740, true, `document.body.dataset.status == "waiting"`},
		{"ticket_called_zh_360x740", "/t/" + toks["A003"], "zh-CN", 360, 740, true, `document.body.dataset.status == "called"`},
		{"ticket_waiting_en_1280x800", "/t/" + toks["A005"], "en-US", 1280, 800, false, `document.body.dataset.status == "waiting"`},
		{"display_zh_1920x1080", "/display", "zh-CN", 1920, 1080, false, displayReady},
		{"display_zh_1080x1920", "/display", "zh-CN", 1080, 1920, false, displayReady},
		{"counter_zh_1280x800", "/counter/2#token=" + counterTok, "zh-CN", 1280, 800, false, `document.body.dataset.current == "A002"`},
	}
	out := map[string][]byte{}
	for _, s := range shots {
		p := h.open(b, s.path, s.lang, s.width, s.height, s.mobile, "")
		waitFor(t, ctx, p, s.ready)
		if strings.HasPrefix(s.name, "display_") {
			// Four counters serve (A003, D002, B001, A002), six calls,
			// five services with someone waiting: all in view.
			checkDisplayFits(t, ctx, p, s.name, 4, 6, 5)
		}
		png, err := p.Screenshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out[s.name] = png
		p.Close(ctx)
	}
	return out
}

// displayReady holds once the display shows the hall's four current and
// six recent calls in its fonts.
const displayReady = `document.querySelectorAll("#current .call").length == 4 && document.querySelectorAll("#calls li").length == 6 && document.fonts.status == "loaded"`

// waitDisplayState polls the display's state until the queue's snapshot
// holds calls calls, current of them current.
func waitDisplayState(t *testing.T, h *hall, calls, current int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err := http.Get(h.srv.URL + "/display/state")
		if err != nil {
			t.Fatal(err)
		}
		var v api.DisplayView
		err = json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		cur := 0
		for _, c := range v.Calls {
			if c.Current {
				cur++
			}
		}
		if len(v.Calls) == calls && cur == current {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the display state has %d calls, %d current; want %d, %d current", len(v.Calls), cur, calls, current)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// docShots is where the screenshots are committed.
const docShots = "../../docs/pages"

// TestPageScreenshotsRepeat renders every page twice, each time from a
// fresh back office and browser, and requires the same bytes, so the
// screenshots in docs/pages can be regenerated without a diff. With
// HALLKIOSK_PAGE_SHOTS=dir (make screenshots) it writes them there;
// without, it requires docs/pages to hold exactly these renderings, so a
// change to a page cannot leave its screenshots behind.
func TestPageScreenshotsRepeat(t *testing.T) {
	ctx := testContext(t)
	first := pageShots(t, ctx, browser(t))
	second := pageShots(t, ctx, browser(t))
	for name, png := range first {
		if !bytes.Equal(png, second[name]) {
			t.Errorf("%s: two renderings differ (%d and %d bytes)", name, len(png), len(second[name]))
		}
	}
	dir := os.Getenv("HALLKIOSK_PAGE_SHOTS")
	if t.Failed() {
		return
	}
	if dir == "" {
		committed, err := filepath.Glob(filepath.Join(docShots, "*.png"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range committed {
			if _, ok := first[strings.TrimSuffix(filepath.Base(path), ".png")]; !ok {
				t.Errorf("docs/pages/%s is no page's screenshot any more: run `make screenshots`", filepath.Base(path))
			}
		}
		for name, png := range first {
			old, err := os.ReadFile(filepath.Join(docShots, name+".png"))
			if err != nil {
				t.Errorf("docs/pages/%s.png: %v: run `make screenshots`", name, err)
			} else if !bytes.Equal(old, png) {
				t.Errorf("docs/pages/%s.png differs from the page's rendering (%d bytes, now %d): run `make screenshots` and look at the result", name, len(old), len(png))
			}
		}
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, png := range first {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
