package offline

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/internal/testutil"
)

func TestOpenIsDurable(t *testing.T) {
	s := openStore(t, testOptions(t, clock.NewFake(t0)))
	var mode string
	var syncMode, fk, secure int
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`PRAGMA synchronous`).Scan(&syncMode); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`PRAGMA secure_delete`).Scan(&secure); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || syncMode != 2 || fk != 1 || secure != 1 {
		t.Errorf("journal_mode=%s synchronous=%d foreign_keys=%d secure_delete=%d, want wal 2 1 1", mode, syncMode, fk, secure)
	}
}

// TestAssertDurableRefusesNormal proves the start-up check bites: the DSN
// without _sync=FULL is what mattn/go-sqlite3 silently turns into NORMAL.
func TestAssertDurableRefusesNormal(t *testing.T) {
	for _, tc := range []struct {
		name, params string
	}{
		{"wal without _sync", "_journal_mode=WAL"},
		{"rollback journal", "_journal_mode=DELETE&_sync=FULL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "x.db")+"?"+tc.params)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			s := &Store{db: db}
			err = s.assertDurable(context.Background())
			if !errors.Is(err, ErrStorageBroken) {
				t.Fatalf("assertDurable = %v, want ErrStorageBroken", err)
			}
		})
	}
}

func TestOpenRefusesOtherKiosksFile(t *testing.T) {
	o := testOptions(t, clock.NewFake(t0))
	s := openStore(t, o)
	s.Close()
	o.KioskID = "kiosk-08"
	if _, err := Open(o); err == nil || !strings.Contains(err.Error(), "belongs to kiosk") {
		t.Fatalf("Open with another kiosk id = %v", err)
	}
}

func TestKeyFile(t *testing.T) {
	o := testOptions(t, clock.NewFake(t0))
	s := openStore(t, o)
	s.Close()
	fi, err := os.Stat(o.Path + ".key")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.Size() != KeySize {
		t.Errorf("key file mode %v size %d, want 0600 and %d", fi.Mode().Perm(), fi.Size(), KeySize)
	}
	// A readable-by-all key is refused, not used.
	os.Chmod(o.Path+".key", 0o644)
	if _, err := Open(o); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Errorf("Open with a 0644 key = %v", err)
	}
}

// TestKeyMustMatch: a database sealed under one key, opened with another
// (a key file from another kiosk, a credential set up wrongly), is refused
// with ErrWrongKey and left as it was; with its own key — given as a
// credential would give it, in Options.Key — it opens and its sealed data
// reads.
func TestKeyMustMatch(t *testing.T) {
	ctx := context.Background()
	o := testOptions(t, clock.NewFake(t0))
	s := openStore(t, o)
	if err := s.RecordSuggestion(ctx, api.Suggestion{Category: "service", Reasons: []string{"请回电"}, Phone: citizenPhone}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	own, err := os.ReadFile(o.Path + ".key")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(o.Path)
	other := o
	other.Key = bytes.Repeat([]byte{7}, KeySize)
	if _, err := Open(other); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Open with another key = %v, want ErrWrongKey", err)
	}
	if after, _ := os.ReadFile(o.Path); !bytes.Equal(before, after) {
		t.Fatal("the refused open changed the database")
	}
	bo := newBackOffice(t)
	given := o
	given.Key, given.KeyFile = own, filepath.Join(t.TempDir(), "absent.key")
	given.Client = newTestClient(t, bo.url, clock.NewFake(t0))
	s = openStore(t, given)
	if res, err := s.SyncOnce(ctx); err != nil || res.Acknowledged != 1 {
		t.Fatalf("sync with the right key: %+v, %v", res, err)
	}
	recs, err := bo.srv.Records(testKioskID)
	if err != nil || len(recs) != 1 || !bytes.Contains(recs[0].Payload, []byte(citizenPhone)) {
		t.Fatalf("the back office got %d records (%v): the sealed payload did not open", len(recs), err)
	}
	if _, err := os.Stat(given.KeyFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a key given in Options wrote a key file: %v", err)
	}
}

func TestCorruptFile(t *testing.T) {
	t.Run("not a database", func(t *testing.T) {
		o := testOptions(t, clock.NewFake(t0))
		if err := os.WriteFile(o.Path, []byte(strings.Repeat("this is no sqlite file ", 500)), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(o)
		if !errors.Is(err, ErrStorageBroken) {
			t.Fatalf("Open = %v, want ErrStorageBroken", err)
		}
	})
	t.Run("damaged pages", func(t *testing.T) {
		o := testOptions(t, clock.NewFake(t0))
		s := openStore(t, o)
		for i := 0; i < 300; i++ {
			if _, err := s.IssueTicket(context.Background(), TicketRequest{ServiceID: "svc-a"}); err != nil {
				t.Fatal(err)
			}
		}
		s.Close()
		f, err := os.OpenFile(o.Path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		// Scribble over the second half of the file, leaving the header
		// and schema page intact.
		junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
		for off := fi.Size() / 2; off+int64(len(junk)) < fi.Size(); off += 3 * 4096 {
			f.WriteAt(junk, off)
		}
		f.Close()
		s2, err := Open(o)
		if err != nil {
			if !errors.Is(err, ErrStorageBroken) {
				t.Fatalf("Open = %v, want ErrStorageBroken", err)
			}
			t.Logf("Open refused the file: %v", err)
			return
		}
		t.Logf("Open kept the damaged file for diagnostics: %s", s2.Health(context.Background()).IntegrityCheck)
		defer s2.Close()
		h := s2.Health(context.Background())
		if h.IntegrityOK || !contains(h.Alarms, AlarmStorageBroken) {
			t.Errorf("Health = %+v, want integrity failure and alarm", h)
		}
		if _, err := s2.IssueTicket(context.Background(), TicketRequest{ServiceID: "svc-a"}); !errors.Is(err, ErrStorageBroken) {
			t.Errorf("IssueTicket on a damaged file = %v, want ErrStorageBroken", err)
		}
	})
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestNumbering(t *testing.T) {
	ctx := context.Background()
	issue := func(t *testing.T, s *Store, svc string) *Ticket {
		t.Helper()
		tk, err := s.IssueTicket(ctx, TicketRequest{ServiceID: svc})
		if err != nil {
			t.Fatalf("IssueTicket(%s): %v", svc, err)
		}
		return tk
	}
	t.Run("offline series", func(t *testing.T) {
		s := openStore(t, testOptions(t, clock.NewFake(t0)))
		var got []string
		for _, svc := range []string{"svc-a", "svc-a", "svc-b", "svc-a"} {
			tk := issue(t, s, svc)
			if !tk.Offline || tk.PeopleAhead != -1 || tk.BusinessDate != "2026-03-02" {
				t.Errorf("ticket %+v: want offline, PeopleAhead -1, date 2026-03-02", tk)
			}
			got = append(got, tk.Number)
		}
		if want := "A07-001 A07-002 B07-001 A07-003"; strings.Join(got, " ") != want {
			t.Errorf("numbers %v, want %s", got, want)
		}
	})
	t.Run("online", func(t *testing.T) {
		clk := clock.NewFake(t0)
		bo := newBackOffice(t, withBOClock(clk))
		o := testOptions(t, clk)
		o.Client = newTestClient(t, bo.url, clk)
		s := openStore(t, o)
		a1, a2 := issue(t, s, "svc-a"), issue(t, s, "svc-a")
		if a1.Number != "A001" || a2.Number != "A002" || a1.Offline || a2.PeopleAhead != 1 {
			t.Errorf("online tickets %+v %+v, want A001, A002 with one ahead", a1, a2)
		}
		if !o.Client.Online() {
			t.Error("client not online after a ticket")
		}
		syncAll(t, s)
		if n := must[int](t)(bo.srv.RecordCount(testKioskID)); n != 2 {
			t.Errorf("back office holds %d records, want 2", n)
		}
	})
	t.Run("back office refuses connections", func(t *testing.T) {
		clk := clock.NewFake(t0)
		bo := newBackOffice(t, withBOClock(clk))
		bo.http.Close()
		o := testOptions(t, clk)
		o.Client = newTestClient(t, bo.url, clk)
		s := openStore(t, o)
		if tk := issue(t, s, "svc-a"); tk.Number != "A07-001" {
			t.Errorf("number %s, want A07-001", tk.Number)
		}
		if o.Client.Online() {
			t.Error("client online after a refused connection")
		}
	})
	t.Run("timeout", func(t *testing.T) {
		clk := clock.NewFake(t0)
		bo := newBackOffice(t, withBOClock(clk))
		px := newFaultProxy(t, bo.url, always(faultHang))
		px.seen = make(chan fault, 1)
		o := testOptions(t, clk)
		o.Client = newTestClient(t, px.URL(), clk)
		s := openStore(t, o)
		done := make(chan *Ticket)
		go func() {
			tk, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a"})
			if err != nil {
				t.Error(err)
			}
			done <- tk
		}()
		// The request's timer is armed before it goes out; once the
		// request hangs in the proxy, 800 ms of fake time make the kiosk
		// number the ticket itself.
		<-px.seen
		if clk.Pending() != 1 {
			t.Fatalf("%d timers pending, want the request's", clk.Pending())
		}
		clk.Advance(800 * time.Millisecond)
		if tk := <-done; tk == nil || tk.Number != "A07-001" || !tk.Offline {
			t.Errorf("ticket after timeout %+v, want A07-001 offline", tk)
		}
		if px.count(faultHang) != 1 {
			t.Errorf("proxy saw %d requests, want 1", px.count(faultHang))
		}
	})
	t.Run("answer lost after the back office reserved a number", func(t *testing.T) {
		clk := clock.NewFake(t0)
		bo := newBackOffice(t, withBOClock(clk))
		px := newFaultProxy(t, bo.url, func(n int) fault {
			if n == 0 {
				return faultLost
			}
			return faultPass
		})
		o := testOptions(t, clk)
		o.Client = newTestClient(t, px.URL(), clk)
		s := openStore(t, o)
		tk := issue(t, s, "svc-a")
		if tk.Number != "A07-001" || !tk.Offline {
			t.Fatalf("ticket %+v, want A07-001 offline", tk)
		}
		syncAll(t, s)
		// The back office had reserved A001 for this record; the printed
		// A07-001 takes its place, so exactly one ticket waits.
		recs := must[[]api.Record](t)(bo.srv.Records(testKioskID))
		if len(recs) != 1 || recs[0].ID != tk.RecordID || !strings.Contains(string(recs[0].Payload), `"A07-001"`) {
			t.Fatalf("back office records %+v, want the A07-001 ticket under %s", recs, tk.RecordID)
		}
		if h := s.Health(ctx); h.Pending != 0 || h.DeadLetters != 0 {
			t.Fatalf("after sync: %d pending, %d dead letters", h.Pending, h.DeadLetters)
		}
		req, _ := http.NewRequest("GET", bo.url+"/v1/queue", nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var q api.QueueStatus
		if err := json.NewDecoder(resp.Body).Decode(&q); err != nil {
			t.Fatal(err)
		}
		if len(q.Services) == 0 || q.Services[0].ServiceID != "svc-a" || q.Services[0].Waiting != 1 || q.Services[0].IssuedToday != 1 {
			t.Fatalf("queue %+v, want one svc-a ticket waiting", q.Services)
		}
		// A001 was taken by the reservation and is not issued again.
		if next := issue(t, s, "svc-a"); next.Number != "A002" {
			t.Fatalf("next online number %s, want A002", next.Number)
		}
	})
	t.Run("5xx", func(t *testing.T) {
		clk := clock.NewFake(t0)
		bo := newBackOffice(t, withBOClock(clk))
		px := newFaultProxy(t, bo.url, always(fault500))
		o := testOptions(t, clk)
		o.Client = newTestClient(t, px.URL(), clk)
		s := openStore(t, o)
		if tk := issue(t, s, "svc-a"); tk.Number != "A07-001" {
			t.Errorf("number %s, want A07-001", tk.Number)
		}
		// Right after a failure the kiosk does not ask again…
		issue(t, s, "svc-a")
		if n := px.count(fault500); n != 1 {
			t.Errorf("back office asked %d times within the skip window, want 1", n)
		}
		// …but does once the window has passed.
		clk.Advance(skipOnlineAfterFailure)
		issue(t, s, "svc-a")
		if n := px.count(fault500); n != 2 {
			t.Errorf("back office asked %d times after the window, want 2", n)
		}
	})
	t.Run("daily reset", func(t *testing.T) {
		clk := clock.NewFake(t0)
		s := openStore(t, testOptions(t, clk))
		issue(t, s, "svc-a")
		issue(t, s, "svc-a")
		// 23:59 is still Monday in the hall; 00:00 is Tuesday.
		clk.Set(time.Date(2026, 3, 2, 23, 59, 0, 0, hall))
		if tk := issue(t, s, "svc-a"); tk.Number != "A07-003" || tk.BusinessDate != "2026-03-02" {
			t.Errorf("23:59 ticket %s %s, want A07-003 on 2026-03-02", tk.Number, tk.BusinessDate)
		}
		clk.Set(time.Date(2026, 3, 3, 0, 0, 0, 0, hall))
		if tk := issue(t, s, "svc-a"); tk.Number != "A07-001" || tk.BusinessDate != "2026-03-03" {
			t.Errorf("next day's ticket %s %s, want A07-001 on 2026-03-03", tk.Number, tk.BusinessDate)
		}
	})
	t.Run("never reused after reopen", func(t *testing.T) {
		clk := clock.NewFake(t0)
		o := testOptions(t, clk)
		s, err := Open(o)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			issue(t, s, "svc-a")
		}
		s.Close()
		s = openStore(t, o)
		if tk := issue(t, s, "svc-a"); tk.Number != "A07-004" || tk.Seq != 4 {
			t.Errorf("after reopen %s seq %d, want A07-004 seq 4", tk.Number, tk.Seq)
		}
	})
}

func TestTicketRules(t *testing.T) {
	ctx := context.Background()
	const id = "110101199003078035"
	t.Run("fair use", func(t *testing.T) {
		clk := clock.NewFake(t0)
		s := openStore(t, testOptions(t, clk))
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a", IDNumber: id}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			req  TicketRequest
			want error
		}{
			{"same ID same service", TicketRequest{ServiceID: "svc-a", IDNumber: id}, ErrAlreadyHasTicket},
			{"spaces around", TicketRequest{ServiceID: "svc-a", IDNumber: " " + id + " "}, ErrAlreadyHasTicket},
			{"other service", TicketRequest{ServiceID: "svc-b", IDNumber: id}, nil},
			{"other citizen", TicketRequest{ServiceID: "svc-a", IDNumber: "11010119900307803X"}, nil},
			{"no card", TicketRequest{ServiceID: "svc-a"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.IssueTicket(ctx, tc.req)
				if !errors.Is(err, tc.want) {
					t.Errorf("IssueTicket = %v, want %v", err, tc.want)
				}
			})
		}
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a", IDNumber: "11010119900307803x"}); !errors.Is(err, ErrAlreadyHasTicket) {
			t.Errorf("lower-case x = %v, want ErrAlreadyHasTicket", err)
		}
		clk.Advance(24 * time.Hour)
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a", IDNumber: id}); err != nil {
			t.Errorf("next day = %v, want a ticket", err)
		}
	})
	t.Run("offline daily cap", func(t *testing.T) {
		clk := clock.NewFake(t0)
		s := openStore(t, testOptions(t, clk))
		for i := range 3 {
			if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-b"}); err != nil {
				t.Fatalf("ticket %d: %v", i+1, err)
			}
		}
		before := queryInt(t, s, `SELECT count(*) FROM outbox`)
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-b"}); !errors.Is(err, ErrDailyCapReached) {
			t.Errorf("4th ticket = %v, want ErrDailyCapReached", err)
		}
		if after := queryInt(t, s, `SELECT count(*) FROM outbox`); after != before {
			t.Errorf("a refused ticket left %d records", after-before)
		}
	})
	t.Run("check-in tickets outside the cap", func(t *testing.T) {
		clk := clock.NewFake(t0)
		s := openStore(t, testOptions(t, clk))
		if _, err := s.db.Exec(`INSERT INTO appointments (code, business_date, service_id, start_at, end_at)
			VALUES ('AP-D', '2026-03-02', 'svc-d', ?, ?)`, t0.UnixNano(), t0.Add(time.Hour).UnixNano()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CheckIn(ctx, CheckInRequest{Code: "AP-D"}); err != nil {
			t.Fatal(err)
		}
		// A late arrival re-queued as a walk-in counts like one.
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-d", AppointmentCode: "AP-X"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-d"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-d"}); !errors.Is(err, ErrDailyCapReached) {
			t.Errorf("3rd walk-in ticket = %v, want ErrDailyCapReached", err)
		}
	})
	t.Run("back office cap", func(t *testing.T) {
		clk := clock.NewFake(t0)
		bo := newBackOffice(t, withBOClock(clk))
		o := testOptions(t, clk)
		o.Client = newTestClient(t, bo.url, clk)
		s := openStore(t, o)
		for range 2 {
			if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-d"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-d"}); !errors.Is(err, ErrDailyCapReached) {
			t.Errorf("3rd ticket = %v, want ErrDailyCapReached from the back office", err)
		}
	})
	t.Run("opening hours", func(t *testing.T) {
		clk := clock.NewFake(time.Date(2026, 3, 2, 8, 59, 0, 0, hall))
		s := openStore(t, testOptions(t, clk))
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-c"}); !errors.Is(err, ErrClosed) {
			t.Errorf("08:59 = %v, want ErrClosed", err)
		}
		clk.Advance(time.Minute)
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-c"}); err != nil {
			t.Errorf("09:00 = %v", err)
		}
		clk.Set(time.Date(2026, 3, 7, 10, 0, 0, 0, hall)) // Saturday
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-c"}); !errors.Is(err, ErrClosed) {
			t.Errorf("Saturday = %v, want ErrClosed", err)
		}
	})
	t.Run("unknown service", func(t *testing.T) {
		s := openStore(t, testOptions(t, clock.NewFake(t0)))
		if _, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "nope"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("IssueTicket = %v, want ErrNotFound", err)
		}
	})
}

func TestFindTicketAndPrintFailure(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk))
	o := testOptions(t, clk)
	o.Client = newTestClient(t, bo.url, clk)
	s := openStore(t, o)
	tk, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.FindTicket(ctx, tk.Number, tk.BusinessDate)
	if err != nil || got.RecordID != tk.RecordID || got.Seq != tk.Seq {
		t.Fatalf("FindTicket = %+v, %v; want %+v", got, err, tk)
	}
	if _, err := s.FindTicket(ctx, "Z999", tk.BusinessDate); !errors.Is(err, ErrNotFound) {
		t.Errorf("FindTicket(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.RecordPrintFailure(ctx, tk, "paper end"); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordPrintFailure(ctx, &Ticket{RecordID: "0190-unknown"}, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("RecordPrintFailure(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.RecordTechnicianAction(ctx, api.TechnicianAction{Action: "printer_test"}); err != nil {
		t.Fatal(err)
	}
	syncAll(t, s)
	recs := must[[]api.Record](t)(bo.srv.Records(testKioskID))
	var kinds []string
	for _, r := range recs {
		kinds = append(kinds, r.Kind)
	}
	if want := "ticket.issued ticket.print_failed technician.action"; strings.Join(kinds, " ") != want {
		t.Errorf("back office kinds %v, want %s", kinds, want)
	}
}

func TestCheckIn(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk))
	const id = "110101199003078035"
	for _, a := range []api.Appointment{
		{Code: "AP-1", ServiceID: "svc-a", Start: t0.Add(10 * time.Minute), End: t0.Add(40 * time.Minute), IDNumber: id, Name: "王小明"},
		{Code: "AP-2", ServiceID: "svc-b", Start: t0.Add(3 * time.Hour), End: t0.Add(4 * time.Hour), IDNumber: id, Name: "王小明"},
		{Code: "AP-3", ServiceID: "svc-a", Start: t0, End: t0.Add(time.Hour), IDNumber: "11010119800101001X", Name: "李四"},
	} {
		if err := bo.srv.AddAppointment(a); err != nil {
			t.Fatal(err)
		}
	}
	o := testOptions(t, clk)
	o.Client = newTestClient(t, bo.url, clk)
	s := openStore(t, o)
	if err := s.Refresh(ctx); err != nil {
		t.Fatalf("Refresh: %v", err)
	}

	a, err := s.FindAppointment(ctx, AppointmentQuery{IDNumber: id})
	if err != nil {
		t.Fatal(err)
	}
	if a.Code != "AP-1" || a.NameMasked != "王**" || a.CheckedIn {
		t.Errorf("FindAppointment by ID = %+v, want AP-1, 王**, not checked in", a)
	}
	if _, err := s.FindAppointment(ctx, AppointmentQuery{Code: "NOPE"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("FindAppointment(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := s.CheckIn(ctx, CheckInRequest{Code: "AP-3", Method: "id_card", IDNumber: id}); !errors.Is(err, ErrNotFound) {
		t.Errorf("check-in with another person's card = %v, want ErrNotFound", err)
	}

	tk, err := s.CheckIn(ctx, CheckInRequest{Code: "AP-1", Method: "id_card", IDNumber: id})
	if err != nil {
		t.Fatal(err)
	}
	if !tk.Priority || tk.Number != "A001" || tk.Offline {
		t.Errorf("check-in ticket %+v, want priority online A001", tk)
	}
	if _, err := s.CheckIn(ctx, CheckInRequest{Code: "AP-1", Method: "code"}); !errors.Is(err, ErrAlreadyCheckedIn) {
		t.Errorf("second check-in = %v, want ErrAlreadyCheckedIn", err)
	}
	// By ID, the next appointment not yet checked in comes up.
	if a, err := s.FindAppointment(ctx, AppointmentQuery{IDNumber: id}); err != nil || a.Code != "AP-2" {
		t.Errorf("FindAppointment after check-in = %+v, %v; want AP-2", a, err)
	}

	// Offline (back office gone) the check-in still works, from the cache.
	bo.http.Close()
	tk2, err := s.CheckIn(ctx, CheckInRequest{Code: "AP-3", Method: "qr", Late: true})
	if err != nil {
		t.Fatal(err)
	}
	if !tk2.Priority || tk2.Number != "A07-001" || !tk2.Offline {
		t.Errorf("offline check-in ticket %+v, want priority A07-001", tk2)
	}
	// Business rows and records: one ticket + one check-in record each.
	if n := queryInt(t, s, `SELECT count(*) FROM outbox WHERE kind = ?`, api.KindCheckIn); n != 2 {
		t.Errorf("%d check-in records, want 2", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM check_ins`); n != 2 {
		t.Errorf("%d check-in rows, want 2", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM appointments WHERE checked_in_at IS NOT NULL`); n != 2 {
		t.Errorf("%d appointments checked in, want 2", n)
	}
}

func TestCatalogCache(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	o := testOptions(t, clk)
	seed := api.Catalog{Version: "seed-0", Services: []api.Service{{ID: "svc-a", Prefix: "A"}}}
	o.SeedCatalog = must[[]byte](t)(jsonMarshal(seed))
	s := openStore(t, o)
	if c, _ := s.Catalog(ctx); c.Version != "seed-0" {
		t.Fatalf("first run catalog %q, want the seed", c.Version)
	}
	if err := s.Refresh(ctx); !errors.Is(err, ErrOffline) {
		t.Errorf("Refresh without back office = %v, want ErrOffline", err)
	}
	s.Close()

	bo := newBackOffice(t, withBOClock(clk))
	o.Client = newTestClient(t, bo.url, clk)
	s = openStore(t, o)
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Catalog(ctx); c.Version != "test-1" || len(c.Services) != 4 {
		t.Fatalf("catalog after refresh %q with %d services", c.Version, len(c.Services))
	}
	etag := s.catalog.Load().etag
	if etag == "" {
		t.Error("no ETag kept")
	}
	if err := s.Refresh(ctx); err != nil { // 304
		t.Fatal(err)
	}
	s.Close()

	// Offline again: the cached catalog, not the seed.
	o.Client = nil
	s = openStore(t, o)
	if c, _ := s.Catalog(ctx); c.Version != "test-1" {
		t.Errorf("offline restart catalog %q, want the cached test-1", c.Version)
	}
}

// TestFairUseAcrossKiosks: with the hall key from the back office, a
// citizen who took a ticket at one kiosk gets no second ticket of that
// service today at another kiosk of the hall; the key survives a restart
// sealed, never in clear in the database file.
func TestFairUseAcrossKiosks(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk), func(o *backoffice.Options) { o.Tokens["token-k08"] = "K08" })
	s1o := testOptions(t, clk)
	s1o.Client = newTestClient(t, bo.url, clk)
	s1 := openStore(t, s1o)
	s2o := testOptions(t, clk)
	s2o.KioskID, s2o.KioskNumber = "K08", 8
	s2o.Client = must[*Client](t)(NewClient(ClientOptions{BaseURL: bo.url, AllowInsecureHTTP: true,
		Token: "token-k08", KioskID: "K08", Clock: clk, Logger: discardLogger()}))
	s2 := openStore(t, s2o)
	for _, s := range []*Store{s1, s2} {
		if err := s.Refresh(ctx); err != nil {
			t.Fatalf("Refresh: %v", err)
		}
	}
	const citizen, other = "11010119900307803X", "110101199003078051"
	if tk, err := s1.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a", IDNumber: citizen}); err != nil || tk.Number != "A001" {
		t.Fatalf("first ticket %+v, %v", tk, err)
	}
	if _, err := s2.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a", IDNumber: strings.ToLower(citizen)}); !errors.Is(err, ErrAlreadyHasTicket) {
		t.Fatalf("second ticket at another kiosk: %v, want ErrAlreadyHasTicket", err)
	}
	if _, err := s2.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a", IDNumber: other}); err != nil {
		t.Fatalf("another citizen: %v", err)
	}
	if _, err := s2.IssueTicket(ctx, TicketRequest{ServiceID: "svc-b", IDNumber: citizen}); err != nil {
		t.Fatalf("another service: %v", err)
	}

	// After a restart the key comes from the database, sealed.
	s2.Close()
	s2 = openStore(t, s2o)
	if _, err := s2.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a", IDNumber: citizen}); !errors.Is(err, ErrAlreadyHasTicket) {
		t.Fatalf("after restart: %v, want ErrAlreadyHasTicket", err)
	}
	s2.Close()
	key := testutil.HallKey(t, bo.url, testToken)
	if len(key) != 32 {
		t.Fatalf("hall key of %d bytes, want 32", len(key))
	}
	for _, f := range []string{s2o.Path, s2o.Path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, key) || bytes.Contains(b, []byte(hex.EncodeToString(key))) {
			t.Errorf("%s holds the hall key in clear", f)
		}
	}
}
