package pages_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/internal/cdp"
	"hallkiosk/offline"
)

// The hall of these tests is the seed catalog's: service qykb-setup
// (prefix A, 25 min, counters 1 and 2), counter 2 named
// "2号窗口 企业开办" / "Window 2 · Business start-up".
const (
	kioskTok   = "tok-kiosk-01"
	counterTok = "tok-desk-2"
	adminTok   = "tok-admin"
	service    = "qykb-setup"
)

// monday10 is Monday 30 November 2026, 10:00 in the hall (Asia/Shanghai).
var monday10 = time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)

type hall struct {
	t   testing.TB
	ctx context.Context
	bo  *backoffice.Server
	srv *httptest.Server
	clk *clock.Fake
	dir string
}

// newHall starts the real back office on a file database and a fixed
// clock, behind a real HTTP listener.
func newHall(t testing.TB, ctx context.Context) *hall {
	t.Helper()
	h := &hall{t: t, ctx: ctx, clk: clock.NewFake(monday10), dir: t.TempDir()}
	bo, err := backoffice.Open(backoffice.Options{
		DBPath: filepath.Join(h.dir, "bo.db"),
		Tokens: map[string]string{kioskTok: "K01"},
		Principals: map[string]backoffice.Principal{
			counterTok: {Role: backoffice.RoleCounter, Name: "desk 2", Counters: []string{"2"}},
			adminTok:   {Role: backoffice.RoleAdmin, Name: "ops"},
		},
		Clock:  h.clk,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	h.bo = bo
	h.srv = httptest.NewServer(bo.Handler())
	t.Cleanup(func() {
		h.srv.CloseClientConnections()
		h.srv.Close()
		bo.Close()
	})
	return h
}

// post sends an authenticated request that must answer 200.
func (h *hall) post(path, token string, body any, out any) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest("POST", h.srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		h.t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			h.t.Fatal(err)
		}
	}
}

var (
	tokenSerial byte
	pageSerial  int
)

// ticket takes a number online, as a kiosk does, with a page token made
// the kiosk's way.
func (h *hall) ticket(svc string) (api.TicketResponse, string) {
	h.t.Helper()
	pageSerial++
	tok := fmt.Sprintf("page%0*d", api.PageTokenLen-4, pageSerial)
	var resp api.TicketResponse
	h.post("/v1/tickets", kioskTok, api.TicketRequest{RecordID: newUUID(h.t), KioskID: "K01", ServiceID: svc, PageToken: tok}, &resp)
	h.clk.Advance(time.Minute)
	return resp, tok
}

func newUUID(t testing.TB) string {
	t.Helper()
	// A UUIDv7-shaped id is all the back office asks of a record id.
	var b [16]byte
	tokenSerial++
	copy(b[:], []byte(time.Now().Format("150405.000000000")))
	b[15] = tokenSerial
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	const hx = "0123456789abcdef"
	var s []byte
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s = append(s, '-')
		}
		s = append(s, hx[c>>4], hx[c&15])
	}
	return string(s)
}

// browser starts headless Chromium for the test.
func browser(t testing.TB) *cdp.Browser {
	t.Helper()
	b, err := cdp.Start(cdp.Options{UserDataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// open loads path of the hall in a new tab with lang as Accept-Language.
func (h *hall) open(b *cdp.Browser, path, lang string, width, height int, mobile bool, script string) *cdp.Page {
	h.t.Helper()
	p, err := b.NewPage(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := p.SetLanguage(h.ctx, lang); err != nil {
		h.t.Fatal(err)
	}
	if err := p.SetViewport(h.ctx, width, height, mobile); err != nil {
		h.t.Fatal(err)
	}
	if script != "" {
		if err := p.AddScript(h.ctx, script); err != nil {
			h.t.Fatal(err)
		}
	}
	if err := p.Navigate(h.ctx, h.srv.URL+path); err != nil {
		h.t.Fatal(err)
	}
	return p
}

func waitFor(t testing.TB, ctx context.Context, p *cdp.Page, expr string) {
	t.Helper()
	if err := p.WaitFor(ctx, expr); err != nil {
		text, _ := p.Text(context.Background())
		t.Fatalf("%v\npage text:\n%s", err, text)
	}
}

func text(t testing.TB, ctx context.Context, p *cdp.Page) string {
	t.Helper()
	s, err := p.Text(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustContain(t testing.TB, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestTicketPageFollowsTheCounter: a citizen's phone shows the ticket
// waiting, then called to the window the counter page called it to, then
// done, without reloading; in English and in Chinese.
func TestTicketPageFollowsTheCounter(t *testing.T) {
	ctx := testContext(t)
	h := newHall(t, ctx)
	b := browser(t)
	first, tok1 := h.ticket(service)
	second, tok2 := h.ticket(service)
	if first.Number != "A001" || second.Number != "A002" || second.PeopleAhead != 1 || second.EstWaitMinutes != 13 {
		t.Fatalf("tickets %+v %+v", first, second)
	}

	en := h.open(b, "/t/"+tok2, "en-US,en;q=0.9", 360, 740, true, "")
	waitFor(t, ctx, en, `document.body.dataset.status == "waiting"`)
	// The page shows the estimate the kiosk printed (13 min: one ahead,
	// 25 min, two counters).
	mustContain(t, "English ticket page", text(t, ctx, en), "A002", "Your number", "People ahead of you\n1",
		"about 13 min", "Waiting", "Company registration")
	zh := h.open(b, "/t/"+tok1, "zh-CN,zh;q=0.9,en;q=0.5", 360, 740, true, "")
	waitFor(t, ctx, zh, `document.body.dataset.status == "waiting"`)
	mustContain(t, "Chinese ticket page", text(t, ctx, zh), "A001", "您的号码", "前面还有", "马上就到您", "等候中")

	// The counter page, signed in with the counter's token.
	desk := h.open(b, "/counter/2#token="+counterTok, "zh-CN", 1024, 768, false, "")
	waitFor(t, ctx, desk, `document.body.dataset.current === "" && document.getElementById("waiting").textContent == "2"`)
	if err := desk.Eval(ctx, `document.getElementById("call-next").click()`, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, desk, `document.body.dataset.current == "A001"`)
	waitFor(t, ctx, zh, `document.body.dataset.status == "called"`)
	mustContain(t, "called ticket page", text(t, ctx, zh), "请到 2号窗口 企业开办 办理")
	// The other page moved up without a reload.
	waitFor(t, ctx, en, `document.getElementById("est").textContent == "You are next"`)

	if err := desk.Eval(ctx, `document.getElementById("call-next").click()`, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, en, `document.body.dataset.status == "called"`)
	mustContain(t, "called English page", text(t, ctx, en), "Please go to Window 2 · Business start-up")
	// Calling the next finished A001.
	waitFor(t, ctx, zh, `document.body.dataset.status == "done"`)
	mustContain(t, "done page", text(t, ctx, zh), "已办理完毕")

	if err := desk.Eval(ctx, `document.getElementById("no-show").click()`, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, en, `document.body.dataset.status == "no_show"`)
	mustContain(t, "no-show page", text(t, ctx, en), "Missed. Please take a new ticket")

	// Nothing personal and nothing from elsewhere: the page's resources
	// are its own document only.
	var external int
	if err := en.Eval(ctx, `performance.getEntriesByType("resource").filter(e => !e.name.startsWith(location.origin)).length`, &external); err != nil || external != 0 {
		t.Fatalf("%d resources from elsewhere (%v)", external, err)
	}
}

// TestTicketPageRefusesMalformedTokens: only a token's shape gets a page.
func TestTicketPageRefusesMalformedTokens(t *testing.T) {
	h := newHall(t, testContext(t))
	for _, path := range []string{"/t/short", "/t/" + strings.Repeat("a", 21) + "%21", "/t/" + strings.Repeat("a", 23) + "/events"} {
		resp, err := http.Get(h.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
}

// announceHook records what the display page speaks, how many of its
// utterances have ended and how many tones it plays, and passes all on to
// the browser.
const announceHook = `
window.__spoken = []; window.__tones = 0; window.__ended = 0;
(function () {
  var start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function () { window.__tones++; return start.apply(this, arguments); };
  if (window.speechSynthesis) {
    var speak = speechSynthesis.speak.bind(speechSynthesis);
    speechSynthesis.speak = function (u) {
      window.__spoken.push({text: u.text, lang: u.lang});
      var ended = false;
      function end() { if (!ended) { ended = true; window.__ended++; } }
      u.addEventListener("end", end); u.addEventListener("error", end);
      return speak(u);
    };
  }
})();`

// TestDisplayShowsAndAnnouncesACall: the hall display shows a new call in
// large type and announces it: a chime, then the call spoken in zh-CN
// twice.
func TestDisplayShowsAndAnnouncesACall(t *testing.T) {
	ctx := testContext(t)
	h := newHall(t, ctx)
	b := browser(t)
	h.ticket(service)
	h.ticket(service)
	d := h.open(b, "/display", "zh-CN", 1920, 1080, false, announceHook)
	waitFor(t, ctx, d, `document.querySelector("#services b")`)
	mustContain(t, "display before", text(t, ctx, d), "暂无呼叫", "企业设立登记")
	var spoken []struct{ Text, Lang string }
	var res api.CallResult
	h.post("/v1/counters/2/call-next", counterTok, nil, &res)
	waitFor(t, ctx, d, `document.querySelector("#current .n") && document.querySelector("#current .n").textContent == "A001"`)
	mustContain(t, "display after the call", text(t, ctx, d), "A001", "2号窗口 企业开办")
	waitFor(t, ctx, d, `window.__spoken.length >= 2`)
	if err := d.Eval(ctx, `window.__spoken`, &spoken); err != nil {
		t.Fatal(err)
	}
	want := "请 A零零一 号，到 2号窗口 企业开办 办理"
	if len(spoken) != 2 || spoken[0].Text != want || spoken[1].Text != want || spoken[0].Lang != "zh-CN" {
		t.Fatalf("spoken %+v, want %q twice in zh-CN", spoken, want)
	}
	var tones int
	if err := d.Eval(ctx, `window.__tones`, &tones); err != nil || tones != 2 {
		t.Fatalf("%d chime tones (%v), want the two of one chime", tones, err)
	}
	// Another counter calls A002: announced once, after A001's.
	h.clk.Advance(time.Minute)
	h.post("/v1/counters/1/call-next", adminTok, nil, &res)
	if res.Number != "A002" {
		t.Fatalf("counter 1 called %+v", res)
	}
	waitFor(t, ctx, d, `window.__spoken.length >= 4 && window.__ended == window.__spoken.length`)
	// A recall is announced again; the calls already shown are not.
	h.clk.Advance(time.Minute)
	h.post("/v1/counters/2/recall", counterTok, nil, &res)
	waitFor(t, ctx, d, `window.__spoken.length >= 6 && window.__ended == window.__spoken.length`)
	// The display starts the next announcement (its chime) as the last
	// utterance ends; give a stray one a moment to show.
	time.Sleep(1500 * time.Millisecond)
	var heard struct {
		Spoken []struct{ Text, Lang string }
		Tones  int
	}
	if err := d.Eval(ctx, `({spoken: window.__spoken, tones: window.__tones})`, &heard); err != nil {
		t.Fatal(err)
	}
	want2 := "请 A零零二 号，到 1号窗口 企业开办 办理"
	wantAll := []string{want, want, want2, want2, want, want}
	var got []string
	for _, s := range heard.Spoken {
		got = append(got, s.Text)
		if s.Lang != "zh-CN" {
			t.Errorf("%q spoken in %q", s.Text, s.Lang)
		}
	}
	if !slices.Equal(got, wantAll) {
		t.Errorf("spoken %q\nwant %q", got, wantAll)
	}
	if heard.Tones != 6 {
		t.Errorf("%d chime tones, want 6: one chime for each of the three announcements", heard.Tones)
	}
}

// TestOfflineTicketPageBeforeAndAfterSync: a ticket printed while the
// kiosk was offline has its page at once; until its record reaches the
// back office the page says so, and then it shows the ticket in the queue
// without a reload.
func TestOfflineTicketPageBeforeAndAfterSync(t *testing.T) {
	ctx := testContext(t)
	h := newHall(t, ctx)
	b := browser(t)
	key := bytes.Repeat([]byte{7}, 32)
	path := filepath.Join(h.dir, "kiosk.db")
	// A kiosk without a back office: every ticket is numbered offline.
	st, err := offline.Open(offline.Options{Path: path, KioskID: "K01", KioskNumber: 7, Key: key, Clock: h.clk,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := st.IssueTicket(ctx, offline.TicketRequest{ServiceID: service})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if !tk.Offline || tk.Number != "A07-001" || !api.ValidPageToken(tk.PageToken) {
		t.Fatalf("offline ticket %+v", tk)
	}

	p := h.open(b, "/t/"+tk.PageToken, "zh-CN", 360, 740, true, "")
	waitFor(t, ctx, p, `document.body.dataset.status == "unknown"`)
	mustContain(t, "page before sync", text(t, ctx, p), "还没有收到这张票", "自助机断网时取的", "不要关闭本页")

	// The network is back: the same kiosk database syncs its record.
	client, err := offline.NewClient(offline.ClientOptions{BaseURL: h.srv.URL, Token: kioskTok, KioskID: "K01", AllowInsecureHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err = offline.Open(offline.Options{Path: path, KioskID: "K01", KioskNumber: 7, Key: key, Clock: h.clk,
		Client: client, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, p, `document.body.dataset.status == "waiting"`)
	mustContain(t, "page after sync", text(t, ctx, p), "A07-001", "断网时取的号", "前面还有", "等候中")
}

// TestOnlineKioskTicketPage: a ticket the kiosk's store numbers online has
// its page at once, and the page, the kiosk's screen and its printout share
// the back office's estimate.
func TestOnlineKioskTicketPage(t *testing.T) {
	ctx := testContext(t)
	h := newHall(t, ctx)
	h.ticket(service)
	client, err := offline.NewClient(offline.ClientOptions{BaseURL: h.srv.URL, Token: kioskTok, KioskID: "K01", AllowInsecureHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := offline.Open(offline.Options{Path: filepath.Join(h.dir, "kiosk.db"), KioskID: "K01", KioskNumber: 7,
		Key: bytes.Repeat([]byte{7}, 32), Clock: h.clk, Client: client, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tk, err := st.IssueTicket(ctx, offline.TicketRequest{ServiceID: service})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Offline || tk.Number != "A002" || tk.PeopleAhead != 1 || tk.EstWaitMinutes != 13 {
		t.Fatalf("online ticket %+v", tk)
	}
	resp, err := http.Get(h.srv.URL + "/t/" + tk.PageToken + "/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v api.TicketView
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if !v.Known || v.Number != tk.Number || v.PeopleAhead != tk.PeopleAhead || v.EstWaitMinutes != tk.EstWaitMinutes {
		t.Fatalf("page %+v, kiosk %+v", v, tk)
	}
	// Its record syncs later under the same token: still one ticket.
	if _, err := st.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := h.bo.RecordCount("K01"); err != nil || n != 1 {
		t.Fatalf("%d records synced (%v)", n, err)
	}
}

// displayLayout lists every current call, recent call and waiting count on
// the display that is not wholly in view: outside the viewport or outside
// its panel (which hides what overflows it), with its own text
// overflowing, or covered by something else.
const displayLayout = `(function () {
  var bad = [], view = {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
  function inside(r, b) { return r.left >= b.left - 0.5 && r.top >= b.top - 0.5 && r.right <= b.right + 0.5 && r.bottom <= b.bottom + 0.5; }
  document.querySelectorAll("#current .call, #calls li, #services span").forEach(function (e) {
    var r = e.getBoundingClientRect(), panel = e.closest("section"), name = e.textContent.replace(/\s+/g, " ").trim();
    if (r.width < 1 || r.height < 1) { bad.push(name + ": not shown"); return; }
    if (!inside(r, view)) { bad.push(name + ": outside the viewport " + JSON.stringify(r)); return; }
    if (!inside(r, panel.getBoundingClientRect())) { bad.push(name + ": outside its panel #" + panel.id + " " + JSON.stringify(r)); return; }
    e.querySelectorAll("*").forEach(function (c) {
      if (!inside(c.getBoundingClientRect(), r)) bad.push(name + ": its text " + JSON.stringify(c.textContent) + " sticks out of it");
    });
    [[.1, .2], [.9, .2], [.5, .5], [.1, .8], [.9, .8]].forEach(function (f) {
      var x = r.left + f[0] * r.width, y = r.top + f[1] * r.height, hit = document.elementFromPoint(x, y);
      if (!hit || !e.contains(hit)) bad.push(name + ": covered at " + Math.round(x) + "," + Math.round(y) + " by " + (hit ? hit.tagName + "#" + hit.id : "nothing"));
    });
  });
  return {current: document.querySelectorAll("#current .call").length, recent: document.querySelectorAll("#calls li").length,
    waiting: document.querySelectorAll("#services span").length, bad: bad};
})()`

// checkDisplayFits fails unless the display shows current current calls,
// recent recent calls and waiting waiting counts, each wholly in view.
func checkDisplayFits(t testing.TB, ctx context.Context, p *cdp.Page, what string, current, recent, waiting int) {
	t.Helper()
	var got struct {
		Current, Recent, Waiting int
		Bad                      []string
	}
	if err := p.Eval(ctx, displayLayout, &got); err != nil {
		t.Fatal(err)
	}
	if got.Current != current || got.Recent != recent || got.Waiting != waiting {
		t.Errorf("%s: %d current calls, %d recent, %d waiting counts; want %d, %d, %d", what,
			got.Current, got.Recent, got.Waiting, current, recent, waiting)
	}
	for _, b := range got.Bad {
		t.Errorf("%s: %s", what, b)
	}
}

// TestDisplayShowsEveryCurrentCall: every counter still serving a call is
// on the display, with the last ten calls and the waiting counts, all in
// view in landscape and portrait: four counters serving, and a busy hall
// of thirteen with someone waiting for each of its 23 services.
func TestDisplayShowsEveryCurrentCall(t *testing.T) {
	ctx := testContext(t)
	b := browser(t)
	for _, tc := range []struct {
		name  string
		calls []string // the counters that call, in order
	}{
		{"four counters", []string{"1", "4", "2", "3", "4", "1", "2", "3", "1", "4"}},
		{"thirteen counters", []string{"1", "4", "2", "3", "5", "6", "7", "8", "9", "11", "14", "15", "17", "1", "2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHall(t, ctx)
			// Three tickets of every service of the seed catalog.
			for range 3 {
				for _, s := range seedServices {
					h.ticket(s)
				}
			}
			current := map[string]string{} // counter → the number it serves
			for _, c := range tc.calls {
				var res api.CallResult
				h.post("/v1/counters/"+c+"/call-next", adminTok, nil, &res)
				if res.Number == "" {
					t.Fatalf("counter %s called nobody", c)
				}
				current[c] = res.Number
				h.clk.Advance(time.Minute)
			}
			// The display's snapshot is rebuilt after the calls, not
			// with them: wait for the one that shows every current call,
			// whose waiting counts are the ones the display must show.
			var v api.DisplayView
			for deadline := time.Now().Add(10 * time.Second); ; {
				resp, err := http.Get(h.srv.URL + "/display/state")
				if err != nil {
					t.Fatal(err)
				}
				v = api.DisplayView{}
				err = json.NewDecoder(resp.Body).Decode(&v)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				shown := map[string]string{}
				for _, c := range v.Calls {
					if c.Current {
						shown[c.CounterID] = c.Number
					}
				}
				if maps.Equal(shown, current) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the display state shows %v as current calls, want %v", shown, current)
				}
				time.Sleep(10 * time.Millisecond)
			}
			waiting := 0
			for _, s := range v.Services {
				if s.Waiting > 0 {
					waiting++
				}
			}
			for _, size := range [][2]int{{1920, 1080}, {1080, 1920}} {
				d := h.open(b, "/display", "zh-CN", size[0], size[1], false, "")
				waitFor(t, ctx, d, `document.querySelector("#current .n")`)
				var shown []string
				if err := d.Eval(ctx, `[...document.querySelectorAll("#current .n")].map(e => e.textContent)`, &shown); err != nil {
					t.Fatal(err)
				}
				for c, n := range current {
					if !slices.Contains(shown, n) {
						t.Errorf("%dx%d: counter %s serving %s is not among the current calls %v", size[0], size[1], c, n, shown)
					}
				}
				checkDisplayFits(t, ctx, d, fmt.Sprintf("%dx%d", size[0], size[1]), len(current), min(len(tc.calls), 10), waiting)
				d.Close(ctx)
			}
		})
	}
}

// seedServices are the services of the seed catalog.
var seedServices = []string{"qykb-setup", "qykb-change", "qykb-cancel", "sb-enroll", "sb-transfer", "sb-retire", "sb-card",
	"yb-enroll", "yb-reimburse", "yb-remote", "gjj-withdraw", "gjj-transfer", "gjj-loan", "bdc-transfer", "bdc-mortgage",
	"bdc-query", "hj-idcard", "hj-move", "crj-passport", "crj-hkmo", "sw-invoice", "sw-iit", "sw-house"}
