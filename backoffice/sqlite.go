package backoffice

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"hallkiosk/backoffice/api"
)

// sqliteParams are the writer's DSN parameters (docs/offline-sync.md §2.2): WAL
// with synchronous=FULL, because the driver forces NORMAL for WAL unless
// _sync is given and WAL+NORMAL can lose acknowledged commits on power loss;
// BEGIN IMMEDIATE so a read-then-write transaction waits for the lock
// instead of failing with SQLITE_BUSY outside the busy handler.
const sqliteParams = "_journal_mode=WAL&_sync=FULL&_txlock=immediate&_busy_timeout=5000&_fk=1&_stmt_cache_size=64"

// migrations are applied in order; PRAGMA user_version counts the applied
// ones. Append, never edit: a deployed database has run the old text.
var migrations = []string{
	// 1: records with their permanent unique indexes, kiosk watermarks,
	// ticket series and queue, appointments, progress, ratings.
	`
CREATE TABLE records (
	n              INTEGER PRIMARY KEY,
	id             TEXT NOT NULL,
	kiosk_id       TEXT NOT NULL,
	seq            INTEGER NOT NULL,
	kind           TEXT NOT NULL,
	occurred_at    TEXT NOT NULL,
	payload        BLOB NOT NULL,
	payload_sha256 TEXT NOT NULL,
	received_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX records_id ON records(id);
CREATE UNIQUE INDEX records_kiosk_seq ON records(kiosk_id, seq);

CREATE TABLE kiosks (
	kiosk_id      TEXT PRIMARY KEY,
	acked_through INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE ticket_series (
	business_date TEXT NOT NULL,
	service_id    TEXT NOT NULL,
	last          INTEGER NOT NULL,
	PRIMARY KEY (business_date, service_id)
) WITHOUT ROWID;

CREATE TABLE tickets (
	id               INTEGER PRIMARY KEY,
	business_date    TEXT NOT NULL,
	number           TEXT NOT NULL,
	service_id       TEXT NOT NULL,
	record_id        TEXT,
	kiosk_id         TEXT NOT NULL,
	source           TEXT NOT NULL,
	offline          INTEGER NOT NULL DEFAULT 0,
	priority         INTEGER NOT NULL DEFAULT 0,
	appointment_code TEXT NOT NULL DEFAULT '',
	issued_at        INTEGER NOT NULL,
	status           TEXT NOT NULL,
	called_at        INTEGER,
	counter_id       TEXT NOT NULL DEFAULT '',
	print_failed     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX tickets_number ON tickets(business_date, number);
CREATE UNIQUE INDEX tickets_record ON tickets(record_id);
CREATE INDEX tickets_queue ON tickets(business_date, status, service_id, priority, issued_at);

CREATE TABLE appointments (
	code          TEXT PRIMARY KEY,
	date          TEXT NOT NULL,
	service_id    TEXT NOT NULL,
	start_at      TEXT NOT NULL,
	end_at        TEXT NOT NULL,
	id_number     TEXT NOT NULL,
	name          TEXT NOT NULL,
	status        TEXT NOT NULL,
	status_at     TEXT
) WITHOUT ROWID;
CREATE INDEX appointments_date ON appointments(date, start_at);

CREATE TABLE progress (
	receipt  TEXT PRIMARY KEY,
	id_last4 TEXT NOT NULL,
	body     BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE ratings (
	record_id     TEXT PRIMARY KEY,
	business_date TEXT NOT NULL,
	ticket_number TEXT NOT NULL,
	service_id    TEXT NOT NULL,
	overall       INTEGER NOT NULL,
	indicators    TEXT NOT NULL,
	reasons       TEXT NOT NULL,
	at            TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE markers (key TEXT PRIMARY KEY) WITHOUT ROWID;
`,
	// 2: hall-wide fair use — the hall's ID-hash key, and each ticket's
	// keyed ID hash so a citizen's tickets from every kiosk are comparable.
	`
CREATE TABLE secrets (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
ALTER TABLE tickets ADD COLUMN id_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX tickets_id_hash ON tickets(business_date, service_id, id_hash) WHERE id_hash <> '';
`,
	// 3: which kiosk prints which offline series (A07-015 is kiosk 07's).
	`
CREATE TABLE offline_series (
	number   INTEGER PRIMARY KEY,
	kiosk_id TEXT NOT NULL
);
`,
	// 4: the ticket page's token, and when a counter finished with a
	// ticket (the service times behind the wait estimate).
	`
ALTER TABLE tickets ADD COLUMN page_token TEXT;
ALTER TABLE tickets ADD COLUMN done_at INTEGER;
CREATE UNIQUE INDEX tickets_page_token ON tickets(page_token) WHERE page_token IS NOT NULL;
CREATE INDEX tickets_service_times ON tickets(service_id, called_at) WHERE status = 'done';
`,
	// 5: a kiosk prints one offline series. A database from before this
	// rule may hold several series for one kiosk (a token that reported
	// numbers of many series claimed them all); each kiosk keeps the series
	// of its earliest ticket in the queue (the lowest number if none has
	// one), and the others go free for the kiosks they belong to. Tickets
	// already in the queue stay there.
	`
DELETE FROM offline_series WHERE number IN (
	SELECT number FROM (
		SELECT s.number, ROW_NUMBER() OVER (PARTITION BY s.kiosk_id ORDER BY
			COALESCE((SELECT MIN(t.id) FROM tickets t WHERE t.kiosk_id = s.kiosk_id
				AND t.number GLOB '*[A-Z]' || printf('%02d', s.number) || '-[0-9]*'), 9223372036854775807),
			s.number) AS nth
		FROM offline_series s
	) WHERE nth > 1
);
CREATE UNIQUE INDEX offline_series_kiosk ON offline_series(kiosk_id);
`,
}

type sqliteStorage struct {
	w *sql.DB // the single writer connection
	r *sql.DB // the reader pool; the writer itself for an in-memory database
}

// OpenSQLite opens the SQLite database at path, creating it and applying
// the schema migrations it lacks. ":memory:" gives a private in-memory
// database (tests and throw-away demos). The writer is one connection
// (the driver is not safe for concurrent writers) and start-up fails unless
// SQLite confirms synchronous=FULL and, for a file, WAL.
func OpenSQLite(path string) (Storage, error) {
	if path == "" {
		return nil, errors.New("open sqlite: empty database path")
	}
	memory := path == ":memory:"
	var writerDSN string
	if memory {
		writerDSN = "file::memory:?_sync=FULL&_txlock=immediate&_fk=1"
	} else {
		writerDSN = "file:" + escapeSQLitePath(path) + "?" + sqliteParams
	}
	w, err := sql.Open("sqlite3", writerDSN)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	// An in-memory database lives only as long as its connection.
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &sqliteStorage{w: w, r: w}
	if err := s.check(memory); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := s.migrate(); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if !memory {
		// Readers never block the writer in WAL mode; _query_only makes a
		// stray write through this pool an error instead of a second writer.
		r, err := sql.Open("sqlite3", "file:"+escapeSQLitePath(path)+"?_query_only=1&_busy_timeout=5000&_txlock=deferred")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite reader %s: %w", path, err)
		}
		r.SetMaxOpenConns(4)
		s.r = r
	}
	return s, nil
}

func escapeSQLitePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// check asserts the durability settings the DSN asked for, because the
// driver silently falls back to NORMAL when a parameter is misspelt.
func (s *sqliteStorage) check(memory bool) error {
	var sync int
	if err := s.w.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil {
		return fmt.Errorf("read synchronous: %w", err)
	}
	if sync != 2 {
		return fmt.Errorf("synchronous is %d, want 2 (FULL)", sync)
	}
	if memory {
		return nil
	}
	var mode string
	if err := s.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal_mode: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("journal_mode is %q, want wal", mode)
	}
	return nil
}

func (s *sqliteStorage) migrate() error {
	var have int
	if err := s.w.QueryRow("PRAGMA user_version").Scan(&have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this program's %d", have, len(migrations))
	}
	for v := have; v < len(migrations); v++ {
		tx, err := s.w.Begin()
		if err != nil {
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		if _, err := tx.Exec(migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		// PRAGMA takes no bound parameters; v is our own integer.
		if _, err := tx.Exec(fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate to %d: commit: %w", v+1, err)
		}
	}
	return nil
}

func (s *sqliteStorage) Update(ctx context.Context, fn func(Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", classify(err))
	}
	if err := fn(&sqliteTx{ctx: ctx, tx: tx}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", classify(err))
	}
	return nil
}

func (s *sqliteStorage) View(ctx context.Context, fn func(Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", classify(err))
	}
	defer tx.Rollback()
	return fn(&sqliteTx{ctx: ctx, tx: tx, readOnly: true})
}

func (s *sqliteStorage) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping: %w", classify(err))
	}
	return nil
}

func (s *sqliteStorage) Close() error {
	var errR error
	if s.r != s.w {
		errR = s.r.Close()
	}
	return errors.Join(errR, s.w.Close())
}

// classify wraps SQLite errors in the storage sentinels the server maps to
// HTTP answers.
func classify(err error) error {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code {
	case sqlite3.ErrBusy, sqlite3.ErrLocked:
		return fmt.Errorf("%w: %w", ErrBusy, err)
	case sqlite3.ErrFull:
		return fmt.Errorf("%w: %w", ErrFull, err)
	case sqlite3.ErrConstraint:
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return err
}

type sqliteTx struct {
	ctx      context.Context
	tx       *sql.Tx
	readOnly bool
}

func (t *sqliteTx) exec(q string, args ...any) (sql.Result, error) {
	if t.readOnly {
		return nil, errors.New("write in a read-only transaction")
	}
	res, err := t.tx.ExecContext(t.ctx, q, args...)
	if err != nil {
		return nil, classify(err)
	}
	return res, nil
}

func (t *sqliteTx) queryRow(q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, q, args...)
}

// noRow turns sql.ErrNoRows into found=false.
func noRow(err error) (found bool, _ error) {
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, classify(err)
	}
	return true, nil
}

const timeText = time.RFC3339Nano

func parseTimeText(s string) time.Time {
	t, _ := time.Parse(timeText, s)
	return t
}

func (t *sqliteTx) RecordKeys(kioskID string, ids []string, seqs []int64) ([]RecordKey, error) {
	if len(ids) == 0 && len(seqs) == 0 {
		return nil, nil
	}
	// The lists travel as JSON arrays: one statement, whatever the batch
	// size, and both halves walk a unique index.
	idList, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("record keys: %w", err)
	}
	seqList, err := json.Marshal(seqs)
	if err != nil {
		return nil, fmt.Errorf("record keys: %w", err)
	}
	rows, err := t.tx.QueryContext(t.ctx, `
		SELECT id, kiosk_id, seq, kind, payload_sha256 FROM records
		 WHERE id IN (SELECT value FROM json_each(?1))
		UNION
		SELECT id, kiosk_id, seq, kind, payload_sha256 FROM records
		 WHERE kiosk_id = ?2 AND seq IN (SELECT value FROM json_each(?3))`,
		string(idList), kioskID, string(seqList))
	if err != nil {
		return nil, fmt.Errorf("record keys: %w", classify(err))
	}
	defer rows.Close()
	var out []RecordKey
	for rows.Next() {
		var k RecordKey
		if err := rows.Scan(&k.ID, &k.KioskID, &k.Seq, &k.Kind, &k.PayloadSHA256); err != nil {
			return nil, fmt.Errorf("record keys: %w", err)
		}
		out = append(out, k)
	}
	return out, wrapErr("record keys", rows.Err())
}

func (t *sqliteTx) InsertRecord(r StoredRecord) error {
	_, err := t.exec(`INSERT INTO records (id, kiosk_id, seq, kind, occurred_at, payload, payload_sha256, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.KioskID, r.Seq, r.Kind, r.OccurredAt.Format(timeText), []byte(r.Payload), r.PayloadSHA256,
		r.ReceivedAt.UTC().Format(timeText))
	return wrapErr("insert record", err)
}

func (t *sqliteTx) KioskRecords(kioskID string) ([]StoredRecord, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, kiosk_id, seq, kind, occurred_at, payload, payload_sha256, received_at
		FROM records WHERE kiosk_id = ? ORDER BY seq`, kioskID)
	if err != nil {
		return nil, fmt.Errorf("kiosk records: %w", classify(err))
	}
	defer rows.Close()
	var out []StoredRecord
	for rows.Next() {
		var r StoredRecord
		var occ, recv string
		var payload []byte
		if err := rows.Scan(&r.ID, &r.KioskID, &r.Seq, &r.Kind, &occ, &payload, &r.PayloadSHA256, &recv); err != nil {
			return nil, fmt.Errorf("kiosk records: %w", err)
		}
		r.OccurredAt, r.ReceivedAt, r.Payload = parseTimeText(occ), parseTimeText(recv), payload
		out = append(out, r)
	}
	return out, wrapErr("kiosk records", rows.Err())
}

func (t *sqliteTx) CountRecords(kioskID string) (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM records WHERE kiosk_id = ?`, kioskID).Scan(&n)
	return n, wrapErr("count records", err)
}

func (t *sqliteTx) Watermark(kioskID string, maxGaps int) (int64, [][2]int64, error) {
	var acked int64
	if _, err := noRow(t.queryRow(`SELECT acked_through FROM kiosks WHERE kiosk_id = ?`, kioskID).Scan(&acked)); err != nil {
		return 0, nil, fmt.Errorf("watermark: %w", err)
	}
	// The end of the contiguous run that starts right after the old mark is
	// the smallest stored seq above it whose successor is missing.
	// ORDER BY … LIMIT 1 walks the (kiosk_id, seq) index upwards and stops
	// at the first hit, where MIN() might scan the whole tail.
	var end int64
	err := t.queryRow(`SELECT r.seq FROM records r
		WHERE r.kiosk_id = ?1 AND r.seq > ?2
		  AND EXISTS (SELECT 1 FROM records WHERE kiosk_id = ?1 AND seq = ?2 + 1)
		  AND NOT EXISTS (SELECT 1 FROM records n WHERE n.kiosk_id = ?1 AND n.seq = r.seq + 1)
		ORDER BY r.seq LIMIT 1`,
		kioskID, acked).Scan(&end)
	found, err := noRow(err)
	if err != nil {
		return 0, nil, fmt.Errorf("watermark: %w", err)
	}
	if found && end > acked {
		acked = end
		if !t.readOnly {
			if _, err := t.exec(`INSERT INTO kiosks (kiosk_id, acked_through) VALUES (?, ?)
				ON CONFLICT (kiosk_id) DO UPDATE SET acked_through = excluded.acked_through`, kioskID, acked); err != nil {
				return 0, nil, fmt.Errorf("watermark: %w", err)
			}
		}
	}
	// Everything stored above the mark sits after a gap. Walking it costs
	// one index row per record, which stays small unless a record is
	// dead-lettered on the kiosk and its seq never arrives.
	rows, err := t.tx.QueryContext(t.ctx, `SELECT seq FROM records WHERE kiosk_id = ? AND seq > ? ORDER BY seq`, kioskID, acked)
	if err != nil {
		return 0, nil, fmt.Errorf("watermark gaps: %w", classify(err))
	}
	defer rows.Close()
	var gaps [][2]int64
	prev := acked
	for rows.Next() && len(gaps) < maxGaps {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return 0, nil, fmt.Errorf("watermark gaps: %w", err)
		}
		if seq > prev+1 {
			gaps = append(gaps, [2]int64{prev + 1, seq - 1})
		}
		prev = seq
	}
	return acked, gaps, wrapErr("watermark gaps", rows.Err())
}

func (t *sqliteTx) NextTicketSerial(date, serviceID string) (int, error) {
	var n int
	err := t.queryRow(`INSERT INTO ticket_series (business_date, service_id, last) VALUES (?, ?, 1)
		ON CONFLICT (business_date, service_id) DO UPDATE SET last = last + 1
		RETURNING last`, date, serviceID).Scan(&n)
	return n, wrapErr("next ticket serial", classifyNil(err))
}

func (t *sqliteTx) BumpTicketSerial(date, serviceID string, n int) error {
	_, err := t.exec(`INSERT INTO ticket_series (business_date, service_id, last) VALUES (?, ?, ?)
		ON CONFLICT (business_date, service_id) DO UPDATE SET last = max(last, excluded.last)`, date, serviceID, n)
	return wrapErr("bump ticket serial", err)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (t *sqliteTx) InsertTicket(tk *Ticket) error {
	res, err := t.exec(`INSERT INTO tickets (business_date, number, service_id, record_id, kiosk_id, source,
		offline, priority, appointment_code, issued_at, status, called_at, counter_id, print_failed, id_hash,
		page_token, done_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tk.BusinessDate, tk.Number, tk.ServiceID, nullString(tk.RecordID), tk.KioskID, tk.Source,
		boolInt(tk.Offline), boolInt(tk.Priority), tk.AppointmentCode, tk.IssuedAt.UnixNano(), tk.Status,
		nullTime(tk.CalledAt), tk.Counter, boolInt(tk.PrintFailed), tk.IDHash,
		nullString(tk.PageToken), nullTime(tk.DoneAt))
	if err != nil {
		return fmt.Errorf("insert ticket: %w", err)
	}
	tk.ID, err = res.LastInsertId()
	return wrapErr("insert ticket", err)
}

func (t *sqliteTx) UpdateTicket(tk *Ticket) error {
	_, err := t.exec(`UPDATE tickets SET number = ?, source = ?, offline = ?, issued_at = ?, status = ?,
		called_at = ?, counter_id = ?, priority = ?, appointment_code = ?, print_failed = ?, id_hash = ?,
		page_token = ?, done_at = ? WHERE id = ?`,
		tk.Number, tk.Source, boolInt(tk.Offline), tk.IssuedAt.UnixNano(), tk.Status,
		nullTime(tk.CalledAt), tk.Counter, boolInt(tk.Priority), tk.AppointmentCode,
		boolInt(tk.PrintFailed), tk.IDHash, nullString(tk.PageToken), nullTime(tk.DoneAt), tk.ID)
	return wrapErr("update ticket", err)
}

const ticketColumns = `id, business_date, number, service_id, COALESCE(record_id, ''), kiosk_id, source, offline,
	priority, appointment_code, issued_at, status, called_at, counter_id, print_failed, id_hash,
	COALESCE(page_token, ''), done_at`

func scanTicket(row interface{ Scan(...any) error }) (*Ticket, error) {
	var tk Ticket
	var issued int64
	var called, done sql.NullInt64
	err := row.Scan(&tk.ID, &tk.BusinessDate, &tk.Number, &tk.ServiceID, &tk.RecordID, &tk.KioskID, &tk.Source,
		&tk.Offline, &tk.Priority, &tk.AppointmentCode, &issued, &tk.Status, &called, &tk.Counter, &tk.PrintFailed,
		&tk.IDHash, &tk.PageToken, &done)
	if err != nil {
		return nil, err
	}
	tk.IssuedAt = time.Unix(0, issued).UTC()
	if called.Valid {
		tk.CalledAt = time.Unix(0, called.Int64).UTC()
	}
	if done.Valid {
		tk.DoneAt = time.Unix(0, done.Int64).UTC()
	}
	return &tk, nil
}

func (t *sqliteTx) ticketWhere(what, where string, args ...any) (*Ticket, error) {
	tk, err := scanTicket(t.queryRow(`SELECT `+ticketColumns+` FROM tickets WHERE `+where, args...))
	if found, err := noRow(err); !found || err != nil {
		return nil, wrapErr(what, err)
	}
	return tk, nil
}

func (t *sqliteTx) TicketByRecord(recordID string) (*Ticket, error) {
	return t.ticketWhere("ticket by record", `record_id = ?`, recordID)
}

func (t *sqliteTx) TicketByNumber(date, number string) (*Ticket, error) {
	return t.ticketWhere("ticket by number", `business_date = ? AND number = ?`, date, number)
}

func (t *sqliteTx) CountIssued(date, serviceID string) (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM tickets WHERE business_date = ? AND service_id = ? AND status <> 'void'`, date, serviceID).Scan(&n)
	return n, wrapErr("count issued", classifyNil(err))
}

func (t *sqliteTx) WaitingAhead(tk *Ticket) (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM tickets
		WHERE business_date = ?1 AND service_id = ?2 AND status = 'waiting' AND id <> ?3
		  AND (priority > ?4 OR (priority = ?4 AND (issued_at < ?5 OR (issued_at = ?5 AND id < ?3))))`,
		tk.BusinessDate, tk.ServiceID, tk.ID, boolInt(tk.Priority), tk.IssuedAt.UnixNano()).Scan(&n)
	return n, wrapErr("waiting ahead", classifyNil(err))
}

func (t *sqliteTx) NextWaiting(date string, serviceIDs []string) (*Ticket, error) {
	if len(serviceIDs) == 0 {
		return nil, nil
	}
	args := []any{date}
	for _, id := range serviceIDs {
		args = append(args, id)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(serviceIDs)), ", ")
	return t.ticketWhere("next waiting", `business_date = ? AND status = 'waiting' AND service_id IN (`+marks+`)
		ORDER BY priority DESC, issued_at, id LIMIT 1`, args...)
}

func (t *sqliteTx) QueueCounts(date string) (map[string]QueueCount, error) {
	out := map[string]QueueCount{}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT service_id, SUM(status = 'waiting'), SUM(status <> 'void') FROM tickets
		WHERE business_date = ? GROUP BY service_id`, date)
	if err != nil {
		return nil, fmt.Errorf("queue counts: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var q QueueCount
		if err := rows.Scan(&id, &q.Waiting, &q.Issued); err != nil {
			return nil, fmt.Errorf("queue counts: %w", err)
		}
		out[id] = q
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("queue counts: %w", err)
	}
	// The latest call of each service, in one pass over the day's called
	// tickets: a subquery per ticket read the day once per ticket, seconds
	// on a busy day for a page that polls every few seconds.
	rows2, err := t.tx.QueryContext(t.ctx, `SELECT service_id, number FROM (
		SELECT service_id, number,
			ROW_NUMBER() OVER (PARTITION BY service_id ORDER BY called_at DESC, id DESC) AS latest
		FROM tickets WHERE business_date = ? AND called_at IS NOT NULL AND status <> 'void')
		WHERE latest = 1`, date)
	if err != nil {
		return nil, fmt.Errorf("queue last called: %w", classify(err))
	}
	defer rows2.Close()
	for rows2.Next() {
		var id, number string
		if err := rows2.Scan(&id, &number); err != nil {
			return nil, fmt.Errorf("queue last called: %w", err)
		}
		q := out[id]
		q.LastCalled = number
		out[id] = q
	}
	return out, wrapErr("queue last called", rows2.Err())
}

func (t *sqliteTx) PutAppointment(date string, a api.Appointment) error {
	_, err := t.exec(`INSERT INTO appointments (code, date, service_id, start_at, end_at, id_number, name, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET date = excluded.date, service_id = excluded.service_id,
			start_at = excluded.start_at, end_at = excluded.end_at, id_number = excluded.id_number,
			name = excluded.name, status = excluded.status`,
		a.Code, date, a.ServiceID, a.Start.Format(timeText), a.End.Format(timeText), a.IDNumber, a.Name, a.Status)
	return wrapErr("put appointment", err)
}

func (t *sqliteTx) Appointments(date string) ([]api.Appointment, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT code, service_id, start_at, end_at, id_number, name, status
		FROM appointments WHERE date = ? ORDER BY start_at, code`, date)
	if err != nil {
		return nil, fmt.Errorf("appointments: %w", classify(err))
	}
	defer rows.Close()
	out := []api.Appointment{}
	for rows.Next() {
		var a api.Appointment
		var start, end string
		if err := rows.Scan(&a.Code, &a.ServiceID, &start, &end, &a.IDNumber, &a.Name, &a.Status); err != nil {
			return nil, fmt.Errorf("appointments: %w", err)
		}
		a.Start, a.End = parseTimeText(start), parseTimeText(end)
		out = append(out, a)
	}
	return out, wrapErr("appointments", rows.Err())
}

func (t *sqliteTx) AppointmentByCode(code string) (api.Appointment, bool, error) {
	var a api.Appointment
	var start, end string
	err := t.queryRow(`SELECT code, service_id, start_at, end_at, id_number, name, status
		FROM appointments WHERE code = ?`, code).
		Scan(&a.Code, &a.ServiceID, &start, &end, &a.IDNumber, &a.Name, &a.Status)
	found, err := noRow(err)
	if !found || err != nil {
		return api.Appointment{}, false, wrapErr("appointment by code", err)
	}
	a.Start, a.End = parseTimeText(start), parseTimeText(end)
	return a, true, nil
}

func (t *sqliteTx) SetAppointmentStatus(code, status string, at time.Time) error {
	_, err := t.exec(`UPDATE appointments SET status = ?, status_at = ? WHERE code = ?`,
		status, at.UTC().Format(timeText), code)
	return wrapErr("set appointment status", err)
}

func (t *sqliteTx) PutProgress(p api.Progress, idLast4 string) error {
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("put progress: %w", err)
	}
	_, err = t.exec(`INSERT INTO progress (receipt, id_last4, body) VALUES (?, ?, ?)
		ON CONFLICT (receipt) DO UPDATE SET id_last4 = excluded.id_last4, body = excluded.body`,
		p.Receipt, idLast4, body)
	return wrapErr("put progress", err)
}

func (t *sqliteTx) Progress(receipt string) (api.Progress, string, bool, error) {
	var last4 string
	var body []byte
	err := t.queryRow(`SELECT id_last4, body FROM progress WHERE receipt = ?`, receipt).Scan(&last4, &body)
	found, err := noRow(err)
	if !found || err != nil {
		return api.Progress{}, "", false, wrapErr("progress", err)
	}
	var p api.Progress
	if err := json.Unmarshal(body, &p); err != nil {
		return api.Progress{}, "", false, fmt.Errorf("progress %s: decode: %w", receipt, err)
	}
	return p, last4, true, nil
}

func (t *sqliteTx) InsertRating(recordID string, r api.Rating) error {
	ind, _ := json.Marshal(r.Indicators)
	reasons, _ := json.Marshal(r.Reasons)
	_, err := t.exec(`INSERT INTO ratings (record_id, business_date, ticket_number, service_id, overall, indicators, reasons, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id) DO NOTHING`,
		recordID, r.BusinessDate, r.TicketNumber, r.ServiceID, r.Overall, string(ind), string(reasons),
		r.At.UTC().Format(timeText))
	return wrapErr("insert rating", err)
}

func (t *sqliteTx) TicketByIDHash(date, serviceID, idHash string) (*Ticket, error) {
	return t.ticketWhere("ticket by id hash", `business_date = ? AND service_id = ? AND id_hash = ? AND status <> 'void'
		ORDER BY id LIMIT 1`, date, serviceID, idHash)
}

func (t *sqliteTx) Secret(key string, size int) ([]byte, error) {
	var v []byte
	err := t.queryRow(`SELECT value FROM secrets WHERE key = ?`, key).Scan(&v)
	found, err := noRow(err)
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", key, err)
	}
	if found {
		return v, nil
	}
	if t.readOnly {
		return nil, nil
	}
	v = make([]byte, size)
	rand.Read(v) // never fails (crypto/rand)
	if _, err := t.exec(`INSERT INTO secrets (key, value) VALUES (?, ?)`, key, v); err != nil {
		return nil, fmt.Errorf("secret %s: %w", key, err)
	}
	return v, nil
}

func (t *sqliteTx) ClaimOfflineSeries(number int, kioskID string) (bool, error) {
	// Without a conflict target, DO NOTHING covers both unique keys: the
	// series held by another kiosk, and this kiosk holding another series.
	if _, err := t.exec(`INSERT INTO offline_series (number, kiosk_id) VALUES (?, ?) ON CONFLICT DO NOTHING`,
		number, kioskID); err != nil {
		return false, fmt.Errorf("claim offline series %02d: %w", number, err)
	}
	var n int
	if err := t.queryRow(`SELECT COUNT(*) FROM offline_series WHERE number = ? AND kiosk_id = ?`, number, kioskID).Scan(&n); err != nil {
		return false, fmt.Errorf("claim offline series %02d: %w", number, err)
	}
	return n == 1, nil
}

func (t *sqliteTx) CurrentAt(date, counter string) (*Ticket, error) {
	return t.ticketWhere("current ticket", `business_date = ? AND counter_id = ? AND status = 'called'
		ORDER BY called_at DESC, id DESC LIMIT 1`, date, counter)
}

func (t *sqliteTx) TicketByToken(token string) (*Ticket, error) {
	return t.ticketWhere("ticket by page token", `page_token = ?`, token)
}

func (t *sqliteTx) DayQueue(date string) ([]QueueTicket, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, number, service_id, offline, status, called_at, counter_id,
		COALESCE(page_token, '') FROM tickets
		WHERE business_date = ? AND status <> 'void' ORDER BY priority DESC, issued_at, id`, date)
	if err != nil {
		return nil, fmt.Errorf("day queue: %w", classify(err))
	}
	defer rows.Close()
	var out []QueueTicket
	for rows.Next() {
		q := QueueTicket{BusinessDate: date}
		var called sql.NullInt64
		if err := rows.Scan(&q.ID, &q.Number, &q.ServiceID, &q.Offline, &q.Status, &called, &q.Counter, &q.PageToken); err != nil {
			return nil, fmt.Errorf("day queue: %w", err)
		}
		if called.Valid {
			q.CalledAt = time.Unix(0, called.Int64).UTC()
		}
		out = append(out, q)
	}
	return out, wrapErr("day queue", rows.Err())
}

func (t *sqliteTx) ServiceTimes(serviceID string, since time.Time, limit int) ([]ServiceTime, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT called_at, done_at FROM tickets
		WHERE service_id = ? AND status = 'done' AND called_at >= ? AND done_at IS NOT NULL
		ORDER BY called_at DESC LIMIT ?`, serviceID, since.UnixNano(), limit)
	if err != nil {
		return nil, fmt.Errorf("service times: %w", classify(err))
	}
	defer rows.Close()
	var out []ServiceTime
	for rows.Next() {
		var called, done int64
		if err := rows.Scan(&called, &done); err != nil {
			return nil, fmt.Errorf("service times: %w", err)
		}
		out = append(out, ServiceTime{CalledAt: time.Unix(0, called).UTC(), Took: time.Duration(done - called)})
	}
	return out, wrapErr("service times", rows.Err())
}

func (t *sqliteTx) Once(key string) (bool, error) {
	res, err := t.exec(`INSERT INTO markers (key) VALUES (?) ON CONFLICT (key) DO NOTHING`, key)
	if err != nil {
		return false, fmt.Errorf("once %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrapErr("once", err)
}

// wrapErr adds context to a non-nil error.
func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

func classifyNil(err error) error {
	if err == nil {
		return nil
	}
	return classify(err)
}
