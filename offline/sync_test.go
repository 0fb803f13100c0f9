package offline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
)

// loopHarness runs RunSync on a fake clock and hands its events to the test.
type loopHarness struct {
	t      *testing.T
	clk    *clock.Fake
	s      *Store
	events chan SyncEvent
	cancel context.CancelFunc
	done   chan struct{}
}

func startLoop(t *testing.T, s *Store, clk *clock.Fake, events chan SyncEvent) *loopHarness {
	ctx, cancel := context.WithCancel(context.Background())
	h := &loopHarness{t: t, clk: clk, s: s, events: events, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		if err := s.RunSync(ctx); err != nil {
			t.Errorf("RunSync: %v", err)
		}
	}()
	t.Cleanup(h.stop)
	return h
}

func (h *loopHarness) stop() {
	h.cancel()
	<-h.done
}

// next returns the loop's next event. The loop is driven only by the fake
// clock, Kick and new records, so an event either comes or the test is
// wrong; the real-time limit only turns a hang into a failure.
func (h *loopHarness) next() SyncEvent {
	h.t.Helper()
	select {
	case ev := <-h.events:
		return ev
	case <-time.After(20 * time.Second):
		h.t.Fatal("no sync event")
		return SyncEvent{}
	}
}

// sleeping waits until the loop has armed its wait timer.
func (h *loopHarness) sleeping() {
	h.t.Helper()
	if !h.clk.WaitPending(1, 20*time.Second) {
		h.t.Fatal("sync loop never started waiting")
	}
}

func loopOptions(events chan SyncEvent) SyncOptions {
	return SyncOptions{
		OnEvent:         func(ev SyncEvent) { events <- ev },
		RefreshInterval: 24 * time.Hour,
		PurgeInterval:   24 * time.Hour,
		IdleInterval:    time.Hour,
	}
}

func TestSyncLoopBackoffAndRecovery(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk))
	var mode atomic.Int32 // a fault
	px := newFaultProxy(t, bo.url, func(int) fault { return fault(mode.Load()) })
	events := make(chan SyncEvent, 100)
	o := testOptions(t, clk)
	o.Client = newTestClient(t, px.URL(), clk)
	o.Sync = loopOptions(events)
	s := openStore(t, o)
	for i := range 5 {
		if err := s.RecordRating(ctx, api.Rating{Overall: 1 + i%5}); err != nil {
			t.Fatal(err)
		}
	}
	px.goDown()
	h := startLoop(t, s, clk, events)

	// Refused connections: the waits grow 1.6× per failure with ±20 %
	// jitter up to the 2 min cap, and nothing is sent in between.
	var waits []time.Duration
	for n := 1; n <= 14; n++ {
		ev := h.next()
		if !errors.Is(ev.Err, ErrOffline) {
			t.Fatalf("attempt %d: err %v, want ErrOffline", n, ev.Err)
		}
		nominal := min(float64(time.Second)*pow(1.6, n-1), float64(2*time.Minute))
		if w := float64(ev.Wait); w < 0.8*nominal || w > 1.2*nominal {
			t.Errorf("attempt %d: wait %v, want %v ±20 %%", n, ev.Wait, time.Duration(nominal))
		}
		waits = append(waits, ev.Wait)
		h.sleeping()
		if n < 14 {
			clk.Advance(ev.Wait)
		}
	}
	if s.client.Online() {
		t.Error("Online() true while refused")
	}
	if len(h.events) != 0 {
		t.Errorf("%d extra attempts while backing off", len(h.events))
	}

	// Connectivity returns; Kick cuts the 2-minute wait short.
	px.up()
	s.Kick()
	ev := h.next()
	if ev.Err != nil || ev.Acknowledged != 5 {
		t.Fatalf("after Kick: %+v, want 5 acknowledged", ev)
	}
	if ev = h.next(); ev.Sent != 0 || ev.Err != nil || ev.Wait != time.Hour {
		t.Fatalf("idle event %+v, want nothing sent and the idle interval", ev)
	}
	if !s.client.Online() {
		t.Error("Online() false after a delivered batch")
	}

	// A new record wakes the idle loop at once; a 429 is honoured exactly.
	h.sleeping()
	mode.Store(int32(fault429))
	if err := s.RecordSuggestion(ctx, api.Suggestion{Category: "environment"}); err != nil {
		t.Fatal(err)
	}
	ev = h.next()
	if ev.Wait != time.Second {
		t.Errorf("after 429 with Retry-After: 1, wait %v, want 1s (err %v)", ev.Wait, ev.Err)
	}
	mode.Store(int32(faultPass))
	h.sleeping()
	clk.Advance(time.Second)
	if ev = h.next(); ev.Acknowledged != 1 {
		t.Errorf("after Retry-After: %+v, want 1 acknowledged", ev)
	}
	h.stop()
	if n := must[int](t)(bo.srv.RecordCount(testKioskID)); n != 6 {
		t.Errorf("back office holds %d records, want 6", n)
	}
	_ = waits
}

func pow(b float64, n int) float64 {
	r := 1.0
	for range n {
		r *= b
	}
	return r
}

func TestSyncStopsOnUnauthorized(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk))
	cl, err := NewClient(ClientOptions{BaseURL: bo.url, AllowInsecureHTTP: true, Token: "stolen", KioskID: testKioskID, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan SyncEvent, 10)
	o := testOptions(t, clk)
	o.Client = cl
	o.Sync = loopOptions(events)
	s := openStore(t, o)
	if err := s.RecordTechnicianAction(ctx, api.TechnicianAction{Action: "test"}); err != nil {
		t.Fatal(err)
	}
	h := startLoop(t, s, clk, events)
	ev := h.next()
	if !errors.Is(ev.Err, ErrUnauthorized) || ev.Wait != time.Hour {
		t.Fatalf("event %+v, want ErrUnauthorized and the 1 h stop", ev)
	}
	hl := s.Health(ctx)
	if !hl.SyncStopped || !contains(hl.Alarms, AlarmUnauthorized) || hl.Pending != 1 {
		t.Errorf("Health %+v, want stopped with alarm and the record pending", hl)
	}
	h.stop()
}

// TestSyncStopKeepsRecords cancels the loop while a batch is in flight: the
// request is abandoned, the records stay pending and the next run delivers
// them exactly once.
func TestSyncStopKeepsRecords(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk))
	var mode atomic.Int32
	px := newFaultProxy(t, bo.url, func(int) fault { return fault(mode.Load()) })
	px.seen = make(chan fault, 100)
	events := make(chan SyncEvent, 10)
	o := testOptions(t, clk)
	o.Client = newTestClient(t, px.URL(), clk)
	o.Sync = loopOptions(events)
	s := openStore(t, o)
	h := startLoop(t, s, clk, events)
	if ev := h.next(); ev.Sent != 0 || ev.Err != nil {
		t.Fatalf("first event %+v, want idle", ev)
	}
	mode.Store(int32(faultHang))
	for range 3 {
		if err := s.RecordRating(ctx, api.Rating{Overall: 5}); err != nil {
			t.Fatal(err)
		}
	}
	for f := range px.seen {
		if f == faultHang {
			break
		}
	}
	h.stop()
	if p := s.Health(ctx).Pending; p != 3 {
		t.Fatalf("%d pending after stop, want 3", p)
	}
	mode.Store(int32(faultPass))
	syncAll(t, s)
	if n := must[int](t)(bo.srv.RecordCount(testKioskID)); n != 3 {
		t.Errorf("back office holds %d records, want 3", n)
	}
}

func TestDeadLettersAndRequeue(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	var rejecting atomic.Bool
	rejecting.Store(true)
	bo := newBackOffice(t, withBOClock(clk), withReject(func(r api.Record) string {
		if rejecting.Load() && r.Kind == api.KindRating && bytes.Contains(r.Payload, []byte(`"overall":1`)) {
			return "ratings of 1 need a reason (test rule)"
		}
		return ""
	}))
	o := testOptions(t, clk)
	o.Client = newTestClient(t, bo.url, clk)
	s := openStore(t, o)
	for _, lvl := range []int{5, 1, 4} {
		if err := s.RecordRating(ctx, api.Rating{Overall: lvl}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := s.SyncOnce(ctx)
	if err != nil || res.Acknowledged != 2 || res.Rejected != 1 {
		t.Fatalf("first sync %+v, %v; want 2 acknowledged, 1 rejected", res, err)
	}
	// The rejected record waits 30 s, 60 s, 120 s, 120 s between tries.
	for i, wait := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 2 * time.Minute} {
		if res, _ := s.SyncOnce(ctx); res.Sent != 0 {
			t.Fatalf("try %d: record offered again before its wait", i+2)
		}
		clk.Advance(wait)
		res, err := s.SyncOnce(ctx)
		if err != nil || res.Sent != 1 {
			t.Fatalf("try %d: %+v, %v", i+2, res, err)
		}
		if last := i == 3; last != (res.Dead == 1) {
			t.Fatalf("try %d: %+v", i+2, res)
		}
	}
	h := s.Health(ctx)
	if h.DeadLetters != 1 || h.Pending != 0 || !contains(h.Alarms, AlarmDeadLetters) {
		t.Errorf("Health %+v, want 1 dead letter with alarm, nothing pending", h)
	}
	dl := must[[]DeadLetter](t)(s.DeadLetters(ctx))
	if len(dl) != 1 || dl[0].Attempts != 5 || !strings.Contains(dl[0].Reason, "need a reason") || dl[0].Kind != api.KindRating {
		t.Fatalf("DeadLetters %+v", dl)
	}
	var buf bytes.Buffer
	if err := s.ExportDeadLetters(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	var exported DeadLetter
	if err := json.Unmarshal(buf.Bytes(), &exported); err != nil || exported.ID != dl[0].ID || !bytes.Contains(exported.Payload, []byte(`"overall":1`)) {
		t.Errorf("export %q (%v)", buf.String(), err)
	}

	rejecting.Store(false)
	if n, err := s.Requeue(ctx, dl[0].ID, "not-a-dead-letter"); err != nil || n != 1 {
		t.Fatalf("Requeue = %d, %v", n, err)
	}
	syncAll(t, s)
	h = s.Health(ctx)
	if h.DeadLetters != 0 || h.Pending != 0 {
		t.Errorf("after requeue: %+v", h)
	}
	recs := must[[]api.Record](t)(bo.srv.Records(testKioskID))
	if len(recs) != 4 || recs[3].Kind != api.KindTechnicianAction {
		t.Errorf("back office holds %d records (last %s), want the 3 ratings and the requeue audit", len(recs), recs[len(recs)-1].Kind)
	}
}

func TestSyncBatchBounds(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	bo := newBackOffice(t, withBOClock(clk))
	o := testOptions(t, clk)
	o.Client = newTestClient(t, bo.url, clk)
	o.Sync.BatchRecords = 7
	o.Sync.BatchBytes = 2000
	s := openStore(t, o)
	long := strings.Repeat("很", 100) // 300 bytes of JSON each
	for range 20 {
		if err := s.RecordTechnicianAction(ctx, api.TechnicianAction{Action: "note", Detail: long}); err != nil {
			t.Fatal(err)
		}
	}
	var sizes []int
	for {
		res, err := s.SyncOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Sent == 0 {
			break
		}
		sizes = append(sizes, res.Sent)
	}
	for _, n := range sizes {
		if n > 5 {
			t.Errorf("batch sizes %v: one above the byte bound", sizes)
		}
	}
	recs := must[[]api.Record](t)(bo.srv.Records(testKioskID))
	for i, r := range recs {
		if r.Seq != int64(i+1) {
			t.Fatalf("back office record %d has seq %d: not in order", i, r.Seq)
		}
	}
}

// TestServerGapAlarm: a seq the back office calls missing while the kiosk
// holds it as acknowledged raises server_gap; gaps over pending records do
// not.
func TestServerGapAlarm(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, testOptions(t, clock.NewFake(t0)))
	for range 3 {
		if err := s.RecordTechnicianAction(ctx, api.TechnicianAction{Action: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.db.Exec(`UPDATE outbox SET state = 'acknowledged', acked_at = 1 WHERE seq = 1`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		gaps  [][2]int64
		alarm bool
	}{
		{"pending records missing", [][2]int64{{2, 3}}, false},
		{"acknowledged record missing", [][2]int64{{1, 1}}, true},
		{"resolved", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.checkGaps(ctx, tc.gaps)
			if got := contains(s.Health(ctx).Alarms, AlarmServerGap); got != tc.alarm {
				t.Errorf("server_gap alarm %v, want %v", got, tc.alarm)
			}
		})
	}
}

// TestClockJumpBack: a rejected record's retry time is wall-clock; after the
// clock jumps back a day it must still be offered, not parked for a day.
func TestClockJumpBack(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	s := openStore(t, testOptions(t, clk))
	if err := s.RecordTechnicianAction(ctx, api.TechnicianAction{Action: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE outbox SET next_attempt_at = ?`, t0.Add(time.Minute).UnixNano()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		now  time.Time
		due  bool
	}{
		{"before its time", t0, false},
		{"at its time", t0.Add(time.Minute), true},
		{"clock jumped back a day", t0.Add(-24 * time.Hour), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk.Set(tc.now)
			b, err := s.loadBatch(ctx, 10)
			if err != nil || (len(b) == 1) != tc.due {
				t.Errorf("loadBatch = %d records, %v; due %v", len(b), err, tc.due)
			}
		})
	}
}
