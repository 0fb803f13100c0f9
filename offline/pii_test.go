package offline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/internal/testutil"
)

// The test citizen. Their name, ID number and phone must never be found in
// clear in the database file, its WAL, or the log.
const (
	citizenName  = "欧阳测试"
	citizenID    = "11010519491231002X"
	citizenPhone = "13912345678"
)

func TestPersonalDataNeverInClear(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk))
	if err := bo.srv.AddAppointment(api.Appointment{Code: "AP-PII", ServiceID: "svc-a",
		Start: t0.Add(5 * time.Minute), End: t0.Add(35 * time.Minute), IDNumber: citizenID, Name: citizenName}); err != nil {
		t.Fatal(err)
	}
	var logs testutil.SyncBuffer
	o := testOptions(t, clk)
	o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.Client = newTestClient(t, bo.url, clk)
	o.Client.log = o.Logger
	o.Retention = time.Hour
	s := openStore(t, o)

	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	a, err := s.FindAppointment(ctx, AppointmentQuery{IDNumber: citizenID})
	if err != nil {
		t.Fatal(err)
	}
	if a.NameMasked != "欧***" {
		t.Errorf("masked name %q", a.NameMasked)
	}
	if _, err := s.CheckIn(ctx, CheckInRequest{Code: a.Code, Method: "id_card", IDNumber: citizenID}); err != nil {
		t.Fatal(err)
	}
	tk, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-b", IDNumber: citizenID})
	if err != nil {
		t.Fatal(err)
	}
	// The same citizen again: refused, and the refusal must not log them.
	if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-b", IDNumber: citizenID}); !errors.Is(err, ErrAlreadyHasTicket) {
		t.Fatalf("second ticket: %v", err)
	}
	if err := s.RecordRating(ctx, api.Rating{TicketNumber: tk.Number, Overall: 2, Phone: citizenPhone, Reasons: []string{"slow"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordSuggestion(ctx, api.Suggestion{Category: "service", Reasons: []string{"请回电 " + citizenPhone}, Phone: citizenPhone}); err != nil {
		t.Fatal(err)
	}
	// Offline too: the back office goes away, the kiosk carries on.
	bo.http.Close()
	clk.Advance(time.Minute)
	if err := s.RecordRating(ctx, api.Rating{Overall: 5, Phone: citizenPhone}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncOnce(ctx); !errors.Is(err, ErrOffline) {
		t.Fatalf("SyncOnce offline = %v", err)
	}
	var export bytes.Buffer
	s.ExportDeadLetters(ctx, &export)

	secrets := map[string][]byte{
		"name":          []byte(citizenName),
		"ID number":     []byte(citizenID),
		"ID lower-case": []byte("11010519491231002x"),
		"phone":         []byte(citizenPhone),
	}
	check := func(where string, data []byte) {
		t.Helper()
		for what, secret := range secrets {
			if bytes.Contains(data, secret) {
				t.Errorf("%s holds the citizen's %s in clear", where, what)
			}
		}
	}
	// Read the files while the store is open (the WAL is at its fullest),
	// and again after Close has checkpointed it into the main file.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, _ := os.ReadFile(s.path + suffix)
		check("kiosk.db"+suffix+" (open)", b)
	}
	check("the log", logs.Bytes())
	check("the dead-letter export", export.Bytes())
	if len(logs.Bytes()) == 0 {
		t.Error("nothing logged: the log check proves nothing")
	}
	s.Close()
	b, err := os.ReadFile(s.path)
	if err != nil {
		t.Fatal(err)
	}
	check("kiosk.db (closed)", b)
}

// TestRetentionPurge: personal data goes once acknowledged and past
// Retention, not before; dead letters and unacknowledged records keep it.
func TestRetentionPurge(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk), withReject(func(r api.Record) string {
		if r.Kind == api.KindSuggestion {
			return "suggestions closed (test)"
		}
		return ""
	}))
	if err := bo.srv.AddAppointment(api.Appointment{Code: "AP-R", ServiceID: "svc-a",
		Start: t0, End: t0.Add(time.Hour), IDNumber: citizenID, Name: citizenName}); err != nil {
		t.Fatal(err)
	}
	o := testOptions(t, clk)
	o.Client = newTestClient(t, bo.url, clk)
	o.Sync.MaxRejections = 1
	s := openStore(t, o)
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a", IDNumber: citizenID}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordRating(ctx, api.Rating{Overall: 4, Phone: citizenPhone}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordSuggestion(ctx, api.Suggestion{Category: "x", Phone: citizenPhone}); err != nil {
		t.Fatal(err)
	}
	syncAll(t, s)
	if err := s.RecordRating(ctx, api.Rating{Overall: 3, Phone: citizenPhone}); err != nil { // stays pending
		t.Fatal(err)
	}

	sealedLeft := func() (phones, payloads, hashes, appts int) {
		return queryInt(t, s, `SELECT count(*) FROM ratings WHERE phone IS NOT NULL`) +
				queryInt(t, s, `SELECT count(*) FROM suggestions WHERE phone IS NOT NULL`),
			queryInt(t, s, `SELECT count(*) FROM outbox WHERE payload IS NOT NULL`),
			queryInt(t, s, `SELECT count(*) FROM tickets WHERE id_hash IS NOT NULL`),
			queryInt(t, s, `SELECT count(*) FROM appointments`)
	}
	for _, tc := range []struct {
		name                            string
		advance                         time.Duration
		phones, payloads, hashes, appts int
	}{
		// Within retention nothing goes.
		{"after 59 minutes", 59 * time.Minute, 3, 4, 1, 1},
		// Past 24 h (Retention default): the acknowledged rating and
		// ticket lose theirs; yesterday's appointments and ID hashes go;
		// the dead letter (suggestion) and the pending rating keep theirs.
		{"after a day", 24 * time.Hour, 2, 2, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk.Advance(tc.advance)
			if _, err := s.PurgeExpired(ctx); err != nil {
				t.Fatal(err)
			}
			p, pl, h, a := sealedLeft()
			if p != tc.phones || pl != tc.payloads || h != tc.hashes || a != tc.appts {
				t.Errorf("left: %d phones, %d payloads, %d ID hashes, %d appointments; want %d %d %d %d",
					p, pl, h, a, tc.phones, tc.payloads, tc.hashes, tc.appts)
			}
		})
	}
	// The WAL was checkpointed and truncated after the purge.
	if fi, err := os.Stat(s.path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("WAL is %d bytes after the purge, want truncated", fi.Size())
	}
}

func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	s := openStore(t, testOptions(t, clk))
	pages := queryInt(t, s, `PRAGMA page_count`)
	if _, err := s.db.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+3)); err != nil {
		t.Fatal(err)
	}
	var issued []*Ticket
	long := string(bytes.Repeat([]byte("x"), 900))
	fill := func(what string, f func() error) {
		t.Helper()
		for i := 0; i < 5000; i++ {
			err := f()
			if errors.Is(err, ErrStorageFull) {
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		t.Fatalf("%s never filled the database", what)
	}
	// Bulky records hit the wall first; small tickets fill what is left.
	fill("technician actions", func() error {
		return s.RecordTechnicianAction(ctx, api.TechnicianAction{Action: "fill", Detail: long})
	})
	fill("tickets", func() error {
		tk, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a"})
		if err == nil {
			issued = append(issued, tk)
		}
		return err
	})
	if !contains(s.Health(ctx).Alarms, AlarmStorageFull) {
		t.Error("no storage_full alarm")
	}
	if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a"}); !errors.Is(err, ErrStorageFull) {
		t.Fatalf("ticket on a full disk = %v, want ErrStorageFull", err)
	}
	if err := s.RecordRating(ctx, api.Rating{Overall: 5, Phone: citizenPhone}); !errors.Is(err, ErrStorageFull) {
		t.Fatalf("rating on a full disk = %v, want ErrStorageFull", err)
	}
	// No partial record: business rows match outbox rows, seqs are dense.
	invariants := func() {
		t.Helper()
		total := queryInt(t, s, `SELECT count(*) FROM outbox`)
		rows := queryInt(t, s, `SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM technician_actions) + (SELECT count(*) FROM ratings)`)
		if total != rows || queryInt(t, s, `SELECT coalesce(max(seq), 0) FROM outbox`) != total {
			t.Errorf("%d records, %d business rows, max seq %d", total, rows, queryInt(t, s, `SELECT max(seq) FROM outbox`))
		}
	}
	invariants()

	// Space returns: the next ticket takes the next number and seq.
	if _, err := s.db.Exec(`PRAGMA max_page_count = 1000000`); err != nil {
		t.Fatal(err)
	}
	tk, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a"})
	if err != nil {
		t.Fatalf("after space returned: %v", err)
	}
	last := issued[len(issued)-1]
	if want := fmt.Sprintf("A07-%03d", len(issued)+1); tk.Number != want {
		t.Errorf("number after recovery %s, want %s (last before %s)", tk.Number, want, last.Number)
	}
	invariants()
	if contains(s.Health(ctx).Alarms, AlarmStorageFull) {
		t.Error("storage_full alarm still on after recovery")
	}
}

func TestHealthAlarms(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	o := testOptions(t, clk)
	o.DiskBudget = 10 << 20
	s := openStore(t, o)
	if err := s.RecordTechnicianAction(ctx, api.TechnicianAction{Action: "x"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		step  func()
		alarm string
		on    bool
	}{
		{"fresh store", func() {}, AlarmOldestUnsynced, false},
		{"24 h unsynced is still fine", func() { clk.Advance(24 * time.Hour) }, AlarmOldestUnsynced, false},
		{"over 24 h unsynced", func() { clk.Advance(time.Minute) }, AlarmOldestUnsynced, true},
		{"5,000 pending is still fine", func() { fillQueue(t, s, 4999) }, AlarmPending, false},
		{"over 5,000 pending", func() { fillQueue(t, s, 1) }, AlarmPending, true},
		{"disk under 80 %", func() {}, AlarmDisk, false},
		{"disk at 80 % of the budget", func() {
			s.opts.DiskBudget = s.Health(ctx).DBBytes * 100 / 80
		}, AlarmDisk, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.step()
			h := s.Health(ctx)
			if contains(h.Alarms, tc.alarm) != tc.on {
				t.Errorf("alarm %s on=%v, want %v (health %+v)", tc.alarm, !tc.on, tc.on, h)
			}
		})
	}
	h := s.Health(ctx)
	if h.Pending != 5001 || h.OldestPending != 24*time.Hour+time.Minute || h.DBBytes == 0 || !h.IntegrityOK {
		t.Errorf("Health %+v", h)
	}
}

// A back office of another make may still send ID numbers and whole names
// in the appointments list. The kiosk hashes and masks them before they are
// written, finds the booking by the card all the same, and the database
// holds neither.
func TestAppointmentsWithIDNumbersFromAnotherBackOffice(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk))
	list := api.AppointmentList{Date: t0.Format(time.DateOnly), Appointments: []api.Appointment{{
		Code: "AP-OLD", ServiceID: "svc-a", Start: t0.Add(5 * time.Minute), End: t0.Add(35 * time.Minute),
		IDNumber: citizenID, Name: citizenName, Status: "booked"}}}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/appointments" {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(list)
			return
		}
		bo.srv.Handler().ServeHTTP(w, r)
	}))
	defer other.Close()
	o := testOptions(t, clk)
	o.Client = newTestClient(t, other.URL, clk)
	s := openStore(t, o)
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	a, err := s.FindAppointment(ctx, AppointmentQuery{IDNumber: "11010519491231002x"})
	if err != nil || a.Code != "AP-OLD" || a.NameMasked != "欧***" {
		t.Fatalf("booking by the card: %+v, %v", a, err)
	}
	s.Close()
	for _, suffix := range []string{"", "-wal"} {
		b, _ := os.ReadFile(s.path + suffix)
		if bytes.Contains(b, []byte(citizenID)) || bytes.Contains(b, []byte(citizenName)) {
			t.Fatalf("kiosk.db%s holds the ID number or the whole name", suffix)
		}
	}
}
