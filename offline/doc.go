// Package offline is the kiosk's memory: a SQLite store (WAL,
// synchronous=FULL, one writer) where every transaction is committed together
// with its outbox record before the citizen sees a result, ticket numbering
// that works without the back office, the catalog and appointment caches,
// sealed personal data with retention, and the sync client that delivers the
// outbox to the back office exactly once.
//
// # Durability
//
// The writer connection is opened with _journal_mode=WAL&_sync=FULL and
// Open asserts PRAGMA synchronous = 2: mattn/go-sqlite3 silently runs WAL
// with NORMAL otherwise, which may roll back committed tickets on power loss
// (docs/offline-sync.md §0.1, §2.2). Transactions begin IMMEDIATE on a
// single connection, so writers queue in Go instead of failing with
// SQLITE_BUSY (§2.3). PRAGMA integrity_check runs at Open.
//
// # Records
//
// Each recorded fact (ticket, check-in, rating, suggestion, print failure,
// technician action) is one business row plus one outbox row, written in
// the same transaction. An outbox row carries a UUIDv7 id and a gap-free
// per-kiosk seq (max+1 inside the transaction), the plaintext payload's
// SHA-256, and its delivery state: pending, acknowledged (the back office
// answered created or duplicate) or dead (rejected MaxRejections times).
// Outbox rows are never deleted, so a seq is never reused.
//
// # Ticket numbers
//
// Online, numbers come from the back office's hall-wide series (A023).
// Offline, after TicketTimeout or on a 5xx, the kiosk numbers from its own
// series <prefix><kiosk number>-<counter> (A07-015); the counter lives in
// SQLite per service and business day and is drawn in the ticket's
// transaction. The two series cannot collide.
//
// # Personal data
//
// Names, phone numbers and suggestion texts are sealed with AES-256-GCM
// (random nonce, AAD = table, record id, column); ID numbers are stored only
// as HMAC-SHA256 keyed hashes; outbox payloads that hold personal data are
// sealed whole. Addresses and photos never reach the store. Both keys are
// derived (HKDF) from one 32-byte master key kept in a 0600 file beside the
// database (or given in Options). Nothing personal is logged.
//
// PurgeExpired clears personal data once its record is acknowledged and
// Retention (24 h) has passed, with secure_delete on and a
// wal_checkpoint(TRUNCATE) afterwards. Overwrites do not reach copies that
// flash wear-levelling keeps, so the stronger option is crypto-erasure
// (NIST SP 800-88 purge, docs/offline-sync.md §4.4): seal each day's data under
// a per-day key wrapped by the master key, and destroy the day key when the
// day's records are all acknowledged and expired; every stale copy of that
// day's ciphertext, in free pages, WAL frames or backups, then becomes
// unreadable at once. Deleting the master key file does the same for the
// whole database (the kiosk then starts over with a new key and an empty
// file). The per-day key is not implemented yet; the sealing format (nonce
// || ciphertext, AAD-bound) leaves room for a key id.
//
// # Sync
//
// RunSync sends pending records in seq order, one batch in flight, bounded
// by count and bytes; transport failures back off exponentially with jitter
// and are retried forever, record rejections count towards dead letters,
// 401/403 stops the loop with an alarm. Client also answers application
// progress (flow.BackOffice).
package offline
