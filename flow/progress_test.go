package flow

import (
	"fmt"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
)

func progressIn(st ProgressState) func(ProgressSnapshot) bool {
	return func(s ProgressSnapshot) bool { return s.State == st }
}

func (r *rig) progressFlow() (*ProgressFlow, *watcher[ProgressSnapshot]) {
	w := newWatcher[ProgressSnapshot](r.t)
	return NewProgressFlow(r.env, ProgressOptions{OnChange: w.fn}), w
}

const receipt = "SB20260514000123"

func (r *rig) putProgress() {
	r.t.Helper()
	done := at("2026-05-12", "09:30")
	err := r.bo.PutProgress(api.Progress{
		Receipt: receipt, ServiceID: "sb-01", Status: "in_review",
		StatusMsg: api.Text{Zh: "审核中", En: "In review"},
		Steps: []api.ProgressStep{
			{Name: api.Text{Zh: "受理", En: "Accepted"}, Done: true, At: &done},
			{Name: api.Text{Zh: "审核", En: "Review"}},
		},
		Updated: done,
	}, "001x")
	if err != nil {
		r.t.Fatal(err)
	}
}

func TestProgressHappyPaths(t *testing.T) {
	t.Run("typed receipt and ID tail", func(t *testing.T) {
		r := newRig(t, rigOpts{})
		r.putProgress()
		f, w := r.progressFlow()
		f.Start()
		s := w.until("receipt step", progressIn(ProgressReceipt))
		if s.Input.Kind != InputAlnum || !s.Scanning || !s.CardAvailable {
			t.Fatalf("receipt step %+v", s)
		}
		f.Key("sb2026")
		f.Key("0514000123")
		f.Submit()
		s = w.until("identity", progressIn(ProgressIdentity))
		if s.Receipt != receipt || s.Input.Kind != InputIDTail || s.Input.Max != 4 {
			t.Fatalf("identity step %+v", s)
		}
		f.Key("001x")
		f.Submit()
		s = w.until("result", progressIn(ProgressResult))
		if s.Result.Status != "in_review" || len(s.Result.Steps) != 2 || s.Result.Service.Zh != "社保卡申领" {
			t.Fatalf("result %+v", s.Result)
		}
	})
	t.Run("scanned receipt, ID tail from the card", func(t *testing.T) {
		r := newRig(t, rigOpts{})
		r.putProgress()
		f, w := r.progressFlow()
		f.Start()
		w.until("receipt step", progressIn(ProgressReceipt))
		r.scanCode(receipt)
		w.until("identity", progressIn(ProgressIdentity))
		f.UseCard()
		w.until("card", progressIn(ProgressCard))
		r.place("resident-wangzhe")
		s := w.until("result", progressIn(ProgressResult))
		if s.Result.Receipt != receipt {
			t.Fatalf("result %+v", s.Result)
		}
		f.mu.Lock()
		l4 := f.last4
		f.mu.Unlock()
		if l4 != "" {
			t.Error("the ID tail outlived the answer")
		}
		f.Wipe()
		if s := f.Snapshot(); s.Result != nil || s.Receipt != "" {
			t.Fatalf("after wipe %+v", s)
		}
	})
}

func TestProgressFailures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(r *rig)
		act   func(t *testing.T, r *rig, f *ProgressFlow, w *watcher[ProgressSnapshot])
		want  Reason
	}{
		{
			name:  "offline from the start: no spinner",
			setup: func(r *rig) { r.goOffline() },
			act:   func(t *testing.T, r *rig, f *ProgressFlow, w *watcher[ProgressSnapshot]) {},
			want:  ReasonOffline,
		},
		{
			name: "wrong ID tail",
			act: func(t *testing.T, r *rig, f *ProgressFlow, w *watcher[ProgressSnapshot]) {
				f.EnterReceipt(receipt)
				f.EnterIDLast4("9999")
			},
			want: ReasonNotFound,
		},
		{
			name: "unknown receipt",
			act: func(t *testing.T, r *rig, f *ProgressFlow, w *watcher[ProgressSnapshot]) {
				f.EnterReceipt("SB20260514999999")
				f.EnterIDLast4("001X")
			},
			want: ReasonNotFound,
		},
		{
			name: "the network goes while asking",
			act: func(t *testing.T, r *rig, f *ProgressFlow, w *watcher[ProgressSnapshot]) {
				f.EnterReceipt(receipt)
				r.gate.set(func(g *gate) { g.down = true })
				f.EnterIDLast4("001X")
			},
			want: ReasonOffline,
		},
		{
			name: "the back office fails",
			act: func(t *testing.T, r *rig, f *ProgressFlow, w *watcher[ProgressSnapshot]) {
				f.EnterReceipt(receipt)
				r.gate.set(func(g *gate) { g.fail = true })
				f.EnterIDLast4("001X")
			},
			want: ReasonBackOfficeError,
		},
		{
			name: "the back office is too slow",
			act: func(t *testing.T, r *rig, f *ProgressFlow, w *watcher[ProgressSnapshot]) {
				hold := make(chan struct{})
				t.Cleanup(func() { close(hold) })
				r.gate.set(func(g *gate) { g.hold = hold })
				f.EnterReceipt(receipt)
				f.EnterIDLast4("001X")
				w.until("asking", progressIn(ProgressLooking))
				r.advance(8 * time.Second)
			},
			want: ReasonTimeout,
		},
		{
			name: "no card",
			act: func(t *testing.T, r *rig, f *ProgressFlow, w *watcher[ProgressSnapshot]) {
				f.EnterReceipt(receipt)
				f.UseCard()
				w.until("card", progressIn(ProgressCard))
				r.advance(30 * time.Second)
			},
			want: ReasonNoCard,
		},
		{
			name: "card pulled mid-read",
			act: func(t *testing.T, r *rig, f *ProgressFlow, w *watcher[ProgressSnapshot]) {
				f.EnterReceipt(receipt)
				f.UseCard()
				w.until("card", progressIn(ProgressCard))
				r.csim.Status41MidRead()
				r.place("resident-wangzhe")
			},
			want: ReasonCardReadFailed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, rigOpts{})
			r.putProgress()
			if tt.setup != nil {
				tt.setup(r)
			}
			f, w := r.progressFlow()
			f.Start()
			tt.act(t, r, f, w)
			s := w.until("failure", progressIn(ProgressFailed))
			if s.Problem.Reason != tt.want || !s.CanRetry {
				t.Fatalf("snapshot %+v", s)
			}
		})
	}
}

func TestProgressInputProblemsStayOnTheStep(t *testing.T) {
	r := newRig(t, rigOpts{noDevices: true})
	f, w := r.progressFlow()
	f.Start()
	w.until("receipt step", progressIn(ProgressReceipt))
	f.EnterReceipt("AB")
	s := w.until("bad receipt", func(s ProgressSnapshot) bool { return s.Problem != nil })
	if s.State != ProgressReceipt || s.Problem.Reason != ReasonInvalidReceipt {
		t.Fatalf("snapshot %+v", s)
	}
	f.EnterReceipt(receipt)
	w.until("identity", progressIn(ProgressIdentity))
	f.Key("12")
	f.Submit()
	s = w.until("bad tail", func(s ProgressSnapshot) bool { return s.Problem != nil })
	if s.State != ProgressIdentity || s.Problem.Reason != ReasonInvalidIDLast4 || s.Input.Value != "12" {
		t.Fatalf("snapshot %+v", s)
	}
	f.Back()
	w.until("receipt again", func(s ProgressSnapshot) bool { return s.State == ProgressReceipt && s.Receipt == "" })
}

// After a timeout the citizen retries and gets the answer once the back
// office is quick again.
func TestProgressRetryAfterTimeout(t *testing.T) {
	r := newRig(t, rigOpts{noDevices: true})
	r.putProgress()
	hold := make(chan struct{})
	r.gate.set(func(g *gate) { g.hold = hold })
	f, w := r.progressFlow()
	f.Start()
	f.EnterReceipt(receipt)
	f.EnterIDLast4("001X")
	w.until("asking", progressIn(ProgressLooking))
	r.advance(8 * time.Second)
	w.until("timeout", progressIn(ProgressFailed))
	r.gate.set(func(g *gate) { g.hold = nil })
	close(hold)
	f.Retry()
	w.until("result", progressIn(ProgressResult))
}

// TestProgressRetryAfterServerError: a 500 makes the client think the back
// office is down, but 再试一次 asks it again rather than answering
// "offline" from that belief.
func TestProgressRetryAfterServerError(t *testing.T) {
	r := newRig(t, rigOpts{noDevices: true})
	r.putProgress()
	f, w := r.progressFlow()
	f.Start()
	f.EnterReceipt(receipt)
	r.gate.set(func(g *gate) { g.fail = true })
	f.EnterIDLast4("001X")
	if s := w.until("failure", progressIn(ProgressFailed)); s.Problem.Reason != ReasonBackOfficeError {
		t.Fatalf("after a 500: %+v", s.Problem)
	}
	r.gate.set(func(g *gate) { g.fail = false })
	f.Retry()
	w.until("result", progressIn(ProgressResult))
}

// TestProgressTooManyTriesSaysHowLong: after five wrong ID tails the back
// office stops answering for that receipt; the flow says so, with the wait
// the back office gave, instead of "the system cannot do this".
func TestProgressTooManyTriesSaysHowLong(t *testing.T) {
	r := newRig(t, rigOpts{noDevices: true})
	r.putProgress()
	f, w := r.progressFlow()
	f.Start()
	f.EnterReceipt(receipt)
	for i := range 5 {
		w.until("identity step", progressIn(ProgressIdentity))
		f.EnterIDLast4(fmt.Sprintf("999%d", i))
		if s := w.until("wrong tail", progressIn(ProgressFailed)); s.Problem.Reason != ReasonNotFound {
			t.Fatalf("guess %d: %+v", i, s.Problem)
		}
		f.Retry()
	}
	w.until("identity step", progressIn(ProgressIdentity))
	f.EnterIDLast4("001X")
	s := w.until("throttled", progressIn(ProgressFailed))
	if p := s.Problem; p.Reason != ReasonTooManyTries || p.Advice != AdviceTryLater || p.Wait != 15*time.Minute || !s.CanRetry {
		t.Fatalf("throttled: %+v", s)
	}
	r.advance(15 * time.Minute)
	f.Retry()
	w.until("result", progressIn(ProgressResult))
}
