package backoffice

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"hallkiosk/backoffice/api"
)

// The tests in this file play a client that never read the back office's
// tests: a kiosk token in the wrong hands, or a broken kiosk. Each runs a
// real HTTP server on a real SQLite file (newEnv).

// maxLogPerRequest is more than any bounded line needs and far less than
// the megabyte a hostile client sends.
const maxLogPerRequest = 4 << 10

func TestHostileHugeStringsDoNotGrowTheLog(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	tests := []struct {
		name string
		body func(e *env) any
	}{
		{"empty sync with a huge boot_id", func(e *env) any {
			return api.SyncRequest{KioskID: "K01", BootID: huge, SentAt: e.clock.Now()}
		}},
		{"rejected record with a huge id", func(e *env) any {
			r := rec(t, 1, api.KindSuggestion, suggestion(1))
			r.ID = huge
			return api.SyncRequest{KioskID: "K01", SentAt: e.clock.Now(), Records: []api.Record{r}}
		}},
		{"record with a huge unknown kind", func(e *env) any {
			r := rec(t, 1, api.KindSuggestion, suggestion(1))
			r.Kind = huge
			return api.SyncRequest{KioskID: "K01", SentAt: e.clock.Now(), Records: []api.Record{r}}
		}},
		{"control characters and invalid UTF-8 in boot_id", func(e *env) any {
			return `{"kiosk_id":"K01","boot_id":"a\nlevel=ERROR msg=forged \u0000 \udc00","records":[]}`
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			before := len(e.logs.String())
			code, _, out := e.do("POST", "/v1/sync", tokK1, tc.body(e))
			if code != http.StatusOK {
				t.Fatalf("status %d: %.200s", code, out)
			}
			logs := e.logs.String()[before:]
			if len(logs) > maxLogPerRequest {
				t.Fatalf("one request added %d bytes to the log", len(logs))
			}
		})
	}
}

// Every client string the back office logs goes through clientText. The
// tests' log handler (slog's TextHandler) quotes newlines by itself, so a
// forged line cannot show in the log whatever clientText does; this test
// asserts on clientText's own output, which must hold for any handler a
// hall configures (a JSON one, or a plain writer to journald).
func TestHostileLoggedClientTextIsBoundedAndEscaped(t *testing.T) {
	for _, in := range []string{
		"a\nlevel=ERROR msg=forged",
		"a\r\nlevel=ERROR msg=forged",
		"tab\tnul\x00esc\x1b[31mred del\x7f",
		"bad \xff\xfe utf-8 \xe7\x8e",
		"line\u2028separator\u0085next-line \u202eright-to-left",
		`quote" key=forged`,
		strings.Repeat("长", 1<<18),
		strings.Repeat("\n", 1<<18),
	} {
		got := clientText(in)
		// At most 4 bytes written per byte kept (\xff), plus the cut mark.
		if len(got) > 4*maxLoggedText+len("…") {
			t.Errorf("clientText(%.40q…) is %d bytes", in, len(got))
		}
		if !utf8.ValidString(got) {
			t.Errorf("clientText(%.40q) = %q is not valid UTF-8", in, got)
		}
		for _, r := range got {
			if !unicode.IsGraphic(r) {
				t.Errorf("clientText(%.40q) = %q keeps %U", in, got, r)
				break
			}
		}
		if strings.ContainsAny(got, "\n\r\x00\x1b\u2028\u0085\u202e") {
			t.Errorf("clientText(%.40q) = %q keeps a control character", in, got)
		}
	}
	if got := clientText(`quote" key=forged`); got != `quote\" key=forged` {
		t.Errorf("a quote is kept as %q", got)
	}
	if got := clientText("服务大厅 K01"); got != "服务大厅 K01" {
		t.Errorf("plain text is changed to %q", got)
	}
}

func TestHostileHugeMethodDoesNotGrowTheLog(t *testing.T) {
	e := newEnv(t, nil)
	before := len(e.logs.String())
	code, _, _ := e.do(strings.Repeat("M", 100<<10), "/v1/sync", tokK1, nil)
	if code != http.StatusMethodNotAllowed {
		t.Fatalf("status %d", code)
	}
	if grown := len(e.logs.String()) - before; grown > maxLogPerRequest {
		t.Fatalf("one request added %d bytes to the log", grown)
	}
}

func TestHostileRejectionReasonsNameTheFieldNotTheValue(t *testing.T) {
	const phone = "13912345678"
	tests := []struct {
		name, kind, payload, want string
	}{
		{"phone in a time field", api.KindRating, `{"ticket_number":"A001","overall":3,"at":"` + phone + `"}`, "field at must be an RFC 3339 time"},
		{"phone as a number in a string field", api.KindSuggestion, `{"category":"x","phone":` + phone + `}`, "field phone must be a string"},
		{"phone in a number field", api.KindRating, `{"ticket_number":"A001","overall":"` + phone + `"}`, "field overall must be a whole number"},
		{"phone in a list", api.KindRating, `{"ticket_number":"A001","overall":3,"reasons":[` + phone + `]}`, "field reasons must be a list, each item a string"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			r := recRaw(t, newID(t), int64(i+1), tc.kind, []byte(tc.payload))
			resp := e.sync(tokK1, "K01", r)
			got := resp.Results[0]
			if got.Status != api.StatusRejected || !strings.Contains(got.Reason, tc.want) {
				t.Fatalf("result %+v, want rejected with %q", got, tc.want)
			}
			if strings.Contains(got.Reason, phone) {
				t.Fatalf("reason echoes the value: %q", got.Reason)
			}
			if logs := e.logs.String(); strings.Contains(logs, phone) {
				t.Fatalf("log contains the value:\n%s", logs)
			}
			if n, _ := e.srv.RecordCount("K01"); n != 0 {
				t.Fatalf("%d records stored", n)
			}
		})
	}
}

// A request body that does not fit its type is answered 400 with the field
// and the rule it breaks, never the value: encoding/json's own errors quote
// it (`parsing time "13912345678"…`), and the answer reaches proxies' and
// kiosks' logs.
func TestHostileMalformedRequestsNameTheFieldNotTheValue(t *testing.T) {
	const phone = "13912345678"
	e := newEnv(t, nil)
	good := recJSON(t, rec(t, 1, api.KindSuggestion, suggestion(1)))
	tests := []struct {
		name, path, body, want string
	}{
		{"phone in sent_at", "/v1/sync", `{"kiosk_id":"K01","sent_at":"` + phone + `","records":[]}`,
			"field sent_at must be an RFC 3339 time"},
		{"phone as a number in kiosk_id", "/v1/sync", `{"kiosk_id":` + phone + `,"records":[]}`,
			"field kiosk_id must be a string"},
		{"phone in a record's occurred_at", "/v1/sync", `{"kiosk_id":"K01","records":[` + good +
			`,{"id":"x","seq":2,"occurred_at":"` + phone + `"}]}`, "field records[1].occurred_at must be an RFC 3339 time"},
		{"phone in a record's seq", "/v1/sync", `{"kiosk_id":"K01","records":[{"seq":"` + phone + `"}]}`,
			"field records[0].seq must be a whole number"},
		{"phone as records", "/v1/sync", `{"kiosk_id":"K01","records":"` + phone + `"}`,
			"field records must be a list"},
		{"phone after the value", "/v1/sync", `{"kiosk_id":"K01"} ` + phone, "data after the JSON object"},
		{"phone in broken JSON", "/v1/sync", `{"kiosk_id":"K01","sent_at":"` + phone, "not valid JSON"},
		{"phone as a ticket's service_id", "/v1/tickets", `{"kiosk_id":"K01","service_id":` + phone + `}`,
			"field service_id must be a string"},
		{"phone in a ticket's priority", "/v1/tickets", `{"kiosk_id":"K01","priority":"` + phone + `"}`,
			"field priority must be true or false"},
		{"phone as the body", "/v1/tickets", `"` + phone + `"`, "must be a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			before := len(e.logs.String())
			code, _, out := e.do("POST", tc.path, tokK1, tc.body)
			if code != http.StatusBadRequest || !strings.Contains(string(out), tc.want) {
				t.Fatalf("status %d %s, want 400 with %q", code, out, tc.want)
			}
			if strings.Contains(string(out), phone) {
				t.Fatalf("answer echoes the value: %s", out)
			}
			if logs := e.logs.String()[before:]; strings.Contains(logs, phone) {
				t.Fatalf("log contains the value:\n%s", logs)
			}
		})
	}
}

func TestHostileInvalidUTF8IsRejectedNotStored(t *testing.T) {
	e := newEnv(t, nil)
	good := rec(t, 1, api.KindSuggestion, api.Suggestion{Category: "环境", Reasons: []string{"座椅不足"}, At: monday10})
	bad := recRaw(t, newID(t), 2, api.KindSuggestion, []byte("{\"category\":\"\xe7\x8e\",\"reasons\":[\"\xff\xfe\"]}"))
	// Written by hand: encoding/json would replace the bad bytes.
	body := `{"kiosk_id":"K01","records":[` + recJSON(t, good) + `,` + recJSON(t, bad) + `]}`
	code, _, out := e.do("POST", "/v1/sync", tokK1, body)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, out)
	}
	var resp api.SyncResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	if got := statuses(resp); len(got) != 2 || got[0] != "created" || got[1] != "rejected" {
		t.Fatalf("statuses %v (%+v)", got, resp.Results)
	}
	if !strings.Contains(resp.Results[1].Reason, "UTF-8") {
		t.Fatalf("reason %q, want one about UTF-8", resp.Results[1].Reason)
	}
	stored, err := e.srv.Records("K01")
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].ID != good.ID {
		t.Fatalf("stored %d records, want only the valid one", len(stored))
	}
}

// A \u escape of half a surrogate pair is no character either: encoding/json
// would store it as U+FFFD. Payloads holding one are rejected like invalid
// UTF-8; a pair, an escaped backslash before "u" and a real U+FFFD are text.
func TestHostileEscapedLoneSurrogatesAreRejectedNotStored(t *testing.T) {
	tests := []struct {
		name, category string
		ok             bool
	}{
		{"low half alone", `\udc00`, false},
		{"high half alone", `\ud800`, false},
		{"high half then a letter", `\uD83Dx`, false},
		{"two high halves", `\ud83d\ud83d`, false},
		{"low half after text", `座椅\uDFFF`, false},
		{"a pair", `\ud83d\ude00`, true},
		{"an escaped backslash before u", `\\udc00`, true},
		{"U+FFFD as an escape", `\ufffd`, true},
		{"U+FFFD as UTF-8", "\ufffd", true},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			payload := []byte(`{"category":"` + tc.category + `","at":"2026-11-30T10:00:00+08:00"}`)
			if !json.Valid(payload) {
				t.Fatalf("the test's payload %s is not JSON", payload)
			}
			r := recRaw(t, newID(t), int64(i+1), api.KindSuggestion, payload)
			code, _, out := e.do("POST", "/v1/sync", tokK1, `{"kiosk_id":"K01","records":[`+recJSON(t, r)+`]}`)
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, out)
			}
			var resp api.SyncResponse
			if err := json.Unmarshal(out, &resp); err != nil {
				t.Fatal(err)
			}
			got := resp.Results[0]
			n, _ := e.srv.RecordCount("K01")
			if tc.ok {
				if got.Status != api.StatusCreated || n != 1 {
					t.Fatalf("result %+v, %d stored; want it stored", got, n)
				}
				return
			}
			if got.Status != api.StatusRejected || !strings.Contains(got.Reason, "UTF-8") || n != 0 {
				t.Fatalf("result %+v, %d stored; want rejected as not UTF-8", got, n)
			}
		})
	}
	// A ticket request's text the same: 400 before a number is taken.
	e := newEnv(t, nil)
	e.fail("POST", "/v1/tickets", tokK1, `{"kiosk_id":"K01","record_id":"`+newID(t)+`","service_id":"b","appointment_code":"\udc00"}`,
		http.StatusBadRequest, "bad_request")
	e.fail("POST", "/v1/tickets", tokK1, "{\"kiosk_id\":\"K01\",\"record_id\":\""+newID(t)+"\",\"service_id\":\"b\",\"appointment_code\":\"\xff\"}",
		http.StatusBadRequest, "bad_request")
	if q := e.queue()["b"]; q.IssuedToday != 0 {
		t.Fatalf("queue b: %+v", q)
	}
}

// recJSON writes a record as the kiosk's JSON with the payload's bytes
// exactly as they are, valid UTF-8 or not.
func recJSON(t *testing.T, r api.Record) string {
	t.Helper()
	occurred, err := r.OccurredAt.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	return `{"id":"` + r.ID + `","seq":` + itoa(r.Seq) + `,"kind":"` + r.Kind + `","occurred_at":"` + string(occurred) +
		`","payload":` + string(r.Payload) + `,"payload_sha256":"` + r.PayloadSHA256 + `"}`
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestHostileCounterCallsNeedACounterToken(t *testing.T) {
	e := newEnv(t, nil)
	e.ticket(tokK1, "K01", newID(t), "b", false)
	e.ticket(tokK1, "K01", newID(t), "b", false)
	tests := []struct {
		name, token, counter string
		status               int
		code                 string
	}{
		{"kiosk token", tokK1, "2", http.StatusForbidden, "forbidden"},
		{"other kiosk's token", tokK2, "1", http.StatusForbidden, "forbidden"},
		{"counter token at another counter", tokDesk2, "1", http.StatusForbidden, "forbidden"},
		{"counter token at a counter that does not exist", tokDesk2, "99", http.StatusForbidden, "forbidden"},
		{"no token", "", "2", http.StatusUnauthorized, "unauthorized"},
		{"counter token at its counter", tokDesk2, "2", http.StatusOK, ""},
		{"admin token at any counter", tokAdmin, "2", http.StatusOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			path := "/v1/counters/" + tc.counter + "/call-next"
			if tc.status != http.StatusOK {
				e.fail("POST", path, tc.token, nil, tc.status, tc.code)
				return
			}
			var got api.CallResult
			e.ok("POST", path, tc.token, nil, &got)
			if got.Counter != tc.counter || got.Number == "" {
				t.Fatalf("called %+v", got)
			}
		})
	}
	e.t = t
	// Only the two allowed calls took citizens off the queue.
	if q := e.queue()["b"]; q.Waiting != 0 || q.IssuedToday != 2 {
		t.Fatalf("queue b: %+v", q)
	}
	// A counter or admin token is not a kiosk: it cannot sync or take numbers.
	e.fail("POST", "/v1/sync", tokAdmin, api.SyncRequest{KioskID: "", SentAt: e.clock.Now()}, http.StatusForbidden, "forbidden")
	e.fail("POST", "/v1/tickets", tokDesk2, api.TicketRequest{RecordID: newID(t), ServiceID: "b"}, http.StatusForbidden, "forbidden")
	e.fail("GET", "/v1/appointments", tokDesk2, nil, http.StatusForbidden, "forbidden")
}

func TestOpenChecksPrincipals(t *testing.T) {
	tests := []struct {
		name string
		p    map[string]Principal
		want string
	}{
		{"unknown role", map[string]Principal{"t": {Role: "boss"}}, "unknown role"},
		{"counter bound to nothing", map[string]Principal{"t": {Role: RoleCounter, Name: "x"}}, "no counter"},
		{"counter bound to a missing counter", map[string]Principal{"t": {Role: RoleCounter, Name: "x", Counters: []string{"77"}}}, "no counter \"77\""},
		{"kiosk without id", map[string]Principal{"t": {Role: RoleKiosk, Number: 3}}, "without a kiosk id"},
		{"kiosk number out of range", map[string]Principal{"t": {Role: RoleKiosk, Kiosk: "K9", Number: 100}}, "outside 1–99"},
		{"two kiosks, one number", map[string]Principal{"t": {Role: RoleKiosk, Kiosk: "K9", Number: 9}, "u": {Role: RoleKiosk, Kiosk: "K8", Number: 9}}, "share number 9"},
		{"token twice", map[string]Principal{tokK1: {Role: RoleAdmin}}, "given twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(Options{DBPath: ":memory:", Catalog: []byte(testCatalog), Tokens: map[string]string{tokK1: "K01"}, Principals: tc.p})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open: %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestHostileReportedNumbersDoNotUseUpTheSeries(t *testing.T) {
	issued := func(number string, offline bool) api.TicketIssued {
		return api.TicketIssued{Number: number, ServiceID: "c", BusinessDate: "2026-11-30", IssuedAt: monday10, Offline: offline}
	}
	tests := []struct {
		name   string
		rec    func(t *testing.T) api.Record
		reason string
	}{
		{"last number of the series, online", func(t *testing.T) api.Record {
			return rec(t, 1, api.KindTicketIssued, issued("C999", false))
		}, "not issued by the back office"},
		{"last number of the series, marked offline", func(t *testing.T) api.Record {
			return rec(t, 1, api.KindTicketIssued, issued("C999", true))
		}, "not issued by the back office"},
		{"another service's prefix", func(t *testing.T) api.Record {
			return rec(t, 1, api.KindTicketIssued, issued("A01-999", true))
		}, "not a ticket number"},
		{"not a number at all", func(t *testing.T) api.Record {
			return rec(t, 1, api.KindTicketIssued, issued("C1000", false))
		}, "not a ticket number"},
		{"serial of seven digits", func(t *testing.T) api.Record {
			return rec(t, 1, api.KindTicketIssued, issued("C01-1000000", true))
		}, "not a ticket number"},
		{"series 00", func(t *testing.T) api.Record {
			return rec(t, 1, api.KindTicketIssued, issued("C00-001", true))
		}, "not a ticket number"},
		{"check-in with a number never issued", func(t *testing.T) api.Record {
			return rec(t, 1, api.KindCheckIn, api.CheckIn{AppointmentCode: "26113009", ServiceID: "c", Number: "C999", BusinessDate: "2026-11-30"})
		}, "not issued by the back office"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			resp := e.sync(tokK1, "K01", tc.rec(t))
			if got := resp.Results[0]; got.Status != api.StatusRejected || !strings.Contains(got.Reason, tc.reason) {
				t.Fatalf("result %+v, want rejected with %q", got, tc.reason)
			}
			// Ticketing goes on where it was: the first number of the day.
			if got := e.ticket(tokK2, "K02", newID(t), "c", false); got.Number != "C001" {
				t.Fatalf("next ticket %s, want C001", got.Number)
			}
			if n, _ := e.srv.RecordCount("K01"); n != 0 {
				t.Fatalf("%d records stored", n)
			}
		})
	}
}

func TestHostileOfflineSeriesBelongToTheirKiosk(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Principals = map[string]Principal{"tok-k07": {Role: RoleKiosk, Kiosk: "K07", Number: 7}}
	})
	offline := func(seq int64, number string) api.Record {
		return rec(t, seq, api.KindTicketIssued, api.TicketIssued{Number: number, ServiceID: "b", BusinessDate: "2026-11-30", IssuedAt: monday10, Offline: true})
	}
	steps := []struct {
		name, token, kiosk string
		rec                api.Record
		want, reason       string
	}{
		{"configured kiosk, its series", "tok-k07", "K07", offline(1, "B07-001"), "created", ""},
		{"configured kiosk, another series", "tok-k07", "K07", offline(2, "B08-001"), "rejected", "not from this kiosk's offline series"},
		{"legacy kiosk, a configured kiosk's series", tokK1, "K01", offline(1, "B07-002"), "rejected", "not from this kiosk's offline series"},
		{"legacy kiosk binds its first series", tokK1, "K01", offline(1, "B01-001"), "created", ""},
		{"legacy kiosk, its series past 999", tokK1, "K01", offline(2, "B01-1000"), "created", ""},
		// One kiosk, one series: a stolen token cannot claim the series of
		// kiosks that have not reported yet.
		{"legacy kiosk, a second series", tokK1, "K01", offline(3, "B03-001"), "rejected", "number: not from this kiosk's offline series"},
		{"legacy kiosk, the last series", tokK1, "K01", offline(3, "B99-001"), "rejected", "number: not from this kiosk's offline series"},
		{"legacy kiosk, its series again", tokK1, "K01", offline(3, "B01-002"), "created", ""},
		{"another legacy kiosk, the bound series", tokK2, "K02", offline(1, "B01-003"), "rejected", "not from this kiosk's offline series"},
		{"another legacy kiosk binds its own", tokK2, "K02", offline(1, "B02-001"), "created", ""},
		{"another legacy kiosk, a second series", tokK2, "K02", offline(2, "B03-002"), "rejected", "number: not from this kiosk's offline series"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.t = t
			resp := e.sync(st.token, st.kiosk, st.rec)
			got := resp.Results[0]
			if got.Status != st.want || !strings.Contains(got.Reason, st.reason) {
				t.Fatalf("result %+v, want %s %q", got, st.want, st.reason)
			}
			var p api.TicketIssued
			if err := json.Unmarshal(st.rec.Payload, &p); err != nil || strings.Contains(got.Reason, p.Number) {
				t.Fatalf("reason %q names the number %s (%v)", got.Reason, p.Number, err)
			}
		})
	}
	e.t = t
	if q := e.queue()["b"]; q.Waiting != 5 {
		t.Fatalf("waiting %d, want the 5 accepted tickets", q.Waiting)
	}
}

func TestHostilePersonalDataOnlyOverTLSOrLoopback(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.srv.AddAppointment(api.Appointment{Code: "26113001", ServiceID: "a", Start: monday10, End: monday10.Add(time.Hour),
		IDNumber: "11010519491231002X", Name: "李秀英"}); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.PutProgress(api.Progress{Receipt: "SB1", ServiceID: "a", Status: "accepted"}, "002X"); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/v1/appointments?date=2026-11-30", "/v1/progress/SB1?id_last4=002X", "/v1/hall-key"}
	tests := []struct {
		name   string
		target string // https:// makes httptest.NewRequest set r.TLS
		remote string
		status int
	}{
		{"plain HTTP from the hall's network", "http://bo.hall", "192.0.2.7:40000", http.StatusForbidden},
		{"plain HTTP from an IPv6 neighbour", "http://bo.hall", "[2001:db8::7]:40000", http.StatusForbidden},
		{"plain HTTP from IPv4 loopback", "http://bo.hall", "127.0.0.1:40000", http.StatusOK},
		{"plain HTTP from IPv6 loopback", "http://bo.hall", "[::1]:40000", http.StatusOK},
		{"TLS from the hall's network", "https://bo.hall", "192.0.2.7:40000", http.StatusOK},
	}
	for _, tc := range tests {
		for _, path := range paths {
			t.Run(tc.name+" "+path, func(t *testing.T) {
				req := httptest.NewRequest("GET", tc.target+path, nil)
				req.RemoteAddr = tc.remote
				req.Header.Set("Authorization", "Bearer "+tokK1)
				rr := httptest.NewRecorder()
				e.srv.Handler().ServeHTTP(rr, req)
				if rr.Code != tc.status {
					t.Fatalf("status %d, want %d: %s", rr.Code, tc.status, rr.Body)
				}
				body := rr.Body.String()
				if tc.status != http.StatusOK {
					if strings.Contains(body, "11010519491231002X") || strings.Contains(body, "李秀英") || !strings.Contains(body, "tls_required") {
						t.Fatalf("refusal %s", body)
					}
				}
			})
		}
	}
	// Records carry phones, suggestion texts and ID hashes: a sync over
	// plain HTTP from the hall's network is refused before it is read, and
	// nothing is stored.
	for _, tc := range []struct {
		remote string
		status int
	}{{"192.0.2.7:40000", http.StatusForbidden}, {"127.0.0.1:40000", http.StatusOK}} {
		body, err := json.Marshal(api.SyncRequest{KioskID: "K01", Records: []api.Record{rec(t, 1, api.KindSuggestion, suggestion(1))}})
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("POST", "http://bo.hall/v1/sync", bytes.NewReader(body))
		req.RemoteAddr = tc.remote
		req.Header.Set("Authorization", "Bearer "+tokK1)
		rr := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rr, req)
		if rr.Code != tc.status {
			t.Fatalf("sync from %s: status %d, want %d: %s", tc.remote, rr.Code, tc.status, rr.Body)
		}
		recs, err := e.srv.Records("K01")
		if err != nil {
			t.Fatal(err)
		}
		if want := map[int]int{http.StatusForbidden: 0, http.StatusOK: 1}[tc.status]; len(recs) != want {
			t.Fatalf("after a sync from %s the back office holds %d records, want %d; answer %s", tc.remote, len(recs), want, rr.Body)
		}
	}

	// A ticket for a card carries the holder's ID hash: refused over plain
	// HTTP from the hall's network before a number is taken. A ticket
	// without a card carries nothing personal and is served anywhere.
	hash := api.HallIDHash(e.hallKey(), "11010519491231002X")
	for _, tc := range []struct {
		name, remote, idHash string
		status               int
	}{
		{"with an ID hash from the hall's network", "192.0.2.7:40000", hash, http.StatusForbidden},
		{"with an ID hash from IPv6 loopback", "[::1]:40000", hash, http.StatusOK},
		{"without a card from the hall's network", "192.0.2.7:40000", "", http.StatusOK},
	} {
		t.Run("ticket "+tc.name, func(t *testing.T) {
			e.t = t
			before := e.queue()["b"].IssuedToday
			body, err := json.Marshal(api.TicketRequest{KioskID: "K01", RecordID: newID(t), ServiceID: "b", IDHash: tc.idHash})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("POST", "http://bo.hall/v1/tickets", bytes.NewReader(body))
			req.RemoteAddr = tc.remote
			req.Header.Set("Authorization", "Bearer "+tokK1)
			rr := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(rr, req)
			if rr.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rr.Code, tc.status, rr.Body)
			}
			issued := e.queue()["b"].IssuedToday - before
			if want := map[int]int{http.StatusForbidden: 0, http.StatusOK: 1}[tc.status]; issued != want {
				t.Fatalf("%d numbers taken, want %d; answer %s", issued, want, rr.Body)
			}
			if tc.status == http.StatusForbidden && !strings.Contains(rr.Body.String(), "tls_required") {
				t.Fatalf("refusal %s", rr.Body)
			}
		})
	}

	e.t = t

	// What carries no personal data still works from anywhere.
	req := httptest.NewRequest("GET", "http://bo.hall/v1/queue", nil)
	req.RemoteAddr = "192.0.2.7:40000"
	req.Header.Set("Authorization", "Bearer "+tokK1)
	rr := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rr, req)
	if rr.Code != http.StatusOK {
		t.Fatalf("queue over plain HTTP: %d", rr.Code)
	}
}

func TestHostileProgressGuessingIsThrottled(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.srv.PutProgress(api.Progress{Receipt: "SB1", ServiceID: "a", Status: "accepted"}, "002X"); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.PutProgress(api.Progress{Receipt: "SB2", ServiceID: "a", Status: "accepted"}, "1234"); err != nil {
		t.Fatal(err)
	}
	// Guessing SB1's tail: five misses, then even the right tail waits.
	for i := range progressPerReceipt {
		e.fail("GET", "/v1/progress/SB1?id_last4=000"+itoa(int64(i)), tokK1, nil, http.StatusNotFound, "not_found")
	}
	code, hdr, out := e.do("GET", "/v1/progress/SB1?id_last4=002X", tokK2, nil)
	if code != http.StatusTooManyRequests || hdr.Get("Retry-After") != "900" || !strings.Contains(string(out), "too_many_requests") {
		t.Fatalf("sixth guess: %d Retry-After %q %s", code, hdr.Get("Retry-After"), out)
	}
	// Another receipt is not held up by SB1's guesser.
	e.ok("GET", "/v1/progress/SB2?id_last4=1234", tokK2, nil, nil)
	e.clock.Advance(10 * time.Minute)
	if _, hdr, _ := e.do("GET", "/v1/progress/SB1?id_last4=002X", tokK2, nil); hdr.Get("Retry-After") != "300" {
		t.Fatalf("ten minutes later: Retry-After %q, want 300", hdr.Get("Retry-After"))
	}
	e.clock.Advance(5 * time.Minute)
	var p api.Progress
	e.ok("GET", "/v1/progress/SB1?id_last4=002X", tokK2, nil, &p)
	if p.Receipt != "SB1" {
		t.Fatalf("progress %+v", p)
	}
	// A right answer does not count against the receipt.
	for range progressPerReceipt + 1 {
		e.ok("GET", "/v1/progress/SB2?id_last4=1234", tokK1, nil, nil)
	}
}

// Guesses sent all at once: each takes the receipt's slot before the
// database is asked, so no more than progressPerReceipt are looked up
// however many arrive while the first lookups are under way. The storage
// holds every lookup until all guesses are in (or a moment has passed),
// the widest window a slow disk could give.
func TestHostileConcurrentGuessesStayWithinTheReceiptLimit(t *testing.T) {
	const guesses = 40 // 20 from each kiosk token: within the per-token limit
	gate := &heldLookups{all: guesses, open: make(chan struct{})}
	e := newEnv(t, func(o *Options) {
		o.Tokens = map[string]string{tokK1: "K01", tokK2: "K02", "tok-k3": "K03"}
		st, err := OpenSQLite(filepath.Join(t.TempDir(), "gated.db"))
		if err != nil {
			t.Fatal(err)
		}
		gate.Storage = st
		o.Storage = gate
	})
	if err := e.srv.PutProgress(api.Progress{Receipt: "SB1", ServiceID: "a", Status: "accepted"}, "002X"); err != nil {
		t.Fatal(err)
	}
	gate.held.Store(true)
	var wg sync.WaitGroup
	codes := make(chan int, guesses)
	for i := range guesses {
		tok := []string{tokK1, tokK2}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest("GET", e.http.URL+fmt.Sprintf("/v1/progress/SB1?id_last4=%04d", i), nil)
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := e.http.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	go func() {
		time.Sleep(time.Second)
		gate.release()
	}()
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[http.StatusNotFound] != progressPerReceipt || count[http.StatusTooManyRequests] != guesses-progressPerReceipt {
		t.Fatalf("answers %v: want %d looked up (404) and the rest 429", count, progressPerReceipt)
	}
	if n := gate.lookups.Load(); n != progressPerReceipt {
		t.Fatalf("%d lookups reached the database, want %d", n, progressPerReceipt)
	}
	// The slots are spent: even the right tail waits.
	e.t = t
	if code, _, _ := e.do("GET", "/v1/progress/SB1?id_last4=002X", "tok-k3", nil); code != http.StatusTooManyRequests {
		t.Fatalf("right tail after the guesses: %d", code)
	}
}

// heldLookups holds read transactions, once held is set, until all of them
// have arrived or release is called.
type heldLookups struct {
	Storage
	all     int
	held    atomic.Bool
	lookups atomic.Int32
	open    chan struct{}
	once    sync.Once
}

func (h *heldLookups) release() { h.once.Do(func() { close(h.open) }) }

func (h *heldLookups) View(ctx context.Context, fn func(Tx) error) error {
	if h.held.Load() {
		if int(h.lookups.Add(1)) == h.all {
			h.release()
		}
		<-h.open
	}
	return h.Storage.View(ctx, fn)
}

func TestHostileLookupsAreThrottledPerToken(t *testing.T) {
	e := newEnv(t, nil)
	// Many receipts, one guess each: the token runs out.
	for i := range progressPerToken {
		e.fail("GET", "/v1/progress/R"+itoa(int64(i))+"?id_last4=0000", tokK1, nil, http.StatusNotFound, "not_found")
	}
	e.clock.Advance(20 * time.Second)
	code, hdr, _ := e.do("GET", "/v1/progress/RX?id_last4=0000", tokK1, nil)
	if code != http.StatusTooManyRequests || hdr.Get("Retry-After") != "40" {
		t.Fatalf("progress over the token's limit: %d Retry-After %q", code, hdr.Get("Retry-After"))
	}
	// Another kiosk is not held up.
	e.fail("GET", "/v1/progress/RX?id_last4=0000", tokK2, nil, http.StatusNotFound, "not_found")

	for range appointmentsPerToken {
		e.ok("GET", "/v1/appointments?date=2026-11-30", tokK1, nil, nil)
	}
	code, hdr, _ = e.do("GET", "/v1/appointments?date=2026-11-30", tokK1, nil)
	if code != http.StatusTooManyRequests || hdr.Get("Retry-After") != "60" {
		t.Fatalf("appointments over the token's limit: %d Retry-After %q", code, hdr.Get("Retry-After"))
	}
	e.ok("GET", "/v1/appointments?date=2026-11-30", tokK2, nil, nil)
	e.clock.Advance(time.Minute)
	e.ok("GET", "/v1/appointments?date=2026-11-30", tokK1, nil, nil)
	e.fail("GET", "/v1/progress/RX?id_last4=0000", tokK1, nil, http.StatusNotFound, "not_found")
}

func TestThrottleForgetsEndedWindows(t *testing.T) {
	th := newThrottle(1, time.Minute)
	for i := range maxThrottleKeys {
		th.add("made-up-"+itoa(int64(i)), monday10)
	}
	th.add("late", monday10.Add(time.Minute))
	if n := len(th.keys); n != 1 {
		t.Fatalf("%d keys kept, want only the one whose window is open", n)
	}
	if d := th.wait("late", monday10.Add(time.Minute+time.Second)); d != 59*time.Second {
		t.Fatalf("wait %v", d)
	}
}

func TestHostileTokenCannotActForAnotherKiosk(t *testing.T) {
	e := newEnv(t, nil)
	huge := strings.Repeat("K", 1<<20)
	before := len(e.logs.String())
	e.fail("POST", "/v1/sync", tokK1, api.SyncRequest{KioskID: "K02", SentAt: e.clock.Now(),
		Records: []api.Record{rec(t, 1, api.KindSuggestion, suggestion(1))}}, http.StatusForbidden, "forbidden")
	e.fail("POST", "/v1/sync", tokK1, api.SyncRequest{KioskID: huge, SentAt: e.clock.Now()}, http.StatusForbidden, "forbidden")
	e.fail("POST", "/v1/tickets", tokK1, api.TicketRequest{RecordID: newID(t), KioskID: "K02", ServiceID: "b"}, http.StatusForbidden, "forbidden")
	e.fail("POST", "/v1/sync", "not-a-token", api.SyncRequest{KioskID: "K01", SentAt: e.clock.Now()}, http.StatusUnauthorized, "unauthorized")
	if n, _ := e.srv.RecordCount("K02"); n != 0 {
		t.Fatalf("K02 holds %d records written with K01's token", n)
	}
	if q := e.queue()["b"]; q.IssuedToday != 0 {
		t.Fatalf("queue b: %+v", q)
	}
	if grown := len(e.logs.String()) - before; grown > maxLogPerRequest {
		t.Fatalf("refusals added %d bytes to the log", grown)
	}
}

// A kiosk token, which may be taken from a public kiosk, cannot download
// the day's ID numbers and names: the appointments list carries the
// hall-keyed hash and the masked name only.
func TestHostileAppointmentsListHasNoIDNumbersOrNames(t *testing.T) {
	e := newEnv(t, nil)
	people := map[string]string{"11010519491231002X": "李秀英", "310104195007200029": "欧阳明"}
	i := 0
	for id, name := range people {
		i++
		if err := e.srv.AddAppointment(api.Appointment{Code: fmt.Sprintf("2611300%d", i), ServiceID: "a",
			Start: monday10, End: monday10.Add(time.Hour), IDNumber: id, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	_, _, body := e.do("GET", "/v1/appointments", tokK1, nil)
	for id, name := range people {
		for _, leak := range []string{id, id[:6] + id[len(id)-4:], name, name[len(name)-3:]} {
			if strings.Contains(string(body), leak) {
				t.Fatalf("the list a kiosk token gets holds %q: %s", leak, body)
			}
		}
	}
	var list api.AppointmentList
	if err := json.Unmarshal(body, &list); err != nil || len(list.Appointments) != 2 {
		t.Fatalf("list %s: %v", body, err)
	}
	key := e.hallKey()
	for _, a := range list.Appointments {
		if a.IDHash == "" || (a.IDHash != api.HallIDHash(key, "11010519491231002X") && a.IDHash != api.HallIDHash(key, "310104195007200029")) {
			t.Fatalf("appointment %s: id_hash %q is not the hall-keyed hash of its holder", a.Code, a.IDHash)
		}
		if a.NameMasked != "李**" && a.NameMasked != "欧**" {
			t.Fatalf("appointment %s: name_masked %q", a.Code, a.NameMasked)
		}
	}
}

// A kiosk token taken from a kiosk cannot use up a service's numbers for
// the day: past DefaultTicketsPerMinute a minute it gets 429 with Retry-After (the
// kiosk numbers offline meanwhile), a refused request takes no number, and
// other kiosks go on as before.
func TestHostileTicketFloodIsThrottled(t *testing.T) {
	e := newEnv(t, nil)
	for range DefaultTicketsPerMinute {
		e.ticket(tokK1, "K01", newID(t), "b", false)
	}
	req := api.TicketRequest{KioskID: "K01", RecordID: newID(t), ServiceID: "b"}
	code, hdr, out := e.do("POST", "/v1/tickets", tokK1, req)
	if code != http.StatusTooManyRequests || hdr.Get("Retry-After") != "60" || !strings.Contains(string(out), "too_many_requests") {
		t.Fatalf("ticket %d of a minute: %d Retry-After %q %s", DefaultTicketsPerMinute+1, code, hdr.Get("Retry-After"), out)
	}
	if !strings.Contains(e.logs.String(), "faster than any kiosk") {
		t.Errorf("the flood is not in the log:\n%s", e.logs.String())
	}
	// Another kiosk's next number follows on: the refused one took none.
	next := e.ticket(tokK2, "K02", newID(t), "b", false)
	if want := fmt.Sprintf("B%03d", DefaultTicketsPerMinute+1); next.Number != want {
		t.Fatalf("K02's ticket %s, want %s", next.Number, want)
	}
	e.clock.Advance(time.Minute)
	e.ticket(tokK1, "K01", newID(t), "b", false)
}

// A check-in makes a ticket a priority one. A kiosk token cannot attach a
// check-in to another kiosk's ticket, which would move that ticket (a
// friend's) to the front of the queue; its own check-ins still attach.
func TestHostileCheckInCannotPromoteAnotherKiosksTicket(t *testing.T) {
	e := newEnv(t, nil)
	theirs := e.ticket(tokK1, "K01", newID(t), "b", false)
	checkIn := func(seq int64, number string) api.Record {
		return rec(t, seq, api.KindCheckIn, api.CheckIn{AppointmentCode: "26113099", ServiceID: "b", Number: number,
			BusinessDate: "2026-11-30", Method: "code", At: monday10})
	}
	resp := e.sync(tokK2, "K02", checkIn(1, theirs.Number))
	if got := resp.Results[0]; got.Status != api.StatusRejected || !strings.Contains(got.Reason, "not a ticket of this kiosk") {
		t.Fatalf("K02's check-in on K01's ticket %s: %+v", theirs.Number, got)
	}
	priority := func(number string) bool {
		var tk *Ticket
		if err := e.srv.store.View(context.Background(), func(tx Tx) (err error) {
			tk, err = tx.TicketByNumber("2026-11-30", number)
			return err
		}); err != nil || tk == nil {
			t.Fatalf("ticket %s: %v", number, err)
		}
		return tk.Priority
	}
	if priority(theirs.Number) {
		t.Fatalf("ticket %s became a priority ticket through another kiosk's check-in", theirs.Number)
	}
	// The kiosk's own ticket takes its own check-in.
	resp = e.sync(tokK1, "K01", checkIn(1, theirs.Number))
	if got := resp.Results[0]; got.Status != api.StatusCreated {
		t.Fatalf("K01's check-in on its own ticket: %+v", got)
	}
	if !priority(theirs.Number) {
		t.Fatalf("K01's own check-in did not attach to its ticket %s", theirs.Number)
	}
}
