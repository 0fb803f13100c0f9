package offline

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"hallkiosk/backoffice/api"
)

// Outbox states.
const (
	statePending      = "pending"
	stateAcknowledged = "acknowledged"
	stateDead         = "dead"
)

// newRecordID makes a record id: UUIDv7, time-ordered so the back office's
// unique index stays append-mostly (RFC 9562).
func newRecordID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("make record id: %w", err)
	}
	return id.String(), nil
}

// newPageToken makes a ticket's page token: 16 random bytes, unpadded
// base64url (api.PageTokenLen characters). Random, not derived from the
// ticket, so a page cannot be found from a number or a date.
func newPageToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make page token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// appendRecord adds one outbox record inside tx, the same transaction as its
// business row (docs/offline-sync.md §1.4: the outbox is free when both live in
// one SQLite file). seq is max+1, read inside the IMMEDIATE transaction, so
// it is gap-free: a rolled-back transaction takes its seq with it.
//
// The payload's JSON is hashed as plaintext, which is what the back office
// receives; when personal is true the stored bytes are sealed.
func (s *Store) appendRecord(ctx context.Context, tx *sql.Tx, id, kind string, at time.Time, payload any, personal bool) (int64, error) {
	plain, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("encode %s payload: %w", kind, err)
	}
	sum := sha256.Sum256(plain)
	stored := plain
	if personal {
		stored = s.seal.seal("outbox", id, "payload", plain)
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM outbox`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("next seq: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox
		(seq, id, kind, occurred_at, payload, sealed, payload_sha256, state)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
		seq, id, kind, at.UnixNano(), stored, personal, hex.EncodeToString(sum[:]))
	if err != nil {
		return 0, fmt.Errorf("insert %s record: %w", kind, err)
	}
	s.appended.Add(1)
	return seq, nil
}

// DeadLetter is a record the back office rejected MaxRejections times. It is
// kept, never deleted, until a technician requeues it (docs/offline-sync.md §1.8:
// never silently delete).
type DeadLetter struct {
	ID            string    `json:"id"`
	Seq           int64     `json:"seq"`
	Kind          string    `json:"kind"`
	OccurredAt    time.Time `json:"occurred_at"`
	Attempts      int       `json:"attempts"`
	Reason        string    `json:"reason"`
	PayloadSHA256 string    `json:"payload_sha256"`
	// Sealed is true when the payload holds personal data; such payloads
	// are never exported.
	Sealed bool `json:"sealed"`
	// Payload is the record's JSON when it holds no personal data.
	Payload json.RawMessage `json:"payload,omitempty"`
}

// DeadLetters lists the dead letters in seq order, with the back office's
// last reason.
func (s *Store) DeadLetters(ctx context.Context) ([]DeadLetter, error) {
	var out []DeadLetter
	err := s.eachDeadLetter(ctx, false, func(d DeadLetter) error {
		out = append(out, d)
		return nil
	})
	return out, err
}

func (s *Store) eachDeadLetter(ctx context.Context, withPayload bool, fn func(DeadLetter) error) error {
	rows, err := s.rdb.QueryContext(ctx, `SELECT seq, id, kind, occurred_at, attempts, coalesce(last_error, ''),
		payload_sha256, sealed, CASE WHEN ? AND sealed = 0 THEN payload END
		FROM outbox WHERE state = 'dead' ORDER BY seq`, withPayload)
	if err != nil {
		return classify("list dead letters", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d DeadLetter
		var at int64
		var payload []byte
		if err := rows.Scan(&d.Seq, &d.ID, &d.Kind, &at, &d.Attempts, &d.Reason, &d.PayloadSHA256, &d.Sealed, &payload); err != nil {
			return classify("list dead letters", err)
		}
		d.OccurredAt = time.Unix(0, at).UTC()
		if len(payload) > 0 {
			d.Payload = json.RawMessage(payload)
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return classify("list dead letters", rows.Err())
}

// ExportDeadLetters writes the dead letters as JSON lines for a technician
// to hand to the back office's operators. Payloads with personal data are
// left out (only their hash is written): an export file on a USB stick is
// not where a citizen's phone number belongs.
func (s *Store) ExportDeadLetters(ctx context.Context, w io.Writer) error {
	enc := json.NewEncoder(w)
	return s.eachDeadLetter(ctx, true, func(d DeadLetter) error {
		if err := enc.Encode(d); err != nil {
			return fmt.Errorf("offline: export dead letters: %w", err)
		}
		return nil
	})
}

// Requeue puts dead letters back in the queue with a fresh attempt count,
// after the technician has fixed their cause at the back office. It records
// a technician action in the same transaction and returns how many records
// were requeued; ids that are not dead letters are ignored.
func (s *Store) Requeue(ctx context.Context, ids ...string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	var n int
	now := s.now()
	err := s.write(ctx, "requeue", func(tx *sql.Tx) error {
		n = 0
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'pending', attempts = 0,
				next_attempt_at = 0 WHERE id = ? AND state = 'dead'`, id)
			if err != nil {
				return fmt.Errorf("requeue %s: %w", id, err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		if n == 0 {
			return nil
		}
		detail := fmt.Sprintf("%d record(s): %s", n, strings.Join(ids, ","))
		if len(detail) > 1000 {
			detail = detail[:1000] + "…"
		}
		return s.insertTechnicianAction(ctx, tx, api.TechnicianAction{Action: "requeue_dead_letters", Detail: detail, At: now})
	})
	if err != nil {
		return 0, err
	}
	if n > 0 {
		s.log.Info("dead letters requeued", "count", n)
		s.Kick()
	}
	return n, nil
}
