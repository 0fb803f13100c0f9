package diag

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/config"
	"hallkiosk/offline"
)

const citizenPhone = "13912345678"

func TestSyncHealth(t *testing.T) {
	var rejectRatings atomic.Bool
	rejectRatings.Store(true)
	env := newHallEnv(t, envOptions{maxRejections: 1, noDevices: true, reject: func(r api.Record) string {
		if r.Kind == api.KindRating && rejectRatings.Load() {
			return "rating for an unknown ticket"
		}
		return ""
	}})
	ctx := ctxT(t)
	tk, err := env.store.IssueTicket(ctx, offline.TicketRequest{ServiceID: "svc-a", IDNumber: "11010519491231002X"})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.store.RecordRating(ctx, api.Rating{TicketNumber: tk.Number, Overall: 2, Phone: citizenPhone}); err != nil {
		t.Fatal(err)
	}
	_, s := env.session(t, clock.NewFake(time.Now()))

	v, err := s.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v.Pending < 2 || v.OldestUnsynced < 0 || len(v.DeadLetters) != 0 || !v.LastSync.IsZero() {
		t.Fatalf("before sync: %+v", v)
	}

	res, err := s.ForceSync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent < 3 || res.Dead != 1 {
		t.Fatalf("sync result %+v: want the ticket, the rating, and the audit records sent, the rating dead", res)
	}
	v, err = s.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v.Pending != 0 || v.LastSync.IsZero() || !v.Online || len(v.DeadLetters) != 1 {
		t.Fatalf("after sync: %+v", v)
	}
	dl := v.DeadLetters[0]
	if dl.Kind != api.KindRating || !strings.Contains(dl.Reason, "unknown ticket") || !dl.Sealed || dl.Attempts != 1 {
		t.Fatalf("dead letter %+v", dl)
	}
	if bytes.Contains(jsonOf(v), []byte(citizenPhone)) {
		t.Fatal("the sync view shows the citizen's phone")
	}

	t.Run("export", func(t *testing.T) {
		dir := t.TempDir()
		path, err := s.ExportDeadLetters(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(path) != dir || !strings.HasPrefix(filepath.Base(path), "dead-letters-K07-") {
			t.Fatalf("exported to %s", path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(dl.ID)) || bytes.Contains(b, []byte(citizenPhone)) {
			t.Fatalf("export:\n%s", b)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Fatalf("export left %d files (a temporary one?)", len(entries))
		}
		if _, err := s.ExportDeadLetters(ctx, filepath.Join(dir, "not-mounted")); err == nil {
			t.Fatal("export into a missing folder succeeded")
		}
	})

	t.Run("requeue", func(t *testing.T) {
		rejectRatings.Store(false)
		if n, err := s.Requeue(ctx, dl.ID, "no-such-id"); err != nil || n != 1 {
			t.Fatalf("Requeue = %d, %v", n, err)
		}
		v, _ := s.Sync(ctx)
		if len(v.DeadLetters) != 0 || v.Pending < 1 {
			t.Fatalf("after requeue: %+v", v)
		}
		if _, err := s.ForceSync(ctx); err != nil {
			t.Fatal(err)
		}
		if v, _ := s.Sync(ctx); v.Pending != 0 || len(v.DeadLetters) != 0 {
			t.Fatalf("after the second sync: %+v", v)
		}
	})

	t.Run("requeue all", func(t *testing.T) {
		rejectRatings.Store(true)
		for range 2 {
			if err := env.store.RecordRating(ctx, api.Rating{TicketNumber: tk.Number, Overall: 5}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.ForceSync(ctx); err != nil {
			t.Fatal(err)
		}
		if v, _ := s.Sync(ctx); len(v.DeadLetters) != 2 {
			t.Fatalf("dead letters %+v", v.DeadLetters)
		}
		if n, err := s.RequeueAll(ctx); err != nil || n != 2 {
			t.Fatalf("RequeueAll = %d, %v", n, err)
		}
	})

	t.Run("requeue one", func(t *testing.T) {
		if err := env.store.RecordRating(ctx, api.Rating{TicketNumber: tk.Number, Overall: 4}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ForceSync(ctx); err != nil {
			t.Fatal(err)
		}
		v, _ := s.Sync(ctx)
		if len(v.DeadLetters) == 0 {
			t.Fatal("no dead letter to requeue")
		}
		id := v.DeadLetters[len(v.DeadLetters)-1].ID
		if got, err := s.RequeueOne(ctx, id); err != nil || got != Requeued {
			t.Fatalf("RequeueOne = %v, %v; want requeued", got, err)
		}
		// Taken back already (a second tap, Requeue all): gone, no error.
		if got, err := s.RequeueOne(ctx, id); err != nil || got != RequeueGone {
			t.Fatalf("RequeueOne again = %v, %v; want gone", got, err)
		}
	})

	// The technician's actions reached the back office with the records.
	recs, err := env.bo.Records(testKioskID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range recs {
		if r.Kind == api.KindTechnicianAction {
			actions = append(actions, string(r.Payload))
		}
	}
	all := strings.Join(actions, "\n")
	for _, want := range []string{ActionEnter, ActionForceSync, ActionExportDead, ActionRequeue} {
		if !strings.Contains(all, want) {
			t.Errorf("back office lacks the %s audit record:\n%s", want, all)
		}
	}
}

func TestCheckBackOffice(t *testing.T) {
	env := newHallEnv(t, envOptions{noDevices: true})
	ctx := ctxT(t)
	clk := clock.NewFake(time.Now())
	_, s := env.session(t, clk)

	r, err := s.CheckBackOffice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Reachable || r.Status != http.StatusOK || !strings.HasSuffix(r.URL, "/healthz") || r.ServerTime.IsZero() || r.Error != "" {
		t.Fatalf("reachable back office: %+v", r)
	}
	if d := time.Until(r.ServerTime); d > time.Minute || d < -time.Minute {
		t.Fatalf("server time %v is not the back office's clock", r.ServerTime)
	}

	tests := []struct {
		name string
		bo   func(t *testing.T) config.BackOffice
		want string
	}{
		{"server down", func(t *testing.T) config.BackOffice {
			hs := httptest.NewServer(http.NotFoundHandler())
			hs.Close()
			return config.BackOffice{URL: hs.URL, Token: "x", AllowInsecureHTTP: true}
		}, "connection refused"},
		{"unhealthy", func(t *testing.T) config.BackOffice {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
			t.Cleanup(hs.Close)
			return config.BackOffice{URL: hs.URL, Token: "x", AllowInsecureHTTP: true}
		}, "HTTP 503"},
		{"plain http off the machine", func(*testing.T) config.BackOffice {
			return config.BackOffice{URL: "http://bo.hall.example", Token: "x"}
		}, "plain http:// is not allowed"},
		{"missing CA file", func(*testing.T) config.BackOffice {
			return config.BackOffice{URL: "https://bo.hall.example", Token: "x", CAFile: "/nonexistent/ca.pem"}
		}, "read CA file"},
		{"not configured", func(*testing.T) config.BackOffice { return config.BackOffice{} }, "no back office configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bo := tt.bo(t)
			r := probeBackOffice(ctx, bo.URL, bo, clk, 5*time.Second)
			if r.Reachable || !strings.Contains(r.Error, tt.want) {
				t.Fatalf("probe %+v, want an error with %q", r, tt.want)
			}
		})
	}

	t.Run("no answer", func(t *testing.T) {
		release := make(chan struct{})
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		t.Cleanup(func() { close(release); hs.Close() })
		done := make(chan Reachability, 1)
		go func() {
			done <- probeBackOffice(ctx, hs.URL, config.BackOffice{AllowInsecureHTTP: true}, clk, 5*time.Second)
		}()
		if !clk.WaitPending(2, 20*time.Second) { // the session's idle timer and the probe's
			t.Fatal("probe never started waiting")
		}
		clk.Advance(5 * time.Second)
		if r := <-done; r.Reachable || r.Error != "no answer within 5s" {
			t.Fatalf("probe %+v", r)
		}
	})
}

// A store that cannot record (closed database) does not stop the
// technician: the action goes on, the failure is logged.
func TestAuditFailureDoesNotBlock(t *testing.T) {
	env := newHallEnv(t, envOptions{noDevices: true})
	g, s := env.session(t, clock.NewFake(time.Now()))
	env.store.Close()
	if _, err := s.Settings(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExportBundle(context.Background(), t.TempDir()); err != nil {
		t.Fatalf("bundle with a closed store: %v", err)
	}
	s.Exit(context.Background())
	if g.Session() != nil {
		t.Fatal("session still open")
	}
}

// TestReachabilityFailure: the reason a check failed comes from the
// check's error first, then the back office's answer.
func TestReachabilityFailure(t *testing.T) {
	tests := []struct {
		name   string
		r      Reachability
		err    error
		reason string
		failed bool
	}{
		{"answered 200", Reachability{Reachable: true, Status: 200}, nil, "", false},
		{"answered otherwise", Reachability{Status: 503, Error: "HTTP 503"}, nil, "HTTP 503", true},
		{"check refused", Reachability{}, ErrSessionClosed, ErrSessionClosed.Error(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason, failed := tt.r.Failure(tt.err)
			if reason != tt.reason || failed != tt.failed {
				t.Errorf("Failure = %q, %v; want %q, %v", reason, failed, tt.reason, tt.failed)
			}
		})
	}
}
