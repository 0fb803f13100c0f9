package backoffice

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/assets"
	"hallkiosk/backoffice/api"
)

func TestAuthOnEveryEndpoint(t *testing.T) {
	e := newEnv(t, nil)
	endpoints := []struct{ method, path string }{
		{"POST", "/v1/sync"},
		{"GET", "/v1/catalog"},
		{"POST", "/v1/tickets"},
		{"GET", "/v1/queue"},
		{"GET", "/v1/appointments"},
		{"GET", "/v1/progress/SB2026112900012?id_last4=0866"},
		{"POST", "/v1/counters/1/call-next"},
	}
	headers := []struct {
		name, value string
	}{
		{"none", ""},
		{"unknown token", "Bearer tok-k9"},
		{"token prefix", "Bearer tok-k"},
		{"basic scheme", "Basic dG9rLWsxOg=="},
		{"token without scheme", tokK1},
	}
	for _, ep := range endpoints {
		for _, h := range headers {
			t.Run(ep.path+"/"+h.name, func(t *testing.T) {
				req, _ := http.NewRequest(ep.method, e.http.URL+ep.path, strings.NewReader(`{}`))
				if h.value != "" {
					req.Header.Set("Authorization", h.value)
				}
				resp, err := e.http.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var eb api.ErrorBody
				json.NewDecoder(resp.Body).Decode(&eb)
				if resp.StatusCode != 401 || eb.Error.Code != "unauthorized" || resp.Header.Get("WWW-Authenticate") == "" {
					t.Fatalf("status %d code %q", resp.StatusCode, eb.Error.Code)
				}
			})
		}
	}
	t.Run("scheme is case-insensitive", func(t *testing.T) {
		e.t = t
		code, _, body := e.do("GET", "/v1/queue", "", nil, "Authorization", "bearer "+tokK1)
		if code != 200 {
			t.Fatalf("%d %s", code, body)
		}
	})
	t.Run("healthz needs no token", func(t *testing.T) {
		e.t = t
		var h map[string]string
		e.ok("GET", "/healthz", "", nil, &h)
		if h["status"] != "ok" {
			t.Fatalf("%v", h)
		}
	})
	t.Run("unknown path", func(t *testing.T) {
		e.t = t
		e.fail("GET", "/v2/anything", tokK1, nil, 404, "not_found")
	})
}

func TestCatalogETag(t *testing.T) {
	e := newEnv(t, nil)
	code, hdr, body := e.do("GET", "/v1/catalog", tokK1, nil)
	etag := hdr.Get("ETag")
	if code != 200 || !bytes.Equal(body, []byte(testCatalog)) || !strings.HasPrefix(etag, `"`) || hdr.Get("Cache-Control") != "no-cache" {
		t.Fatalf("status %d etag %q", code, etag)
	}
	tests := []struct {
		name, inm string
		status    int
	}{
		{"same tag", etag, 304},
		{"weak form of the same tag", "W/" + etag, 304},
		{"in a list", `"x", ` + etag, 304},
		{"star", "*", 304},
		{"other tag", `"0123"`, 200},
		{"no quotes", strings.Trim(etag, `"`), 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			code, hdr, body := e.do("GET", "/v1/catalog", tokK1, nil, "If-None-Match", tc.inm)
			if code != tc.status || hdr.Get("ETag") != etag {
				t.Fatalf("status %d, want %d", code, tc.status)
			}
			if code == 304 && len(body) != 0 {
				t.Fatalf("304 with a body")
			}
		})
	}
	t.Run("seed catalog by default", func(t *testing.T) {
		e2 := newEnv(t, func(o *Options) { o.Catalog = nil })
		_, _, body := e2.do("GET", "/v1/catalog", tokK1, nil)
		if !bytes.Equal(body, assets.SeedCatalog()) {
			t.Fatal("default catalog is not the embedded seed")
		}
	})
}

func TestAppointments(t *testing.T) {
	e := newEnv(t, nil)
	for i, start := range []time.Time{monday10.Add(2 * time.Hour), monday10, monday10.AddDate(0, 0, 1)} {
		a := api.Appointment{Code: "C" + string(rune('1'+i)), ServiceID: "a", Start: start, End: start.Add(30 * time.Minute),
			IDNumber: "11010519491231002X", Name: "李秀英"}
		if err := e.srv.AddAppointment(a); err != nil {
			t.Fatal(err)
		}
	}
	var list api.AppointmentList
	e.ok("GET", "/v1/appointments", tokK1, nil, &list)
	if list.Date != "2026-11-30" || len(list.Appointments) != 2 || list.Appointments[0].Code != "C2" ||
		list.Appointments[0].Status != "booked" || !list.Appointments[0].Start.Equal(monday10) {
		t.Fatalf("today: %+v", list)
	}
	// What a kiosk gets to find the booking by the card and to show it:
	// the hall-keyed hash and the masked name, not the number or the name.
	if a := list.Appointments[0]; a.IDNumber != "" || a.Name != "" ||
		a.IDHash != api.HallIDHash(e.hallKey(), "11010519491231002x") || a.NameMasked != "李**" {
		t.Fatalf("today's first appointment as a kiosk gets it: %+v", a)
	}
	e.ok("GET", "/v1/appointments?date=2026-12-01", tokK1, nil, &list)
	if len(list.Appointments) != 1 || list.Appointments[0].Code != "C3" {
		t.Fatalf("tomorrow: %+v", list)
	}
	e.ok("GET", "/v1/appointments?date=2026-12-02", tokK1, nil, &list)
	if list.Appointments == nil || len(list.Appointments) != 0 {
		t.Fatalf("empty day must be an empty list, not null: %+v", list)
	}
	for _, bad := range []string{"2026-13-01", "20261130", "today", "2026-11-30T00:00:00Z"} {
		e.fail("GET", "/v1/appointments?date="+bad, tokK1, nil, 400, "bad_request")
	}

	_, hdr, _ := e.do("GET", "/v1/appointments?date=2026-11-30", tokK1, nil)
	etag := hdr.Get("ETag")
	if hdr.Get("Cache-Control") != "private, no-cache" || etag == "" {
		t.Fatalf("headers %v", hdr)
	}
	if code, _, _ := e.do("GET", "/v1/appointments?date=2026-11-30", tokK1, nil, "If-None-Match", etag); code != 304 {
		t.Fatalf("unchanged list: %d", code)
	}
	e.sync(tokK1, "K01", rec(t, 1, api.KindCheckIn, api.CheckIn{AppointmentCode: "C2", ServiceID: "a", BusinessDate: "2026-11-30", At: monday10}))
	code, hdr, _ := e.do("GET", "/v1/appointments?date=2026-11-30", tokK1, nil, "If-None-Match", etag)
	if code != 200 || hdr.Get("ETag") == etag {
		t.Fatalf("after a check-in: %d, etag unchanged %v", code, hdr.Get("ETag") == etag)
	}
	if err := e.srv.AddAppointment(api.Appointment{Code: "x", ServiceID: "nope", Start: monday10}); err == nil {
		t.Fatal("appointment of an unknown service accepted")
	}
}

func TestProgress(t *testing.T) {
	e := newEnv(t, nil)
	at := monday10
	p := api.Progress{Receipt: "SB2026113000001", ServiceID: "a", Status: "in_review",
		StatusMsg: api.Text{Zh: "审核中", En: "In review"},
		Steps:     []api.ProgressStep{{Name: api.Text{Zh: "受理", En: "Accepted"}, Done: true, At: &at}}, Updated: at}
	if err := e.srv.PutProgress(p, "002x"); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.PutProgress(p, "12"); err == nil {
		t.Fatal("short ID tail accepted")
	}
	var got api.Progress
	e.ok("GET", "/v1/progress/SB2026113000001?id_last4=002X", tokK1, nil, &got)
	if got.Status != "in_review" || got.Service.Zh != "甲" || len(got.Steps) != 1 || !got.Steps[0].At.Equal(at) {
		t.Fatalf("progress %+v", got)
	}
	e.ok("GET", "/v1/progress/SB2026113000001?id_last4=002x", tokK1, nil, &got)
	e.ok("GET", "/v1/progress/sb2026113000001?id_last4=002X", tokK1, nil, &got)

	// Unknown receipt and wrong tail must be indistinguishable.
	var bodies [][]byte
	for _, path := range []string{
		"/v1/progress/SB2026113000001?id_last4=0021",
		"/v1/progress/SB2026113000009?id_last4=002X",
		"/v1/progress/" + strings.Repeat("9", 80) + "?id_last4=002X",
	} {
		code, _, body := e.do("GET", path, tokK1, nil)
		if code != 404 {
			t.Fatalf("%s: %d", path, code)
		}
		bodies = append(bodies, body)
	}
	if !bytes.Equal(bodies[0], bodies[1]) || !bytes.Equal(bodies[1], bodies[2]) {
		t.Fatalf("404 bodies differ: %s / %s / %s", bodies[0], bodies[1], bodies[2])
	}
	for _, bad := range []string{"", "?id_last4=", "?id_last4=12", "?id_last4=X002", "?id_last4=00222"} {
		e.fail("GET", "/v1/progress/SB2026113000001"+bad, tokK1, nil, 400, "bad_request")
	}
}

func TestDemoData(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Catalog = nil; o.Demo = true })
	var list api.AppointmentList
	e.ok("GET", "/v1/appointments", tokK1, nil, &list)
	if len(list.Appointments) < 10 {
		t.Fatalf("%d demo appointments", len(list.Appointments))
	}
	first := list.Appointments[0]
	if first.Code != "26113001" || first.Start.In(shanghai).Format("15:04") != "09:00" ||
		first.IDHash != api.HallIDHash(e.hallKey(), "310104195007200029") {
		t.Fatalf("first demo appointment %+v", first)
	}
	// Any other day gets the same appointments under that day's codes.
	e.ok("GET", "/v1/appointments?date=2026-12-24", tokK1, nil, &list)
	if len(list.Appointments) < 10 || list.Appointments[0].Code != "26122401" {
		t.Fatalf("christmas eve: %+v", list.Appointments[:1])
	}
	// A check-in survives: loading the day again does not reset it.
	e.sync(tokK1, "K01", rec(t, 1, api.KindCheckIn, api.CheckIn{AppointmentCode: "26122401", BusinessDate: "2026-12-24", At: monday10}))
	e.ok("GET", "/v1/appointments?date=2026-12-24", tokK1, nil, &list)
	if list.Appointments[0].Status != "checked_in" {
		t.Fatalf("status %s", list.Appointments[0].Status)
	}
	var p api.Progress
	e.ok("GET", "/v1/progress/SB2026112900012?id_last4=0866", tokK1, nil, &p)
	if p.ServiceID != "sb-retire" || p.Service.Zh == "" || p.Status != "accepted" {
		t.Fatalf("progress %+v", p)
	}
	e.ok("GET", "/v1/progress/HJ2026112500046?id_last4=002X", tokK1, nil, &p)
	if p.Status != "ready" || p.Pickup.Zh == "" {
		t.Fatalf("progress %+v", p)
	}
	e.fail("GET", "/v1/progress/SB2026112900012?id_last4=002X", tokK1, nil, 404, "not_found")
}

func TestHealthzReportsStorage(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.store.Close()
	code, hdr, body := e.do("GET", "/healthz", "", nil)
	if code != 503 || hdr.Get("Retry-After") == "" {
		t.Fatalf("closed storage: %d %s", code, body)
	}
}

func TestServeGracefulShutdownAndTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	pool := writeSelfSigned(t, cert, key)
	tests := []struct {
		name   string
		cfg    ListenConfig
		scheme string
		client *http.Client
	}{
		{"plain", ListenConfig{}, "http", http.DefaultClient},
		{"tls", ListenConfig{CertFile: cert, KeyFile: key}, "https",
			&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- e.srv.Serve(ctx, ln, tc.cfg) }()
			resp, err := tc.client.Get(tc.scheme + "://" + ln.Addr().String() + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("healthz %d", resp.StatusCode)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("Serve after cancel: %v", err)
			}
		})
	}
	t.Run("half a key pair", func(t *testing.T) {
		e := newEnv(t, nil)
		err := e.srv.ListenAndServe(context.Background(), ListenConfig{Addr: "127.0.0.1:0", CertFile: cert})
		if err == nil || !strings.Contains(err.Error(), "both") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("missing key file", func(t *testing.T) {
		e := newEnv(t, nil)
		err := e.srv.ListenAndServe(context.Background(), ListenConfig{Addr: "127.0.0.1:0", CertFile: cert, KeyFile: cert + ".nope"})
		if err == nil {
			t.Fatal("served without a key")
		}
	})
}

// writeSelfSigned writes a certificate for 127.0.0.1 and returns a pool
// that trusts it.
func writeSelfSigned(t *testing.T, certPath, keyPath string) *x509.CertPool {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "backoffice test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return pool
}
