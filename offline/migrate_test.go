package offline

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
)

// fixture writes data that a kiosk at schema version v could hold: a pending
// offline ticket, an acknowledged one, and from v2 a cached appointment, from
// v3 a rating. Written with that version's SQL, as that build would have.
func fixture(t *testing.T, db *sql.DB, v int) {
	t.Helper()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("fixture v%d: %s: %v", v, q, err)
		}
	}
	if v < 1 {
		return
	}
	at := t0.UnixNano()
	for i, state := range []string{"acknowledged", "pending"} {
		id := fmt.Sprintf("0195f000-0000-7000-8000-00000000000%d", i+1)
		exec(`INSERT INTO outbox (seq, id, kind, occurred_at, payload, sealed, payload_sha256, state)
			VALUES (?, ?, 'ticket.issued', ?, '{}', 0, 'x', ?)`, i+1, id, at, state)
		exec(`INSERT INTO tickets (record_id, number, service_id, business_date, issued_at, offline)
			VALUES (?, ?, 'svc-a', '2026-03-02', ?, 1)`, id, fmt.Sprintf("A07-%03d", i+1), at)
	}
	exec(`INSERT INTO ticket_counters (service_id, business_date, last) VALUES ('svc-a', '2026-03-02', 2)`)
	if v >= 4 {
		// A v4 build stamps the acknowledgement.
		exec(`UPDATE outbox SET acked_at = ? WHERE state = 'acknowledged'`, at)
	}
	if v >= 2 {
		exec(`INSERT INTO appointments (code, business_date, service_id, start_at, end_at, status)
			VALUES ('AP-9', '2026-03-02', 'svc-a', ?, ?, 'booked')`, at, at)
	}
	if v >= 3 {
		id := "0195f000-0000-7000-8000-000000000003"
		exec(`INSERT INTO outbox (seq, id, kind, occurred_at, payload, sealed, payload_sha256, state)
			VALUES (3, ?, 'rating', ?, '{"overall":5}', 0, 'x', 'pending')`, id, at)
		exec(`INSERT INTO ratings (record_id, business_date, overall, at) VALUES (?, '2026-03-02', 5, ?)`, id, at)
	}
}

func schemaOf(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, q string
		if err := rows.Scan(&typ, &name, &q); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s: %s\n", typ, name, q)
	}
	return b.String()
}

// TestMigrateFromEveryVersion builds a database at every earlier version
// with data, opens it with this build and checks that the schema is the
// fresh one, the data survived and the store works on it.
func TestMigrateFromEveryVersion(t *testing.T) {
	ctx := context.Background()
	fresh := openStore(t, testOptions(t, clock.NewFake(t0)))
	want := schemaOf(t, fresh.db)

	for from := 0; from < SchemaVersion; from++ {
		t.Run(fmt.Sprintf("from v%d", from), func(t *testing.T) {
			o := testOptions(t, clock.NewFake(t0))
			db, err := sql.Open("sqlite3", o.Path+"?"+writerParams)
			if err != nil {
				t.Fatal(err)
			}
			db.SetMaxOpenConns(1)
			if err := migrate(ctx, db, from, t0.UnixNano()); err != nil {
				t.Fatal(err)
			}
			if v, _ := schemaVersion(ctx, db); v != from {
				t.Fatalf("built version %d, want %d", v, from)
			}
			fixture(t, db, from)
			db.Close()

			s := openStore(t, o)
			if v, _ := schemaVersion(ctx, s.db); v != SchemaVersion {
				t.Fatalf("version after Open %d, want %d", v, SchemaVersion)
			}
			if got := schemaOf(t, s.db); got != want {
				t.Errorf("schema differs from a fresh database:\n got: %s\nwant: %s", got, want)
			}
			if from >= 1 {
				old, err := s.FindTicket(ctx, "A07-002", "2026-03-02")
				if err != nil {
					t.Errorf("old ticket lost: %v", err)
				} else if old.PageToken != "" || old.Number != "A07-002" || !old.Offline {
					t.Errorf("old ticket after migration: %+v", old)
				}
				if n := queryInt(t, s, `SELECT count(*) FROM outbox WHERE state = 'acknowledged' AND acked_at IS NULL`); n != 0 {
					t.Errorf("%d acknowledged records without acked_at", n)
				}
			}
			if from >= 2 {
				if _, err := s.FindAppointment(ctx, AppointmentQuery{Code: "AP-9"}); err != nil {
					t.Errorf("cached appointment lost: %v", err)
				}
			}
			before := queryInt(t, s, `SELECT count(*) FROM outbox`)
			tk, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a"})
			if err != nil {
				t.Fatal(err)
			}
			wantNum := "A07-001"
			if from >= 1 {
				wantNum = "A07-003"
			}
			if !api.ValidPageToken(tk.PageToken) {
				t.Errorf("ticket after migration has page token %q", tk.PageToken)
			}
			if tk.Number != wantNum || tk.Seq != int64(before+1) {
				t.Errorf("ticket after migration %s seq %d, want %s seq %d", tk.Number, tk.Seq, wantNum, before+1)
			}
		})
	}
}

func TestRefuseNewerSchema(t *testing.T) {
	o := testOptions(t, clock.NewFake(t0))
	s := openStore(t, o)
	if _, err := s.db.Exec(`INSERT INTO schema_version (version, applied_at) VALUES (?, 0)`, SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(o); err == nil || !strings.Contains(err.Error(), "newer than this build") {
		t.Fatalf("Open of a newer schema = %v", err)
	}
}
