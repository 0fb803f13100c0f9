package backoffice

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"hallkiosk/backoffice/api"
)

func TestSyncRequestErrors(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MaxBodyBytes = 4096 })
	tooMany := api.SyncRequest{KioskID: "K01"}
	for i := range MaxBatchRecords + 1 {
		tooMany.Records = append(tooMany.Records, api.Record{Seq: int64(i + 1)})
	}
	bigTooMany, _ := json.Marshal(tooMany)
	tests := []struct {
		name   string
		token  string
		body   any
		status int
		code   string
	}{
		{"no token", "", `{"kiosk_id":"K01"}`, 401, "unauthorized"},
		{"unknown token", "nope", `{"kiosk_id":"K01"}`, 401, "unauthorized"},
		{"other kiosk's id", tokK1, `{"kiosk_id":"K02","records":[]}`, 403, "forbidden"},
		{"malformed JSON", tokK1, `{"kiosk_id":"K01",`, 400, "bad_request"},
		{"not an object", tokK1, `[1,2]`, 400, "bad_request"},
		{"trailing data", tokK1, `{"kiosk_id":"K01"} {}`, 400, "bad_request"},
		{"no kiosk id", tokK1, `{"records":[]}`, 400, "bad_request"},
		{"wrong type", tokK1, `{"kiosk_id":"K01","records":[{"seq":"one"}]}`, 400, "bad_request"},
		{"body over the limit", tokK1, `{"kiosk_id":"K01","boot_id":"` + strings.Repeat("x", 5000) + `"}`, 413, "too_large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			e.fail("POST", "/v1/sync", tc.token, tc.body, tc.status, tc.code)
		})
	}
	t.Run("too many records", func(t *testing.T) {
		// Served by a server with a large body limit, so the record count
		// is what refuses it.
		e2 := newEnv(t, nil)
		e2.fail("POST", "/v1/sync", tokK1, bigTooMany, 413, "too_large")
	})
	t.Run("chunked body over the limit", func(t *testing.T) {
		// No Content-Length: the limit must still hold while reading.
		body := []byte(`{"kiosk_id":"K01","boot_id":"` + strings.Repeat("x", 5000) + `"}`)
		req := httptest.NewRequest("POST", "/v1/sync", bytes.NewReader(body))
		req.ContentLength = -1
		req.RemoteAddr = "127.0.0.1:40000"
		req.Header.Set("Authorization", "Bearer "+tokK1)
		w := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(w, req)
		if w.Code != 413 {
			t.Fatalf("status %d, want 413: %s", w.Code, w.Body)
		}
	})
	t.Run("wrong method", func(t *testing.T) {
		e.t = t
		e.fail("GET", "/v1/sync", tokK1, nil, 405, "method_not_allowed")
	})
}

func TestSyncRecordValidation(t *testing.T) {
	e := newEnv(t, nil)
	good := rec(t, 1, api.KindSuggestion, suggestion(1))
	tests := []struct {
		name   string
		mod    func(r *api.Record)
		reason string
	}{
		{"not a uuid", func(r *api.Record) { r.ID = "ticket-1" }, "UUID"},
		{"uppercase uuid", func(r *api.Record) { r.ID = strings.ToUpper(r.ID) }, "UUID"},
		{"uuid without dashes", func(r *api.Record) { r.ID = strings.ReplaceAll(r.ID, "-", "") }, "UUID"},
		{"seq zero", func(r *api.Record) { r.Seq = 0 }, "seq"},
		{"negative seq", func(r *api.Record) { r.Seq = -3 }, "seq"},
		{"unknown kind", func(r *api.Record) { r.Kind = "ticket.teleported" }, "kind is not"},
		{"payload an array", func(r *api.Record) { *r = recRaw(t, r.ID, 1, r.Kind, []byte(`[1]`)) }, "JSON object"},
		{"payload a string", func(r *api.Record) { *r = recRaw(t, r.ID, 1, r.Kind, []byte(`"x"`)) }, "JSON object"},
		{"payload null", func(r *api.Record) { *r = recRaw(t, r.ID, 1, r.Kind, []byte(`null`)) }, "JSON object"},
		{"hash of other bytes", func(r *api.Record) { r.PayloadSHA256 = strings.Repeat("ab", 32) }, "does not match"},
		{"hash not hex", func(r *api.Record) { r.PayloadSHA256 = "xyz" }, "not a hex"},
		{"ticket without number", func(r *api.Record) {
			*r = rec(t, 1, api.KindTicketIssued, api.TicketIssued{ServiceID: "a", BusinessDate: "2026-11-30"})
		}, "needs number"},
		{"ticket with bad date", func(r *api.Record) {
			*r = rec(t, 1, api.KindTicketIssued, api.TicketIssued{Number: "A001", ServiceID: "a", BusinessDate: "30.11.2026"})
		}, "business_date"},
		{"ticket payload of wrong types", func(r *api.Record) {
			*r = recRaw(t, r.ID, 1, api.KindTicketIssued, []byte(`{"number":1}`))
		}, "does not fit"},
		{"rating out of range", func(r *api.Record) {
			*r = rec(t, 1, api.KindRating, api.Rating{TicketNumber: "A001", Overall: 7})
		}, "1–5"},
		{"check-in without code", func(r *api.Record) {
			*r = rec(t, 1, api.KindCheckIn, api.CheckIn{Number: "A001", BusinessDate: "2026-11-30"})
		}, "appointment_code"},
		{"technician action without action", func(r *api.Record) {
			*r = rec(t, 1, api.KindTechnicianAction, api.TechnicianAction{Detail: "x"})
		}, "needs action"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			r := good
			r.Payload = slices.Clone(good.Payload)
			tc.mod(&r)
			resp := e.sync(tokK1, "K01", r)
			got := resp.Results[0]
			if got.Status != api.StatusRejected || !strings.Contains(got.Reason, tc.reason) {
				t.Fatalf("result %+v, want rejected with %q", got, tc.reason)
			}
		})
	}
	e.t = t
	if n, _ := e.srv.RecordCount("K01"); n != 0 {
		t.Fatalf("%d rejected records were stored", n)
	}
	// The hash covers the payload bytes exactly as they stand in the body
	// (json.Marshal on the kiosk compacts a RawMessage, so the kiosk must
	// hash compact bytes); hand-written bodies show the rule.
	for _, tc := range []struct {
		name, payload, hashed, want string
	}{
		{"spaced payload, hash of spaced bytes", `{"action": "x"}`, `{"action": "x"}`, api.StatusCreated},
		{"spaced payload, hash of compact bytes", `{"action": "y"}`, `{"action":"y"}`, api.StatusRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			sum := sha256.Sum256([]byte(tc.hashed))
			body := fmt.Sprintf(`{"kiosk_id":"K01","records":[{"id":%q,"seq":%d,"kind":"technician.action","occurred_at":"2026-11-30T10:00:00+08:00","payload":%s,"payload_sha256":%q}]}`,
				newID(t), 100+len(tc.want), tc.payload, hex.EncodeToString(sum[:]))
			var resp api.SyncResponse
			e.ok("POST", "/v1/sync", tokK1, body, &resp)
			if resp.Results[0].Status != tc.want {
				t.Fatalf("result %+v, want %s", resp.Results[0], tc.want)
			}
		})
	}
	e.t = t
	if n, _ := e.srv.RecordCount("K01"); n != 1 {
		t.Fatalf("%d records stored, want 1", n)
	}
	// Hex in capitals is the same hash.
	r := good
	r.PayloadSHA256 = strings.ToUpper(r.PayloadSHA256)
	e.t = t
	if resp := e.sync(tokK1, "K01", r); resp.Results[0].Status != api.StatusCreated {
		t.Fatalf("upper-case hash: %+v", resp.Results[0])
	}
}

func TestSyncDuplicateAndRejected(t *testing.T) {
	e := newEnv(t, nil)
	batch := []api.Record{
		rec(t, 1, api.KindSuggestion, suggestion(1)),
		rec(t, 2, api.KindTechnicianAction, api.TechnicianAction{Action: "printer.test", At: monday10}),
		rec(t, 3, api.KindRating, api.Rating{TicketNumber: "A001", BusinessDate: "2026-11-30", Overall: 5, Phone: "13800000000", At: monday10}),
	}
	if got := statuses(e.sync(tokK1, "K01", batch...)); !slices.Equal(got, []string{"created", "created", "created"}) {
		t.Fatalf("first send: %v", got)
	}
	other := rec(t, 4, api.KindSuggestion, suggestion(9))
	tests := []struct {
		name   string
		token  string
		kiosk  string
		recs   []api.Record
		want   []string
		reason string
	}{
		{"same batch again", tokK1, "K01", batch, []string{"duplicate", "duplicate", "duplicate"}, ""},
		{"same id, other payload", tokK1, "K01", []api.Record{func() api.Record {
			r := rec(t, 1, api.KindSuggestion, suggestion(5))
			r.ID = batch[0].ID
			return r
		}()}, []string{"rejected"}, "different payload"},
		{"same id, other seq", tokK1, "K01", []api.Record{func() api.Record {
			r := batch[1]
			r.Seq = 10
			return r
		}()}, []string{"rejected"}, "already stored as seq 2"},
		{"same id, other kind", tokK1, "K01", []api.Record{func() api.Record {
			r := batch[1]
			r.Kind = api.KindSuggestion
			return r
		}()}, []string{"rejected"}, "as kind technician.action"},
		{"seq taken by another id", tokK1, "K01", []api.Record{rec(t, 2, api.KindSuggestion, suggestion(2))}, []string{"rejected"}, "seq 2 already taken"},
		{"same id from another kiosk", tokK2, "K02", []api.Record{batch[0]}, []string{"rejected"}, "another kiosk"},
		{"twice in one batch", tokK1, "K01", []api.Record{other, other}, []string{"created", "duplicate"}, ""},
		{"duplicate with new beside it", tokK1, "K01", []api.Record{batch[2], rec(t, 5, api.KindSuggestion, suggestion(3))}, []string{"duplicate", "created"}, ""},
		{"one seq twice in one batch", tokK1, "K01", []api.Record{rec(t, 6, api.KindSuggestion, suggestion(6)),
			rec(t, 6, api.KindSuggestion, suggestion(7))}, []string{"created", "rejected"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			resp := e.sync(tc.token, tc.kiosk, tc.recs...)
			if got := statuses(resp); !slices.Equal(got, tc.want) {
				t.Fatalf("statuses %v, want %v (%+v)", got, tc.want, resp.Results)
			}
			if tc.reason != "" && !strings.Contains(resp.Results[0].Reason, tc.reason) {
				t.Fatalf("reason %q, want %q", resp.Results[0].Reason, tc.reason)
			}
		})
	}
	e.t = t
	stored, err := e.srv.Records("K01")
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	for _, r := range stored {
		seqs = append(seqs, r.Seq)
	}
	if !slices.Equal(seqs, []int64{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("stored seqs %v", seqs)
	}
	if !bytes.Equal(stored[0].Payload, batch[0].Payload) || stored[0].PayloadSHA256 != batch[0].PayloadSHA256 ||
		stored[0].ID != batch[0].ID || !stored[0].OccurredAt.Equal(monday10) {
		t.Fatalf("stored record differs: %+v", stored[0])
	}
	if n, _ := e.srv.RecordCount("K02"); n != 0 {
		t.Fatalf("K02 has %d records", n)
	}
}

func TestAckedThroughAndGaps(t *testing.T) {
	e := newEnv(t, nil)
	r := make(map[int64]api.Record)
	for s := int64(1); s <= 10; s++ {
		r[s] = rec(t, s, api.KindSuggestion, suggestion(int(s)))
	}
	steps := []struct {
		name  string
		seqs  []int64
		acked int64
		gaps  [][2]int64
	}{
		{"nothing yet", nil, 0, nil},
		{"holes", []int64{1, 2, 5, 6, 9}, 2, [][2]int64{{3, 4}, {7, 8}}},
		{"first hole filled", []int64{3, 4}, 6, [][2]int64{{7, 8}}},
		{"out of order", []int64{8, 7}, 9, nil},
		{"resend changes nothing", []int64{1, 9}, 9, nil},
		{"gap at the start of another range", []int64{10}, 10, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.t = t
			var recs []api.Record
			for _, s := range st.seqs {
				recs = append(recs, r[s])
			}
			resp := e.sync(tokK1, "K01", recs...)
			if resp.AckedThroughSeq != st.acked || !slices.Equal(resp.Gaps, st.gaps) {
				t.Fatalf("acked %d gaps %v, want %d %v", resp.AckedThroughSeq, resp.Gaps, st.acked, st.gaps)
			}
			if !resp.ServerTime.Equal(monday10) {
				t.Fatalf("server_time %v", resp.ServerTime)
			}
		})
	}
	t.Run("kiosks are separate", func(t *testing.T) {
		e.t = t
		resp := e.sync(tokK2, "K02", rec(t, 3, api.KindSuggestion, suggestion(1)))
		if resp.AckedThroughSeq != 0 || !slices.Equal(resp.Gaps, [][2]int64{{1, 2}}) {
			t.Fatalf("K02: acked %d gaps %v", resp.AckedThroughSeq, resp.Gaps)
		}
	})
}

func TestRejectHookMakesDeadLetters(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Reject = func(r api.Record) string {
			if r.Seq == 2 {
				return "test: poison"
			}
			return ""
		}
	})
	resp := e.sync(tokK1, "K01",
		rec(t, 1, api.KindSuggestion, suggestion(1)),
		rec(t, 2, api.KindSuggestion, suggestion(2)),
		rec(t, 3, api.KindSuggestion, suggestion(3)))
	if got := statuses(resp); !slices.Equal(got, []string{"created", "rejected", "created"}) || resp.Results[1].Reason != "test: poison" {
		t.Fatalf("results %+v", resp.Results)
	}
	// acked_through_seq counts stored records only: the dead letter stays a gap.
	if resp.AckedThroughSeq != 1 || !slices.Equal(resp.Gaps, [][2]int64{{2, 2}}) {
		t.Fatalf("acked %d gaps %v", resp.AckedThroughSeq, resp.Gaps)
	}
}

func TestSyncSideEffectsKeepPersonalDataOutOfLogs(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.srv.AddAppointment(api.Appointment{Code: "26113001", ServiceID: "a", Start: monday10, End: monday10.Add(30 * 60e9),
		IDNumber: "11010519491231002X", Name: "李秀英"}); err != nil {
		t.Fatal(err)
	}
	e.sync(tokK1, "K01",
		rec(t, 1, api.KindRating, api.Rating{TicketNumber: "A001", BusinessDate: "2026-11-30", Overall: 1, Phone: "13912345678", Reasons: []string{"等候时间长"}, At: monday10}),
		rec(t, 2, api.KindSuggestion, api.Suggestion{Category: "服务", Reasons: []string{"态度"}, Phone: "13912345678", At: monday10}),
		rec(t, 3, api.KindCheckIn, api.CheckIn{AppointmentCode: "26113001", ServiceID: "a", Number: "A001", BusinessDate: "2026-11-30", Method: "id_card", At: monday10}))
	e.do("GET", "/v1/appointments?date=2026-11-30", tokK1, nil)
	e.do("GET", "/v1/progress/SB1?id_last4=002X", tokK1, nil)
	logs := e.logs.String()
	for _, pii := range []string{"13912345678", "11010519491231002X", "李秀英", "002X", "SB1"} {
		if strings.Contains(logs, pii) {
			t.Errorf("log contains %q:\n%s", pii, logs)
		}
	}
}

// TestConcurrentSync sends overlapping batches from many goroutines (a
// kiosk retrying while its earlier request is still in flight, two sync
// loops after a restart); every record must be stored exactly once.
func TestConcurrentSync(t *testing.T) {
	e := newEnv(t, nil)
	const n, workers = 120, 8
	all := make([]api.Record, n)
	for i := range all {
		all[i] = rec(t, int64(i+1), api.KindSuggestion, suggestion(i))
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created = map[string]int{}
		failed  []string
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Worker w sends windows of 30 records starting at different
			// offsets, so every record is in several concurrent batches.
			for start := (w * 7) % 30; start < n; start += 15 {
				end := min(start+30, n)
				body, _ := json.Marshal(api.SyncRequest{KioskID: "K01", Records: all[start:end]})
				req, _ := http.NewRequest("POST", e.http.URL+"/v1/sync", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tokK1)
				resp, err := e.http.Client().Do(req)
				if err != nil {
					mu.Lock()
					failed = append(failed, err.Error())
					mu.Unlock()
					return
				}
				var sr api.SyncResponse
				err = json.NewDecoder(resp.Body).Decode(&sr)
				resp.Body.Close()
				mu.Lock()
				if resp.StatusCode != 200 || err != nil {
					failed = append(failed, fmt.Sprintf("status %d %v", resp.StatusCode, err))
				}
				for _, r := range sr.Results {
					switch r.Status {
					case api.StatusCreated:
						created[r.ID]++
					case api.StatusDuplicate:
					default:
						failed = append(failed, r.Status+" "+r.Reason)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(failed) > 0 {
		t.Fatalf("failures: %v", failed[:min(5, len(failed))])
	}
	// The first and last windows do not cover every record; send the rest.
	e.sync(tokK1, "K01", all...)
	for _, r := range all {
		if created[r.ID] > 1 {
			t.Fatalf("record seq %d created %d times", r.Seq, created[r.ID])
		}
	}
	if got, _ := e.srv.RecordCount("K01"); got != n {
		t.Fatalf("%d records stored, want %d", got, n)
	}
	resp := e.sync(tokK1, "K01")
	if resp.AckedThroughSeq != n || len(resp.Gaps) != 0 {
		t.Fatalf("acked %d gaps %v", resp.AckedThroughSeq, resp.Gaps)
	}
}

// BenchmarkSyncBatch100 measures ingest of 100-record batches through the
// handler into a file database with synchronous=FULL (one fsync per batch).
func BenchmarkSyncBatch100(b *testing.B) {
	e := newEnv(b, nil)
	h := e.srv.Handler()
	seq := int64(0)
	payload := suggestion(1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		req := api.SyncRequest{KioskID: "K01"}
		for range 100 {
			seq++
			req.Records = append(req.Records, rec(b, seq, api.KindSuggestion, payload))
		}
		body, _ := json.Marshal(req)
		b.StartTimer()
		r := httptest.NewRequest("POST", "/v1/sync", bytes.NewReader(body))
		r.RemoteAddr = "127.0.0.1:40000" // records travel only over TLS or loopback
		r.Header.Set("Authorization", "Bearer "+tokK1)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "records/s")
}

// TestSyncRejectsATakenPageToken: a synced ticket whose page token another
// ticket holds is rejected, whether that ticket was numbered online or
// synced earlier (in the same batch or another), so no page shows two
// tickets; the ticket's own record may carry its token again.
func TestSyncRejectsATakenPageToken(t *testing.T) {
	e := newEnv(t, nil)
	tokA := strings.Repeat("a", api.PageTokenLen)
	tokB := strings.Repeat("b", api.PageTokenLen)
	onlineID := newID(t)
	var online api.TicketResponse
	e.ok("POST", "/v1/tickets", tokK1, api.TicketRequest{RecordID: onlineID, KioskID: "K01", ServiceID: "b", PageToken: tokA}, &online)
	if online.Number != "B001" {
		t.Fatalf("online ticket %+v", online)
	}
	issued := func(seq int64, number, token string) api.Record {
		return rec(t, seq, api.KindTicketIssued, api.TicketIssued{Number: number, ServiceID: "b", BusinessDate: "2026-11-30",
			IssuedAt: monday10, Offline: true, PageToken: token})
	}
	const taken = "page_token: already belongs to another ticket"
	steps := []struct {
		name, token, kiosk string
		recs               []api.Record
		want               []string
		reasons            []string
	}{
		{"token of an online ticket", tokK2, "K02", []api.Record{issued(1, "B02-001", tokA)},
			[]string{"rejected"}, []string{taken}},
		{"token taken earlier in the same batch", tokK2, "K02", []api.Record{issued(1, "B02-001", tokB), issued(2, "B02-002", tokB)},
			[]string{"created", "rejected"}, []string{"", taken}},
		{"token of a synced ticket, another batch", tokK1, "K01", []api.Record{issued(1, "B01-001", tokB)},
			[]string{"rejected"}, []string{taken}},
		{"the online ticket's own record", tokK1, "K01", []api.Record{recRaw(t, onlineID, 1, api.KindTicketIssued, func() []byte {
			b, _ := json.Marshal(api.TicketIssued{Number: "B001", ServiceID: "b", BusinessDate: "2026-11-30", IssuedAt: monday10, PageToken: tokA})
			return b
		}())}, []string{"created"}, []string{""}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.t = t
			resp := e.sync(st.token, st.kiosk, st.recs...)
			if got := statuses(resp); !slices.Equal(got, st.want) {
				t.Fatalf("statuses %v, want %v (%+v)", got, st.want, resp.Results)
			}
			for i, r := range resp.Results {
				if r.Reason != st.reasons[i] {
					t.Fatalf("record %d: reason %q, want %q", i, r.Reason, st.reasons[i])
				}
			}
		})
	}
	e.t = t
	// Each token still shows the ticket that had it first.
	for tok, want := range map[string]string{tokA: "B001", tokB: "B02-001"} {
		v, _, err := e.srv.TicketView(t.Context(), tok)
		if err != nil || !v.Known || v.Number != want {
			t.Fatalf("page of %s: %+v (%v), want %s", tok[:1], v, err, want)
		}
	}
	if n, _ := e.srv.RecordCount("K02"); n != 1 {
		t.Fatalf("K02 has %d records stored, want 1", n)
	}
}
