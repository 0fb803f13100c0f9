package offline

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/internal/testutil"
)

// A back office reached over plain HTTP from another machine keeps
// personal data off the link (403 tls_required). The kiosk is not offline
// for it (the back office answered, the token is good), and its log says
// once, in words a technician can act on, to give an https:// URL.
func TestTLSRequiredIsNotOffline(t *testing.T) {
	bo := newBackOffice(t)
	// The real back office, as a client on the hall's network sees it.
	hall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RemoteAddr = "192.168.10.23:40112"
		bo.srv.Handler().ServeHTTP(w, r)
	}))
	defer hall.Close()
	var logs testutil.SyncBuffer
	c, err := NewClient(ClientOptions{BaseURL: hall.URL, AllowInsecureHTTP: true, Token: testToken,
		KioskID: testKioskID, Clock: clock.Real{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, _, _, err := c.fetchCatalog(ctx, ""); err != nil {
		t.Fatalf("catalog over plain HTTP (no personal data): %v", err)
	}
	for range 2 {
		_, err := c.Progress(ctx, "SB2026112900012", "0866")
		var he *HTTPError
		if !errors.As(err, &he) || he.Code != "tls_required" {
			t.Fatalf("progress over plain HTTP from the hall: %v", err)
		}
	}
	if !c.Online() {
		t.Error("a tls_required answer marked the back office offline")
	}
	if n := strings.Count(logs.String(), "only over TLS"); n != 1 {
		t.Errorf("the log says %d times that TLS is needed, want once:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "https://") {
		t.Errorf("the log does not say what to change:\n%s", logs.String())
	}
}

// Records carry phone numbers, suggestion texts and ID hashes, so the back
// office takes them only over TLS (or from its own machine). A kiosk that
// syncs over plain HTTP from the hall's network stops its sync loop with
// an alarm that says why, keeps every record, and delivers them once it
// reaches the back office over a private link.
func TestSyncOverPlainHTTPFromTheHallStops(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk))
	hall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RemoteAddr = "192.168.10.23:40112"
		bo.srv.Handler().ServeHTTP(w, r)
	}))
	defer hall.Close()
	var logs testutil.SyncBuffer
	o := testOptions(t, clk)
	o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	o.Client = newTestClient(t, hall.URL, clk)
	s := openStore(t, o)
	if err := s.RecordSuggestion(ctx, api.Suggestion{Category: "service", Reasons: []string{"请回电"}, Phone: "13912345678"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncOnce(ctx); err == nil {
		t.Fatal("records went over plain HTTP from the hall's network")
	}
	h := s.Health(ctx)
	if !h.SyncStopped || !slices.Contains(h.Alarms, AlarmTLSRequired) || h.Pending != 1 {
		t.Fatalf("health after the refusal: stopped %v, alarms %v, pending %d", h.SyncStopped, h.Alarms, h.Pending)
	}
	if !strings.Contains(logs.String(), "https://") {
		t.Errorf("the log does not say what to change:\n%s", logs.String())
	}
	if recs, _ := bo.srv.Records(testKioskID); len(recs) != 0 {
		t.Fatalf("the back office stored %d records sent over plain HTTP", len(recs))
	}
	// The same kiosk on a private link (here: the back office's own
	// machine) delivers the record it kept.
	s.client = newTestClient(t, bo.url, clk)
	if res, err := s.SyncOnce(ctx); err != nil || res.Acknowledged != 1 {
		t.Fatalf("sync over a private link: %+v, %v", res, err)
	}
	if recs, _ := bo.srv.Records(testKioskID); len(recs) != 1 {
		t.Fatalf("the back office holds %d records, want the one kept", len(recs))
	}
}
