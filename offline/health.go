package offline

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"time"
)

// Alarm thresholds (docs/offline-sync.md §6: warn at 24 h oldest unsynced, 5,000
// records or 80 % of the disk budget — Square's 24 h, Rapyd's
// oldest-transaction metric).
const (
	alarmOldestPending = 24 * time.Hour
	alarmPending       = 5000
	alarmDiskPercent   = 80
)

// Alarm names in Health.Alarms.
const (
	AlarmOldestUnsynced = "oldest_unsynced_24h"
	AlarmPending        = "pending_5000"
	AlarmDisk           = "disk_80"
	AlarmDeadLetters    = "dead_letters"
	AlarmUnauthorized   = "sync_unauthorized"
	AlarmCertificate    = "sync_certificate"
	AlarmTLSRequired    = "sync_tls_required"
	AlarmServerGap      = "server_gap"
	AlarmStorageBroken  = "storage_broken"
	AlarmStorageFull    = "storage_full"
)

// Health reports the store's state for diagnostics and alarms. It never
// fails: what cannot be read is reported as such.
func (s *Store) Health(ctx context.Context) Health {
	h := Health{
		IntegrityCheck: s.integrity,
		IntegrityOK:    s.integrity == "ok",
		DiskBudget:     s.opts.DiskBudget,
		Online:         s.client.Online(),
	}
	if why := s.broken.Load(); why != nil {
		h.IntegrityOK = false
		h.IntegrityCheck = *why
		h.Alarms = append(h.Alarms, AlarmStorageBroken)
	}
	now := s.now()
	var oldest sql.NullInt64
	err := s.rdb.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM outbox WHERE state = 'pending'),
		(SELECT count(*) FROM outbox WHERE state = 'dead'),
		(SELECT min(occurred_at) FROM outbox WHERE state = 'pending')`).Scan(&h.Pending, &h.DeadLetters, &oldest)
	if err != nil {
		h.LastSyncError = "read queue: " + err.Error()
	}
	if oldest.Valid {
		h.OldestPending = max(now.Sub(time.Unix(0, oldest.Int64)), 0)
	}
	s.sync.mu.Lock()
	h.LastSync = s.sync.lastSync
	if h.LastSyncError == "" {
		h.LastSyncError = s.sync.lastErr
	}
	h.SyncStopped = s.sync.stopped != ""
	if h.SyncStopped {
		h.Alarms = append(h.Alarms, s.sync.stopped)
	}
	if s.sync.serverGap {
		h.Alarms = append(h.Alarms, AlarmServerGap)
	}
	s.sync.mu.Unlock()
	if h.LastSync.IsZero() {
		var v string
		if s.rdb.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'last_sync'`).Scan(&v) == nil {
			h.LastSync, _ = time.Parse(time.RFC3339Nano, v)
		}
	}
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(s.path + suffix); err == nil {
			h.DBBytes += fi.Size()
		}
	}
	if h.OldestPending > alarmOldestPending {
		h.Alarms = append(h.Alarms, AlarmOldestUnsynced)
	}
	if h.Pending > alarmPending {
		h.Alarms = append(h.Alarms, AlarmPending)
	}
	if h.DiskBudget > 0 && h.DBBytes*100 >= h.DiskBudget*alarmDiskPercent {
		h.Alarms = append(h.Alarms, AlarmDisk)
	}
	if h.DeadLetters > 0 {
		h.Alarms = append(h.Alarms, AlarmDeadLetters)
	}
	if s.full.Load() {
		h.Alarms = append(h.Alarms, AlarmStorageFull)
	}
	return h
}

// PurgeExpired removes personal data whose record the back office
// acknowledged more than Retention ago: sealed phone numbers and suggestion
// texts, outbox payloads, the keyed ID hashes of past days' tickets, and
// past days' appointments (sealed names, ID hashes). Rows themselves stay —
// seqs are never reused and the non-personal facts (number, service, time,
// rating) remain for statistics. Dead letters keep their data until a
// technician requeues them (never silently delete).
//
// secure_delete zeroes the freed bytes in the database file, and the WAL,
// which still holds the old pages, is checkpointed and truncated afterwards
// (docs/offline-sync.md §4.4). What flash wear-levelling keeps is out of reach of
// any overwrite; see the package documentation for crypto-erasure.
//
// It returns the number of records whose payload was purged.
func (s *Store) PurgeExpired(ctx context.Context) (int, error) {
	now := s.now()
	cutoff := now.Add(-s.opts.Retention).UnixNano()
	today := s.businessDate(now)
	var n, gone int64
	err := s.write(ctx, "purge", func(tx *sql.Tx) error {
		const expired = `SELECT id FROM outbox WHERE state = 'acknowledged' AND acked_at <= ? AND purged_at IS NULL`
		for _, q := range []string{
			`UPDATE ratings SET phone = NULL WHERE phone IS NOT NULL AND record_id IN (` + expired + `)`,
			`UPDATE suggestions SET phone = NULL, reasons = NULL WHERE record_id IN (` + expired + `)`,
		} {
			if _, err := tx.ExecContext(ctx, q, cutoff); err != nil {
				return err
			}
		}
		// Fair use needs today's hashes; earlier days' go once acknowledged.
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET id_hash = NULL
			WHERE id_hash IS NOT NULL AND business_date < ? AND record_id IN (`+expired+`)`, today, cutoff); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET payload = NULL, purged_at = ?
			WHERE state = 'acknowledged' AND acked_at <= ? AND purged_at IS NULL`, now.UnixNano(), cutoff)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		res, err = tx.ExecContext(ctx, `DELETE FROM appointments WHERE business_date < ?`, today)
		if err != nil {
			return err
		}
		gone, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, err
	}
	if n+gone > 0 {
		// Old page images with the purged values live on in the WAL until
		// it is checkpointed; TRUNCATE also gives its space back.
		var busy, logPages, ckpt int
		if err := s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &ckpt); err != nil {
			return int(n), classify("checkpoint after purge", err)
		}
		if busy != 0 {
			s.log.Warn("WAL checkpoint after purge was blocked by a reader; it runs again next purge")
		}
		s.log.Info("personal data purged", "records", n)
	}
	return int(n), nil
}

// DBPath returns the database file's path (diagnostics).
func (s *Store) DBPath() string { return s.path }

// String describes the store without personal data.
func (s *Store) String() string {
	return fmt.Sprintf("offline.Store(%s, kiosk %s)", s.path, s.opts.KioskID)
}
