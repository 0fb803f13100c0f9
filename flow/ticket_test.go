package flow

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/sim/printersim"
)

func (r *rig) ticketFlow(opts TicketOptions) (*TicketFlow, *watcher[TicketSnapshot]) {
	w := newWatcher[TicketSnapshot](r.t)
	opts.OnChange = w.fn
	if opts.Print.Text == nil {
		opts.Print.Text = testText
	}
	return NewTicketFlow(r.env, opts), w
}

func ticketIn(st TicketState) func(TicketSnapshot) bool {
	return func(s TicketSnapshot) bool { return s.State == st }
}

// chooseService walks a started flow to a service.
func chooseService(t *testing.T, f *TicketFlow, w *watcher[TicketSnapshot], dept, svc string) {
	t.Helper()
	w.until("departments", ticketIn(TicketDepartments))
	f.SelectDepartment(dept)
	w.until("services", ticketIn(TicketServices))
	f.SelectService(svc)
}

const wangzheID = "11010119880314001X"

func TestTicketHappyPaths(t *testing.T) {
	tests := []struct {
		name    string
		offline bool
		lang    string
		dept    string
		service string
		card    string // profile placed on the reader; "" = skip the card
		// want
		number    string
		offlineNo bool
		maskedID  string
		onPaper   []string
	}{
		{
			name: "walk-in without card, online", dept: "shebao", service: "sb-09",
			number: "S001", onPaper: []string{"S001", "市民服务中心", "社保业务9", "办理窗口：3号窗口\n          4号窗口", "过号请重新取号"},
		},
		{
			name: "ID card required, in English", lang: LangEn, dept: "gjj", service: "gjj-01", card: "resident-wangzhe",
			number: "G001", maskedID: "110101********001X",
			onPaper: []string{"G001", "Citizen Service Centre", "Housing Fund Withdrawal", "110101********001X", "Counter 4"},
		},
		{
			name: "offline: the kiosk numbers the ticket", offline: true, dept: "shebao", service: "sb-01",
			number: "A07-001", offlineNo: true,
			onPaper: []string{"A07-001", "社保卡申领", "居民身份证 (原件 1, 复印件 1)", "户口簿 (原件 1) (如有)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, rigOpts{offline: tt.offline})
			if tt.lang != "" {
				r.session.SetLanguage(tt.lang)
			}
			f, w := r.ticketFlow(TicketOptions{})
			f.Start()
			chooseService(t, f, w, tt.dept, tt.service)
			s := w.until("card step", ticketIn(TicketCard))
			if s.CardRequired != (tt.card != "") || s.CanSkipCard == s.CardRequired {
				t.Fatalf("card step: required %v, can skip %v", s.CardRequired, s.CanSkipCard)
			}
			if tt.card != "" {
				r.place(tt.card)
			} else {
				f.SkipCard()
			}
			w.until("printing", ticketIn(TicketPrinting))
			s = w.until("done", ticketIn(TicketDone))
			res := s.Result
			if res.Number != tt.number || res.Offline != tt.offlineNo || !res.Printed || res.PrintProblem != nil {
				t.Fatalf("result %+v", res)
			}
			if tt.offlineNo && res.PeopleAhead != -1 || !tt.offlineNo && res.PeopleAhead != 0 {
				t.Errorf("people ahead %d", res.PeopleAhead)
			}
			if len(res.CounterIDs) == 0 || len(res.CounterIDs) != len(res.Counters) {
				t.Errorf("counter ids %v for counters %v", res.CounterIDs, res.Counters)
			}
			if res.MaskedID != tt.maskedID || s.CardID != "" || s.CardName != "" {
				t.Errorf("masked ID %q, card still shown %q %q", res.MaskedID, s.CardID, s.CardName)
			}
			if want := EncodeTicketQR("", TicketRef{Date: "2026-05-14", Number: tt.number, ServiceID: tt.service}); res.QR != want {
				t.Errorf("QR %q, want %q", res.QR, want)
			}
			paper := r.nextTicket()
			for _, want := range tt.onPaper {
				if !strings.Contains(paper.Text, want) {
					t.Errorf("printed ticket lacks %q:\n%s", want, paper.Text)
				}
			}
			if strings.Contains(paper.Text, wangzheID) || strings.Contains(string(paper.Data), wangzheID) {
				t.Error("the full ID number reached the printer")
			}
			// The ticket is committed and findable for ratings.
			if _, err := r.store.FindTicket(t.Context(), tt.number, "2026-05-14"); err != nil {
				t.Errorf("find ticket: %v", err)
			}
		})
	}
}

func TestTicketFailures(t *testing.T) {
	tests := []struct {
		name    string
		offline bool
		start   time.Time
		catalog func(*api.Catalog)
		dept    string
		service string
		// before runs after the card step is shown (or instead of it).
		before func(t *testing.T, r *rig, f *TicketFlow, w *watcher[TicketSnapshot])
		want   Reason
		advice Advice
		retry  bool
		at     time.Time // Problem.At
	}{
		{
			name: "hall closed at lunch", start: at("2026-05-14", "12:30"), dept: "shebao", service: "sb-01",
			want: ReasonHallClosed, advice: AdviceWait, at: at("2026-05-14", "13:30"),
		},
		{
			name: "hall closed on sunday", start: at("2026-05-17", "10:00"), dept: "gjj", service: "gjj-01",
			want: ReasonHallClosed, advice: AdviceWait, at: at("2026-05-18", "09:00"),
		},
		{
			name: "cap reached online", dept: "shebao", service: "sb-10",
			catalog: func(c *api.Catalog) { c.Services[9].DailyCap = 1 },
			before:  takeOneTicket("shebao", "sb-10"),
			want:    ReasonCapReached, advice: AdviceComeTomorrow,
		},
		{
			name: "cap reached offline", offline: true, dept: "shebao", service: "sb-10",
			catalog: func(c *api.Catalog) { c.Services[9].DailyCap = 1 },
			before:  takeOneTicket("shebao", "sb-10"),
			want:    ReasonCapReached, advice: AdviceComeTomorrow,
		},
		{
			name: "printer out of paper: nothing is issued", dept: "shebao", service: "sb-01",
			before: func(t *testing.T, r *rig, f *TicketFlow, w *watcher[TicketSnapshot]) {
				w.until("card step", ticketIn(TicketCard))
				r.paper(printersim.State{PaperOut: true})
				f.SkipCard()
			},
			want: ReasonPrinterOutOfPaper, advice: AdviceAskStaff, retry: true,
		},
		{
			name: "printer cover open", dept: "shebao", service: "sb-01",
			before: func(t *testing.T, r *rig, f *TicketFlow, w *watcher[TicketSnapshot]) {
				w.until("card step", ticketIn(TicketCard))
				r.paper(printersim.State{CoverOpen: true})
				f.SkipCard()
			},
			want: ReasonPrinterCoverOpen, advice: AdviceAskStaff, retry: true,
		},
		{
			name: "printer switched off", dept: "shebao", service: "sb-01",
			before: func(t *testing.T, r *rig, f *TicketFlow, w *watcher[TicketSnapshot]) {
				w.until("card step", ticketIn(TicketCard))
				r.paper(printersim.State{NoReply: true})
				f.SkipCard()
			},
			want: ReasonPrinterFailed, advice: AdviceAskStaff, retry: true,
		},
		{
			name: "no card placed before the wait ran out", dept: "gjj", service: "gjj-01",
			before: func(t *testing.T, r *rig, f *TicketFlow, w *watcher[TicketSnapshot]) {
				w.until("card step", ticketIn(TicketCard))
				r.advance(30 * time.Second)
			},
			want: ReasonNoCard, advice: AdvicePlaceCard, retry: true,
		},
		{
			name: "card pulled mid-read", dept: "gjj", service: "gjj-01",
			before: func(t *testing.T, r *rig, f *TicketFlow, w *watcher[TicketSnapshot]) {
				w.until("card step", ticketIn(TicketCard))
				r.csim.Status41MidRead()
				r.place("resident-wangzhe")
			},
			want: ReasonCardReadFailed, advice: AdviceReplaceCard, retry: true,
		},
		{
			name: "one ticket per ID, service and day", dept: "gjj", service: "gjj-01",
			before: func(t *testing.T, r *rig, f *TicketFlow, w *watcher[TicketSnapshot]) {
				w.until("card step", ticketIn(TicketCard))
				r.place("resident-wangzhe")
				w.until("first ticket", ticketIn(TicketDone))
				r.removeCard()
				f.Start()
				chooseService(t, f, w, "gjj", "gjj-01")
				w.until("card step again", ticketIn(TicketCard))
				r.place("resident-wangzhe")
			},
			want: ReasonAlreadyHasTicket, advice: AdviceAskStaff,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := testCatalog()
			if tt.catalog != nil {
				tt.catalog(cat)
			}
			r := newRig(t, rigOpts{offline: tt.offline, start: tt.start, catalog: cat})
			f, w := r.ticketFlow(TicketOptions{})
			f.Start()
			chooseService(t, f, w, tt.dept, tt.service)
			calls := 0
			if tt.before != nil {
				tt.before(t, r, f, w)
				calls = r.hook.calls()
			}
			s := w.until("failure", ticketIn(TicketFailed))
			p := s.Problem
			if p == nil || p.Reason != tt.want || p.Advice != tt.advice || s.CanRetry != tt.retry || !p.At.Equal(tt.at) {
				t.Fatalf("problem %+v (retry %v), want %v/%v retry %v at %v", p, s.CanRetry, tt.want, tt.advice, tt.retry, tt.at)
			}
			if !s.CanBack {
				t.Error("a failure must lead back")
			}
			// The technician reads why in the kiosk's log: device and
			// storage faults as warnings, the citizen's own as information.
			level := "INFO"
			switch tt.want {
			case ReasonPrinterOutOfPaper, ReasonPrinterCoverOpen, ReasonPrinterFailed:
				level = "WARN"
			}
			var logged []map[string]any
			for _, rec := range r.logs.records(t) {
				if rec["msg"] == "step failed" {
					logged = append(logged, rec)
				}
			}
			if len(logged) == 0 {
				t.Fatal("the failure was not logged")
			}
			last := logged[len(logged)-1]
			if last["flow"] != "ticket" || last["reason"] != tt.want.String() || last["level"] != level || last["err"] == "" {
				t.Errorf("logged %v, want flow ticket, reason %s at %s with the error", last, tt.want, level)
			}
			switch tt.want {
			case ReasonHallClosed, ReasonPrinterOutOfPaper, ReasonPrinterCoverOpen, ReasonPrinterFailed, ReasonNoCard, ReasonCardReadFailed:
				// Refused before the commit: no ticket exists.
				if r.hook.calls() != calls {
					t.Errorf("the store was asked for a ticket")
				}
			}
		})
	}
}

func takeOneTicket(dept, svc string) func(t *testing.T, r *rig, f *TicketFlow, w *watcher[TicketSnapshot]) {
	return func(t *testing.T, r *rig, f *TicketFlow, w *watcher[TicketSnapshot]) {
		w.until("card step", ticketIn(TicketCard))
		f.SkipCard()
		w.until("first ticket", ticketIn(TicketDone))
		f.Start()
		chooseService(t, f, w, dept, svc)
		w.until("card step again", ticketIn(TicketCard))
		f.SkipCard()
	}
}

func TestTicketRecoversAfterFailure(t *testing.T) {
	t.Run("retry after the paper is loaded", func(t *testing.T) {
		r := newRig(t, rigOpts{})
		f, w := r.ticketFlow(TicketOptions{})
		f.Start()
		chooseService(t, f, w, "shebao", "sb-01")
		w.until("card step", ticketIn(TicketCard))
		r.paper(printersim.State{PaperOut: true})
		f.SkipCard()
		w.until("failure", ticketIn(TicketFailed))
		r.paper(printersim.State{})
		f.Retry()
		s := w.until("done", ticketIn(TicketDone))
		if !s.Result.Printed || s.Result.Number != "A001" {
			t.Fatalf("result %+v", s.Result)
		}
	})
	t.Run("re-place the card", func(t *testing.T) {
		r := newRig(t, rigOpts{})
		f, w := r.ticketFlow(TicketOptions{})
		f.Start()
		chooseService(t, f, w, "gjj", "gjj-01")
		w.until("card step", ticketIn(TicketCard))
		r.csim.Status41MidRead()
		r.place("resident-wangzhe")
		w.until("failure", ticketIn(TicketFailed))
		f.Retry()
		w.until("card step", ticketIn(TicketCard))
		r.place("resident-wangzhe")
		s := w.until("done", ticketIn(TicketDone))
		if s.Result.MaskedID != "110101********001X" {
			t.Fatalf("result %+v", s.Result)
		}
	})
	t.Run("skip the optional card after no card came", func(t *testing.T) {
		r := newRig(t, rigOpts{})
		f, w := r.ticketFlow(TicketOptions{CardTimeout: 20 * time.Second})
		f.Start()
		chooseService(t, f, w, "shebao", "sb-02")
		w.until("card step", ticketIn(TicketCard))
		r.advance(20 * time.Second)
		s := w.until("failure", ticketIn(TicketFailed))
		if s.Problem.Reason != ReasonNoCard || !s.CanSkipCard {
			t.Fatalf("snapshot %+v", s)
		}
		f.SkipCard()
		w.until("done", ticketIn(TicketDone))
	})
}

// The paper runs out between the status check and the print: the ticket
// is committed, so it stays, shows on screen, and its print failure is
// recorded and synced.
func TestTicketPrintFailsAfterCommit(t *testing.T) {
	r := newRig(t, rigOpts{})
	f, w := r.ticketFlow(TicketOptions{})
	f.Start()
	chooseService(t, f, w, "shebao", "sb-01")
	w.until("card step", ticketIn(TicketCard))
	r.hook.setAfterIssue(func() { r.paper(printersim.State{PaperOut: true}) })
	f.SkipCard()
	s := w.until("done", ticketIn(TicketDone))
	res := s.Result
	if res.Number != "A001" || res.Printed || res.PrintProblem == nil || res.PrintProblem.Reason != ReasonPrinterOutOfPaper {
		t.Fatalf("result %+v", res)
	}
	recs := r.records(api.KindTicketPrintFail)
	if len(recs) != 1 {
		t.Fatalf("%d print-failure records", len(recs))
	}
	var pf api.TicketPrintFailed
	if err := json.Unmarshal(recs[0].Payload, &pf); err != nil || pf.Number != "A001" || pf.Reason != "printer_out_of_paper" {
		t.Fatalf("record %+v %v", pf, err)
	}
	// Staff loads paper; the citizen asks for the paper ticket.
	r.hook.setAfterIssue(nil)
	r.paper(printersim.State{})
	f.RetryPrint()
	s = w.until("printed", func(s TicketSnapshot) bool { return s.State == TicketDone && s.Result.Printed })
	if s.Result.PrintProblem != nil {
		t.Fatalf("problem after reprint: %+v", s.Result.PrintProblem)
	}
	if tk := r.nextTicket(); !strings.Contains(tk.Text, "A001") {
		t.Fatalf("reprint:\n%s", tk.Text)
	}
}

func TestTicketPagingAndBack(t *testing.T) {
	r := newRig(t, rigOpts{noDevices: true})
	f, w := r.ticketFlow(TicketOptions{})
	f.Start()
	s := w.until("departments", ticketIn(TicketDepartments))
	if len(s.Departments) != 2 || s.CanBack {
		t.Fatalf("departments %+v", s)
	}
	f.SelectDepartment("empty") // not a tile: ignored
	f.SelectDepartment("shebao")
	s = w.until("services", ticketIn(TicketServices))
	if len(s.Services) != 8 || !s.Page.HasNext || s.Page.HasPrev || s.Department.ID != "shebao" || !s.CanBack {
		t.Fatalf("page 1: %d tiles %+v", len(s.Services), s.Page)
	}
	f.NextPage()
	s = w.until("page 2", func(s TicketSnapshot) bool { return s.Page.Index == 1 })
	if len(s.Services) != 2 || s.Services[0].ID != "sb-09" || s.Page.HasNext {
		t.Fatalf("page 2: %+v", s.Services)
	}
	r.session.SetElder(true)
	f.Refresh()
	s = w.until("elder page", func(s TicketSnapshot) bool { return s.Page.Size == DefaultElderPageSize })
	if s.Page.Index != 2 || s.Page.Count != 3 || s.Services[0].ID != "sb-09" {
		t.Fatalf("elder mode page %+v first %s", s.Page, s.Services[0].ID)
	}
	f.Page(0)
	s = w.until("first elder page", func(s TicketSnapshot) bool { return s.Page.Index == 0 })
	if len(s.Services) != 4 {
		t.Fatalf("elder page holds %d tiles", len(s.Services))
	}
	f.PrevPage() // no page before: nothing happens
	f.Back()
	w.until("departments again", ticketIn(TicketDepartments))
}

func TestTicketSingleDepartmentSkipsTheChoice(t *testing.T) {
	cat := testCatalog()
	cat.Departments = cat.Departments[:1]
	cat.Services = cat.Services[:10]
	cat.Counters[1].Services = []string{"sb-01"}
	r := newRig(t, rigOpts{noDevices: true, catalog: cat})
	f, w := r.ticketFlow(TicketOptions{})
	f.Start()
	s := w.until("services", ticketIn(TicketServices))
	if s.CanBack || s.Department.ID != "shebao" {
		t.Fatalf("snapshot %+v", s)
	}
}

// The session wipes the card the flow holds: every field zeroed, not just
// the reference dropped.
func TestTicketWipeZeroesTheCard(t *testing.T) {
	r := newRig(t, rigOpts{})
	f, w := r.ticketFlow(TicketOptions{})
	f.Start()
	chooseService(t, f, w, "gjj", "gjj-01")
	w.until("card step", ticketIn(TicketCard))
	r.paper(printersim.State{PaperOut: true}) // the flow keeps the card for a retry
	r.place("resident-wangzhe")
	s := w.until("failure", ticketIn(TicketFailed))
	if s.CardID != "110101********001X" || s.CardName != "王*" {
		t.Fatalf("card shown as %q %q", s.CardID, s.CardName)
	}
	f.mu.Lock()
	card := f.card
	f.mu.Unlock()
	if card == nil || card.IDNumber != wangzheID || len(card.Photo) == 0 {
		t.Fatal("no card held")
	}
	photo := card.Photo
	// The idle time counts from the end of the card read. The flow shows
	// the failure before its worker releases the session (runLocked), and
	// the watcher's queue already holds unheld snapshots from before the
	// card step, so wait for the session itself to be released; advancing
	// the clock while the hold is still out would restart the idle time.
	for end := time.Now().Add(waitLimit); r.session.Snapshot().Held; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the session is still held after the failure")
		}
	}
	r.advance(60 * time.Second)
	// The card still lies on the reader: the countdown is the longer
	// CardCountdown, reminding the citizen of it.
	r.sessW.until("warning", isState(SessionWarning))
	r.advance(30 * time.Second)
	if snap := r.sessW.until("expiry", isState(SessionIdle)); !snap.Expired {
		t.Fatal("not expired")
	}
	// The flow reports its wipe once it is complete.
	w.until("wiped", ticketIn(TicketLoading))
	if card.IDNumber != "" || card.Name != "" || card.Address != "" || card.Photo != nil {
		t.Fatalf("card not zeroed: %+v", card)
	}
	for _, b := range photo {
		if b != 0 {
			t.Fatal("photo bytes not zeroed")
		}
	}
	f.mu.Lock()
	held := f.card
	f.mu.Unlock()
	if held != nil {
		t.Fatal("the flow still holds a card")
	}
	if s := f.Snapshot(); s.State != TicketLoading || s.Service.ID != "" || s.CardID != "" {
		t.Fatalf("after wipe: %+v", s)
	}
	_ = idcard.Card{}
}

// Waiting for the card holds the session: the countdown does not start
// while the citizen is fetching the card from a bag.
func TestTicketCardWaitHoldsTheSession(t *testing.T) {
	r := newRig(t, rigOpts{})
	f, w := r.ticketFlow(TicketOptions{CardTimeout: 5 * time.Minute})
	f.Start()
	chooseService(t, f, w, "gjj", "gjj-01")
	w.until("card step", ticketIn(TicketCard))
	r.sessW.until("held", func(s SessionSnapshot) bool { return s.Held })
	r.advance(2 * time.Minute)
	if !r.clk.WaitPending(2, waitLimit) {
		t.Fatal("timers not re-armed")
	}
	if st := r.session.Snapshot(); st.State != SessionActive || !st.Held {
		t.Fatalf("session %+v while waiting for the card", st)
	}
	f.Back()
	r.sessW.until("released", func(s SessionSnapshot) bool { return !s.Held })
	r.advance(60 * time.Second)
	r.sessW.until("warning", isState(SessionWarning))
}

// From the guide's detail the citizen takes a ticket for that service.
func TestTicketStartService(t *testing.T) {
	r := newRig(t, rigOpts{})
	f, w := r.ticketFlow(TicketOptions{})
	f.StartService("gjj-01")
	s := w.until("card step", ticketIn(TicketCard))
	if s.Service.ID != "gjj-01" || !s.CardRequired || s.Department.ID != "gjj" {
		t.Fatalf("snapshot %+v", s)
	}
	f.Back()
	s = w.until("services", ticketIn(TicketServices))
	if s.Department.ID != "gjj" {
		t.Fatalf("back to %+v", s.Department)
	}
	f.StartService("no-such-service")
	s = w.until("failure", ticketIn(TicketFailed))
	if s.Problem.Reason != ReasonServiceUnknown {
		t.Fatalf("problem %+v", s.Problem)
	}
	r.clk.Set(at("2026-05-14", "17:30"))
	f.StartService("sb-01")
	s = w.until("closed", ticketIn(TicketFailed))
	if s.Problem.Reason != ReasonHallClosed || !s.Problem.At.Equal(at("2026-05-15", "09:00")) {
		t.Fatalf("problem %+v", s.Problem)
	}
}

// TestTicketQRLinksTheTicketPage: with the hall's ticket-page base set, the
// QR on the done screen and on paper links <base>/t/<token>, the token
// being the page token the store keeps with the ticket (and sends to the
// back office), online and offline.
func TestTicketQRLinksTheTicketPage(t *testing.T) {
	const base = "https://hall.example.gov.cn/q"
	for _, offline := range []bool{false, true} {
		t.Run(map[bool]string{false: "online", true: "offline"}[offline], func(t *testing.T) {
			r := newRig(t, rigOpts{offline: offline})
			f, w := r.ticketFlow(TicketOptions{Print: PrintOptions{QRBase: base + "/"}})
			f.Start()
			chooseService(t, f, w, "shebao", "sb-09")
			w.until("card step", ticketIn(TicketCard))
			f.SkipCard()
			res := w.until("done", ticketIn(TicketDone)).Result
			tk, err := r.store.FindTicket(t.Context(), res.Number, res.BusinessDate)
			if err != nil {
				t.Fatal(err)
			}
			if !api.ValidPageToken(tk.PageToken) {
				t.Fatalf("ticket %s has page token %q", tk.Number, tk.PageToken)
			}
			prefix := base + "/t/" + tk.PageToken + "?"
			if !strings.HasPrefix(res.QR, prefix) {
				t.Fatalf("QR %q, want it to start with %q", res.QR, prefix)
			}
			if !offline {
				// The back office knows the ticket under that token.
				if v, _, err := r.bo.TicketView(t.Context(), tk.PageToken); err != nil || v.Number != res.Number {
					t.Fatalf("back office page of the token: %+v (%v)", v, err)
				}
			}
			ref, err := ParseTicketQR(res.QR)
			if err != nil || ref.Number != res.Number || ref.Date != res.BusinessDate || ref.Token != tk.PageToken {
				t.Fatalf("QR reads back as %+v (%v)", ref, err)
			}
			var printed []string
			for _, it := range r.nextTicket().Doc.Items {
				if it.QR != nil {
					printed = append(printed, string(it.QR.Data))
				}
			}
			if len(printed) != 1 || printed[0] != res.QR {
				t.Fatalf("printed QR %q, want %q", printed, res.QR)
			}
		})
	}
}
