package offline

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"hallkiosk/backoffice/api"
)

// RecordRating commits a 好差评 rating. The phone number, when given, is
// sealed in the ratings row and in the outbox payload.
func (s *Store) RecordRating(ctx context.Context, r api.Rating) error {
	if r.Overall < 1 || r.Overall > 5 {
		return fmt.Errorf("offline: rating level %d outside 1–5", r.Overall)
	}
	if r.At.IsZero() {
		r.At = s.now()
	}
	if r.BusinessDate == "" {
		r.BusinessDate = s.businessDate(r.At)
	}
	return s.write(ctx, "record rating", func(tx *sql.Tx) error {
		return s.insertRating(ctx, tx, r)
	})
}

func (s *Store) insertRating(ctx context.Context, tx *sql.Tx, r api.Rating) error {
	id, err := newRecordID()
	if err != nil {
		return err
	}
	detail, err := json.Marshal(struct {
		Indicators map[string]int `json:"indicators,omitempty"`
		Reasons    []string       `json:"reasons,omitempty"`
	}{r.Indicators, r.Reasons})
	if err != nil {
		return fmt.Errorf("encode rating detail: %w", err)
	}
	if _, err := s.appendRecord(ctx, tx, id, api.KindRating, r.At, r, r.Phone != ""); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO ratings
		(record_id, ticket_number, business_date, service_id, overall, detail, phone, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, r.TicketNumber, r.BusinessDate, r.ServiceID, r.Overall, string(detail),
		s.seal.sealString("ratings", id, "phone", r.Phone), r.At.UnixNano())
	return err
}

// RecordSuggestion commits a 投诉建议. Reasons may be free text and the
// phone is personal, so both are sealed; the outbox payload is sealed whole.
func (s *Store) RecordSuggestion(ctx context.Context, sg api.Suggestion) error {
	if sg.Category == "" {
		return errors.New("offline: suggestion without category")
	}
	if sg.At.IsZero() {
		sg.At = s.now()
	}
	id, err := newRecordID()
	if err != nil {
		return err
	}
	reasons, err := json.Marshal(sg.Reasons)
	if err != nil {
		return fmt.Errorf("offline: encode suggestion reasons: %w", err)
	}
	return s.write(ctx, "record suggestion", func(tx *sql.Tx) error {
		if _, err := s.appendRecord(ctx, tx, id, api.KindSuggestion, sg.At, sg, true); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO suggestions (record_id, category, reasons, phone, at)
			VALUES (?, ?, ?, ?, ?)`,
			id, sg.Category, s.seal.seal("suggestions", id, "reasons", reasons),
			s.seal.sealString("suggestions", id, "phone", sg.Phone), sg.At.UnixNano())
		return err
	})
}

// RecordTechnicianAction commits an entry of the diagnostics audit trail
// (who changed what on the device is part of what the back office keeps).
// Detail must not carry personal data.
func (s *Store) RecordTechnicianAction(ctx context.Context, a api.TechnicianAction) error {
	if a.Action == "" {
		return errors.New("offline: technician action without a name")
	}
	if a.At.IsZero() {
		a.At = s.now()
	}
	return s.write(ctx, "record technician action", func(tx *sql.Tx) error {
		return s.insertTechnicianAction(ctx, tx, a)
	})
}

func (s *Store) insertTechnicianAction(ctx context.Context, tx *sql.Tx, a api.TechnicianAction) error {
	id, err := newRecordID()
	if err != nil {
		return err
	}
	if _, err := s.appendRecord(ctx, tx, id, api.KindTechnicianAction, a.At, a, false); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO technician_actions (record_id, action, detail, at) VALUES (?, ?, ?, ?)`,
		id, a.Action, a.Detail, a.At.UnixNano())
	return err
}
