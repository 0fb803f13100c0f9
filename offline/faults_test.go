package offline

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
)

// faultPlan injects every fault early, then a random mix: half the requests
// pass, the rest fail in one of the ways a hall network fails. Faults that
// cost real time (a hang waits for the client's timeout, a 429 for its
// Retry-After) are rationed to keep the test fast.
func faultPlan(seed uint64) func(n int) fault {
	rng := rand.New(rand.NewPCG(seed, 11))
	first := []fault{faultPass, faultReset, faultPass, fault500, faultLost, faultPass, faultGarble,
		faultHang, faultPass, faultLost, faultRefuse, faultPass, fault429, faultLost, faultReset}
	var hangs, throttles int
	return func(n int) fault {
		if n < len(first) {
			return first[n]
		}
		if rng.IntN(2) == 0 {
			return faultPass
		}
		for {
			f := fault(1 + rng.IntN(int(numFaults)-1))
			switch {
			case f == faultHang && hangs >= 4, f == fault429 && throttles >= 1:
				continue
			case f == faultHang:
				hangs++
			case f == fault429:
				throttles++
			}
			return f
		}
	}
}

// TestNetworkFaults delivers 5,000 records through a real proxy that
// refuses, resets, hangs, answers 500 and 429, garbles answers and — the
// duplicate generator — lets the back office commit a batch and then drops
// its answer (docs/offline-sync.md §3.3). At the end the back office holds
// exactly the records the kiosk committed, each once, and the dead letters
// are exactly the records the back office rejected.
func TestNetworkFaults(t *testing.T) {
	const records, poisonEvery = 5000, 50
	ctx := context.Background()

	// Fill the queue offline first, as a kiosk does during an outage.
	o := testOptions(t, nil)
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	poison := map[string]bool{}
	for i := 1; i <= records; i++ {
		switch {
		case i%poisonEvery == 0:
			err = s.RecordTechnicianAction(ctx, api.TechnicianAction{Action: "poison", Detail: fmt.Sprint(i)})
		case i%4 == 0:
			_, err = s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a"})
		case i%4 == 1:
			err = s.RecordRating(ctx, api.Rating{Overall: 1 + i%5, Phone: "13900000000"})
		case i%4 == 2:
			err = s.RecordSuggestion(ctx, api.Suggestion{Category: "hall", Reasons: []string{"cold"}})
		default:
			err = s.RecordTechnicianAction(ctx, api.TechnicianAction{Action: "note", Detail: fmt.Sprint(i)})
		}
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	rows, err := s.db.Query(`SELECT id FROM outbox WHERE kind = ? AND payload LIKE '%"poison"%'`, api.KindTechnicianAction)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		poison[id] = true
	}
	rows.Close()
	if len(poison) != records/poisonEvery {
		t.Fatalf("%d poison records, want %d", len(poison), records/poisonEvery)
	}
	s.Close()

	bo := newBackOffice(t, withReject(func(r api.Record) string {
		var a api.TechnicianAction
		if r.Kind == api.KindTechnicianAction && json.Unmarshal(r.Payload, &a) == nil && a.Action == "poison" {
			return "poison record (test)"
		}
		return ""
	}))
	seed := uint64(time.Now().UnixNano())
	t.Logf("fault seed %d", seed)
	px := newFaultProxy(t, bo.url, faultPlan(seed))
	cl, err := NewClient(ClientOptions{BaseURL: px.URL(), AllowInsecureHTTP: true, Token: testToken,
		KioskID: testKioskID, Timeout: 300 * time.Millisecond, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var once sync.Once
	var attempts, failures int
	o.Client = cl
	o.Sync = SyncOptions{
		BatchRecords:  50,
		BackoffBase:   time.Millisecond,
		BackoffMax:    20 * time.Millisecond,
		RejectBackoff: time.Millisecond,
		IdleInterval:  50 * time.Millisecond,
		OnEvent: func(ev SyncEvent) {
			attempts++
			if ev.Err != nil {
				failures++
				// A refusal has happened for real: let the network back.
				if px.isDown() && strings.Contains(ev.Err.Error(), "refused") {
					px.up()
				}
				return
			}
			if h := s.Health(ctx); h.Pending == 0 {
				once.Do(func() { close(done) })
			}
		},
	}
	s = openStore(t, o)
	loopCtx, cancel := context.WithCancel(ctx)
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		s.RunSync(loopCtx)
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Minute):
		t.Errorf("queue not drained: %+v; proxy %s", s.Health(ctx), px.summary())
	}
	cancel()
	<-loopDone
	t.Logf("%d sync attempts, %d failed; proxy: %s", attempts, failures, px.summary())
	for f := faultReset; f < numFaults; f++ {
		if px.count(f) == 0 {
			t.Errorf("fault %s never injected", f)
		}
	}

	// The back office: every committed record but the poison ones, once.
	recs, err := bo.srv.Records(testKioskID)
	if err != nil {
		t.Fatal(err)
	}
	kiosk := map[string]string{} // id → payload hash
	qrows, err := s.db.Query(`SELECT id, payload_sha256, state FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	for qrows.Next() {
		var id, sum, state string
		qrows.Scan(&id, &sum, &state)
		if poison[id] != (state == stateDead) || (!poison[id] && state != stateAcknowledged) {
			t.Errorf("record %s: state %s (poison %v)", id, state, poison[id])
		}
		kiosk[id] = sum
	}
	qrows.Close()
	seen := map[string]bool{}
	for _, r := range recs {
		switch {
		case seen[r.ID]:
			t.Errorf("back office holds %s twice", r.ID)
		case poison[r.ID]:
			t.Errorf("back office stored rejected record %s", r.ID)
		case kiosk[r.ID] == "":
			t.Errorf("back office holds %s, which the kiosk never committed", r.ID)
		case kiosk[r.ID] != r.PayloadSHA256:
			t.Errorf("record %s arrived with another payload", r.ID)
		}
		seen[r.ID] = true
	}
	if want := records - len(poison); len(recs) != want {
		t.Errorf("back office holds %d records, want %d", len(recs), want)
	}
	dead, err := s.DeadLetters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dead {
		if !poison[d.ID] || d.Reason != "poison record (test)" || d.Attempts != 5 {
			t.Errorf("dead letter %+v is not a rejected poison record", d)
		}
	}
	if len(dead) != len(poison) {
		t.Errorf("%d dead letters, want the %d rejected records", len(dead), len(poison))
	}
}
