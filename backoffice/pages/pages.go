package pages

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/language"

	"hallkiosk/backoffice/api"
)

//go:embed web
var web embed.FS

// Source is the live queue the pages show. Each call returns the current
// view and a channel that is closed when the view may have changed.
type Source interface {
	// TicketView is the page of a page token; Known is false when no
	// ticket holds the token (yet).
	TicketView(ctx context.Context, token string) (api.TicketView, <-chan struct{}, error)
	// DisplayView is the hall display.
	DisplayView(ctx context.Context) (api.DisplayView, <-chan struct{}, error)
	// Closing is closed when the server shuts down: open event streams
	// end then (EventSource reconnects), so they do not hold up a
	// graceful shutdown.
	Closing() <-chan struct{}
}

// Clips gives the recorded clips that announce a call (the number, then
// the counter), as URLs the display plays one after another. The display
// uses them only where the browser has no speech synthesis. A nil Clips
// means none: such a browser shows the call without speaking it. A Clips
// that is also an http.Handler serves the clip files itself, under
// /clips/ (its URLs should point there).
type Clips interface {
	CallClips(number string, counter api.Text) []string
}

// keepAlive is how often an idle event stream gets a comment line, so
// proxies and phones on mobile networks do not drop it as idle.
const keepAlive = 20 * time.Second

// Pages serves the pages; see the package documentation.
type Pages struct {
	src   Source
	clips Clips
	hall  api.Text
	tmpl  *template.Template
	text  map[string]map[string]string // lang → key → words
}

// New returns the pages of a hall. clips may be nil.
func New(src Source, clips Clips, hall api.Text) (*Pages, error) {
	p := &Pages{src: src, clips: clips, hall: hall}
	b, err := web.ReadFile("web/text.json")
	if err != nil {
		return nil, fmt.Errorf("pages: %w", err)
	}
	if err := json.Unmarshal(b, &p.text); err != nil {
		return nil, fmt.Errorf("pages: text.json: %w", err)
	}
	for _, lang := range []string{"zh", "en"} {
		if len(p.text[lang]) == 0 {
			return nil, fmt.Errorf("pages: text.json has no %s words", lang)
		}
	}
	p.tmpl, err = template.ParseFS(web, "web/*.html")
	if err != nil {
		return nil, fmt.Errorf("pages: %w", err)
	}
	return p, nil
}

// Register adds the pages' routes to mux.
func (p *Pages) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /t/{token}", p.ticketPage)
	mux.HandleFunc("GET /t/{token}/events", p.ticketEvents)
	mux.HandleFunc("GET /t/{token}/state", p.ticketState)
	mux.HandleFunc("GET /display", p.displayPage)
	mux.HandleFunc("GET /display/events", p.displayEvents)
	mux.HandleFunc("GET /display/state", p.displayState)
	mux.HandleFunc("GET /display/clips", p.displayClips)
	mux.HandleFunc("GET /counter/{counter}", p.counterPage)
	if files, ok := p.clips.(http.Handler); ok {
		mux.Handle("GET /clips/", files)
	}
}

// langOf picks zh or en: ?lang= first, then the first language of
// Accept-Language (by weight) that is Chinese (any script: a zh-TW phone
// reads Chinese better than English) or English, else zh, the hall's.
func langOf(r *http.Request) string {
	switch q := r.URL.Query().Get("lang"); q {
	case "zh", "en":
		return q
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil {
		return "zh"
	}
	for _, t := range tags {
		switch base, _ := t.Base(); base.String() {
		case "zh":
			return "zh"
		case "en":
			return "en"
		}
	}
	return "zh"
}

// pageData is what every page template gets.
type pageData struct {
	Lang  string
	T     map[string]string
	Hall  string
	Title string
	// Init is the first state as JSON, so the page shows it before its
	// event stream opens; Config carries the page's settings for its script.
	Init   template.JS
	Config template.JS
}

func (p *Pages) render(w http.ResponseWriter, r *http.Request, name, titleKey string, init any, config map[string]any) {
	lang := langOf(r)
	t := p.text[lang]
	initJSON, err := json.Marshal(init)
	if err != nil {
		http.Error(w, "encode state", http.StatusInternalServerError)
		return
	}
	if config == nil {
		config = map[string]any{}
	}
	config["lang"], config["t"] = lang, t
	cfgJSON, err := json.Marshal(config)
	if err != nil {
		http.Error(w, "encode config", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	err = p.tmpl.ExecuteTemplate(&buf, name, pageData{
		Lang: lang, T: t, Hall: p.hall.In(lang), Title: t[titleKey],
		Init: template.JS(safeJSON(initJSON)), Config: template.JS(safeJSON(cfgJSON)),
	})
	if err != nil {
		http.Error(w, "render page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", lang)
	h.Set("Vary", "Accept-Language")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	// Everything is inline and same-origin: nothing may load from elsewhere.
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; media-src 'self'; img-src 'self' data:")
	w.Write(buf.Bytes())
}

// safeJSON keeps JSON inside a <script> element from closing it.
func safeJSON(b []byte) string {
	return strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`, "\u2028", `\u2028`, "\u2029", `\u2029`).Replace(string(b))
}

// notFound answers a malformed page token or an unknown page.
func notFound(w http.ResponseWriter) {
	http.Error(w, "404 page not found", http.StatusNotFound)
}

// pageToken returns the request's page token, or answers 404 for one
// that is malformed.
func pageToken(w http.ResponseWriter, r *http.Request) (string, bool) {
	tok := r.PathValue("token")
	if !api.ValidPageToken(tok) {
		notFound(w)
		return "", false
	}
	return tok, true
}

func (p *Pages) ticketPage(w http.ResponseWriter, r *http.Request) {
	tok, ok := pageToken(w, r)
	if !ok {
		return
	}
	v, _, err := p.src.TicketView(r.Context(), tok)
	if err != nil {
		http.Error(w, "queue unavailable", http.StatusServiceUnavailable)
		return
	}
	p.render(w, r, "ticket.html", "ticket_title", v, map[string]any{"token": tok})
}

func (p *Pages) ticketEvents(w http.ResponseWriter, r *http.Request) {
	tok, ok := pageToken(w, r)
	if !ok {
		return
	}
	p.stream(w, r, func(ctx context.Context) (any, <-chan struct{}, error) { return p.src.TicketView(ctx, tok) })
}

func (p *Pages) ticketState(w http.ResponseWriter, r *http.Request) {
	tok, ok := pageToken(w, r)
	if !ok {
		return
	}
	v, _, err := p.src.TicketView(r.Context(), tok)
	writeState(w, v, err)
}

func (p *Pages) displayPage(w http.ResponseWriter, r *http.Request) {
	v, _, err := p.src.DisplayView(r.Context())
	if err != nil {
		http.Error(w, "queue unavailable", http.StatusServiceUnavailable)
		return
	}
	p.render(w, r, "display.html", "display_title", v, map[string]any{"clips": p.clips != nil, "recent": api.DisplayRecentCalls})
}

func (p *Pages) displayEvents(w http.ResponseWriter, r *http.Request) {
	p.stream(w, r, func(ctx context.Context) (any, <-chan struct{}, error) { return p.src.DisplayView(ctx) })
}

func (p *Pages) displayState(w http.ResponseWriter, r *http.Request) {
	v, _, err := p.src.DisplayView(r.Context())
	writeState(w, v, err)
}

// displayClips answers {"clips": [url…]} for ?number=&counter= of one of
// the display's current calls; an empty list without Clips.
func (p *Pages) displayClips(w http.ResponseWriter, r *http.Request) {
	out := struct {
		Clips []string `json:"clips"`
	}{Clips: []string{}}
	if p.clips != nil {
		number, counter := r.URL.Query().Get("number"), r.URL.Query().Get("counter")
		v, _, err := p.src.DisplayView(r.Context())
		if err != nil {
			writeState(w, nil, err)
			return
		}
		// Only calls the display shows: the endpoint is not a way to make
		// clips of arbitrary text.
		for _, c := range v.Calls {
			if c.Number == number && c.CounterID == counter {
				if urls := p.clips.CallClips(c.Number, c.Counter); urls != nil {
					out.Clips = urls
				}
				break
			}
		}
	}
	writeState(w, out, nil)
}

func (p *Pages) counterPage(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, "counter.html", "counter_title", nil, map[string]any{"counter": r.PathValue("counter")})
}

func writeState(w http.ResponseWriter, v any, err error) {
	if err != nil {
		http.Error(w, "queue unavailable", http.StatusServiceUnavailable)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode state", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// stream writes a view as server-sent events: once at once, then each time
// it differs after a change, until the client goes away. The server's
// write timeout is lifted for this response only; a shutting-down server
// ends it.
func (p *Pages) stream(w http.ResponseWriter, r *http.Request, get func(context.Context) (any, <-chan struct{}, error)) {
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && err != http.ErrNotSupported {
		http.Error(w, "stream unavailable", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // a proxy in front must not buffer the stream
	w.WriteHeader(http.StatusOK)
	// A dropped stream is reopened by EventSource after retry ms.
	if _, err := w.Write([]byte("retry: 3000\n\n")); err != nil {
		return
	}
	ctx := r.Context()
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	var last []byte
	for {
		v, next, err := get(ctx)
		if err == nil {
			b, merr := json.Marshal(v)
			if merr == nil && !bytes.Equal(b, last) {
				last = b
				if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
					return
				}
				if rc.Flush() != nil {
					return
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-p.src.Closing():
			return
		case <-next:
		case <-tick.C:
			if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}
