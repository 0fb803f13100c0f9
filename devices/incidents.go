package devices

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"hallkiosk/devices/escpos"
)

// Incident is a device fault the kiosk saw: what it was, when it began and
// when the device worked again (End is zero while it lasts). A technician
// asks after the fact ("was it out of paper this morning, for how long?"),
// so an incident outlives its fault: the set keeps the last MaxIncidents,
// and each start and end is a line in the log.
type Incident struct {
	Kind    Kind      `json:"device"`
	Problem string    `json:"problem"` // e.g. "paper end", "cover open, paper end"
	Start   time.Time `json:"start"`
	End     time.Time `json:"end,omitzero"`
}

// MaxIncidents is how many incidents the set keeps, oldest dropped first.
const MaxIncidents = 50

// Incidents returns the incidents seen since the set was opened, oldest
// first.
func (s *Set) Incidents() []Incident {
	s.imu.Lock()
	defer s.imu.Unlock()
	return slices.Clone(s.incidents)
}

// note records what a call to the device of kind k found: problem "" is a
// working device. A new problem starts an incident (and ends the one
// before, if the problem changed); a working device ends the one open.
func (s *Set) note(k Kind, problem string) {
	now := s.clk.Now()
	s.imu.Lock()
	defer s.imu.Unlock()
	open := -1
	for i := len(s.incidents) - 1; i >= 0; i-- {
		if s.incidents[i].Kind == k && s.incidents[i].End.IsZero() {
			open = i
			break
		}
	}
	if open >= 0 {
		in := &s.incidents[open]
		if in.Problem == problem {
			return
		}
		in.End = now
		s.log.Info("device fault cleared", "device", string(k), "problem", in.Problem,
			"lasted", now.Sub(in.Start).Round(time.Second).String())
	}
	if problem == "" {
		return
	}
	s.log.Warn("device fault", "device", string(k), "problem", problem)
	if len(s.incidents) == MaxIncidents {
		s.incidents = slices.Delete(s.incidents, 0, 1)
	}
	s.incidents = append(s.incidents, Incident{Kind: k, Problem: problem, Start: now})
}

// notePrinter records the outcome of a printer call through the front (the
// driver's status queries are recorded by the driver's OnStatus, whoever
// makes them). A call the caller cancelled says nothing about the printer
// and is not recorded.
func (s *Set) notePrinter(ctx context.Context, err error) {
	if err != nil && ctx.Err() != nil {
		return
	}
	s.note(Printer, printerProblem(err))
}

// printerProblem names what keeps the printer from printing, in the words
// of its status causes ("paper end", "cover open"); "" when it works.
func printerProblem(err error) string {
	var nre *escpos.NotReadyError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, escpos.ErrNotResponding):
		// The port's own error that comes with it changes from one poll
		// to the next; the incident is the silence.
		return escpos.ErrNotResponding.Error()
	case errors.As(err, &nre):
		why := make([]string, len(nre.Causes))
		for i, c := range nre.Causes {
			why[i] = c.Error()
		}
		return strings.Join(why, ", ")
	case errors.Is(err, ErrNotConnected):
		return "not connected"
	case errors.Is(err, ErrAbsent):
		return ""
	}
	return "print failed"
}
