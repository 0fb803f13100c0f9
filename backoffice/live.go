package backoffice

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"hallkiosk/backoffice/api"
)

// liveHub fans the queue out to the open ticket pages and hall displays.
// One goroutine rebuilds a snapshot of the day's queue after every change
// (a ticket issued or synced, a call, a counter action) and on a minute
// tick (the date and the estimate's hour turn over); every page reads its
// view from the latest snapshot. Thousands of open pages therefore cost one
// query per change, not one each, and changes that arrive during a rebuild
// are folded into the next one.
type liveHub struct {
	s     *Server
	dirty chan struct{} // capacity 1: a rebuild is due
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once

	closing     chan struct{} // closed when the HTTP server shuts down
	closingOnce sync.Once

	mu   sync.Mutex
	snap *snapshot
	next chan struct{} // closed when a newer snapshot replaces snap
}

// snapshot is the day's queue as the pages show it.
type snapshot struct {
	tickets map[string]api.TicketView // by page token
	display api.DisplayView
	err     error
}

func newLiveHub(s *Server) *liveHub {
	h := &liveHub{s: s, dirty: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		next: make(chan struct{}), closing: make(chan struct{})}
	h.snap = h.build()
	go h.run()
	return h
}

// changed asks for a rebuild; it never blocks the request that changed
// something.
func (h *liveHub) changed() {
	select {
	case h.dirty <- struct{}{}:
	default:
	}
}

// close stops the rebuilds; a second close is a no-op, as Server.Close
// may be called twice.
func (h *liveHub) close() {
	h.once.Do(func() { close(h.stop) })
	<-h.done
}

func (h *liveHub) run() {
	defer close(h.done)
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-h.dirty:
		case <-tick.C:
		}
		snap := h.build()
		h.mu.Lock()
		if snap.same(h.snap) {
			// Nothing the pages show changed (a minute tick, a record
			// that moved nobody): no page needs waking.
			h.mu.Unlock()
			continue
		}
		h.snap = snap
		close(h.next)
		h.next = make(chan struct{})
		h.mu.Unlock()
	}
}

// current returns the latest snapshot and a channel closed when a newer one
// is published.
func (h *liveHub) current() (*snapshot, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.snap, h.next
}

func (h *liveHub) build() *snapshot {
	s := h.s
	now := s.clock.Now()
	date := s.businessDate(now)
	var tickets []*Ticket
	per := map[string]float64{}
	err := s.store.View(context.Background(), func(tx Tx) (err error) {
		if tickets, err = tx.DayTickets(date); err != nil {
			return err
		}
		for _, svc := range s.cat.Services {
			if per[svc.ID], err = s.minutesPerTicket(tx, svc.ID, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.log.Error("queue snapshot", "err", err)
		return &snapshot{err: fmt.Errorf("queue snapshot: %w", err)}
	}
	snap := &snapshot{tickets: make(map[string]api.TicketView, len(tickets)),
		display: api.DisplayView{Hall: s.cat.Hall.Name}}
	waiting := map[string]int{}
	var called []*Ticket
	// DayTickets is in call order, so the waiting tickets met so far in a
	// service are the people ahead.
	for _, t := range tickets {
		v := s.ticketView(t)
		if t.Status == TicketWaiting {
			v.PeopleAhead = waiting[t.ServiceID]
			v.EstWaitMinutes = waitMinutes(v.PeopleAhead, per[t.ServiceID], s.cat.counters(t.ServiceID))
			waiting[t.ServiceID]++
		}
		if t.PageToken != "" {
			snap.tickets[t.PageToken] = v
		}
		if !t.CalledAt.IsZero() && t.Counter != "" {
			called = append(called, t)
		}
	}
	slices.SortFunc(called, func(a, b *Ticket) int {
		if c := b.CalledAt.Compare(a.CalledAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	// The latest calls, and every call a counter still serves: a counter
	// serving one ticket for long stays on the display.
	for i, t := range called {
		if i >= api.DisplayRecentCalls && t.Status != TicketCalled {
			continue
		}
		snap.display.Calls = append(snap.display.Calls, api.Call{
			Key:    fmt.Sprintf("%s@%d", t.Number, t.CalledAt.UnixNano()),
			Number: t.Number, ServiceID: t.ServiceID, CounterID: t.Counter,
			Counter: s.cat.counterName(t.Counter), At: t.CalledAt, Current: t.Status == TicketCalled,
		})
	}
	for _, svc := range s.cat.Services {
		snap.display.Services = append(snap.display.Services,
			api.ServiceCount{ServiceID: svc.ID, Name: svc.Name, Waiting: waiting[svc.ID]})
	}
	return snap
}

// same reports whether two snapshots show the same to every page.
func (a *snapshot) same(b *snapshot) bool {
	if b == nil || a.err != nil || b.err != nil {
		return false
	}
	return reflect.DeepEqual(a.tickets, b.tickets) && reflect.DeepEqual(a.display, b.display)
}

// ticketView is a ticket as its page shows it, without the queue position.
func (s *Server) ticketView(t *Ticket) api.TicketView {
	v := api.TicketView{Known: true, Number: t.Number, ServiceID: t.ServiceID, BusinessDate: t.BusinessDate,
		Status: t.Status, Offline: t.Offline}
	if svc := s.cat.services[t.ServiceID]; svc != nil {
		v.Service = svc.Name
	}
	if t.Counter != "" && t.Status != TicketWaiting {
		v.Counter = s.cat.counterName(t.Counter)
	}
	return v
}

// TicketView returns what the page of a page token shows, and a channel
// closed when that may have changed. A token no ticket holds yet (an
// offline ticket whose record has not synced) answers Known false.
func (s *Server) TicketView(ctx context.Context, token string) (api.TicketView, <-chan struct{}, error) {
	snap, next := s.live.current()
	if snap.err != nil {
		return api.TicketView{}, next, snap.err
	}
	if v, ok := snap.tickets[token]; ok {
		return v, next, nil
	}
	// Not in the snapshot: a ticket of an earlier day (it shows how it
	// ended), or one numbered a moment ago whose snapshot is on its way.
	var v api.TicketView
	now := s.clock.Now()
	err := s.store.View(ctx, func(tx Tx) error {
		t, err := tx.TicketByToken(token)
		if err != nil || t == nil {
			return err
		}
		v = s.ticketView(t)
		if t.Status != TicketWaiting {
			return nil
		}
		if v.PeopleAhead, err = tx.WaitingAhead(t); err != nil {
			return err
		}
		v.EstWaitMinutes, err = s.estWait(tx, t.ServiceID, v.PeopleAhead, now)
		return err
	})
	return v, next, err
}

// Closing is closed when the back office's HTTP server shuts down, so the
// pages' event streams end instead of holding the shutdown up.
func (s *Server) Closing() <-chan struct{} { return s.live.closing }

func (h *liveHub) shutdown() { h.closingOnce.Do(func() { close(h.closing) }) }

// DisplayView returns what the hall display shows, and a channel closed
// when that may have changed.
func (s *Server) DisplayView(context.Context) (api.DisplayView, <-chan struct{}, error) {
	snap, next := s.live.current()
	return snap.display, next, snap.err
}
