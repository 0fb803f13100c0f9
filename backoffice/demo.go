package backoffice

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"hallkiosk/backoffice/api"
)

// demoFile is the format of assets/catalog/demo.json. Appointments are
// stored as times of day so the demo works on whatever day it runs; the
// people in it are fictional, with ID numbers whose GB 11643 check
// characters are right so the kiosk's validation accepts them.
type demoFile struct {
	Note         string            `json:"note"`
	Appointments []demoAppointment `json:"appointments"`
	Progress     []demoProgress    `json:"progress"`
}

type demoAppointment struct {
	// Slot (1–99) makes the day's code: YYMMDD + two digits, e.g. 26112907.
	Slot      int    `json:"slot"`
	ServiceID string `json:"service_id"`
	Start     string `json:"start"` // HH:MM, hall time
	Minutes   int    `json:"minutes"`
	Name      string `json:"name"`
	IDNumber  string `json:"id_number"`
	Status    string `json:"status,omitempty"` // booked (default), cancelled
}

type demoProgress struct {
	api.Progress
	IDLast4 string `json:"id_last4"`
}

type demoData struct {
	appointments []demoAppointment
	progress     []demoProgress
}

func parseDemo(b []byte, cat *catalog, log *slog.Logger) (*demoData, error) {
	var f demoFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	d := &demoData{}
	slots := map[int]bool{}
	for _, a := range f.Appointments {
		if cat.services[a.ServiceID] == nil {
			// A hall's own catalog may lack the demo's services; the demo
			// then shows fewer appointments rather than refusing to start.
			log.Warn("demo appointment skipped: service not in catalog", "service", a.ServiceID, "slot", a.Slot)
			continue
		}
		if a.Slot < 1 || a.Slot > 99 || slots[a.Slot] {
			return nil, fmt.Errorf("demo data: appointment slot %d outside 1–99 or repeated", a.Slot)
		}
		slots[a.Slot] = true
		if _, err := parseHHMM(a.Start); err != nil || a.Minutes <= 0 {
			return nil, fmt.Errorf("demo data: appointment slot %d: bad start or length", a.Slot)
		}
		if !ValidIDNumber(a.IDNumber) {
			return nil, fmt.Errorf("demo data: appointment slot %d: ID number fails its GB 11643 check", a.Slot)
		}
		d.appointments = append(d.appointments, a)
	}
	for _, p := range f.Progress {
		if p.Receipt == "" || !validLast4(p.IDLast4) {
			return nil, fmt.Errorf("demo data: progress %q: empty receipt or bad id_last4", p.Receipt)
		}
		if svc := cat.services[p.ServiceID]; svc != nil && p.Service.Zh == "" {
			p.Service = svc.Name
		}
		d.progress = append(d.progress, p)
	}
	return d, nil
}

// appointmentsFor materializes the demo appointments on a business date.
func (d *demoData) appointmentsFor(date string, loc *time.Location) []api.Appointment {
	day, err := time.ParseInLocation(time.DateOnly, date, loc)
	if err != nil {
		return nil
	}
	out := make([]api.Appointment, 0, len(d.appointments))
	for _, a := range d.appointments {
		m, _ := parseHHMM(a.Start)
		start := time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, loc)
		status := a.Status
		if status == "" {
			status = "booked"
		}
		out = append(out, api.Appointment{
			Code:      fmt.Sprintf("%s%02d", day.Format("060102"), a.Slot),
			ServiceID: a.ServiceID,
			Start:     start,
			End:       start.Add(time.Duration(a.Minutes) * time.Minute),
			IDNumber:  a.IDNumber,
			Name:      a.Name,
			Status:    status,
		})
	}
	return out
}

// loadDemoDay books the demo appointments of a date once; later changes
// (check-ins) are kept.
func (s *Server) loadDemoDay(tx Tx, date string) error {
	if s.demo == nil {
		return nil
	}
	first, err := tx.Once("demo-appointments:" + date)
	if err != nil || !first {
		return err
	}
	for _, a := range s.demo.appointmentsFor(date, s.loc) {
		if err := tx.PutAppointment(date, a); err != nil {
			return fmt.Errorf("demo appointments of %s: %w", date, err)
		}
	}
	return nil
}

// ensureDemoDay loads a date's demo appointments outside any transaction,
// remembering dates already done so a read stays a read.
func (s *Server) ensureDemoDay(ctx context.Context, date string) error {
	if s.demo == nil {
		return nil
	}
	if _, done := s.demoDays.Load(date); done {
		return nil
	}
	if err := s.store.Update(ctx, func(tx Tx) error { return s.loadDemoDay(tx, date) }); err != nil {
		return err
	}
	s.demoDays.Store(date, struct{}{})
	return nil
}

// loadDemo writes the demo progress records and today's appointments.
func (s *Server) loadDemo(ctx context.Context) error {
	err := s.store.Update(ctx, func(tx Tx) error {
		for _, p := range s.demo.progress {
			pr := p.Progress
			pr.Receipt = strings.ToUpper(pr.Receipt)
			if err := tx.PutProgress(pr, strings.ToUpper(p.IDLast4)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("load demo progress: %w", err)
	}
	if err := s.ensureDemoDay(ctx, s.businessDate(s.clock.Now())); err != nil {
		return fmt.Errorf("load demo appointments: %w", err)
	}
	return nil
}

// gb11643Weights are the weights of the first 17 characters of a
// citizen ID number (GB 11643-1999, ISO 7064 MOD 11-2).
var gb11643Weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// ValidIDNumber reports whether s is an 18-character citizen ID number
// whose check character (GB 11643-1999) is right. It checks the form, not
// that the number was ever issued.
func ValidIDNumber(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * gb11643Weights[i]
	}
	return s[17] == "10X98765432"[sum%11]
}
