package cdp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":1,"result":{}}`, `{"method":"Page.loadEventFired","params":{"timestamp":1}}`,
		`{"id":2,"error":{"code":-32601,"message":"'X' wasn't found"}}`, `{}`, `[`, `{"id":"x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err == nil && m.ID == 0 && m.Method == "" {
			t.Fatalf("accepted %q without id or method", b)
		}
	})
}

// TestBrowser drives the real Chromium: a page from a real HTTP server,
// its language header, JavaScript and a screenshot.
func TestBrowser(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><meta name=viewport content=\"width=device-width\"><title>t</title><p id=l>" + r.Header.Get("Accept-Language") + "</p>"))
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := Start(Options{UserDataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	p, err := b.NewPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetLanguage(ctx, "en-GB,en;q=0.9"); err != nil {
		t.Fatal(err)
	}
	if err := p.SetViewport(ctx, 360, 640, true); err != nil {
		t.Fatal(err)
	}
	if err := p.Navigate(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := p.Eval(ctx, `document.getElementById("l").textContent`, &got); err != nil || got != "en-GB,en;q=0.9" {
		t.Fatalf("Accept-Language seen by the server: %q, %v", got, err)
	}
	var width int
	if err := p.Eval(ctx, `window.innerWidth`, &width); err != nil || width != 360 {
		t.Fatalf("viewport width %d, %v", width, err)
	}
	if err := p.Eval(ctx, `nosuchname.x`, nil); err == nil {
		t.Fatal("an exception in the page was not reported")
	}
	png, err := p.Screenshot(ctx)
	if err != nil || len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("screenshot: %d bytes, %v", len(png), err)
	}
}
