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
// are folded into the next one. A new snapshot wakes only the pages whose
// view it changed, so a ticket synced at the back of a queue does not make
// every open page look again.
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
	// waiters holds, for the tickets of snap with an open page, a channel
	// closed when their view changes: a call wakes the pages it moved, not
	// all of them, and a ticket synced behind them wakes none. A page that
	// closed leaves its channel until then, or until the day turns over:
	// at most one for each of the day's tickets.
	waiters map[string]chan struct{}
}

// snapshot is the day's queue as the pages show it.
type snapshot struct {
	tickets map[string]api.TicketView // by page token
	display api.DisplayView
	err     error
}

func newLiveHub(s *Server) *liveHub {
	h := &liveHub{s: s, dirty: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		next: make(chan struct{}), closing: make(chan struct{}), waiters: map[string]chan struct{}{}}
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
		h.publish(h.build())
	}
}

// publish makes snap the current snapshot and wakes the pages whose view
// it changes, and every reader of the display and of tickets outside the
// snapshot. A snapshot that changes nothing the pages show (a minute tick,
// a record that moved nobody) wakes nobody. Only run calls it, so h.snap
// may be read here without the lock.
func (h *liveHub) publish(snap *snapshot) {
	changed, all := snap.changes(h.snap)
	if !all && len(changed) == 0 && reflect.DeepEqual(snap.display, h.snap.display) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.snap = snap
	close(h.next)
	h.next = make(chan struct{})
	if all {
		for token, c := range h.waiters {
			close(c)
			delete(h.waiters, token)
		}
		return
	}
	for _, token := range changed {
		if c, ok := h.waiters[token]; ok {
			close(c)
			delete(h.waiters, token)
		}
	}
}

// changes lists the page tokens whose view differs from old's, those that
// left the snapshot (the day turned over) included; all is set when every
// page must look again (an error now or before).
func (a *snapshot) changes(old *snapshot) (changed []string, all bool) {
	if old == nil || a.err != nil || old.err != nil {
		return nil, true
	}
	kept := 0
	for token, v := range a.tickets {
		was, ok := old.tickets[token]
		if ok {
			kept++
		}
		if !ok || !sameView(v, was) {
			changed = append(changed, token)
		}
	}
	if kept < len(old.tickets) {
		for token := range old.tickets {
			if _, ok := a.tickets[token]; !ok {
				changed = append(changed, token)
			}
		}
	}
	return changed, false
}

// current returns the latest snapshot and a channel closed when a newer one
// is published.
func (h *liveHub) current() (*snapshot, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.snap, h.next
}

// ticket returns the view of a page token in the latest snapshot and a
// channel closed when that view changes. A token the snapshot lacks gets
// the channel of the next snapshot instead, so tokens nobody holds cannot
// pile up waiters.
func (h *liveHub) ticket(token string) (v api.TicketView, ok bool, changed <-chan struct{}, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.snap.err != nil {
		return api.TicketView{}, false, h.next, h.snap.err
	}
	if v, ok = h.snap.tickets[token]; !ok {
		return v, false, h.next, nil
	}
	c, ok := h.waiters[token]
	if !ok {
		c = make(chan struct{})
		h.waiters[token] = c
	}
	return v, true, c, nil
}

func (h *liveHub) build() *snapshot {
	s := h.s
	now := s.clock.Now()
	date := s.businessDate(now)
	snap := &snapshot{display: api.DisplayView{Hall: s.cat.Hall.Name}}
	waiting := map[string]int{}
	var called []*QueueTicket
	err := s.store.View(context.Background(), func(tx Tx) error {
		tickets, err := tx.DayQueue(date)
		if err != nil {
			return err
		}
		snap.tickets = make(map[string]api.TicketView, len(tickets))
		per := map[string]float64{} // minutes per ticket, of the services someone waits for
		// DayQueue is in call order, so the waiting tickets met so far in
		// a service are the people ahead.
		for i := range tickets {
			t := &tickets[i]
			v := s.ticketView(t)
			if t.Status == TicketWaiting {
				m, ok := per[t.ServiceID]
				if !ok {
					if m, err = s.minutesPerTicket(tx, t.ServiceID, now); err != nil {
						return err
					}
					per[t.ServiceID] = m
				}
				v.PeopleAhead = waiting[t.ServiceID]
				v.EstWaitMinutes = waitMinutes(v.PeopleAhead, m, s.cat.counters(t.ServiceID))
				waiting[t.ServiceID]++
			}
			if t.PageToken != "" {
				snap.tickets[t.PageToken] = v
			}
			if !t.CalledAt.IsZero() && t.Counter != "" {
				called = append(called, t)
			}
		}
		return nil
	})
	if err != nil {
		s.log.Error("queue snapshot", "err", err)
		return &snapshot{err: fmt.Errorf("queue snapshot: %w", err)}
	}
	slices.SortFunc(called, func(a, b *QueueTicket) int {
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

// sameView reports whether two views of a ticket read the same. It names
// every field: reflect.DeepEqual over a day's views took longer than
// reading them (TestSameViewSeesEveryField keeps the list whole).
func sameView(a, b api.TicketView) bool {
	return a.Known == b.Known && a.Number == b.Number && a.ServiceID == b.ServiceID &&
		sameText(a.Service, b.Service) && a.BusinessDate == b.BusinessDate && a.Status == b.Status &&
		sameText(a.Counter, b.Counter) && a.PeopleAhead == b.PeopleAhead &&
		a.EstWaitMinutes == b.EstWaitMinutes && a.Offline == b.Offline
}

func sameText(a, b api.Text) bool {
	return a.Zh == b.Zh && a.En == b.En && slices.Equal(a.Keep, b.Keep)
}

// ticketView is a ticket as its page shows it, without the queue position.
func (s *Server) ticketView(t *QueueTicket) api.TicketView {
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
	v, ok, next, err := s.live.ticket(token)
	if err != nil || ok {
		return v, next, err
	}
	// Not in the snapshot: a ticket of an earlier day (it shows how it
	// ended), or one numbered a moment ago whose snapshot is on its way.
	now := s.clock.Now()
	err = s.store.View(ctx, func(tx Tx) error {
		t, err := tx.TicketByToken(token)
		if err != nil || t == nil {
			return err
		}
		v = s.ticketView(&QueueTicket{ID: t.ID, BusinessDate: t.BusinessDate, Number: t.Number, ServiceID: t.ServiceID,
			Offline: t.Offline, Status: t.Status, CalledAt: t.CalledAt, Counter: t.Counter, PageToken: t.PageToken})
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
