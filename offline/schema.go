package offline

import (
	"context"
	"database/sql"
	"fmt"
)

// migration is one step of the schema's history. Steps are data, applied in
// order, each in its own IMMEDIATE transaction together with the new
// schema_version, so a crash in the middle of an upgrade leaves the previous
// version intact and the next start repeats the step. A step is never edited
// once released: a kiosk in the field may sit at any version (docs/offline-sync.md
// §1.1 lesson d: upgrades are a hazard for queued data).
type migration struct {
	version int
	name    string
	sql     string
}

// migrations is the schema's history. Times are Unix nanoseconds (UTC);
// business dates are YYYY-MM-DD in the hall's time zone.
var migrations = []migration{
	{1, "outbox and tickets", `
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per committed record. seq is the kiosk's gap-free sequence,
-- assigned as max+1 inside the record's IMMEDIATE transaction. Rows are
-- never deleted, so seq can never be reused; purging clears only payloads.
CREATE TABLE outbox (
	seq             INTEGER PRIMARY KEY CHECK (seq > 0),
	id              TEXT NOT NULL UNIQUE,
	kind            TEXT NOT NULL,
	occurred_at     INTEGER NOT NULL,
	payload         BLOB,
	sealed          INTEGER NOT NULL DEFAULT 0,
	payload_sha256  TEXT NOT NULL,
	state           TEXT NOT NULL DEFAULT 'pending'
	                CHECK (state IN ('pending', 'acknowledged', 'dead')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT
);
CREATE INDEX outbox_state_seq ON outbox (state, seq);

CREATE TABLE tickets (
	record_id     TEXT PRIMARY KEY REFERENCES outbox (id),
	number        TEXT NOT NULL,
	service_id    TEXT NOT NULL,
	business_date TEXT NOT NULL,
	issued_at     INTEGER NOT NULL,
	offline       INTEGER NOT NULL,
	priority      INTEGER NOT NULL DEFAULT 0,
	id_hash       TEXT,
	people_ahead  INTEGER NOT NULL DEFAULT -1,
	est_wait      INTEGER NOT NULL DEFAULT 0,
	UNIQUE (business_date, number)
);
CREATE INDEX tickets_fair_use ON tickets (id_hash, service_id, business_date)
	WHERE id_hash IS NOT NULL;
CREATE INDEX tickets_service_day ON tickets (service_id, business_date);

-- The kiosk's own ticket series, one counter per service and business day.
CREATE TABLE ticket_counters (
	service_id    TEXT NOT NULL,
	business_date TEXT NOT NULL,
	last          INTEGER NOT NULL,
	PRIMARY KEY (service_id, business_date)
) WITHOUT ROWID;

CREATE TABLE print_failures (
	record_id        TEXT PRIMARY KEY REFERENCES outbox (id),
	ticket_record_id TEXT NOT NULL REFERENCES tickets (record_id),
	reason           TEXT NOT NULL,
	at               INTEGER NOT NULL
);
`},
	{2, "catalog and appointment caches, check-ins", `
CREATE TABLE catalog_cache (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	etag       TEXT NOT NULL DEFAULT '',
	body       BLOB NOT NULL,
	fetched_at INTEGER NOT NULL
);

-- Today's appointments. No raw ID number: id_hash is the keyed hash, name
-- is sealed (AES-256-GCM, AAD appointments|code|name).
CREATE TABLE appointments (
	code          TEXT PRIMARY KEY,
	business_date TEXT NOT NULL,
	service_id    TEXT NOT NULL,
	start_at      INTEGER NOT NULL,
	end_at        INTEGER NOT NULL,
	id_hash       TEXT,
	name          BLOB,
	status        TEXT NOT NULL DEFAULT 'booked',
	checked_in_at INTEGER
);
CREATE INDEX appointments_id ON appointments (id_hash, business_date);

ALTER TABLE tickets ADD COLUMN appointment_code TEXT;

CREATE TABLE check_ins (
	record_id        TEXT PRIMARY KEY REFERENCES outbox (id),
	appointment_code TEXT NOT NULL UNIQUE,
	ticket_record_id TEXT NOT NULL REFERENCES tickets (record_id),
	method           TEXT NOT NULL,
	late             INTEGER NOT NULL DEFAULT 0,
	at               INTEGER NOT NULL
);
`},
	{3, "ratings, suggestions, technician actions", `
CREATE TABLE ratings (
	record_id     TEXT PRIMARY KEY REFERENCES outbox (id),
	ticket_number TEXT NOT NULL DEFAULT '',
	business_date TEXT NOT NULL,
	service_id    TEXT NOT NULL DEFAULT '',
	overall       INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 5),
	detail        TEXT NOT NULL DEFAULT '{}',
	phone         BLOB,
	at            INTEGER NOT NULL
);

CREATE TABLE suggestions (
	record_id TEXT PRIMARY KEY REFERENCES outbox (id),
	category  TEXT NOT NULL,
	reasons   BLOB,
	phone     BLOB,
	at        INTEGER NOT NULL
);

CREATE TABLE technician_actions (
	record_id TEXT PRIMARY KEY REFERENCES outbox (id),
	action    TEXT NOT NULL,
	detail    TEXT NOT NULL DEFAULT '',
	at        INTEGER NOT NULL
);
`},
	{4, "retention bookkeeping", `
ALTER TABLE outbox ADD COLUMN acked_at INTEGER;
ALTER TABLE outbox ADD COLUMN purged_at INTEGER;
-- Records acknowledged before this version start their retention now:
-- later than the real acknowledgement, never earlier.
UPDATE outbox SET acked_at = CAST((julianday('now') - 2440587.5) * 86400000000000 AS INTEGER)
	WHERE state = 'acknowledged';
CREATE INDEX outbox_purge ON outbox (acked_at) WHERE purged_at IS NULL;
`},
	{5, "ticket page tokens", `
-- The token of the ticket's live page (<hall site>/t/<token>), printed in
-- its QR and carried in its ticket.issued record. Tickets issued before
-- this version have none: their QR carries no page.
ALTER TABLE tickets ADD COLUMN page_token TEXT;
`},
}

// SchemaVersion is the schema version this build writes.
var SchemaVersion = migrations[len(migrations)-1].version

// schemaVersion reads the database's version; 0 for a new file.
func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER NOT NULL,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return 0, fmt.Errorf("create schema_version: %w", err)
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema_version: %w", err)
	}
	return int(v.Int64), nil
}

// migrate brings db up to version target (len(migrations) for the newest).
// A database newer than this build is refused, not guessed at.
func migrate(ctx context.Context, db *sql.DB, target int, now int64) error {
	cur, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if cur > SchemaVersion {
		return fmt.Errorf("database schema version %d is newer than this build's %d; refusing to open (downgrade)", cur, SchemaVersion)
	}
	for _, m := range migrations {
		if m.version <= cur || m.version > target {
			continue
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migration %d (%s): begin: %w", m.version, m.name, err)
		}
		// Re-read inside the write lock: another process may have migrated.
		var v sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: read version: %w", m.version, err)
		}
		if int(v.Int64) >= m.version {
			tx.Rollback()
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`, m.version, now); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: record version: %w", m.version, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d (%s): commit: %w", m.version, m.name, err)
		}
	}
	return nil
}
