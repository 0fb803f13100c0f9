package offline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"hallkiosk/backoffice/api"
)

// Refresh updates the catalog and today's appointments from the back office
// (both with ETags, so an unchanged answer costs a 304). The sync loop calls
// it every SyncOptions.RefreshInterval; cmd/kiosk may call it at start. It
// returns an error wrapping ErrOffline without a back office.
func (s *Store) Refresh(ctx context.Context) error {
	if s.client == nil {
		return fmt.Errorf("offline: refresh: %w: no back office configured", ErrOffline)
	}
	return errors.Join(s.refreshCatalog(ctx), s.refreshAppointments(ctx, s.businessDate(s.now())),
		s.refreshHallKey(ctx))
}

// refreshAppointments replaces the cached appointments of date. Raw ID
// numbers are hashed and names sealed before anything is written; the
// answer's body itself is never stored.
func (s *Store) refreshAppointments(ctx context.Context, date string) error {
	var stored string
	err := s.rdb.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'appointments_etag'`).Scan(&stored)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return classify("read appointments etag", err)
	}
	etag := ""
	if d, tag, ok := strings.Cut(stored, "|"); ok && d == date {
		etag = tag
	}
	list, newTag, notModified, err := s.client.fetchAppointments(ctx, date, etag)
	if err != nil {
		return err
	}
	if notModified {
		return nil
	}
	return s.write(ctx, "store appointments", func(tx *sql.Tx) error {
		keep := make(map[string]bool, len(list.Appointments))
		for _, a := range list.Appointments {
			if a.Code == "" {
				continue
			}
			keep[a.Code] = true
			_, err := tx.ExecContext(ctx, `INSERT INTO appointments
				(code, business_date, service_id, start_at, end_at, id_hash, name, status)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET
					business_date = excluded.business_date, service_id = excluded.service_id,
					start_at = excluded.start_at, end_at = excluded.end_at,
					id_hash = excluded.id_hash, name = excluded.name,
					status = CASE WHEN appointments.checked_in_at IS NOT NULL THEN 'checked_in' ELSE excluded.status END`,
				a.Code, date, a.ServiceID, a.Start.UnixNano(), a.End.UnixNano(),
				nullString(s.seal.idHash(a.IDNumber)), s.seal.sealString("appointments", a.Code, "name", a.Name),
				defaultString(a.Status, "booked"))
			if err != nil {
				return fmt.Errorf("store appointment: %w", err)
			}
		}
		// Appointments gone from the back office's list were cancelled or
		// moved; a local check-in is kept (its record is in the outbox).
		rows, err := tx.QueryContext(ctx, `SELECT code FROM appointments WHERE business_date = ? AND checked_in_at IS NULL`, date)
		if err != nil {
			return err
		}
		var drop []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			if !keep[c] {
				drop = append(drop, c)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range drop {
			if _, err := tx.ExecContext(ctx, `DELETE FROM appointments WHERE code = ?`, c); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('appointments_etag', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, date+"|"+newTag)
		return err
	})
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

type apptRow struct {
	Appointment
	idHash string
	status string
}

func (s *Store) scanAppointments(rows *sql.Rows) ([]apptRow, error) {
	defer rows.Close()
	var out []apptRow
	for rows.Next() {
		var a apptRow
		var start, end int64
		var idHash sql.NullString
		var name []byte
		var checkedIn sql.NullInt64
		if err := rows.Scan(&a.Code, &a.ServiceID, &start, &end, &idHash, &name, &a.status, &checkedIn); err != nil {
			return nil, err
		}
		a.Start, a.End = time.Unix(0, start), time.Unix(0, end)
		a.idHash = idHash.String
		a.CheckedIn = checkedIn.Valid || a.status == "checked_in"
		if len(name) > 0 {
			plain, err := s.seal.open("appointments", a.Code, "name", name)
			if err != nil {
				return nil, err
			}
			a.NameMasked = maskName(string(plain))
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

const apptColumns = `code, service_id, start_at, end_at, id_hash, name, status, checked_in_at`

// FindAppointment finds one of the day's cached appointments (the day of
// q.At, default now), by appointment code or by ID number — hashed with the
// store's key before the look-up. With several appointments for one ID, the
// first one not yet checked in, nearest to q.At, wins. ErrNotFound when none
// (or it was cancelled).
func (s *Store) FindAppointment(ctx context.Context, q AppointmentQuery) (*Appointment, error) {
	a, err := s.findAppointment(ctx, q)
	if err != nil {
		return nil, err
	}
	out := a.Appointment
	return &out, nil
}

func (s *Store) findAppointment(ctx context.Context, q AppointmentQuery) (*apptRow, error) {
	at := q.At
	if at.IsZero() {
		at = s.now()
	}
	date := s.businessDate(at)
	var rows *sql.Rows
	var err error
	switch {
	case q.Code != "":
		rows, err = s.rdb.QueryContext(ctx, `SELECT `+apptColumns+` FROM appointments
			WHERE code = ? AND business_date = ?`, strings.TrimSpace(q.Code), date)
	case q.IDNumber != "":
		rows, err = s.rdb.QueryContext(ctx, `SELECT `+apptColumns+` FROM appointments
			WHERE id_hash = ? AND business_date = ?`, s.seal.idHash(q.IDNumber), date)
	default:
		return nil, errors.New("offline: find appointment: neither code nor ID number given")
	}
	if err != nil {
		return nil, classify("find appointment", err)
	}
	list, err := s.scanAppointments(rows)
	if err != nil {
		return nil, classify("find appointment", err)
	}
	var best *apptRow
	for i := range list {
		a := &list[i]
		if a.status == "cancelled" {
			continue
		}
		if best == nil || better(a, best, at) {
			best = a
		}
	}
	if best == nil {
		return nil, fmt.Errorf("offline: appointment on %s: %w", date, ErrNotFound)
	}
	return best, nil
}

// better prefers an appointment not yet checked in, then the one whose start
// is nearest to at.
func better(a, b *apptRow, at time.Time) bool {
	if a.CheckedIn != b.CheckedIn {
		return !a.CheckedIn
	}
	return absDur(a.Start.Sub(at)) < absDur(b.Start.Sub(at))
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// maskName de-identifies a name for the screen (GB/T 35273 §7.2;
// docs/offline-sync.md §4.2): the first character stays, 张* / 欧** .
func maskName(n string) string {
	r := []rune(strings.TrimSpace(n))
	if len(r) == 0 {
		return ""
	}
	if len(r) == 1 {
		return "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// Check-in methods.
var checkInMethods = map[string]bool{"id_card": true, "qr": true, "code": true}

// CheckIn checks an appointment in: in one transaction it marks the cached
// appointment checked in, issues its priority ticket (the service's prefix,
// Priority=true, numbered online when possible) and writes the ticket and
// check-in records. A second check-in returns ErrAlreadyCheckedIn; with
// Method id_card the ID number must match the appointment's.
func (s *Store) CheckIn(ctx context.Context, r CheckInRequest) (*Ticket, error) {
	if r.Method == "" {
		r.Method = "code"
	}
	if !checkInMethods[r.Method] {
		return nil, fmt.Errorf("offline: check-in method %q unknown", r.Method)
	}
	a, err := s.findAppointment(ctx, AppointmentQuery{Code: r.Code, IDNumber: r.IDNumber})
	if err != nil {
		return nil, err
	}
	if r.IDNumber != "" && a.idHash != s.seal.idHash(r.IDNumber) {
		return nil, fmt.Errorf("offline: appointment %s: ID number does not match: %w", a.Code, ErrNotFound)
	}
	if a.CheckedIn {
		return nil, fmt.Errorf("offline: appointment %s: %w", a.Code, ErrAlreadyCheckedIn)
	}
	sv, _, err := s.service(a.ServiceID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := &ticketPlan{
		sv:       sv,
		apptCode: a.Code,
		t: Ticket{
			ServiceID:    sv.ID,
			BusinessDate: s.businessDate(now),
			IssuedAt:     now,
			Priority:     true,
			PeopleAhead:  -1,
		},
	}
	if p.t.RecordID, err = newRecordID(); err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	if err := s.askNumber(ctx, p); err != nil {
		return nil, err
	}
	checkInID, err := newRecordID()
	if err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	err = s.write(ctx, "check in", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE appointments SET checked_in_at = ?, status = 'checked_in'
			WHERE code = ? AND checked_in_at IS NULL AND status != 'checked_in'`, now.UnixNano(), a.Code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("offline: appointment %s: %w", a.Code, ErrAlreadyCheckedIn)
		}
		if err := s.insertTicket(ctx, tx, p); err != nil {
			return err
		}
		payload := api.CheckIn{
			AppointmentCode: a.Code,
			ServiceID:       sv.ID,
			Number:          p.t.Number,
			BusinessDate:    p.t.BusinessDate,
			Method:          r.Method,
			At:              now.UTC(),
			Late:            r.Late,
		}
		if _, err := s.appendRecord(ctx, tx, checkInID, api.KindCheckIn, now, payload, false); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO check_ins (record_id, appointment_code, ticket_record_id, method, late, at)
			VALUES (?, ?, ?, ?, ?, ?)`, checkInID, a.Code, p.t.RecordID, r.Method, r.Late, now.UnixNano())
		return err
	})
	if err != nil {
		return nil, err
	}
	t := p.t
	return &t, nil
}
