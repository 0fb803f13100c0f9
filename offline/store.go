package offline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"

	"hallkiosk/assets"
	"hallkiosk/clock"
)

// Options configures a Store. Zero values take the documented defaults.
type Options struct {
	// Path is the SQLite file. Required. Its WAL (-wal) and shared-memory
	// (-shm) files live beside it.
	Path string
	// KioskID identifies this kiosk to the back office. Required.
	KioskID string
	// KioskNumber (1–99) is printed in offline ticket numbers, A07-015, so
	// two kiosks' offline series never collide hall-wide. Required.
	KioskNumber int

	// Key is the 32-byte master key that seals personal data. When nil the
	// key is read from KeyFile, which is created (mode 0600) on first run;
	// KeyFile defaults to Path + ".key". Keep the key off the database's
	// backups: the key and the file together are the personal data.
	Key     []byte
	KeyFile string

	// Location is the hall's time zone, which decides the business date.
	// Default: the catalog's hall timezone, else Asia/Shanghai (UTC+8,
	// mainland China has no DST).
	Location *time.Location
	// Retention is how long personal data stays after the back office has
	// acknowledged its record. Default 24 h (docs/offline-sync.md §6, PIPL
	// Art. 19: shortest period necessary).
	Retention time.Duration
	// DiskBudget is the bytes the database may use before the disk_80
	// alarm. 0 = no budget, no alarm. Nothing is ever dropped to make room.
	DiskBudget int64

	// Client talks to the back office; nil means always offline (tickets
	// from the kiosk's own series, nothing synced).
	Client *Client
	// Clock drives business dates, timeouts and back-off. Default real.
	Clock clock.Clock
	// Logger receives operational messages; personal data is never logged.
	// Default slog.Default().
	Logger *slog.Logger

	// SeedCatalog is the catalog used until the back office has answered
	// once. Default assets.SeedCatalog().
	SeedCatalog []byte

	// Sync tunes the sync loop.
	Sync SyncOptions
}

// Store is the kiosk's SQLite store. It is safe for concurrent use. Every
// method that records something commits the business row and its outbox
// record in one transaction before it returns.
type Store struct {
	opts   Options
	path   string
	db     *sql.DB // the single writer
	rdb    *sql.DB // read-only pool
	clk    clock.Clock
	log    *slog.Logger
	seal   *sealer
	client *Client
	// hallKey is the hall's ID-hash key once fetched (hallkey.go).
	hallKey atomic.Pointer[[]byte]

	catalog atomic.Pointer[catalogState]

	integrity string                 // result of PRAGMA integrity_check at Open
	broken    atomic.Pointer[string] // non-nil: why the store refuses to write
	full      atomic.Bool            // the last write failed with SQLITE_FULL
	appended  atomic.Int64           // outbox records appended (wakes the sync loop)

	sync syncState

	closeOnce sync.Once
}

// DSN parameters. _sync=FULL must come with _journal_mode=WAL because the
// driver otherwise forces synchronous=NORMAL, and WAL+NORMAL may roll back a
// committed transaction on power loss (docs/offline-sync.md §0.1, §2.2). The
// driver parses _sync after _journal_mode, so FULL wins; Open asserts it.
// _txlock=immediate takes the write lock at BEGIN so busy_timeout applies
// (§2.3); _secure_delete zeroes freed content (§4.4).
const writerParams = "_journal_mode=WAL&_sync=FULL&_txlock=immediate&_busy_timeout=5000&_fk=1&_secure_delete=true&_stmt_cache_size=64"

// readerParams: query_only, so a bug cannot write through the read pool.
const readerParams = "_busy_timeout=5000&_fk=1&_query_only=true"

// Open opens (creating when missing) and migrates the store at o.Path,
// checks its integrity and durability settings, and loads the catalog.
//
// A file that is not a database, or that fails PRAGMA integrity_check, is
// reported as ErrStorageBroken. A file that fails the check still opens so
// that Health, DeadLetters and ExportDeadLetters work for the technician,
// but every write returns ErrStorageBroken: a citizen never gets a ticket
// whose record could not be trusted.
func Open(o Options) (*Store, error) {
	if o.Path == "" {
		return nil, errors.New("offline: Options.Path is required")
	}
	if strings.ContainsAny(o.Path, "?#") {
		return nil, fmt.Errorf("offline: database path %q must not contain '?' or '#'", o.Path)
	}
	if o.KioskID == "" {
		return nil, errors.New("offline: Options.KioskID is required")
	}
	if o.KioskNumber < 1 || o.KioskNumber > 99 {
		return nil, fmt.Errorf("offline: KioskNumber %d outside 1–99", o.KioskNumber)
	}
	if o.Retention <= 0 {
		o.Retention = 24 * time.Hour
	}
	o.Sync = o.Sync.withDefaults()
	key := o.Key
	if key == nil {
		if o.KeyFile == "" {
			o.KeyFile = o.Path + ".key"
		}
		k, err := loadOrCreateKey(o.KeyFile)
		if err != nil {
			return nil, err
		}
		key = k
	}
	seal, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	s := &Store{
		opts:   o,
		path:   o.Path,
		clk:    clock.Or(o.Clock),
		log:    o.Logger,
		seal:   seal,
		client: o.Client,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("component", "offline")
	s.sync.init()
	if err := os.MkdirAll(filepath.Dir(o.Path), 0o700); err != nil {
		return nil, fmt.Errorf("offline: database directory: %w", err)
	}
	if err := s.open(); err != nil {
		s.closeDBs()
		return nil, err
	}
	return s, nil
}

func (s *Store) open() error {
	ctx := context.Background()
	var err error
	s.db, err = sql.Open("sqlite3", s.path+"?"+writerParams)
	if err != nil {
		return fmt.Errorf("offline: open %s: %w", s.path, err)
	}
	// One writer connection: writes serialise in Go, never on SQLITE_BUSY
	// (docs/offline-sync.md §0.7, §2.3). It is never recycled, so per-connection
	// pragmas stay in force.
	s.db.SetMaxOpenConns(1)
	s.db.SetMaxIdleConns(1)
	s.db.SetConnMaxLifetime(0)
	s.db.SetConnMaxIdleTime(0)

	if err := s.assertDurable(ctx); err != nil {
		return err
	}
	res, err := integrityCheck(ctx, s.db)
	if err != nil {
		return classify("integrity check", err)
	}
	s.integrity = res
	if res != "ok" {
		msg := fmt.Sprintf("PRAGMA integrity_check failed: %s — the database %s is damaged; export dead letters, move the file aside and restore from the back office", res, s.path)
		s.broken.Store(&msg)
		s.log.Error("storage broken", "check", res, "path", s.path)
	}
	if s.broken.Load() == nil {
		if err := migrate(ctx, s.db, SchemaVersion, s.clk.Now().UnixNano()); err != nil {
			return classify("migrate", err)
		}
	}
	s.rdb, err = sql.Open("sqlite3", s.path+"?"+readerParams)
	if err != nil {
		return fmt.Errorf("offline: open reader %s: %w", s.path, err)
	}
	s.rdb.SetMaxOpenConns(4)
	if err := s.initMeta(ctx); err != nil {
		return err
	}
	if err := s.loadCatalog(ctx); err != nil {
		return err
	}
	return s.loadHallKey(ctx)
}

// integrityCheck runs PRAGMA integrity_check and returns "ok" or its first
// few findings: enough for a technician's screen, not a page of noise.
func integrityCheck(ctx context.Context, db *sql.DB) (string, error) {
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check(5)`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		found = append(found, strings.Join(strings.Fields(line), " "))
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if len(found) == 0 {
		return "", errors.New("integrity_check returned nothing")
	}
	return strings.Join(found, "; "), nil
}

// assertDurable fails Open when the connection did not end up in WAL with
// synchronous=FULL (2). A silent downgrade to NORMAL would survive every
// kill -9 test and still lose tickets on power loss (docs/offline-sync.md §0.1,
// §0.6), so it is checked, not assumed.
func (s *Store) assertDurable(ctx context.Context) error {
	var mode string
	if err := s.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return classify("read journal_mode", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("offline: %w: journal_mode is %q, want wal (is the file on a filesystem without shared memory?)", ErrStorageBroken, mode)
	}
	var syncMode int
	if err := s.db.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&syncMode); err != nil {
		return classify("read synchronous", err)
	}
	if syncMode != 2 {
		return fmt.Errorf("offline: %w: PRAGMA synchronous is %d, want 2 (FULL); the sqlite3 driver downgrades WAL to NORMAL unless _sync=FULL is given", ErrStorageBroken, syncMode)
	}
	return nil
}

// initMeta records the kiosk id the file belongs to, and refuses a file of
// another kiosk: its seqs would collide with that kiosk's at the back office.
func (s *Store) initMeta(ctx context.Context) error {
	if s.broken.Load() != nil {
		return nil
	}
	return s.write(ctx, "init", func(tx *sql.Tx) error {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'kiosk_id'`).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('kiosk_id', ?)`, s.opts.KioskID); err != nil {
				return err
			}
		case err != nil:
			return err
		case id != s.opts.KioskID:
			return fmt.Errorf("database belongs to kiosk %q, not %q; refusing to mix their sequences", id, s.opts.KioskID)
		}
		return s.checkKey(ctx, tx)
	})
}

// keyCheckMeta is the meta row that tells the key the database's personal
// data was sealed with: a keyed hash of a fixed text, which says nothing
// about the key.
const keyCheckMeta = "key_check"

// checkKey refuses a key other than the one the database was sealed with
// (a key file restored from another kiosk, a credential set up wrongly):
// with it every sealed record would become a dead letter. A database
// without the row (created before it existed) takes the key it is opened
// with.
func (s *Store) checkKey(ctx context.Context, tx *sql.Tx) error {
	want := s.seal.idHash("hallkiosk key check")
	var got string
	err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, keyCheckMeta).Scan(&got)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)`, keyCheckMeta, want)
		return err
	case err != nil:
		return err
	case got != want:
		return fmt.Errorf("%w: %s was sealed with another key; give it the key it was made with (its .key file or the %s credential), or move it aside to start empty",
			ErrWrongKey, s.path, "kiosk-db-key")
	}
	return nil
}

// Close closes the database. The sync loop should be stopped first (cancel
// its context); a write after Close fails.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() { err = s.closeDBs() })
	return err
}

func (s *Store) closeDBs() error {
	var errs []error
	// Readers first: the last connection to close checkpoints the WAL, and
	// that should be the writer, which runs with synchronous=FULL.
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	return errors.Join(errs...)
}

// write runs fn in one IMMEDIATE transaction on the writer connection. The
// transaction ignores ctx cancellation: a citizen's record is committed
// completely or not at all, and "commit returned an error but happened" must
// not come from a cancelled screen. Errors are classified (ErrStorageFull,
// ErrStorageBroken) and wrapped with op.
func (s *Store) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if why := s.broken.Load(); why != nil {
		return fmt.Errorf("offline: %s: %w: %s", op, ErrStorageBroken, *why)
	}
	ctx = context.WithoutCancel(ctx)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.classify(op, err)
	}
	// Transactions are serialised on the one writer connection, so the
	// counter tells whether this one appended outbox records.
	appended := s.appended.Load()
	if err := fn(tx); err != nil {
		tx.Rollback()
		return s.classify(op, err)
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		return s.classify(op, err)
	}
	s.full.Store(false)
	if s.appended.Load() != appended {
		// Only after the commit: a loop woken earlier would not see it.
		s.sync.signalWork()
	}
	return nil
}

// classify maps SQLite failures to the store's sentinel errors, and marks
// the store broken when the file is corrupt.
func (s *Store) classify(op string, err error) error {
	err = classify(op, err)
	if errors.Is(err, ErrStorageFull) {
		if !s.full.Swap(true) {
			s.log.Error("storage full; records are refused until space returns", "op", op)
		}
	}
	if errors.Is(err, ErrStorageBroken) {
		var se sqlite3.Error
		if errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB) {
			msg := fmt.Sprintf("database %s is corrupt (%v); move it aside and restore", s.path, se)
			if s.broken.CompareAndSwap(nil, &msg) {
				s.log.Error("storage broken", "error", se.Error(), "path", s.path)
			}
		}
	}
	return err
}

func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull:
			// SQLITE_FULL: disk or max_page_count. The transaction was
			// rolled back whole; nothing of the record is stored
			// (docs/offline-sync.md §3.5).
			return fmt.Errorf("offline: %s: %w: %w", op, ErrStorageFull, err)
		case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
			return fmt.Errorf("offline: %s: %w: %w", op, ErrStorageBroken, err)
		case sqlite3.ErrIoErr, sqlite3.ErrCantOpen, sqlite3.ErrReadonly:
			return fmt.Errorf("offline: %s: %w: %w", op, ErrStorageBroken, err)
		}
	}
	if errors.Is(err, ErrStorageFull) || errors.Is(err, ErrStorageBroken) || strings.HasPrefix(err.Error(), "offline: ") {
		return err
	}
	return fmt.Errorf("offline: %s: %w", op, err)
}

// now returns the clock's time.
func (s *Store) now() time.Time { return s.clk.Now() }

// businessDate is the hall-local date of t.
func (s *Store) businessDate(t time.Time) string {
	return t.In(s.location()).Format(time.DateOnly)
}

// location is the hall's time zone (see Options.Location).
func (s *Store) location() *time.Location {
	if s.opts.Location != nil {
		return s.opts.Location
	}
	if cs := s.catalog.Load(); cs != nil && cs.loc != nil {
		return cs.loc
	}
	return chinaStandardTime
}

// chinaStandardTime is used when the zone database is missing: UTC+8 all
// year, which is exact for mainland China.
var chinaStandardTime = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*60*60)
}()

// seedCatalog returns the configured or embedded seed catalog.
func (s *Store) seedCatalog() []byte {
	if s.opts.SeedCatalog != nil {
		return s.opts.SeedCatalog
	}
	return assets.SeedCatalog()
}
