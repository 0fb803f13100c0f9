package backoffice

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"hallkiosk/backoffice/api"
)

// FuzzSyncRequest feeds arbitrary bodies to the sync parser, the record
// validator and the whole handler (on an in-memory database). Invariants:
// nothing panics, the handler never answers 500, a 200 answers every record
// once, and a record the validator passes really has a canonical id, a
// positive seq, a known kind and a payload object whose hash matches.
func FuzzSyncRequest(f *testing.F) {
	valid := func(kind string, payload any) string {
		b, _ := json.Marshal(payload)
		sum := sha256.Sum256(b)
		body, _ := json.Marshal(api.SyncRequest{KioskID: "K01", Records: []api.Record{{
			ID: "01936b7e-8f00-7000-8000-000000000001", Seq: 1, Kind: kind, OccurredAt: monday10,
			Payload: b, PayloadSHA256: hex.EncodeToString(sum[:])}}})
		return string(body)
	}
	for _, seed := range []string{
		valid(api.KindSuggestion, suggestion(1)),
		valid(api.KindTicketIssued, api.TicketIssued{Number: "A07-001", ServiceID: "a", BusinessDate: "2026-11-30", Offline: true}),
		valid(api.KindCheckIn, api.CheckIn{AppointmentCode: "26113001", Number: "A001", BusinessDate: "2026-11-30"}),
		valid(api.KindRating, api.Rating{TicketNumber: "A001", Overall: 5}),
		strings.Replace(valid(api.KindSuggestion, suggestion(2)), `"seq":1`, `"seq":0`, 1),
		strings.Replace(valid(api.KindSuggestion, suggestion(3)), `"kind":"suggestion"`, `"kind":"x"`, 1),
		`{"kiosk_id":"K01","records":[{"id":"x","seq":1,"kind":"rating","payload":[],"payload_sha256":"00"}]}`,
		`{"kiosk_id":"K01","records":[{"payload":{"a":{"b":[1,2,{"c":null}]}}}]}`,
		`{"kiosk_id":"K01","records":null}`,
		`{"kiosk_id":"K02"}`,
		`{"kiosk_id":"K01","records":[{"seq":9223372036854775807}]}`,
		`{"kiosk_id":"K01"} trailing`,
		`{`,
		``,
	} {
		f.Add([]byte(seed))
	}
	e := newEnv(f, func(o *Options) { o.DBPath = ":memory:" })
	h := e.srv.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := parseSyncRequest(body)
		if err == nil {
			for i := range req.Records {
				r := req.Records[i]
				payload, why := validateRecord(&r)
				if why != "" {
					if payload != nil {
						t.Fatalf("a rejected record (%s) came with a decoded payload", why)
					}
					continue
				}
				if payload == nil {
					t.Fatalf("accepted record %+v without its decoded payload", r)
				}
				sum := sha256.Sum256(r.Payload)
				switch {
				case !validUUID(r.ID) || r.Seq < 1 || !knownKinds[r.Kind]:
					t.Fatalf("accepted record %+v", r)
				case hex.EncodeToString(sum[:]) != r.PayloadSHA256:
					t.Fatalf("accepted a record whose hash does not match")
				case !json.Valid(r.Payload) || bytes.TrimSpace(r.Payload)[0] != '{':
					t.Fatalf("accepted a payload that is not an object: %q", r.Payload)
				}
			}
		}
		hr := httptest.NewRequest("POST", "/v1/sync", bytes.NewReader(body))
		hr.Header.Set("Authorization", "Bearer "+tokK1)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, hr)
		switch w.Code {
		case 200:
			var resp api.SyncResponse
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || len(resp.Results) != len(req.Records) {
				t.Fatalf("200 with %d results for %d records (%v)", len(resp.Results), len(req.Records), err)
			}
		case 400, 403, 413:
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	})
}
