package backoffice

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/internal/testutil"
)

// testCatalog is a small hall whose numbers the tests can reason about:
// service a (prefix A, cap 3, 10 min, counters 1 and 2), b (prefix B, 5 min,
// counter 2), c (prefix C, mornings only, counter 4); counter 3 serves nothing.
const testCatalog = `{
  "version": "test-1",
  "updated": "2026-11-01T00:00:00+08:00",
  "hall": {"id": "h", "name": {"zh": "测试大厅", "en": "Test hall"}, "timezone": "Asia/Shanghai",
    "open_hours": [{"weekdays": [1,2,3,4,5], "open": "09:00", "close": "17:00"},
                   {"weekdays": [6], "open": "09:00", "close": "12:00"}]},
  "departments": [{"id": "d", "name": {"zh": "部门", "en": "Dept"}}],
  "services": [
    {"id": "a", "department_id": "d", "name": {"zh": "甲", "en": "A"}, "prefix": "A", "daily_cap": 3, "avg_minutes": 10, "counters": ["1"]},
    {"id": "b", "department_id": "d", "name": {"zh": "乙", "en": "B"}, "prefix": "B", "avg_minutes": 5},
    {"id": "c", "department_id": "d", "name": {"zh": "丙", "en": "C"}, "prefix": "C", "avg_minutes": 7,
     "open_hours": [{"weekdays": [1,2,3,4,5], "open": "09:00", "close": "12:00"}]}
  ],
  "counters": [
    {"id": "1", "name": {"zh": "1号窗口", "en": "Window 1"}, "services": []},
    {"id": "2", "name": {"zh": "2号窗口", "en": "Window 2"}, "services": ["a", "b"]},
    {"id": "3", "name": {"zh": "3号窗口", "en": "Window 3"}, "services": []},
    {"id": "4", "name": {"zh": "4号窗口", "en": "Window 4"}, "services": ["c"]}
  ]
}`

var shanghai = func() *time.Location {
	loc, err := loadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// monday10 is Monday 30 November 2026, 10:00 in the hall.
var monday10 = time.Date(2026, 11, 30, 10, 0, 0, 0, shanghai)

const (
	tokK1 = "tok-k1"
	tokK2 = "tok-k2"
	// tokDesk2 may call at counter 2 only; tokAdmin at any counter.
	tokDesk2 = "tok-desk2"
	tokAdmin = "tok-admin"
)

type env struct {
	t     testing.TB
	srv   *Server
	http  *httptest.Server
	clock *clock.Fake
	path  string
	logs  *testutil.SyncBuffer
}

// newEnv starts a back office on the test catalog, a file database and a
// fake clock at monday10. mod may change the options.
func newEnv(t testing.TB, mod func(*Options)) *env {
	t.Helper()
	e := &env{t: t, clock: clock.NewFake(monday10), path: filepath.Join(t.TempDir(), "bo.db"), logs: &testutil.SyncBuffer{}}
	opts := Options{
		DBPath: e.path,
		Tokens: map[string]string{tokK1: "K01", tokK2: "K02"},
		Principals: map[string]Principal{
			tokDesk2: {Role: RoleCounter, Name: "desk 2", Counters: []string{"2"}},
			tokAdmin: {Role: RoleAdmin, Name: "ops"},
		},
		Catalog: []byte(testCatalog),
		Clock:   e.clock,
		Logger:  slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&opts)
	}
	srv, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	e.srv = srv
	e.http = httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		e.http.Close()
		srv.Close()
	})
	return e
}

// do sends a request; body may be nil, []byte/string (sent as is) or a value
// to encode as JSON. It returns the status, headers and body.
func (e *env) do(method, path, token string, body any, hdr ...string) (int, http.Header, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatalf("encode: %v", err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, out
}

// ok sends a request that must answer 200 and decodes the answer into v.
func (e *env) ok(method, path, token string, body, v any) {
	e.t.Helper()
	code, _, out := e.do(method, path, token, body)
	if code != http.StatusOK {
		e.t.Fatalf("%s %s: %d %s", method, path, code, out)
	}
	if v != nil {
		if err := json.Unmarshal(out, v); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, out, err)
		}
	}
}

// fail sends a request that must answer status with error code.
func (e *env) fail(method, path, token string, body any, status int, code string) {
	e.t.Helper()
	got, _, out := e.do(method, path, token, body)
	if got != status {
		e.t.Fatalf("%s %s: status %d, want %d (%s)", method, path, got, status, out)
	}
	var eb api.ErrorBody
	if err := json.Unmarshal(out, &eb); err != nil || eb.Error.Code != code {
		e.t.Fatalf("%s %s: body %s, want error code %q", method, path, out, code)
	}
}

func (e *env) sync(token, kiosk string, recs ...api.Record) api.SyncResponse {
	e.t.Helper()
	var resp api.SyncResponse
	e.ok("POST", "/v1/sync", token, api.SyncRequest{KioskID: kiosk, SentAt: e.clock.Now(), Records: recs}, &resp)
	if len(resp.Results) != len(recs) {
		e.t.Fatalf("sync: %d results for %d records", len(resp.Results), len(recs))
	}
	return resp
}

func (e *env) ticket(token, kiosk, recordID, service string, priority bool) api.TicketResponse {
	e.t.Helper()
	var resp api.TicketResponse
	e.ok("POST", "/v1/tickets", token, api.TicketRequest{RecordID: recordID, KioskID: kiosk, ServiceID: service, Priority: priority}, &resp)
	return resp
}

func (e *env) queue() map[string]api.ServiceQueue {
	e.t.Helper()
	var q api.QueueStatus
	e.ok("GET", "/v1/queue", tokK1, nil, &q)
	out := map[string]api.ServiceQueue{}
	for _, s := range q.Services {
		out[s.ServiceID] = s
	}
	return out
}

func newID(t testing.TB) string {
	t.Helper()
	u, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return u.String()
}

// rec builds a record the way the kiosk does: payload marshalled once,
// hash over exactly those bytes.
func rec(t testing.TB, seq int64, kind string, payload any) api.Record {
	t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return recRaw(t, newID(t), seq, kind, b)
}

func recRaw(t testing.TB, id string, seq int64, kind string, payload []byte) api.Record {
	sum := sha256.Sum256(payload)
	return api.Record{ID: id, Seq: seq, Kind: kind, OccurredAt: monday10, Payload: payload, PayloadSHA256: hex.EncodeToString(sum[:])}
}

func suggestion(n int) api.Suggestion {
	return api.Suggestion{Category: "环境", Reasons: []string{"座椅不足", string(rune('0' + n%10))}, At: monday10}
}

func statuses(resp api.SyncResponse) []string {
	var out []string
	for _, r := range resp.Results {
		out = append(out, r.Status)
	}
	return out
}

// hallKey is the hall's ID-hash key, as a kiosk fetches it.
func (e *env) hallKey() []byte {
	e.t.Helper()
	return testutil.HallKey(e.t, e.http.URL, tokK1)
}
