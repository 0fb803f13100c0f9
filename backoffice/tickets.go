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
		return s.ticketResponse(tx, t, now)
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
	if req.PageToken != "" {
		// A token another ticket holds is refused here, before the unique
		// index would fail the transaction.
		held, err := tx.TicketByToken(req.PageToken)
		if err != nil {
			return nil, err
		}
		if held != nil {
			return nil, errorf(http.StatusConflict, "conflict", "page_token already belongs to another ticket")
		}
		t.PageToken = req.PageToken
	}
	if err := tx.InsertTicket(t); err != nil {
		return nil, err
	}
	return s.ticketResponse(tx, t, now)
}

// ticketResponse answers with the same estimate the ticket page shows.
func (s *Server) ticketResponse(tx Tx, t *Ticket, now time.Time) (*api.TicketResponse, error) {
	ahead := 0
	if t.Status == TicketWaiting {
		var err error
		if ahead, err = tx.WaitingAhead(t); err != nil {
			return nil, err
		}
	}
	est, err := s.estWait(tx, t.ServiceID, ahead, now)
	if err != nil {
		return nil, err
	}
	return &api.TicketResponse{
		Number:         t.Number,
		BusinessDate:   t.BusinessDate,
		IssuedAt:       t.IssuedAt,
		PeopleAhead:    ahead,
		EstWaitMinutes: est,
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
		est, err := s.estWait(tx, svc.ID, q.Waiting, now)
		if err != nil {
			return nil, err
		}
		out.Services = append(out.Services, api.ServiceQueue{
			ServiceID:      svc.ID,
			Waiting:        q.Waiting,
			IssuedToday:    q.Issued,
			EstWaitMinutes: est,
			LastCalled:     q.LastCalled,
		})
	}
	return out, nil
}

// callNext answers POST /v1/counters/{counter}/call-next: the first waiting
// ticket of today among the services the counter serves, priority and
// appointment tickets first, then by issue time. A ticket the counter was
// still serving is done now: the counter moved on to the next citizen.
func (s *Server) callNext(tx Tx, counter string, now time.Time) (*api.CallResult, error) {
	svcs, ok := s.cat.counterSvcs[counter]
	if !ok {
		return nil, errorf(http.StatusNotFound, "not_found", "no counter %q", counter)
	}
	date := s.businessDate(now)
	t, err := tx.NextWaiting(date, svcs)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errorf(http.StatusNotFound, "queue_empty", "nobody waits for counter %s", counter)
	}
	cur, err := tx.CurrentAt(date, counter)
	if err != nil {
		return nil, err
	}
	if cur != nil {
		if _, err := s.finish(tx, cur, TicketDone, now); err != nil {
			return nil, err
		}
	}
	t.Status, t.CalledAt, t.Counter = TicketCalled, now, counter
	if err := tx.UpdateTicket(t); err != nil {
		return nil, err
	}
	return callResult(t), nil
}

func callResult(t *Ticket) *api.CallResult {
	return &api.CallResult{Counter: t.Counter, Number: t.Number, ServiceID: t.ServiceID, Status: t.Status}
}

// Counter actions on the ticket a counter is serving.
const (
	actionCallNext = "call-next"
	actionRecall   = "recall"
	actionNoShow   = "no-show"
	actionDone     = "done"
)

// counterAction answers POST /v1/counters/{counter}/{call-next,recall,
// no-show,done}; all but call-next act on the ticket the counter is
// serving. A recall calls it again (the display announces it again and its
// handling time starts again).
func (s *Server) counterAction(tx Tx, counter, action string, now time.Time) (*api.CallResult, error) {
	if action == actionCallNext {
		return s.callNext(tx, counter, now)
	}
	if _, ok := s.cat.counterSvcs[counter]; !ok {
		return nil, errorf(http.StatusNotFound, "not_found", "no counter %q", counter)
	}
	cur, err := tx.CurrentAt(s.businessDate(now), counter)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, errorf(http.StatusConflict, "nothing_called", "counter %s is serving no ticket", counter)
	}
	switch action {
	case actionRecall:
		cur.CalledAt = now
		return callResult(cur), tx.UpdateTicket(cur)
	case actionNoShow:
		return s.finish(tx, cur, TicketNoShow, now)
	}
	return s.finish(tx, cur, TicketDone, now)
}

// finish closes a called ticket as done or no-show. A done ticket's
// handling time feeds the estimate: the handler drops the cached one after
// the commit.
func (s *Server) finish(tx Tx, t *Ticket, status string, now time.Time) (*api.CallResult, error) {
	t.Status, t.DoneAt = status, now
	if err := tx.UpdateTicket(t); err != nil {
		return nil, err
	}
	return callResult(t), nil
}

// counterState answers GET /v1/counters/{counter}.
func (s *Server) counterState(tx Tx, counter string, now time.Time) (*api.CounterState, error) {
	svcs, ok := s.cat.counterSvcs[counter]
	if !ok {
		return nil, errorf(http.StatusNotFound, "not_found", "no counter %q", counter)
	}
	date := s.businessDate(now)
	out := &api.CounterState{Counter: counter, Name: s.cat.counterName(counter)}
	cur, err := tx.CurrentAt(date, counter)
	if err != nil {
		return nil, err
	}
	if cur != nil {
		out.Current = callResult(cur)
	}
	counts, err := tx.QueueCounts(date)
	if err != nil {
		return nil, err
	}
	for _, id := range svcs {
		out.Waiting += counts[id].Waiting
	}
	return out, nil
}
