package backoffice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"hallkiosk/clock"
)

// BenchmarkQueueSnapshot is one rebuild of the live pages' queue snapshot
// on a busy day: 6,000 tickets over the seed catalog's 23 services, each
// with a page, the first 40 % of each service done, one called, the rest
// waiting. Before every rebuild a counter calls its next ticket, so every
// rebuild has something to publish, as after a call in the hall.
func BenchmarkQueueSnapshot(b *testing.B) {
	s := snapServer(b)
	fake := s.clock.(*clock.Fake)
	ctx := context.Background()
	counters := make([]string, 0, len(s.cat.Counters))
	for _, c := range s.cat.Counters {
		counters = append(counters, c.ID)
	}
	prev := s.live.build()
	var cpu time.Duration // the process's CPU time in the rebuilds
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		fake.Advance(time.Second)
		err := s.store.Update(ctx, func(tx Tx) error {
			_, err := s.callNext(tx, counters[i%len(counters)], fake.Now())
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		s.est.invalidate()
		b.StartTimer()
		cpu0 := cpuTime(b)
		snap := s.live.build()
		changed, _ := snap.changes(prev)
		cpu += cpuTime(b) - cpu0
		if snap.err != nil {
			b.Fatal(snap.err)
		}
		if len(changed) == 0 {
			b.Fatal("a call changed nothing in the snapshot")
		}
		prev = snap
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/rebuild")
	// On a machine shared with other work the CPU time says more than the
	// time on the clock.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/rebuild")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func snapServer(tb testing.TB) *Server {
	const dayTickets = 6000
	start := monday10.Add(-2 * time.Hour) // 08:00 in the hall
	fake := clock.NewFake(monday10)
	s, err := Open(Options{DBPath: filepath.Join(tb.TempDir(), "bo.db"), Clock: fake, IgnoreHours: true,
		Tokens: map[string]string{tokK1: "K01"}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	date := s.businessDate(monday10)
	svcs := s.cat.Services
	perService := dayTickets / len(svcs)
	counterOf := map[string]string{} // a counter that serves the service
	for c, ids := range s.cat.counterSvcs {
		for _, id := range ids {
			if counterOf[id] == "" || c < counterOf[id] {
				counterOf[id] = c
			}
		}
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		for i := range dayTickets {
			svc := svcs[i%len(svcs)]
			n := i / len(svcs) // the ticket's place in its service
			t := &Ticket{BusinessDate: date, Number: fmt.Sprintf("%s%03d", svc.Prefix, n+1), ServiceID: svc.ID,
				RecordID: fmt.Sprintf("rec-%d", i), KioskID: "K01", Source: SourceReserved,
				IssuedAt: start.Add(time.Duration(i) * 400 * time.Millisecond), Status: TicketWaiting,
				PageToken: fmt.Sprintf("page-%017d", i)}
			counter := counterOf[svc.ID]
			switch {
			case n < perService*4/10:
				t.Status, t.Counter = TicketDone, counter
				t.CalledAt = t.IssuedAt.Add(20 * time.Minute)
				t.DoneAt = t.CalledAt.Add(8 * time.Minute)
			case n == perService*4/10:
				t.Status, t.Counter, t.CalledAt = TicketCalled, counter, t.IssuedAt.Add(20*time.Minute)
			}
			if err := tx.InsertTicket(t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// TestQueueCountsOnABusyDay: the queue counts of a busy day (snapServer's
// 6,000 tickets) match the day's tickets counted one by one: waiting,
// issued and the number each service called last. (No two calls of a
// service in snapServer's day share a time.)
func TestQueueCountsOnABusyDay(t *testing.T) {
	s := snapServer(t)
	ctx := context.Background()
	date := s.businessDate(s.clock.Now())
	// One more call, later than every other, in the first service: the
	// latest call must win over the day's earlier ones.
	var called string
	err := s.store.Update(ctx, func(tx Tx) error {
		for c, ids := range s.cat.counterSvcs {
			if slices.Contains(ids, s.cat.Services[0].ID) {
				tk, err := s.callNext(tx, c, s.clock.Now().Add(3*time.Hour))
				if err != nil {
					return err
				}
				called = tk.Number
				return nil
			}
		}
		return errors.New("no counter serves the first service")
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]QueueCount{}
	latest := map[string]time.Time{}
	var got map[string]QueueCount
	err = s.store.View(ctx, func(tx Tx) error {
		tickets, err := tx.DayQueue(date) // every ticket of the day but the void ones
		if err != nil {
			return err
		}
		for _, tk := range tickets {
			q := want[tk.ServiceID]
			q.Issued++
			if tk.Status == TicketWaiting {
				q.Waiting++
			}
			if !tk.CalledAt.IsZero() && !tk.CalledAt.Before(latest[tk.ServiceID]) {
				latest[tk.ServiceID], q.LastCalled = tk.CalledAt, tk.Number
			}
			want[tk.ServiceID] = q
		}
		got, err = tx.QueueCounts(date)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("queue counts:\n got %v\nwant %v", got, want)
	}
	if got[s.cat.Services[0].ID].LastCalled != called {
		t.Errorf("last called in %s is %q, want the latest call %q", s.cat.Services[0].ID, got[s.cat.Services[0].ID].LastCalled, called)
	}
}

// BenchmarkQueueCounts reads the queue counts of a busy day (6,000
// tickets), as GET /v1/queue and the counter page's poll do.
func BenchmarkQueueCounts(b *testing.B) {
	s := snapServer(b)
	date := s.businessDate(s.clock.Now())
	for b.Loop() {
		err := s.store.View(context.Background(), func(tx Tx) error {
			_, err := tx.QueueCounts(date)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
