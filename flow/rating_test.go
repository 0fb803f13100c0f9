package flow

import (
	"encoding/json"
	"slices"
	"testing"

	"hallkiosk/backoffice/api"
	"hallkiosk/offline"
)

func (r *rig) ratingFlow() (*RatingFlow, *watcher[RatingSnapshot]) {
	w := newWatcher[RatingSnapshot](r.t)
	return NewRatingFlow(r.env, RatingOptions{KioskNumber: kioskNumber, OnChange: w.fn}), w
}

func ratingIn(st RatingState) func(RatingSnapshot) bool {
	return func(s RatingSnapshot) bool { return s.State == st }
}

// issue commits a ticket through the store, as an earlier citizen did.
func (r *rig) issue(serviceID string) *offline.Ticket {
	r.t.Helper()
	tk, err := r.store.IssueTicket(r.t.Context(), offline.TicketRequest{ServiceID: serviceID})
	if err != nil {
		r.t.Fatal(err)
	}
	return tk
}

func rateAll(f *RatingFlow, overall, efficiency, skill, attitude int) {
	f.SetOverall(overall)
	f.SetIndicator(IndicatorEfficiency, efficiency)
	f.SetIndicator(IndicatorSkill, skill)
	f.SetIndicator(IndicatorAttitude, attitude)
}

func (r *rig) lastRating() api.Rating {
	r.t.Helper()
	recs := r.records(api.KindRating)
	if len(recs) == 0 {
		r.t.Fatal("no rating reached the back office")
	}
	var rt api.Rating
	if err := json.Unmarshal(recs[len(recs)-1].Payload, &rt); err != nil {
		r.t.Fatal(err)
	}
	return rt
}

func TestRatingHappyPaths(t *testing.T) {
	t.Run("typed number, all very satisfied", func(t *testing.T) {
		r := newRig(t, rigOpts{})
		tk := r.issue("sb-01")
		f, w := r.ratingFlow()
		f.Start()
		s := w.until("ticket step", ratingIn(RatingTicket))
		if s.Input.Kind != InputAlnum || !s.Scanning {
			t.Fatalf("ticket step %+v", s)
		}
		f.Key(tk.Number)
		f.SubmitTicket()
		s = w.until("scores", ratingIn(RatingScores))
		if s.Ticket != "A001" || s.ServiceName.Zh != "社保卡申领" || s.CanNext {
			t.Fatalf("scores step %+v", s)
		}
		rateAll(f, 5, 5, 4, 5)
		s = w.until("complete", func(s RatingSnapshot) bool { return s.CanNext })
		if s.NeedsReasons {
			t.Fatal("reasons asked for good levels")
		}
		f.Next()
		w.until("thanks", ratingIn(RatingThanks))
		rt := r.lastRating()
		if rt.TicketNumber != "A001" || rt.BusinessDate != "2026-05-14" || rt.ServiceID != "sb-01" || rt.Overall != 5 ||
			rt.Indicators[IndicatorSkill] != 4 || len(rt.Reasons) != 0 || rt.Phone != "" {
			t.Fatalf("rating %+v", rt)
		}
	})
	t.Run("ticket QR scanned, bad levels with reasons and a callback number", func(t *testing.T) {
		r := newRig(t, rigOpts{})
		tk := r.issue("sb-03")
		r.clk.Set(at("2026-05-14", "15:00"))
		f, w := r.ratingFlow()
		f.Start()
		w.until("ticket step", ratingIn(RatingTicket))
		r.scanCode(EncodeTicketQR("https://zwfw.example.gov.cn", TicketRef{Date: tk.BusinessDate, Number: tk.Number, ServiceID: tk.ServiceID}))
		w.until("scores", ratingIn(RatingScores))
		rateAll(f, 2, 1, 3, 2)
		w.until("complete", func(s RatingSnapshot) bool { return s.CanNext && s.NeedsReasons })
		f.Next()
		s := w.until("reasons", ratingIn(RatingReasonsStep))
		if s.Input.Kind != InputDigits || s.Input.Max != 11 {
			t.Fatalf("phone input %+v", s.Input)
		}
		f.Submit()
		s = w.until("reasons missing", func(s RatingSnapshot) bool { return s.Problem != nil })
		if s.Problem.Reason != ReasonIncomplete || s.State != RatingReasonsStep {
			t.Fatalf("snapshot %+v", s)
		}
		f.ToggleReason("long_wait")
		f.ToggleReason("not_a_reason")
		f.ToggleReason("slow_handling")
		f.ToggleReason("long_wait")
		f.ToggleReason("poor_attitude")
		f.Key("1280013800") // 12x is no mobile range, and one digit short
		f.Submit()
		s = w.until("bad phone", func(s RatingSnapshot) bool { return s.Problem != nil && s.Problem.Reason == ReasonInvalidPhone })
		if s.Input.Value != "1280013800" {
			t.Fatal("the typed number was not kept for correction")
		}
		for range 9 {
			f.Backspace()
		}
		f.Key("3800138000")
		f.Submit()
		w.until("thanks", ratingIn(RatingThanks))
		rt := r.lastRating()
		if rt.Overall != 2 || !slices.Equal(rt.Reasons, []string{"slow_handling", "poor_attitude"}) || rt.Phone != "13800138000" || rt.ServiceID != "sb-03" {
			t.Fatalf("rating %+v", rt)
		}
		f.mu.Lock()
		phone, typed := f.phone, f.input.value()
		f.mu.Unlock()
		if phone != "" || typed != "" {
			t.Error("the phone number outlived the commit")
		}
	})
	t.Run("another kiosk's ticket, offline", func(t *testing.T) {
		r := newRig(t, rigOpts{offline: true, noDevices: true})
		f, w := r.ratingFlow()
		f.Start()
		w.until("ticket step", ratingIn(RatingTicket))
		f.EnterTicket("b123") // hall-wide series, not issued here
		s := w.until("scores", ratingIn(RatingScores))
		if s.ServiceName.Zh != "" || s.Ticket != "B123" {
			t.Fatalf("scores %+v", s)
		}
		rateAll(f, 4, 4, 4, 4)
		f.Next()
		w.until("thanks", ratingIn(RatingThanks))
		if h := r.store.Health(t.Context()); h.Pending != 1 {
			t.Fatalf("%d records queued offline, want the rating", h.Pending)
		}
	})
}

func TestRatingTicketProblems(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  Reason
	}{
		{"malformed number", "12AB", ReasonInvalidTicket},
		{"this kiosk's offline series never issued it", "A07-999", ReasonTicketNotFound},
		{"yesterday's ticket", "HK1|2026-05-13|A001", ReasonTicketNotToday},
		{"garbage QR", "HK1|2026-05-14|", ReasonInvalidTicket},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, rigOpts{offline: true, noDevices: true})
			f, w := r.ratingFlow()
			f.Start()
			w.until("ticket step", ratingIn(RatingTicket))
			f.EnterTicket(tt.input)
			s := w.until("failure", ratingIn(RatingFailed))
			if s.Problem.Reason != tt.want || !s.CanRetry {
				t.Fatalf("snapshot %+v", s)
			}
			f.Retry()
			w.until("ticket step again", ratingIn(RatingTicket))
		})
	}
}
