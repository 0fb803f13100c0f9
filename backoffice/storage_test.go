package backoffice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"hallkiosk/backoffice/api"
)

func TestSQLiteDurabilitySettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := st.(*sqliteStorage)
	for _, tc := range []struct {
		pragma string
		want   string
	}{
		{"synchronous", "2"},
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
		{"user_version", fmt.Sprint(len(migrations))},
	} {
		t.Run(tc.pragma, func(t *testing.T) {
			var got string
			if err := s.w.QueryRow("PRAGMA " + tc.pragma).Scan(&got); err != nil || got != tc.want {
				t.Fatalf("PRAGMA %s = %q (%v), want %q", tc.pragma, got, err, tc.want)
			}
		})
	}
	t.Run("readers cannot write", func(t *testing.T) {
		_, err := s.r.Exec(`INSERT INTO markers (key) VALUES ('x')`)
		if err == nil {
			t.Fatal("the reader pool wrote")
		}
	})
	t.Run("unique indexes exist", func(t *testing.T) {
		rows, err := s.w.Query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' AND sql LIKE 'CREATE UNIQUE%'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"records_id", "records_kiosk_seq"}) {
			t.Fatalf("unique indexes %v", names)
		}
	})
}

func TestSQLiteRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	st.(*sqliteStorage).w.Exec("PRAGMA user_version = 99")
	st.Close()
	if _, err := OpenSQLite(path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("opened a database from the future: %v", err)
	}
	if _, err := OpenSQLite(""); err == nil {
		t.Fatal("opened an empty path")
	}
}

func TestSQLiteUniqueIndexIsAnError(t *testing.T) {
	st, err := OpenSQLite(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := StoredRecord{Record: rec(t, 1, api.KindSuggestion, suggestion(1)), KioskID: "K01"}
	err = st.Update(t.Context(), func(tx Tx) error {
		if err := tx.InsertRecord(r); err != nil {
			return err
		}
		r2 := r
		r2.Seq = 2
		return tx.InsertRecord(r2) // same id
	})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("err %v, want ErrConflict", err)
	}
	// The failed transaction left nothing behind.
	var n int
	st.View(t.Context(), func(tx Tx) (err error) { n, err = tx.CountRecords("K01"); return })
	if n != 0 {
		t.Fatalf("%d records after rollback", n)
	}
}

// TestReopenKeepsData restarts the back office on the same file: stored
// records, their permanent uniqueness, the watermark and the day's ticket
// series all survive.
func TestReopenKeepsData(t *testing.T) {
	e := newEnv(t, nil)
	batch := []api.Record{
		rec(t, 1, api.KindSuggestion, suggestion(1)),
		rec(t, 2, api.KindSuggestion, suggestion(2)),
	}
	e.sync(tokK1, "K01", batch...)
	e.ticket(tokK1, "K01", newID(t), "b", false)
	e.http.Close()
	if err := e.srv.Close(); err != nil {
		t.Fatal(err)
	}

	e2 := newEnv(t, func(o *Options) { o.DBPath = e.path })
	if n, _ := e2.srv.RecordCount("K01"); n != 2 {
		t.Fatalf("%d records after reopen", n)
	}
	other := rec(t, 1, api.KindSuggestion, suggestion(7))
	other.ID = batch[0].ID
	steps := []struct {
		name string
		recs []api.Record
		want []string
	}{
		{"resend after restart", batch, []string{"duplicate", "duplicate"}},
		{"same id, other payload", []api.Record{other}, []string{"rejected"}},
		{"seq collision", []api.Record{rec(t, 2, api.KindSuggestion, suggestion(8))}, []string{"rejected"}},
		{"next seq", []api.Record{rec(t, 3, api.KindSuggestion, suggestion(9))}, []string{"created"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e2.t = t
			resp := e2.sync(tokK1, "K01", st.recs...)
			if got := statuses(resp); !slices.Equal(got, st.want) {
				t.Fatalf("statuses %v, want %v", got, st.want)
			}
		})
	}
	e2.t = t
	if got := e2.ticket(tokK1, "K01", newID(t), "b", false); got.Number != "B002" || got.PeopleAhead != 1 {
		t.Fatalf("ticket after restart %+v", got)
	}
	if resp := e2.sync(tokK1, "K01"); resp.AckedThroughSeq != 3 {
		t.Fatalf("acked %d", resp.AckedThroughSeq)
	}
}

func TestMemoryStorage(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.DBPath = ":memory:" })
	e.sync(tokK1, "K01", rec(t, 1, api.KindSuggestion, suggestion(1)))
	if n, _ := e.srv.RecordCount("K01"); n != 1 {
		t.Fatalf("%d records", n)
	}
	if got := e.ticket(tokK1, "K01", newID(t), "a", false); got.Number != "A001" {
		t.Fatalf("%+v", got)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no tokens", Options{DBPath: filepath.Join(dir, "a.db")}, "no tokens"},
		{"empty kiosk id", Options{DBPath: filepath.Join(dir, "b.db"), Tokens: map[string]string{"t": ""}}, "empty token"},
		{"bad catalog", Options{DBPath: filepath.Join(dir, "c.db"), Tokens: map[string]string{"t": "K"}, Catalog: []byte(`{`)}, "catalog"},
		{"no db path", Options{Tokens: map[string]string{"t": "K"}}, "empty database path"},
		{"db in a missing dir", Options{DBPath: filepath.Join(dir, "no", "such", "d.db"), Tokens: map[string]string{"t": "K"}}, "open sqlite"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(tc.opts)
			if err == nil {
				s.Close()
				t.Fatal("opened")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %q, want %q", err, tc.want)
			}
		})
	}
}

// TestMigrateFromEveryVersion opens a database left at each earlier schema
// version, with a ticket in it, and checks it reaches the current version
// with the ticket intact.
func TestMigrateFromEveryVersion(t *testing.T) {
	for v := 1; v < len(migrations); v++ {
		t.Run(fmt.Sprintf("from %d", v), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			db, err := sql.Open("sqlite3", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range migrations[:v] {
				if _, err := db.Exec(m); err != nil {
					t.Fatal(err)
				}
			}
			_, err = db.Exec(fmt.Sprintf(`PRAGMA user_version = %d;
				INSERT INTO tickets (business_date, number, service_id, record_id, kiosk_id, source, issued_at, status)
				VALUES ('2026-11-30', 'A001', 'a', NULL, 'K01', 'reserved', 1, 'waiting')`, v))
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			st, err := OpenSQLite(path)
			if err != nil {
				t.Fatalf("open a version %d database: %v", v, err)
			}
			defer st.Close()
			var got string
			if err := st.(*sqliteStorage).w.QueryRow("PRAGMA user_version").Scan(&got); err != nil || got != fmt.Sprint(len(migrations)) {
				t.Fatalf("user_version %q (%v), want %d", got, err, len(migrations))
			}
			err = st.View(context.Background(), func(tx Tx) error {
				tk, err := tx.TicketByNumber("2026-11-30", "A001")
				if err != nil || tk == nil || tk.Status != TicketWaiting || tk.IDHash != "" || tk.PageToken != "" || !tk.DoneAt.IsZero() {
					return fmt.Errorf("ticket after migration %+v %v", tk, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A database from before one kiosk, one series may hold several series for
// one kiosk. Migrating keeps each kiosk the series of its earliest ticket
// (the lowest number when none of them has a ticket) and frees the others.
func TestMigrateKeepsOneOfflineSeriesPerKiosk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range migrations[:4] {
		if _, err := db.Exec(m); err != nil {
			t.Fatal(err)
		}
	}
	// K01 reported B03 first, then B01 and AB02 (a two-letter prefix);
	// B101-001 is no number of series 01. K02 reported nothing that
	// reached the queue.
	_, err = db.Exec(`PRAGMA user_version = 4;
		INSERT INTO offline_series (number, kiosk_id) VALUES (1, 'K01'), (2, 'K01'), (3, 'K01'), (5, 'K02'), (4, 'K02');
		INSERT INTO tickets (business_date, number, service_id, record_id, kiosk_id, source, offline, issued_at, status) VALUES
			('2026-11-30', 'B001', 'b', NULL, 'K01', 'reserved', 0, 1, 'waiting'),
			('2026-11-30', 'B101-001', 'b', NULL, 'K01', 'record', 1, 1, 'waiting'),
			('2026-11-30', 'B03-001', 'b', NULL, 'K01', 'record', 1, 5, 'waiting'),
			('2026-11-30', 'B01-001', 'b', NULL, 'K01', 'record', 1, 2, 'waiting'),
			('2026-11-30', 'AB02-001', 'a', NULL, 'K01', 'record', 1, 3, 'waiting')`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	st, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	want := map[int]string{3: "K01", 4: "K02"}
	rows, err := st.(*sqliteStorage).w.Query(`SELECT number, kiosk_id FROM offline_series`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	for rows.Next() {
		var n int
		var k string
		if err := rows.Scan(&n, &k); err != nil {
			t.Fatal(err)
		}
		got[n] = k
	}
	rows.Close()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("series after migration %v, want %v", got, want)
	}
	// The freed series go to the kiosks that report them; a kiosk keeps
	// the one it holds and gets no other.
	err = st.Update(context.Background(), func(tx Tx) error {
		for _, c := range []struct {
			number int
			kiosk  string
			held   bool
		}{{1, "K03", true}, {2, "K01", false}, {3, "K01", true}, {5, "K02", false}, {2, "K04", true}} {
			held, err := tx.ClaimOfflineSeries(c.number, c.kiosk)
			if err != nil || held != c.held {
				return fmt.Errorf("claim %02d for %s: %v %v, want %v", c.number, c.kiosk, held, err, c.held)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
