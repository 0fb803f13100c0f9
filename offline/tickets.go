package offline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"hallkiosk/backoffice/api"
)

// skipOnlineAfterFailure: after a failed contact the ticket path goes
// straight to the kiosk's series for this long, so a queue of citizens does
// not each wait TicketTimeout while the network is down. The sync loop's
// next success (or a Kick) brings online numbering back.
const skipOnlineAfterFailure = 30 * time.Second

// ticketPlan is what IssueTicket and CheckIn decide before the transaction.
type ticketPlan struct {
	t        Ticket
	sv       *api.Service
	idHash   string // kiosk-keyed: the kiosk's own fair-use look-up
	hallHash string // hall-keyed: what the back office compares across kiosks
	apptCode string
	online   *api.TicketResponse
	// enforce fair use and the offline daily cap (walk-in tickets only; an
	// appointment's ticket was booked within capacity).
	walkIn bool
}

// IssueTicket issues a queue ticket and commits it with its outbox record
// before returning. Online, the number comes from the back office's
// hall-wide series (POST /v1/tickets, TicketTimeout); offline, on timeout or
// on a 5xx it comes from the kiosk's own series <prefix><kiosk 2 digits>-<3
// digits>, counted per service and business day in the same transaction,
// so a citizen is never blocked by the network (docs/offline-sync.md §5.3).
//
// Errors: ErrNotFound (unknown service), ErrClosed (outside opening hours),
// ErrAlreadyHasTicket (fair use: one ticket per ID, service and day),
// ErrDailyCapReached, ErrStorageFull, ErrStorageBroken.
func (s *Store) IssueTicket(ctx context.Context, r TicketRequest) (*Ticket, error) {
	if why := s.broken.Load(); why != nil {
		// Before asking the back office: a number reserved for a ticket
		// that cannot be committed would be a no-show at the counter.
		return nil, fmt.Errorf("offline: issue ticket: %w: %s", ErrStorageBroken, *why)
	}
	sv, cat, err := s.service(r.ServiceID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !isOpen(sv, cat.Hall, now.In(s.location())) {
		return nil, fmt.Errorf("offline: service %q: %w", sv.ID, ErrClosed)
	}
	p := &ticketPlan{
		sv:       sv,
		idHash:   s.seal.idHash(r.IDNumber),
		hallHash: s.hallHash(r.IDNumber),
		apptCode: r.AppointmentCode,
		walkIn:   true,
		t: Ticket{
			ServiceID:    sv.ID,
			BusinessDate: s.businessDate(now),
			IssuedAt:     now,
			Priority:     r.Priority,
			PeopleAhead:  -1,
		},
	}
	// Fair use first, so the back office is not asked for a number the
	// citizen cannot have. Checked again inside the transaction.
	if p.idHash != "" {
		if err := s.checkFairUse(ctx, s.rdb, p); err != nil {
			return nil, err
		}
	}
	if p.t.RecordID, err = newRecordID(); err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	if p.t.PageToken, err = newPageToken(); err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	if err := s.askNumber(ctx, p); err != nil {
		return nil, err
	}
	err = s.write(ctx, "issue ticket", func(tx *sql.Tx) error {
		return s.insertTicket(ctx, tx, p)
	})
	if err != nil {
		return nil, err
	}
	t := p.t
	return &t, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) checkFairUse(ctx context.Context, q queryer, p *ticketPlan) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM tickets
		WHERE id_hash = ? AND service_id = ? AND business_date = ?`,
		p.idHash, p.sv.ID, p.t.BusinessDate).Scan(&n)
	if err != nil {
		return classify("fair-use check", err)
	}
	if n > 0 {
		return fmt.Errorf("offline: service %q on %s: %w", p.sv.ID, p.t.BusinessDate, ErrAlreadyHasTicket)
	}
	return nil
}

// askNumber tries the back office. Only its business answers (cap reached,
// closed) end the attempt; everything else falls back to the kiosk's series.
func (s *Store) askNumber(ctx context.Context, p *ticketPlan) error {
	c := s.client
	if c == nil || c.recentlyFailed(skipOnlineAfterFailure) {
		return nil
	}
	resp, err := c.requestTicket(ctx, api.TicketRequest{
		RecordID:        p.t.RecordID,
		KioskID:         s.opts.KioskID,
		ServiceID:       p.sv.ID,
		Priority:        p.t.Priority,
		AppointmentCode: p.apptCode,
		IDHash:          p.hallHash,
		PageToken:       p.t.PageToken,
	})
	if err == nil {
		p.online = resp
		if resp.BusinessDate != "" {
			p.t.BusinessDate = resp.BusinessDate
		}
		p.t.Number = resp.Number
		p.t.PeopleAhead = resp.PeopleAhead
		p.t.EstWaitMinutes = resp.EstWaitMinutes
		// A number came back, so the network is up: deliver the backlog
		// now rather than at the next back-off tick.
		s.Kick()
		return nil
	}
	var he *HTTPError
	if errors.As(err, &he) && he.Status == http.StatusConflict {
		switch he.Code {
		case "cap_reached":
			if p.walkIn {
				return fmt.Errorf("offline: service %q: %w", p.sv.ID, ErrDailyCapReached)
			}
		case "closed":
			return fmt.Errorf("offline: service %q: %w", p.sv.ID, ErrClosed)
		case "already_has_ticket":
			// Taken at another kiosk of the hall today.
			if p.walkIn {
				return fmt.Errorf("offline: service %q on %s: %w", p.sv.ID, p.t.BusinessDate, ErrAlreadyHasTicket)
			}
		}
	}
	if ctx.Err() != nil {
		// The screen gave up; do not commit a ticket nobody will take.
		return fmt.Errorf("offline: issue ticket: %w", ctx.Err())
	}
	// The request may have reached the back office and reserved a number
	// under this record id before the answer was lost. The kiosk-numbered
	// ticket keeps the id, so when its record syncs the back office turns
	// that reservation into this ticket instead of leaving a number in the
	// queue that nobody holds.
	s.log.Warn("online ticket number unavailable, using the kiosk series", "service", p.sv.ID, "error", err.Error())
	return nil
}

// insertTicket writes the ticket row and its ticket.issued record. Offline
// it draws the next number of the kiosk's series in the same transaction:
// a number whose transaction rolled back was never used, one that committed
// is never handed out again, even after a crash.
func (s *Store) insertTicket(ctx context.Context, tx *sql.Tx, p *ticketPlan) error {
	if p.walkIn && p.idHash != "" {
		if err := s.checkFairUse(ctx, tx, p); err != nil {
			return err
		}
	}
	if p.online == nil {
		if p.walkIn && p.sv.DailyCap > 0 {
			var n int
			// Appointment check-in tickets were booked within capacity and
			// do not count; a late arrival re-queued as a walk-in does.
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tickets
				WHERE service_id = ? AND business_date = ?
				AND record_id NOT IN (SELECT ticket_record_id FROM check_ins)`,
				p.sv.ID, p.t.BusinessDate).Scan(&n); err != nil {
				return fmt.Errorf("daily cap: %w", err)
			}
			if n >= p.sv.DailyCap {
				return fmt.Errorf("offline: service %q: %w (%d issued by this kiosk)", p.sv.ID, ErrDailyCapReached, n)
			}
		}
		var last int
		err := tx.QueryRowContext(ctx, `INSERT INTO ticket_counters (service_id, business_date, last) VALUES (?, ?, 1)
			ON CONFLICT (service_id, business_date) DO UPDATE SET last = last + 1
			RETURNING last`, p.sv.ID, p.t.BusinessDate).Scan(&last)
		if err != nil {
			return fmt.Errorf("ticket counter: %w", err)
		}
		p.t.Number = fmt.Sprintf("%s%02d-%03d", p.sv.Prefix, s.opts.KioskNumber, last)
		p.t.Offline = true
		p.t.PeopleAhead = -1
		p.t.EstWaitMinutes = 0
	}
	payload := api.TicketIssued{
		Number:          p.t.Number,
		ServiceID:       p.t.ServiceID,
		BusinessDate:    p.t.BusinessDate,
		IssuedAt:        p.t.IssuedAt.UTC(),
		Offline:         p.t.Offline,
		Priority:        p.t.Priority,
		AppointmentCode: p.apptCode,
		IDHash:          p.hallHash,
		PageToken:       p.t.PageToken,
	}
	// The keyed ID hash links a citizen's tickets, so a payload carrying it
	// is sealed like personal data.
	seq, err := s.appendRecord(ctx, tx, p.t.RecordID, api.KindTicketIssued, p.t.IssuedAt, payload, p.idHash != "")
	if err != nil {
		return err
	}
	p.t.Seq = seq
	_, err = tx.ExecContext(ctx, `INSERT INTO tickets
		(record_id, number, service_id, business_date, issued_at, offline, priority, id_hash,
		 people_ahead, est_wait, appointment_code, page_token)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.t.RecordID, p.t.Number, p.t.ServiceID, p.t.BusinessDate, p.t.IssuedAt.UnixNano(),
		p.t.Offline, p.t.Priority, nullString(p.idHash), p.t.PeopleAhead, p.t.EstWaitMinutes, nullString(p.apptCode),
		nullString(p.t.PageToken))
	if err != nil {
		return fmt.Errorf("insert ticket %s: %w", p.t.Number, err)
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const ticketColumns = `t.record_id, o.seq, t.number, t.service_id, t.business_date, t.issued_at,
	t.offline, t.priority, t.people_ahead, t.est_wait, COALESCE(t.page_token, '')`

func scanTicket(row interface{ Scan(...any) error }) (*Ticket, error) {
	var t Ticket
	var at int64
	if err := row.Scan(&t.RecordID, &t.Seq, &t.Number, &t.ServiceID, &t.BusinessDate, &at,
		&t.Offline, &t.Priority, &t.PeopleAhead, &t.EstWaitMinutes, &t.PageToken); err != nil {
		return nil, err
	}
	t.IssuedAt = time.Unix(0, at)
	return &t, nil
}

// FindTicket looks up a ticket this kiosk issued, by number and business
// date (for ratings and reprints). ErrNotFound when there is none.
func (s *Store) FindTicket(ctx context.Context, number, businessDate string) (*Ticket, error) {
	t, err := scanTicket(s.rdb.QueryRowContext(ctx, `SELECT `+ticketColumns+`
		FROM tickets t JOIN outbox o ON o.id = t.record_id
		WHERE t.number = ? AND t.business_date = ?`, number, businessDate))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("offline: ticket %s of %s: %w", number, businessDate, ErrNotFound)
	}
	if err != nil {
		return nil, classify("find ticket", err)
	}
	return t, nil
}

// RecordPrintFailure commits that t's paper did not come out. The ticket
// stays valid (its number is on the screen); the back office learns why.
func (s *Store) RecordPrintFailure(ctx context.Context, t *Ticket, reason string) error {
	if t == nil || t.RecordID == "" {
		return errors.New("offline: record print failure: no ticket")
	}
	id, err := newRecordID()
	if err != nil {
		return fmt.Errorf("offline: %w", err)
	}
	now := s.now()
	reason = truncate(reason, 500)
	return s.write(ctx, "record print failure", func(tx *sql.Tx) error {
		var number, date string
		err := tx.QueryRowContext(ctx, `SELECT number, business_date FROM tickets WHERE record_id = ?`, t.RecordID).Scan(&number, &date)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("offline: ticket record %s: %w", t.RecordID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		payload := api.TicketPrintFailed{Number: number, BusinessDate: date, Reason: reason}
		if _, err := s.appendRecord(ctx, tx, id, api.KindTicketPrintFail, now, payload, false); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO print_failures (record_id, ticket_record_id, reason, at) VALUES (?, ?, ?, ?)`,
			id, t.RecordID, reason, now.UnixNano())
		return err
	})
}
