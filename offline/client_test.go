package offline

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
)

func TestNewClientChecksURL(t *testing.T) {
	for _, tc := range []struct {
		name, url string
		insecure  bool
		wantErr   string
	}{
		{"https", "https://bo.example/", false, ""},
		{"http refused", "http://bo.example/", false, "plain http"},
		{"http allowed for a lab", "http://127.0.0.1:8080", true, ""},
		{"http to a hall host refused", "http://192.168.1.20:8080", false, "plain http"},
		{"http to loopback still needs the setting", "http://127.0.0.1:8080", false, "plain http"},
		{"http to a hall host when explicitly allowed", "http://192.168.1.20:8080", true, ""},
		{"other scheme", "ftp://bo.example/", true, "scheme must be https"},
		{"relative", "bo.example", false, "not an absolute URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(ClientOptions{BaseURL: tc.url, AllowInsecureHTTP: tc.insecure, Token: "t", KioskID: "k"})
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("NewClient(%s) = %v, want %q", tc.url, err, tc.wantErr)
			}
		})
	}
}

// TestClientTLS talks to a real back office behind TLS with its own CA, as a
// hall's private PKI would be: trusted through CAFile, refused without it.
func TestClientTLS(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk))
	ts := httptest.NewTLSServer(bo.srv.Handler())
	t.Cleanup(ts.Close)
	caFile := filepath.Join(t.TempDir(), "hall-ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())

	for _, tc := range []struct {
		name   string
		opts   ClientOptions
		wantOK bool
	}{
		{"CA file", ClientOptions{CAFile: caFile}, true},
		{"root pool", ClientOptions{RootCAs: pool}, true},
		{"system roots only", ClientOptions{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			co := tc.opts
			co.BaseURL, co.Token, co.KioskID, co.Clock = ts.URL, testToken, testKioskID, clk
			cl, err := NewClient(co)
			if err != nil {
				t.Fatal(err)
			}
			o := testOptions(t, clk)
			o.Client = cl
			s := openStore(t, o)
			tk, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a"})
			if err != nil {
				t.Fatal(err)
			}
			_, serr := s.SyncOnce(ctx)
			if tc.wantOK {
				if tk.Offline || serr != nil {
					t.Errorf("over TLS: ticket offline=%v, sync %v", tk.Offline, serr)
				}
				return
			}
			if !tk.Offline || !errors.Is(serr, ErrOffline) || !errors.Is(serr, ErrBadCertificate) {
				t.Errorf("untrusted certificate: ticket offline=%v, sync %v; want offline and ErrBadCertificate", tk.Offline, serr)
			}
			if h := s.Health(ctx); !h.SyncStopped || !contains(h.Alarms, AlarmCertificate) {
				t.Errorf("Health %+v, want sync stopped with %s", h, AlarmCertificate)
			}
		})
	}
	if _, err := NewClient(ClientOptions{BaseURL: ts.URL, Token: "t", KioskID: "k", CAFile: filepath.Join(t.TempDir(), "none.pem")}); err == nil {
		t.Error("missing CA file accepted")
	}
}

func TestProgress(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk))
	if err := bo.srv.PutProgress(api.Progress{Receipt: "R-2026-0001", ServiceID: "svc-a", Status: "in_review"}, "002X"); err != nil {
		t.Fatal(err)
	}
	cl := newTestClient(t, bo.url, clk)
	for _, tc := range []struct {
		name, receipt, last4 string
		want                 error
	}{
		{"found", "R-2026-0001", "002X", nil},
		{"lower-case x", "R-2026-0001", "002x", nil},
		{"wrong ID tail", "R-2026-0001", "1234", ErrNotFound},
		{"unknown receipt", "R-2026-9999", "002X", ErrNotFound},
		{"malformed tail", "R-2026-0001", "abc", ErrNotFound},
		{"path in receipt", "../v1/catalog", "002X", ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := cl.Progress(ctx, tc.receipt, tc.last4)
			if !errors.Is(err, tc.want) || (tc.want == nil && p.Status != "in_review") {
				t.Errorf("Progress = %+v, %v; want %v", p, err, tc.want)
			}
		})
	}
	// Guessing the tail: after the back office's limit of misses, even
	// the right tail waits, and the error says how long. The table's
	// wrong tail was the first miss.
	for i := range 4 {
		if _, err := cl.Progress(ctx, "R-2026-0001", fmt.Sprintf("999%d", i)); !errors.Is(err, ErrNotFound) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	_, err := cl.Progress(ctx, "R-2026-0001", "002X")
	var he *HTTPError
	if !errors.Is(err, ErrTooManyTries) || !errors.As(err, &he) || he.RetryAfter != 15*time.Minute {
		t.Fatalf("Progress after five misses = %v, want ErrTooManyTries with 15 min", err)
	}
	if !cl.Online() {
		t.Error("a throttled answer marked the back office offline")
	}
	bo.http.Close()
	if _, err := cl.Progress(ctx, "R-2026-0001", "002X"); !errors.Is(err, ErrOffline) {
		t.Errorf("Progress with the back office down = %v, want ErrOffline", err)
	}
	if cl.Online() {
		t.Error("Online() after a refused connection")
	}
	var none *Client
	if _, err := none.Progress(ctx, "R", "1234"); !errors.Is(err, ErrOffline) || none.Online() {
		t.Errorf("nil client: %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"1", time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"99999999", time.Hour},
		{"Mon, 02 Mar 2026 02:00:30 GMT", 30 * time.Second},
		{"Mon, 02 Mar 2026 01:00:00 GMT", 0},
		{"soon", 0},
		{"", 0},
	} {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
