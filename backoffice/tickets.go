package backoffice

import (
	"fmt"
	"net/http"
	"time"

	"hallkiosk/backoffice/api"
)

// The hall key (api.HallKey) lives in the storage's secrets.
const (
	hallKeyName = "hall_id_hash_key"
	hallKeySize = 32
)

// maxSerial is the last number of a day's series: numbers are the prefix
// and three digits (A001…A999), so a ticket printed as A1000 never happens.
const maxSerial = 999

// issueTicket answers POST /v1/tickets inside one write transaction. The
// order of the checks matters: a retried request (same record id) gets its
// number back even after closing time or once the cap is reached, because
// the citizen may already be holding the printed ticket.
func (s *Server) issueTicket(tx Tx, kiosk string, req api.TicketRequest, now time.Time) (*api.TicketResponse, error) {
	t, err := tx.TicketByRecord(req.RecordID)
	if err != nil {
		return nil, err
	}
	if t != nil {
		if t.KioskID != kiosk || t.ServiceID != req.ServiceID {
			return nil, errorf(http.StatusConflict, "conflict", "record_id %s already numbered a ticket of another service or kiosk", req.RecordID)
		}
		return s.ticketResponse(tx, t)
	}
	svc := s.cat.services[req.ServiceID]
	local := now.In(s.loc)
	if !s.ignoreHours && !s.cat.isOpen(svc.ID, local) {
		return nil, errorf(http.StatusConflict, "closed", "%s takes no tickets at %s", svc.ID, local.Format("Mon 15:04"))
	}
	date := s.businessDate(now)
	issued, err := tx.CountIssued(date, svc.ID)
	if err != nil {
		return nil, err
	}
	if svc.DailyCap > 0 && issued >= svc.DailyCap {
		return nil, errorf(http.StatusConflict, "cap_reached", "%s issued its %d tickets of %s", svc.ID, svc.DailyCap, date)
	}
	// One ticket per citizen, service and day, whichever kiosk printed the
	// first: appointments come through check-in, not here.
	if req.IDHash != "" && req.AppointmentCode == "" {
		held, err := tx.TicketByIDHash(date, svc.ID, req.IDHash)
		if err != nil {
			return nil, err
		}
		if held != nil {
			return nil, errorf(http.StatusConflict, "already_has_ticket", "this ID already holds a %s ticket of %s", svc.ID, date)
		}
	}
	// Skip numbers already taken (a synced ticket whose number the series
	// had not reached), so a number is never issued twice.
	var number string
	for {
		n, err := tx.NextTicketSerial(date, svc.ID)
		if err != nil {
			return nil, err
		}
		if n > maxSerial {
			return nil, errorf(http.StatusConflict, "cap_reached", "%s used up numbers %s001–%s999 of %s", svc.ID, svc.Prefix, svc.Prefix, date)
		}
		number = fmt.Sprintf("%s%03d", svc.Prefix, n)
		taken, err := tx.TicketByNumber(date, number)
		if err != nil {
			return nil, err
		}
		if taken == nil {
			break
		}
	}
	t = &Ticket{
		BusinessDate:    date,
		Number:          number,
		ServiceID:       svc.ID,
		RecordID:        req.RecordID,
		KioskID:         kiosk,
		Source:          SourceReserved,
		Priority:        req.Priority || req.AppointmentCode != "",
		AppointmentCode: req.AppointmentCode,
		IssuedAt:        now,
		Status:          TicketWaiting,
		IDHash:          req.IDHash,
	}
	if err := tx.InsertTicket(t); err != nil {
		return nil, err
	}
	return s.ticketResponse(tx, t)
}

func (s *Server) ticketResponse(tx Tx, t *Ticket) (*api.TicketResponse, error) {
	ahead := 0
	if t.Status == TicketWaiting {
		var err error
		if ahead, err = tx.WaitingAhead(t); err != nil {
			return nil, err
		}
	}
	return &api.TicketResponse{
		Number:         t.Number,
		BusinessDate:   t.BusinessDate,
		IssuedAt:       t.IssuedAt,
		PeopleAhead:    ahead,
		EstWaitMinutes: s.cat.estWait(t.ServiceID, ahead),
	}, nil
}

// queueStatus answers GET /v1/queue: every service of the catalog, in
// catalog order, with today's counts.
func (s *Server) queueStatus(tx Tx, now time.Time) (*api.QueueStatus, error) {
	date := s.businessDate(now)
	counts, err := tx.QueueCounts(date)
	if err != nil {
		return nil, err
	}
	out := &api.QueueStatus{BusinessDate: date, Services: make([]api.ServiceQueue, 0, len(s.cat.Services))}
	for _, svc := range s.cat.Services {
		q := counts[svc.ID]
		out.Services = append(out.Services, api.ServiceQueue{
			ServiceID:      svc.ID,
			Waiting:        q.Waiting,
			IssuedToday:    q.Issued,
			EstWaitMinutes: s.cat.estWait(svc.ID, q.Waiting),
			LastCalled:     q.LastCalled,
		})
	}
	return out, nil
}

// callNext answers POST /v1/counters/{counter}/call-next: the first waiting
// ticket of today among the services the counter serves, priority and
// appointment tickets first, then by issue time.
func (s *Server) callNext(tx Tx, counter string, now time.Time) (*api.CallResult, error) {
	svcs, ok := s.cat.counterSvcs[counter]
	if !ok {
		return nil, errorf(http.StatusNotFound, "not_found", "no counter %q", counter)
	}
	t, err := tx.NextWaiting(s.businessDate(now), svcs)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errorf(http.StatusNotFound, "queue_empty", "nobody waits for counter %s", counter)
	}
	t.Status, t.CalledAt, t.Counter = TicketCalled, now, counter
	if err := tx.UpdateTicket(t); err != nil {
		return nil, err
	}
	return &api.CallResult{Counter: counter, Number: t.Number, ServiceID: t.ServiceID}, nil
}
