package offline

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
