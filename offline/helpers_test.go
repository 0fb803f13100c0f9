package offline

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
)

const (
	testKioskID = "kiosk-07"
	testToken   = "token-kiosk-07"
)

// hall is the tests' time zone; t0 is a Monday, 10:00 in the hall.
var (
	hall = time.FixedZone("CST", 8*3600)
	t0   = time.Date(2026, 3, 2, 10, 0, 0, 0, hall)
)

// testCatalog is a small hall: svc-a (A) without cap, svc-b (B) capped at 3,
// svc-c (C) open only on weekday office hours, svc-d (D) capped at 2.
func testCatalog(t testing.TB) []byte {
	t.Helper()
	b, err := catalogJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func catalogJSON() ([]byte, error) {
	allDay := []api.OpenHours{{Weekdays: []int{0, 1, 2, 3, 4, 5, 6}, Open: "00:00", Close: "24:00"}}
	c := api.Catalog{
		Version: "test-1",
		Hall: api.Hall{
			ID: "hall-1", Name: api.Text{Zh: "测试大厅", En: "Test hall"},
			Timezone: "Asia/Shanghai", OpenHours: allDay,
		},
		Departments: []api.Department{{ID: "d1", Name: api.Text{Zh: "社保", En: "Social security"}}},
		Services: []api.Service{
			{ID: "svc-a", DepartmentID: "d1", Name: api.Text{Zh: "甲"}, Prefix: "A", AvgMinutes: 5},
			{ID: "svc-b", DepartmentID: "d1", Name: api.Text{Zh: "乙"}, Prefix: "B", DailyCap: 3, AvgMinutes: 5},
			{ID: "svc-c", DepartmentID: "d1", Name: api.Text{Zh: "丙"}, Prefix: "C", AvgMinutes: 5,
				OpenHours: []api.OpenHours{{Weekdays: []int{1, 2, 3, 4, 5}, Open: "09:00", Close: "17:00"}}},
			{ID: "svc-d", DepartmentID: "d1", Name: api.Text{Zh: "丁"}, Prefix: "D", DailyCap: 2, AvgMinutes: 5},
		},
	}
	return json.Marshal(c)
}

// backOffice is a real back office (package backoffice) on loopback.
type backOffice struct {
	srv  *backoffice.Server
	http *httptest.Server
	url  string
}

type boOption func(*backoffice.Options)

func withReject(f func(api.Record) string) boOption {
	return func(o *backoffice.Options) { o.Reject = f }
}

func withBOClock(c clock.Clock) boOption {
	return func(o *backoffice.Options) { o.Clock = c }
}

func newBackOffice(t testing.TB, opts ...boOption) *backOffice {
	t.Helper()
	o := backoffice.Options{
		DBPath:   filepath.Join(t.TempDir(), "backoffice.db"),
		Tokens:   map[string]string{testToken: testKioskID},
		Catalog:  testCatalog(t),
		Location: hall,
	}
	for _, f := range opts {
		f(&o)
	}
	srv, err := backoffice.Open(o)
	if err != nil {
		t.Fatalf("backoffice.Open: %v", err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return &backOffice{srv: srv, http: hs, url: hs.URL}
}

func newTestClient(t testing.TB, baseURL string, c clock.Clock) *Client {
	t.Helper()
	cl, err := NewClient(ClientOptions{
		BaseURL: baseURL, AllowInsecureHTTP: true, Token: testToken, KioskID: testKioskID,
		Clock: c, Logger: discardLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// testOptions are the options every test starts from: a file in a fresh
// directory, the fake clock, the test catalog as seed.
func testOptions(t testing.TB, clk clock.Clock) Options {
	return Options{
		Path:        filepath.Join(t.TempDir(), "kiosk.db"),
		KioskID:     testKioskID,
		KioskNumber: 7,
		Location:    hall,
		Clock:       clk,
		Logger:      discardLogger(),
		SeedCatalog: testCatalog(t),
	}
}

func openStore(t testing.TB, o Options) *Store {
	t.Helper()
	s, err := Open(o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// syncAll runs SyncOnce until nothing is due, failing on any error.
func syncAll(t testing.TB, s *Store) {
	t.Helper()
	for {
		res, err := s.SyncOnce(context.Background())
		if err != nil {
			t.Fatalf("SyncOnce: %v", err)
		}
		if res.Sent == 0 {
			return
		}
	}
}

func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// queryInt reads one integer from the store's writer connection.
func queryInt(t testing.TB, s *Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
