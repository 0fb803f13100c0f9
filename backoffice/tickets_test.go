package backoffice

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
)

func TestTicketNumbering(t *testing.T) {
	e := newEnv(t, nil)
	r1, r2 := newID(t), newID(t)
	steps := []struct {
		name     string
		clockTo  time.Time
		token    string
		kiosk    string
		recordID string
		service  string
		number   string
		date     string
	}{
		{"first of the day", monday10, tokK1, "K01", r1, "a", "A001", "2026-11-30"},
		{"next, another kiosk", monday10, tokK2, "K02", r2, "a", "A002", "2026-11-30"},
		{"retry returns the same number", monday10, tokK1, "K01", r1, "a", "A001", "2026-11-30"},
		{"own series per service", monday10, tokK1, "K01", newID(t), "b", "B001", "2026-11-30"},
		{"third", monday10, tokK1, "K01", newID(t), "a", "A003", "2026-11-30"},
		{"reset next business day", monday10.AddDate(0, 0, 1), tokK1, "K01", newID(t), "a", "A001", "2026-12-01"},
		{"retry of yesterday's keeps yesterday's", monday10.AddDate(0, 0, 1), tokK1, "K01", r1, "a", "A001", "2026-11-30"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.t = t
			e.clock.Set(st.clockTo)
			got := e.ticket(st.token, st.kiosk, st.recordID, st.service, false)
			if got.Number != st.number || got.BusinessDate != st.date {
				t.Fatalf("got %s of %s, want %s of %s", got.Number, got.BusinessDate, st.number, st.date)
			}
		})
	}
}

func TestTicketBusinessDateIsHallLocal(t *testing.T) {
	// 23:30 UTC on Monday is 07:30 on Tuesday in the hall.
	e := newEnv(t, func(o *Options) { o.IgnoreHours = true })
	e.clock.Set(time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC))
	if got := e.ticket(tokK1, "K01", newID(t), "b", false); got.BusinessDate != "2026-12-01" || got.Number != "B001" {
		t.Fatalf("got %s of %s", got.Number, got.BusinessDate)
	}
	// A minute before local midnight is still Monday.
	e.clock.Set(time.Date(2026, 11, 30, 23, 59, 0, 0, shanghai))
	if got := e.ticket(tokK1, "K01", newID(t), "b", false); got.BusinessDate != "2026-11-30" {
		t.Fatalf("got %s", got.BusinessDate)
	}
}

func TestTicketRefusals(t *testing.T) {
	sat := time.Date(2026, 12, 5, 0, 0, 0, 0, shanghai)
	sun := time.Date(2026, 12, 6, 10, 0, 0, 0, shanghai)
	at := func(d time.Time, h, m int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, shanghai)
	}
	tests := []struct {
		name    string
		now     time.Time
		service string
		ignore  bool
		status  int
		code    string
	}{
		{"before opening", at(monday10, 8, 59), "a", false, 409, "closed"},
		{"at closing time", at(monday10, 17, 0), "a", false, 409, "closed"},
		{"sunday", sun, "a", false, 409, "closed"},
		{"saturday afternoon", at(sat, 13, 0), "b", false, 409, "closed"},
		{"service's own hours", at(monday10, 13, 0), "c", false, 409, "closed"},
		{"unknown service", monday10, "zz", false, 400, "bad_request"},
		{"sunday with IgnoreHours", sun, "a", true, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.IgnoreHours = tc.ignore })
			e.clock.Set(tc.now)
			req := api.TicketRequest{RecordID: newID(t), KioskID: "K01", ServiceID: tc.service}
			if tc.status == 200 {
				e.ok("POST", "/v1/tickets", tokK1, req, nil)
				return
			}
			e.fail("POST", "/v1/tickets", tokK1, req, tc.status, tc.code)
		})
	}
	t.Run("open cases", func(t *testing.T) {
		for _, now := range []time.Time{at(monday10, 9, 0), at(monday10, 16, 59), at(sat, 11, 59)} {
			e := newEnv(t, nil)
			e.clock.Set(now)
			e.ticket(tokK1, "K01", newID(t), "b", false)
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		e := newEnv(t, nil)
		for _, tc := range []struct {
			token  string
			body   any
			status int
			code   string
		}{
			{"", api.TicketRequest{RecordID: newID(t), KioskID: "K01", ServiceID: "a"}, 401, "unauthorized"},
			{tokK1, api.TicketRequest{RecordID: newID(t), KioskID: "K02", ServiceID: "a"}, 403, "forbidden"},
			{tokK1, api.TicketRequest{RecordID: "1", KioskID: "K01", ServiceID: "a"}, 400, "bad_request"},
			{tokK1, `{"record_id":`, 400, "bad_request"},
			{tokK1, `{} {}`, 400, "bad_request"},
		} {
			e.fail("POST", "/v1/tickets", tc.token, tc.body, tc.status, tc.code)
		}
	})
}

func TestTicketDailyCap(t *testing.T) {
	e := newEnv(t, nil)
	ids := []string{newID(t), newID(t), newID(t)}
	for i, id := range ids {
		if got := e.ticket(tokK1, "K01", id, "a", false); got.Number != []string{"A001", "A002", "A003"}[i] {
			t.Fatalf("ticket %d: %s", i, got.Number)
		}
	}
	e.fail("POST", "/v1/tickets", tokK1, api.TicketRequest{RecordID: newID(t), KioskID: "K01", ServiceID: "a"}, 409, "cap_reached")
	// A retry of an issued ticket still answers, cap or not.
	if got := e.ticket(tokK1, "K01", ids[2], "a", false); got.Number != "A003" {
		t.Fatalf("retry after cap: %s", got.Number)
	}
	// The record id is the ticket's; it cannot number another service.
	e.fail("POST", "/v1/tickets", tokK1, api.TicketRequest{RecordID: ids[0], KioskID: "K01", ServiceID: "b"}, 409, "conflict")
	// Other services and the next day are not capped.
	e.ticket(tokK1, "K01", newID(t), "b", false)
	e.clock.Set(monday10.AddDate(0, 0, 1))
	e.ticket(tokK1, "K01", newID(t), "a", false)
}

func TestTicketSeriesEnds(t *testing.T) {
	e := newEnv(t, nil)
	// Pretend 999 numbers of B were issued (e.g. offline tickets synced).
	err := e.srv.store.Update(t.Context(), func(tx Tx) error { return tx.BumpTicketSerial("2026-11-30", "b", 998) })
	if err != nil {
		t.Fatal(err)
	}
	if got := e.ticket(tokK1, "K01", newID(t), "b", false); got.Number != "B999" {
		t.Fatalf("got %s", got.Number)
	}
	e.fail("POST", "/v1/tickets", tokK1, api.TicketRequest{RecordID: newID(t), KioskID: "K01", ServiceID: "b"}, 409, "cap_reached")
}

func TestPeopleAheadAndWait(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Catalog = []byte(strings.Replace(testCatalog, `"daily_cap": 3`, `"daily_cap": 0`, 1))
	})
	// Service a: 10 minutes, counters 1 and 2 → ceil(ahead × 10 / 2).
	// Service b: 5 minutes, counter 2 only → ahead × 5.
	steps := []struct {
		name            string
		service         string
		priority        bool
		ahead, waitMins int
	}{
		{"empty queue", "a", false, 0, 0},
		{"one ahead", "a", false, 1, 5},
		{"other service has its own queue", "b", false, 0, 0},
		{"priority goes before normal tickets", "a", true, 0, 0},
		{"normal waits behind everybody", "b", false, 1, 5},
		{"second priority behind the first", "a", true, 1, 5},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.t = t
			e.clock.Advance(time.Minute)
			got := e.ticket(tokK1, "K01", newID(t), st.service, st.priority)
			if got.PeopleAhead != st.ahead || got.EstWaitMinutes != st.waitMins {
				t.Fatalf("%s: ahead %d wait %d, want %d %d", got.Number, got.PeopleAhead, got.EstWaitMinutes, st.ahead, st.waitMins)
			}
		})
	}
	e.t = t
	got := e.ticket(tokK1, "K01", newID(t), "a", false)
	if got.PeopleAhead != 4 || got.EstWaitMinutes != 20 {
		t.Fatalf("fifth a: ahead %d wait %d", got.PeopleAhead, got.EstWaitMinutes)
	}
}

func TestCallNextOrder(t *testing.T) {
	e := newEnv(t, nil)
	issue := func(service string, priority bool) string {
		e.clock.Advance(time.Minute)
		return e.ticket(tokK1, "K01", newID(t), service, priority).Number
	}
	a1 := issue("a", false) // A001 10:01
	b1 := issue("b", false) // B001 10:02
	a2 := issue("a", true)  // A002 10:03, priority
	// An offline ticket issued at 09:30 synced now: it has waited longest.
	e.sync(tokK1, "K01", rec(t, 1, api.KindTicketIssued, api.TicketIssued{
		Number: "B07-001", ServiceID: "b", BusinessDate: "2026-11-30", IssuedAt: monday10.Add(-30 * time.Minute), Offline: true}))
	c1 := issue("c", false)

	steps := []struct {
		counter string
		status  int
		code    string
		number  string
	}{
		{"1", 200, "", a2},        // counter 1 serves a: priority first
		{"2", 200, "", "B07-001"}, // counter 2 serves a and b: oldest normal ticket
		{"2", 200, "", a1},
		{"1", 404, "queue_empty", ""}, // nothing of a left
		{"2", 200, "", b1},
		{"2", 404, "queue_empty", ""},
		{"3", 404, "queue_empty", ""}, // serves nothing
		{"99", 404, "not_found", ""},
		{"4", 200, "", c1},
	}
	for i, st := range steps {
		e.clock.Advance(time.Second)
		path := "/v1/counters/" + st.counter + "/call-next"
		if st.status != 200 {
			e.fail("POST", path, tokAdmin, nil, st.status, st.code)
			continue
		}
		var got api.CallResult
		e.ok("POST", path, tokAdmin, nil, &got)
		if got.Number != st.number || got.Counter != st.counter {
			t.Fatalf("step %d: counter %s called %+v, want %s", i, st.counter, got, st.number)
		}
	}
	q := e.queue()
	if q["a"].LastCalled != a1 || q["b"].LastCalled != b1 || q["a"].Waiting != 0 || q["b"].IssuedToday != 2 {
		t.Fatalf("queue after calls: %+v", q)
	}
	e.fail("GET", "/v1/counters/1/call-next", tokAdmin, nil, 405, "method_not_allowed")
}

func TestQueueStatus(t *testing.T) {
	e := newEnv(t, nil)
	for range 3 {
		e.ticket(tokK1, "K01", newID(t), "a", false)
	}
	e.ticket(tokK1, "K01", newID(t), "b", false)
	var qs api.QueueStatus
	e.ok("GET", "/v1/queue", tokK2, nil, &qs)
	if qs.BusinessDate != "2026-11-30" || len(qs.Services) != 3 || qs.Services[0].ServiceID != "a" {
		t.Fatalf("queue %+v", qs)
	}
	want := map[string]api.ServiceQueue{
		"a": {ServiceID: "a", Waiting: 3, IssuedToday: 3, EstWaitMinutes: 15},
		"b": {ServiceID: "b", Waiting: 1, IssuedToday: 1, EstWaitMinutes: 5},
		"c": {ServiceID: "c"},
	}
	for id, w := range want {
		if got := e.queue()[id]; got != w {
			t.Errorf("%s: %+v, want %+v", id, got, w)
		}
	}
	e.fail("GET", "/v1/queue", "", nil, 401, "unauthorized")
}

// TestSyncedTicketsJoinTheQueue covers the bridge between numbering and
// sync: a ticket numbered online is in the queue once, however often its
// record arrives; offline tickets join when they sync.
func TestSyncedTicketsJoinTheQueue(t *testing.T) {
	e := newEnv(t, nil)
	issued := func(number string, offline bool) api.TicketIssued {
		return api.TicketIssued{Number: number, ServiceID: "b", BusinessDate: "2026-11-30", IssuedAt: monday10, Offline: offline}
	}
	// withID builds a ticket record under a given record id.
	withID := func(id string, seq int64, p api.TicketIssued) api.Record {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		return recRaw(t, id, seq, api.KindTicketIssued, b)
	}
	k1 := newID(t)
	if n := e.ticket(tokK1, "K01", k1, "b", false).Number; n != "B001" {
		t.Fatalf("reserved %s", n)
	}
	k2 := newID(t)
	if n := e.ticket(tokK2, "K02", k2, "b", false).Number; n != "B002" {
		t.Fatalf("reserved %s", n)
	}
	steps := []struct {
		name    string
		token   string
		kiosk   string
		rec     api.Record
		want    string
		reason  string
		waiting int
	}{
		{"reserved ticket's record", tokK1, "K01", withID(k1, 1, issued("B001", false)), "created", "", 2},
		{"the same record again", tokK1, "K01", withID(k1, 1, issued("B001", false)), "duplicate", "", 2},
		{"offline ticket joins", tokK2, "K02", rec(t, 1, api.KindTicketIssued, issued("B07-001", true)), "created", "", 3},
		{"reserved record with another number", tokK2, "K02", withID(k2, 2, issued("B009", false)), "rejected", "reserved for this record", 3},
		// K02 asked for B002 but never got the answer, so it printed its
		// own number under the same record id: the reservation becomes
		// that ticket instead of a number nobody holds.
		{"kiosk's number replaces an unanswered reservation", tokK2, "K02", withID(k2, 3, issued("B07-002", true)), "created", "", 3},
		{"another kiosk's number", tokK1, "K01", rec(t, 2, api.KindTicketIssued, issued("B07-001", true)), "rejected", "belongs to another ticket", 3},
		{"online number the server never issued", tokK1, "K01", rec(t, 2, api.KindTicketIssued, issued("B005", false)), "rejected", "not issued by the back office", 3},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.t = t
			resp := e.sync(st.token, st.kiosk, st.rec)
			if got := resp.Results[0]; got.Status != st.want || !strings.Contains(got.Reason, st.reason) {
				t.Fatalf("result %+v, want %s %q", got, st.want, st.reason)
			}
			if w := e.queue()["b"].Waiting; w != st.waiting {
				t.Fatalf("waiting %d, want %d", w, st.waiting)
			}
		})
	}
	e.t = t
	err := e.srv.store.View(context.Background(), func(tx Tx) error {
		if gone, err := tx.TicketByNumber("2026-11-30", "B002"); err != nil || gone != nil {
			return fmt.Errorf("reserved B002 still in the queue: %+v %v", gone, err)
		}
		tk, err := tx.TicketByRecord(k2)
		if err != nil || tk == nil || tk.Number != "B07-002" || !tk.Offline || tk.Status != TicketWaiting {
			return fmt.Errorf("record %s's ticket %+v %v, want B07-002 offline waiting", k2, tk, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The rejected B005 did not move the series.
	if got := e.ticket(tokK1, "K01", newID(t), "b", false); got.Number != "B003" || got.PeopleAhead != 3 {
		t.Fatalf("next: %s with %d ahead", got.Number, got.PeopleAhead)
	}
}

func TestCheckInRecords(t *testing.T) {
	e := newEnv(t, nil)
	appt := api.Appointment{Code: "26113005", ServiceID: "a", Start: monday10.Add(30 * time.Minute), End: monday10.Add(time.Hour),
		IDNumber: "11010519491231002X", Name: "李秀英"}
	if err := e.srv.AddAppointment(appt); err != nil {
		t.Fatal(err)
	}
	normal := e.ticket(tokK1, "K01", newID(t), "a", false)
	checkIn := api.CheckIn{AppointmentCode: appt.Code, ServiceID: "a", Number: "A07-002", BusinessDate: "2026-11-30", Method: "id_card", At: monday10}
	ticket := api.TicketIssued{Number: "A07-002", ServiceID: "a", BusinessDate: "2026-11-30", IssuedAt: monday10, Offline: true, AppointmentCode: appt.Code}
	resp := e.sync(tokK1, "K01",
		rec(t, 1, api.KindCheckIn, checkIn),
		rec(t, 2, api.KindTicketIssued, ticket),
		rec(t, 3, api.KindCheckIn, api.CheckIn{AppointmentCode: "nope", BusinessDate: "2026-11-30", At: monday10}))
	if got := statuses(resp); !slices.Equal(got, []string{"created", "created", "created"}) {
		t.Fatalf("statuses %v %+v", got, resp.Results)
	}
	var list api.AppointmentList
	e.ok("GET", "/v1/appointments?date=2026-11-30", tokK1, nil, &list)
	if len(list.Appointments) != 1 || list.Appointments[0].Status != "checked_in" {
		t.Fatalf("appointments %+v", list)
	}
	if q := e.queue()["a"]; q.Waiting != 2 {
		t.Fatalf("queue %+v: the check-in ticket must be in it once", q)
	}
	var call api.CallResult
	e.ok("POST", "/v1/counters/1/call-next", tokAdmin, nil, &call)
	if call.Number != "A07-002" {
		t.Fatalf("called %s before the appointment ticket (normal was %s)", call.Number, normal.Number)
	}
}

// TestPrintFailedAndRatingRecords checks the other side effects take and
// that the ticket stays in the queue after its print failed.
func TestPrintFailedAndRatingRecords(t *testing.T) {
	e := newEnv(t, nil)
	n := e.ticket(tokK1, "K01", newID(t), "b", false).Number
	resp := e.sync(tokK1, "K01",
		rec(t, 1, api.KindTicketPrintFail, api.TicketPrintFailed{Number: n, BusinessDate: "2026-11-30", Reason: "paper_end"}),
		rec(t, 2, api.KindTicketPrintFail, api.TicketPrintFailed{Number: "Z999", BusinessDate: "2026-11-30", Reason: "paper_end"}),
		rec(t, 3, api.KindRating, api.Rating{TicketNumber: n, BusinessDate: "2026-11-30", ServiceID: "b", Overall: 4,
			Indicators: map[string]int{"efficiency": 4}, At: monday10}))
	if got := statuses(resp); !slices.Equal(got, []string{"created", "created", "created"}) {
		t.Fatalf("statuses %v %+v", got, resp.Results)
	}
	err := e.srv.store.View(t.Context(), func(tx Tx) error {
		tk, err := tx.TicketByNumber("2026-11-30", n)
		if err != nil || tk == nil || !tk.PrintFailed || tk.Status != TicketWaiting {
			t.Errorf("ticket %+v %v", tk, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFairUseAcrossKiosks: a citizen who took a ticket with an ID card at
// one kiosk gets no second ticket of the same service and day at another;
// the hall key that makes their hashes comparable is the same for every
// kiosk and only for kiosks.
func TestFairUseAcrossKiosks(t *testing.T) {
	e := newEnv(t, nil)
	var k1, k2 api.HallKey
	e.ok("GET", "/v1/hall-key", tokK1, nil, &k1)
	e.ok("GET", "/v1/hall-key", tokK2, nil, &k2)
	if len(k1.Key) != 64 || k1.Key != k2.Key {
		t.Fatalf("hall keys %q and %q, want one 32-byte hex key", k1.Key, k2.Key)
	}
	e.fail("GET", "/v1/hall-key", "", nil, 401, "unauthorized")

	const hash = "5f1d0c2a9b7e4f3a8c6d2e1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f"
	req := func(kiosk, service string) api.TicketRequest {
		return api.TicketRequest{RecordID: newID(t), KioskID: kiosk, ServiceID: service, IDHash: hash}
	}
	var first api.TicketResponse
	e.ok("POST", "/v1/tickets", tokK1, req("K01", "b"), &first)
	if first.Number != "B001" {
		t.Fatalf("first ticket %s", first.Number)
	}
	e.fail("POST", "/v1/tickets", tokK2, req("K02", "b"), 409, "already_has_ticket")
	bad := req("K02", "b")
	bad.IDHash = strings.ToUpper(hash)
	e.fail("POST", "/v1/tickets", tokK2, bad, 400, "bad_request")
	// Another service, or another citizen, is fine.
	e.ok("POST", "/v1/tickets", tokK2, req("K02", "a"), &api.TicketResponse{})
	other := req("K02", "b")
	other.IDHash = strings.Repeat("0", 64)
	e.ok("POST", "/v1/tickets", tokK2, other, &api.TicketResponse{})

	// A ticket numbered offline at a kiosk arrives by sync with its hash
	// and counts as well.
	p := api.TicketIssued{Number: "A07-001", ServiceID: "a", BusinessDate: "2026-11-30", IssuedAt: monday10,
		Offline: true, IDHash: strings.Repeat("1", 64)}
	if got := statuses(e.sync(tokK1, "K01", rec(t, 1, api.KindTicketIssued, p))); got[0] != "created" {
		t.Fatalf("offline ticket: %v", got)
	}
	late := req("K02", "a")
	late.IDHash = p.IDHash
	e.fail("POST", "/v1/tickets", tokK2, late, 409, "already_has_ticket")
}
