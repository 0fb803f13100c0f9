package flow

import (
	"strings"
	"testing"

	"hallkiosk/devices/sim/printersim"
)

func (r *rig) guideFlow() (*GuideFlow, *watcher[GuideSnapshot]) {
	w := newWatcher[GuideSnapshot](r.t)
	return NewGuideFlow(r.env, GuideOptions{OnChange: w.fn, Text: testText}), w
}

func guideIn(st GuideState) func(GuideSnapshot) bool {
	return func(s GuideSnapshot) bool { return s.State == st }
}

func TestGuideBrowseAndPrint(t *testing.T) {
	r := newRig(t, rigOpts{offline: true}) // the guide needs no network
	f, w := r.guideFlow()
	f.Start()
	s := w.until("categories", guideIn(GuideDepartments))
	if len(s.Departments) != 2 || s.CanBack {
		t.Fatalf("categories %+v", s.Departments)
	}
	if lim := r.session.Snapshot().IdleLimit; lim != 2*60e9 {
		t.Errorf("guide idle limit %v, want the reading limit", lim)
	}
	f.SelectDepartment("shebao")
	s = w.until("services", guideIn(GuideServices))
	if len(s.Services) != 8 || !s.Page.HasNext {
		t.Fatalf("services page %+v", s.Page)
	}
	f.SelectService("sb-01")
	s = w.until("detail", guideIn(GuideDetail))
	d := s.Detail
	if d.Name.Zh != "社保卡申领" || d.Department.Zh != "社保" || len(d.Materials) != 3 || d.Materials[0].Original != 1 ||
		d.Materials[1].Copies != 2 || d.Fee.Zh != "免费" || d.GuideVersion != "v3" || len(d.Counters) != 2 || !d.Open {
		t.Fatalf("detail %+v", d)
	}
	if c, ok := f.Checklist(LangEn); !ok || c.Service != "Social Security Card Application" || c.Version != "v3 2026-03-01" || c.QR != d.GuideURL {
		t.Fatalf("checklist preview %+v", c)
	}
	f.PrintChecklist()
	w.until("printing", func(s GuideSnapshot) bool { return s.PrintStatus == PrintBusy })
	s = w.until("printed", func(s GuideSnapshot) bool { return s.PrintStatus == PrintDone })
	paper := r.nextTicket()
	for _, want := range []string{"社保卡申领", "居民身份证 (原件 1, 复印件 1)", "v3 2026-03-01", "免费", "《社会保险法》", "办理窗口：3号窗口\n          4号窗口"} {
		if !strings.Contains(paper.Text, want) {
			t.Errorf("checklist lacks %q:\n%s", want, paper.Text)
		}
	}
	if s.Printed != 1 {
		t.Errorf("Printed = %d after one copy, want 1", s.Printed)
	}
	// A second copy is counted, so the screen can say it was printed.
	f.PrintChecklist()
	s = w.until("second copy", func(s GuideSnapshot) bool { return s.PrintStatus == PrintDone && s.Printed == 2 })
	r.nextTicket()
	f.Back()
	s = w.until("services again", guideIn(GuideServices))
	if s.Printed != 0 {
		t.Errorf("Printed = %d after leaving the detail, want 0", s.Printed)
	}
	f.Back()
	w.until("categories again", guideIn(GuideDepartments))
}

func TestGuideSearch(t *testing.T) {
	r := newRig(t, rigOpts{offline: true, noDevices: true})
	f, w := r.guideFlow()
	f.Start()
	w.until("categories", guideIn(GuideDepartments))
	f.Search("  Housing ")
	s := w.until("results", guideIn(GuideSearch))
	if s.Keyword != "Housing" || len(s.Services) != 2 {
		t.Fatalf("results %+v", s)
	}
	// The evening desk is closed at 10:00 and says when it opens.
	if ev := s.Services[1]; ev.ID != "gjj-02" || ev.Open || !ev.OpensAt.Equal(at("2026-05-14", "18:00")) {
		t.Errorf("evening service tile %+v", ev)
	}
	f.SelectService("gjj-01")
	w.until("detail", guideIn(GuideDetail))
	f.Back()
	s = w.until("results again", guideIn(GuideSearch))
	if s.Keyword != "Housing" {
		t.Fatalf("back lost the search: %+v", s)
	}
	f.Search("没有这个")
	s = w.until("no results", func(s GuideSnapshot) bool { return s.State == GuideSearch && s.Keyword == "没有这个" })
	if len(s.Services) != 0 || s.Page.Count != 1 {
		t.Fatalf("empty search %+v", s)
	}
}

func TestGuidePrintFailures(t *testing.T) {
	tests := []struct {
		name  string
		state printersim.State
		want  Reason
	}{
		{"cover open", printersim.State{CoverOpen: true}, ReasonPrinterCoverOpen},
		{"paper out", printersim.State{PaperOut: true}, ReasonPrinterOutOfPaper},
		{"cutter jammed", printersim.State{CutterError: true}, ReasonPrinterFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, rigOpts{offline: true})
			f, w := r.guideFlow()
			f.Start()
			w.until("categories", guideIn(GuideDepartments))
			f.SelectDepartment("shebao")
			f.SelectService("sb-01")
			w.until("detail", guideIn(GuideDetail))
			r.paper(tt.state)
			f.PrintChecklist()
			s := w.until("failed", func(s GuideSnapshot) bool { return s.PrintStatus == PrintFailed })
			if s.PrintProblem.Reason != tt.want || s.State != GuideDetail {
				t.Fatalf("snapshot %+v", s)
			}
			r.paper(printersim.State{})
			f.PrintChecklist()
			w.until("printed", func(s GuideSnapshot) bool { return s.PrintStatus == PrintDone })
		})
	}
}
