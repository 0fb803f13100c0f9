package backoffice

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

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
			if strings.Contains(logs, "\nlevel=ERROR msg=forged") {
				t.Fatalf("a client value forged a log line:\n%s", logs)
			}
		})
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
