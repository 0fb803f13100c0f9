package flow

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/offline"
)

func (r *rig) checkInFlow(opts CheckInOptions) (*CheckInFlow, *watcher[CheckInSnapshot]) {
	w := newWatcher[CheckInSnapshot](r.t)
	opts.OnChange = w.fn
	if opts.Print.Text == nil {
		opts.Print.Text = testText
	}
	return NewCheckInFlow(r.env, opts), w
}

func checkInIn(st CheckInState) func(CheckInSnapshot) bool {
	return func(s CheckInSnapshot) bool { return s.State == st }
}

func startCheckIn(t *testing.T, r *rig) (*CheckInFlow, *watcher[CheckInSnapshot]) {
	t.Helper()
	f, w := r.checkInFlow(CheckInOptions{})
	f.Start()
	s := w.until("choice", checkInIn(CheckInChoose))
	if len(s.Methods) != 3 {
		t.Fatalf("methods %v", s.Methods)
	}
	return f, w
}

// The appointment of the tests: 社保卡申领 at 10:10, booked by 王喆.
const apptCode = "26051401"

func TestCheckInHappyPaths(t *testing.T) {
	tests := []struct {
		name   string
		start  string // slot start, the clock reads 10:00
		method CheckInMethod
		act    func(r *rig, f *CheckInFlow)
		late   bool
	}{
		{"ID card", "10:10", MethodCard, func(r *rig, f *CheckInFlow) { f.UseCard(); r.place("resident-wangzhe") }, false},
		{"booking QR", "10:10", MethodScan, func(r *rig, f *CheckInFlow) { f.UseScanner(); r.scanCode("HKA1|" + apptCode) }, false},
		{"keypad", "10:10", MethodKeypad, func(r *rig, f *CheckInFlow) {
			f.UseKeypad()
			f.Key("2605")
			f.Key("14*01") // * is not on the keypad
			f.Backspace()
			f.Key("1")
			f.Submit()
		}, false},
		{"after the slot start but within the window", "09:50", MethodKeypad, func(r *rig, f *CheckInFlow) { f.EnterCode(apptCode) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, rigOpts{})
			r.book(apptCode, "sb-01", tt.start, "resident-wangzhe")
			f, w := startCheckIn(t, r)
			tt.act(r, f)
			s := w.until("found", func(s CheckInSnapshot) bool { return s.Appointment != nil })
			if a := s.Appointment; a.Code != apptCode || a.NameMasked == "" || a.ServiceName.Zh != "社保卡申领" {
				t.Fatalf("appointment %+v", a)
			}
			s = w.until("done", checkInIn(CheckInDone))
			res := s.Result
			if !res.Priority || !res.Printed || res.Late || res.Number != "A001" {
				t.Fatalf("result %+v", res)
			}
			if (res.MaskedID != "") != (tt.method == MethodCard) {
				t.Errorf("masked ID %q for %s", res.MaskedID, tt.method)
			}
			if paper := r.nextTicket(); !strings.Contains(paper.Text, "A001") || strings.Contains(paper.Text, wangzheID) {
				t.Errorf("printed:\n%s", paper.Text)
			}
			f.mu.Lock()
			id := f.idNum
			f.mu.Unlock()
			if id != "" {
				t.Error("the ID number outlived the commit")
			}
			recs := r.records(api.KindCheckIn)
			if len(recs) != 1 {
				t.Fatalf("%d check-in records", len(recs))
			}
			var ci api.CheckIn
			json.Unmarshal(recs[0].Payload, &ci)
			if ci.Method != string(tt.method) || ci.AppointmentCode != apptCode || ci.Late != tt.late {
				t.Errorf("record %+v", ci)
			}
		})
	}
}

func TestCheckInFailures(t *testing.T) {
	tests := []struct {
		name   string
		slot   string // booked for 王喆 unless empty
		act    func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot])
		want   Reason
		retry  bool
		late   bool // CanTakeLate
		at     time.Time
		noSave bool // the appointment must still be open afterwards
	}{
		{
			name: "wrong code typed", slot: "10:10",
			act:  func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot]) { f.EnterCode("26059999") },
			want: ReasonWrongCode, retry: true, noSave: true,
		},
		{
			name: "malformed code typed", slot: "10:10",
			act: func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot]) {
				f.UseKeypad()
				f.Key("12")
				f.Submit()
			},
			want: ReasonWrongCode, retry: true, noSave: true,
		},
		{
			name: "a ticket QR scanned instead of the booking", slot: "10:10",
			act: func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot]) {
				f.UseScanner()
				r.scanCode("HK1|2026-05-14|A001")
			},
			want: ReasonWrongCode, retry: true, noSave: true,
		},
		{
			name: "ID card without an appointment today",
			act: func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot]) {
				f.UseCard()
				r.place("resident-lixiuying")
			},
			want: ReasonNoAppointment, retry: true,
		},
		{
			name: "too early", slot: "11:00",
			act:  func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot]) { f.EnterCode(apptCode) },
			want: ReasonTooEarly, retry: true, at: at("2026-05-14", "10:30"), noSave: true,
		},
		{
			name: "too late", slot: "09:40",
			act:  func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot]) { f.EnterCode(apptCode) },
			want: ReasonTooLate, late: true, noSave: true,
		},
		{
			name: "already checked in", slot: "10:10",
			act: func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot]) {
				f.EnterCode(apptCode)
				w.until("first check-in", checkInIn(CheckInDone))
				f.Start()
				w.until("choice", checkInIn(CheckInChoose))
				f.EnterCode(apptCode)
			},
			want: ReasonAlreadyCheckedIn,
		},
		{
			name: "printer out of paper", slot: "10:10",
			act: func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot]) {
				r.paper(printersim.State{PaperOut: true})
				f.EnterCode(apptCode)
			},
			want: ReasonPrinterOutOfPaper, retry: true, noSave: true,
		},
		{
			name: "no card", slot: "10:10",
			act: func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot]) {
				f.UseCard()
				w.until("card wait", checkInIn(CheckInCard))
				r.advance(30 * time.Second)
			},
			want: ReasonNoCard, retry: true, noSave: true,
		},
		{
			name: "card pulled mid-read", slot: "10:10",
			act: func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot]) {
				f.UseCard()
				w.until("card wait", checkInIn(CheckInCard))
				r.csim.Status41MidRead()
				r.place("resident-wangzhe")
			},
			want: ReasonCardReadFailed, retry: true, noSave: true,
		},
		{
			name: "nothing scanned", slot: "10:10",
			act: func(t *testing.T, r *rig, f *CheckInFlow, w *watcher[CheckInSnapshot]) {
				f.UseScanner()
				w.until("scan wait", checkInIn(CheckInScan))
				r.advance(30 * time.Second)
			},
			want: ReasonNoCode, retry: true, noSave: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, rigOpts{})
			if tt.slot != "" {
				r.book(apptCode, "sb-01", tt.slot, "resident-wangzhe")
			}
			f, w := startCheckIn(t, r)
			tt.act(t, r, f, w)
			s := w.until("failure", checkInIn(CheckInFailed))
			p := s.Problem
			if p.Reason != tt.want || s.CanRetry != tt.retry || s.CanTakeLate != tt.late || !p.At.Equal(tt.at) {
				t.Fatalf("problem %+v retry %v late %v", p, s.CanRetry, s.CanTakeLate)
			}
			// Never a dead end: every method is offered again.
			if len(s.Methods) != 3 {
				t.Errorf("methods %v", s.Methods)
			}
			if tt.noSave && tt.slot != "" {
				a, err := r.store.FindAppointment(t.Context(), offline.AppointmentQuery{Code: apptCode})
				if err != nil || a.CheckedIn {
					t.Errorf("appointment after a refused check-in: %+v %v", a, err)
				}
			}
		})
	}
}

// A wrong code is never a dead end: retry, switch to the scanner, succeed.
func TestCheckInWrongCodeThenScan(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.book(apptCode, "sb-01", "10:10", "resident-wangzhe")
	f, w := startCheckIn(t, r)
	f.EnterCode("26050000")
	w.until("failure", checkInIn(CheckInFailed))
	f.Retry()
	s := w.until("keypad", checkInIn(CheckInKeypad))
	if s.Input.Kind != InputAlnum || s.Input.Value != "" {
		t.Fatalf("keypad %+v", s.Input)
	}
	f.UseScanner()
	r.scanCode("https://yy.example.gov.cn/checkin?code=" + apptCode)
	s = w.until("done", checkInIn(CheckInDone))
	if s.Method != MethodScan || !s.Result.Priority {
		t.Fatalf("snapshot %+v", s)
	}
}

func TestCheckInTooEarlyThenOnTime(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.book(apptCode, "sb-01", "11:00", "resident-wangzhe")
	f, w := startCheckIn(t, r)
	f.EnterCode(apptCode)
	s := w.until("too early", checkInIn(CheckInFailed))
	r.clk.Set(s.Problem.At)
	f.Retry()
	w.until("keypad", checkInIn(CheckInKeypad))
	f.Submit() // nothing typed
	w.until("wrong code", checkInIn(CheckInFailed))
	f.EnterCode(apptCode)
	w.until("done", checkInIn(CheckInDone))
}

// After the window the citizen is offered a normal ticket: it queues like a
// walk-in, carries the appointment code, and is no priority ticket.
func TestCheckInTooLateTakesANormalTicket(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.book(apptCode, "sb-01", "09:00", "resident-wangzhe")
	f, w := startCheckIn(t, r)
	f.UseCard()
	r.place("resident-wangzhe")
	s := w.until("too late", checkInIn(CheckInFailed))
	if !s.CanTakeLate || s.Problem.Advice != AdviceTakeTicket {
		t.Fatalf("snapshot %+v", s)
	}
	f.AcceptLate()
	s = w.until("done", checkInIn(CheckInDone))
	if s.Result.Priority || !s.Result.Late || s.Result.MaskedID == "" || !s.Result.Printed {
		t.Fatalf("result %+v", s.Result)
	}
	recs := r.records(api.KindTicketIssued)
	var ti api.TicketIssued
	json.Unmarshal(recs[len(recs)-1].Payload, &ti)
	if ti.AppointmentCode != apptCode || ti.Priority {
		t.Errorf("ticket record %+v", ti)
	}
	if len(r.records(api.KindCheckIn)) != 0 {
		t.Error("a missed appointment was recorded as checked in")
	}
}

// Check-in works from the appointment cache while the back office is away;
// the priority ticket is numbered by the kiosk.
func TestCheckInOffline(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.book(apptCode, "sb-01", "10:10", "resident-wangzhe")
	r.goOffline()
	f, w := startCheckIn(t, r)
	f.UseCard()
	r.place("resident-wangzhe")
	s := w.until("done", checkInIn(CheckInDone))
	if !s.Result.Offline || s.Result.Number != "A07-001" || !s.Result.Priority || s.Result.PeopleAhead != -1 {
		t.Fatalf("result %+v", s.Result)
	}
}

func TestCheckInWipe(t *testing.T) {
	r := newRig(t, rigOpts{})
	f, w := startCheckIn(t, r)
	f.UseKeypad()
	f.Key("260514")
	w.until("typed", func(s CheckInSnapshot) bool { return s.Input.Value == "260514" })
	f.mu.Lock()
	buf := f.code.buf[:cap(f.code.buf)]
	f.mu.Unlock()
	r.advance(60 * time.Second)
	r.sessW.until("warning", isState(SessionWarning))
	r.advance(10 * time.Second)
	r.sessW.until("expiry", isState(SessionIdle))
	w.until("wiped", checkInIn(CheckInLoading))
	s := f.Snapshot()
	if s.State != CheckInLoading || s.Input.Value != "" || s.Appointment != nil {
		t.Fatalf("after wipe: %+v", s)
	}
	for _, b := range buf {
		if b != 0 {
			t.Fatalf("typed bytes not zeroed: %q", buf)
		}
	}
}
