package offline

import (
	"encoding/json"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
)

// FuzzSyncResponse feeds arbitrary back-office answers to the matcher. It
// must never panic, and must never acknowledge or reject a record unless the
// answer names that record's id and seq with that status — whatever the
// bytes, an answer cannot make the kiosk forget a record it did not deliver.
func FuzzSyncResponse(f *testing.F) {
	const a, b, c = "0195f000-0000-7000-8000-00000000000a", "0195f000-0000-7000-8000-00000000000b", "0195f000-0000-7000-8000-00000000000c"
	batch := []outRecord{
		{Record: api.Record{ID: a, Seq: 1}},
		{Record: api.Record{ID: b, Seq: 2}},
		{Record: api.Record{ID: c, Seq: 3}},
	}
	for _, seed := range []string{
		`{"results":[{"id":"` + a + `","seq":1,"status":"created"},{"id":"` + b + `","seq":2,"status":"duplicate"},{"id":"` + c + `","seq":3,"status":"rejected","reason":"bad"}],"acked_through_seq":3}`,
		`{"results":[{"id":"` + a + `","seq":1,"status":"created"}]}`,
		`{"results":[{"id":"` + a + `","seq":2,"status":"created"}]}`,
		`{"results":[{"id":"` + a + `","seq":1,"status":"rejected"},{"id":"` + a + `","seq":1,"status":"created"}]}`,
		`{"results":[{"id":"` + b + `","seq":2,"status":"accepted"}]}`,
		`{"results":[{"id":"zzz","seq":9,"status":"created"}]}`,
		`{"results":null,"gaps":[[1,2]]}`,
		`{"results":[{"id":"` + c + `","seq":3,"status":"rejected","reason":"` + string(make([]byte, 400)) + `"}]}`,
		`{"results":[`,
		`[]`,
		`null`,
		``,
		"\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out, _, err := matchSyncResponse(batch, body)
		if err != nil {
			return
		}
		if len(out) != len(batch) {
			t.Fatalf("%d outcomes for %d records", len(out), len(batch))
		}
		var resp api.SyncResponse
		if err := json.Unmarshal(body, &resp); err != nil {
			t.Fatalf("matcher accepted what json rejects: %v", err)
		}
		for i, oc := range out {
			switch oc.status {
			case "":
				continue
			case api.StatusCreated, api.StatusDuplicate, api.StatusRejected:
			default:
				t.Fatalf("record %d: status %q", i, oc.status)
			}
			if oc.status == api.StatusRejected && (oc.reason == "" || len(oc.reason) > 310) {
				t.Fatalf("record %d: reason %q", i, oc.reason)
			}
			backed := false
			for _, r := range resp.Results {
				if r.ID == batch[i].ID && r.Seq == batch[i].Seq && r.Status == oc.status {
					backed = true
					break
				}
			}
			if !backed {
				t.Fatalf("record %d got %q without a matching result", i, oc.status)
			}
		}
	})
}

// FuzzRetryAfter: any header value gives a wait in [0, 1 h].
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"1", "120", "-1", "0", "Mon, 02 Mar 2026 02:00:30 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "9999999999999999999", "soon", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		if d := parseRetryAfter(v, now); d < 0 || d > time.Hour {
			t.Fatalf("parseRetryAfter(%q) = %v", v, d)
		}
	})
}

// FuzzCatalog: a catalog from the back office (or a damaged cache) either
// parses into a consistent index or is refused; it never panics, and an
// accepted catalog's opening hours can be evaluated.
func FuzzCatalog(f *testing.F) {
	good, err := catalogJSON()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"services":[{"id":"a"},{"id":"a"}]}`))
	f.Add([]byte(`{"hall":{"open_hours":[{"weekdays":[7],"open":"09:00","close":"17:00"}]}}`))
	f.Add([]byte(`{"services":[{"id":"a","open_hours":[{"weekdays":[1],"open":"24:00","close":"09:00"}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		cs, err := parseCatalog(body, "", "fuzz")
		if err != nil {
			return
		}
		if len(cs.services) != len(cs.cat.Services) {
			t.Fatalf("%d indexed services of %d", len(cs.services), len(cs.cat.Services))
		}
		for i := range cs.cat.Services {
			sv := &cs.cat.Services[i]
			if cs.services[sv.ID] != sv {
				t.Fatalf("service %q indexed wrongly", sv.ID)
			}
			isOpen(sv, cs.cat.Hall, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
		}
	})
}
