package flow

import (
	"encoding/json"
	"slices"
	"testing"

	"hallkiosk/backoffice/api"
)

func suggestionIn(st SuggestionState) func(SuggestionSnapshot) bool {
	return func(s SuggestionSnapshot) bool { return s.State == st }
}

func (r *rig) suggestionFlow() (*SuggestionFlow, *watcher[SuggestionSnapshot]) {
	w := newWatcher[SuggestionSnapshot](r.t)
	return NewSuggestionFlow(r.env, SuggestionOptions{OnChange: w.fn}), w
}

func TestSuggestion(t *testing.T) {
	t.Run("complaint with a callback number, synced", func(t *testing.T) {
		r := newRig(t, rigOpts{noDevices: true})
		f, w := r.suggestionFlow()
		f.Start()
		s := w.until("categories", suggestionIn(SuggestionCategoryStep))
		if len(s.Categories) != len(SuggestionCategories) {
			t.Fatalf("categories %+v", s.Categories)
		}
		f.SelectCategory("nonsense")
		f.SelectCategory("complaint")
		s = w.until("details", suggestionIn(SuggestionDetails))
		if s.Category != "complaint" || !slices.Contains(s.Offered, "long_wait") || s.Input.Kind != InputDigits {
			t.Fatalf("details %+v", s)
		}
		f.Submit()
		w.until("reasons missing", func(s SuggestionSnapshot) bool { return s.Problem != nil && s.Problem.Reason == ReasonIncomplete })
		f.ToggleReason("long_wait")
		f.ToggleReason("more_counters") // another category's reason: ignored
		f.ToggleReason("not_informed")
		f.Key("139-1234-567")
		f.Submit()
		w.until("bad phone", func(s SuggestionSnapshot) bool { return s.Problem != nil && s.Problem.Reason == ReasonInvalidPhone })
		f.Key("8")
		f.Submit()
		w.until("thanks", suggestionIn(SuggestionThanks))
		recs := r.records(api.KindSuggestion)
		if len(recs) != 1 {
			t.Fatalf("%d suggestion records", len(recs))
		}
		var sg api.Suggestion
		json.Unmarshal(recs[0].Payload, &sg)
		if sg.Category != "complaint" || !slices.Equal(sg.Reasons, []string{"long_wait", "not_informed"}) || sg.Phone != "13912345678" {
			t.Fatalf("suggestion %+v", sg)
		}
	})
	t.Run("queued offline without a phone", func(t *testing.T) {
		r := newRig(t, rigOpts{offline: true, noDevices: true})
		f, w := r.suggestionFlow()
		f.Start()
		w.until("categories", suggestionIn(SuggestionCategoryStep))
		f.SelectCategory("suggestion")
		f.ToggleReason("longer_hours")
		f.Submit()
		w.until("thanks", suggestionIn(SuggestionThanks))
		if h := r.store.Health(t.Context()); h.Pending != 1 {
			t.Fatalf("pending %d", h.Pending)
		}
	})
	t.Run("back and wipe", func(t *testing.T) {
		r := newRig(t, rigOpts{offline: true, noDevices: true})
		f, w := r.suggestionFlow()
		f.Start()
		f.SelectCategory("praise")
		f.Key("13800138000")
		w.until("typed", func(s SuggestionSnapshot) bool { return s.Input.Value == "13800138000" })
		f.Back()
		s := w.until("categories", func(s SuggestionSnapshot) bool { return s.State == SuggestionCategoryStep && s.Category == "" })
		if s.Input.Value != "" {
			t.Fatal("phone kept after back")
		}
		f.SelectCategory("praise")
		f.Key("13800138000")
		r.session.End()
		if s := f.Snapshot(); s.Input.Value != "" || s.State != SuggestionCategoryStep {
			t.Fatalf("after End: %+v", s)
		}
	})
}
