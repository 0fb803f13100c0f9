package diag

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"

	"hallkiosk/devices"
	"hallkiosk/offline"
)

// Clock check limits: a kiosk clock before MinYear or before its own build
// date has lost its time (a dead RTC battery boots at 1970 or the board's
// firmware date); more than MaxClockOffset away from the back office breaks
// business dates, ticket times and the back office's ordering of records.
const (
	MinYear        = 2024
	MaxClockOffset = 2 * time.Minute
)

// HealthView is the kiosk's general health for the health screen and the
// bundle. It holds no personal data.
type HealthView struct {
	KioskID   string        `json:"kiosk_id"`
	Version   string        `json:"version"`
	BuildDate time.Time     `json:"build_date,omitzero"`
	Started   time.Time     `json:"started"`
	Uptime    time.Duration `json:"uptime"`
	Now       time.Time     `json:"now"`

	Database   DatabaseView `json:"database"`
	Disk       DiskView     `json:"disk"`
	Clock      ClockCheck   `json:"clock"`
	BackOffice Reachability `json:"backoffice"`
	// Alarms are the store's alarms (offline.Alarm…) plus "disk_low" and
	// "clock_wrong" from the checks here.
	Alarms []string `json:"alarms,omitempty"`
	// Incidents are the device faults seen since the kiosk started (paper
	// out, cover open…), ended or not, oldest first.
	Incidents []devices.Incident `json:"incidents,omitempty"`
}

// DatabaseView is the store's file and integrity.
type DatabaseView struct {
	Path           string `json:"path,omitempty"`
	IntegrityOK    bool   `json:"integrity_ok"`
	IntegrityCheck string `json:"integrity_check"`
	Bytes          int64  `json:"bytes"`
	BudgetBytes    int64  `json:"budget_bytes,omitempty"`
}

// DiskView is the free space of the data directory's file system.
type DiskView struct {
	Path        string  `json:"path"`
	FreeBytes   uint64  `json:"free_bytes"`
	TotalBytes  uint64  `json:"total_bytes"`
	FreePercent float64 `json:"free_percent"`
	Error       string  `json:"error,omitempty"`
}

// DiskLowPercent raises the disk_low alarm: below it SQLite may fail a
// commit, and a kiosk that cannot commit cannot issue tickets.
const DiskLowPercent = 10

// ClockCheck compares the system clock with the build date and the back
// office.
type ClockCheck struct {
	System time.Time `json:"system"`
	// BackOffice is the back office's time (zero when unreachable) and
	// Offset how far the kiosk is ahead of it (negative: behind).
	BackOffice time.Time     `json:"backoffice,omitzero"`
	Offset     time.Duration `json:"offset"`
	// OK is false when the clock looks wrong; Problems says why.
	OK       bool     `json:"ok"`
	Problems []string `json:"problems,omitempty"`
}

// checkClock applies the clock rules. bo is the back office's time and local
// the kiosk's at the same moment; both zero when the back office did not
// answer.
func checkClock(now, built, local, bo time.Time) ClockCheck {
	c := ClockCheck{System: now}
	if now.Year() < MinYear {
		c.Problems = append(c.Problems, fmt.Sprintf("system year %d is before %d", now.Year(), MinYear))
	}
	if !built.IsZero() && now.Before(built) {
		c.Problems = append(c.Problems, "system time is before this program was built ("+built.UTC().Format(time.DateOnly)+")")
	}
	if !bo.IsZero() {
		c.BackOffice = bo
		c.Offset = local.Sub(bo)
		if c.Offset > MaxClockOffset || c.Offset < -MaxClockOffset {
			c.Problems = append(c.Problems, fmt.Sprintf("system clock is %s off the back office's (more than %s)", c.Offset.Round(time.Second), MaxClockOffset))
		}
	}
	c.OK = len(c.Problems) == 0
	return c
}

func diskView(path string) DiskView {
	d := DiskView{Path: path}
	free, total, err := statDisk(path)
	if err != nil {
		d.Error = err.Error()
		return d
	}
	d.FreeBytes, d.TotalBytes = free, total
	if total > 0 {
		d.FreePercent = math.Round(1000*float64(free)/float64(total)) / 10
	}
	return d
}

// health builds the health view; probe runs the back-office check.
func (g *Gate) health(ctx context.Context, probe bool) HealthView {
	var r Reachability
	if probe {
		cfg := g.cfg.live()
		r = probeBackOffice(ctx, g.backOfficeURL(), cfg.BackOffice, g.clk, g.o.ProbeTimeout)
	}
	return g.healthWith(ctx, r)
}

// healthWith builds the health view around a back-office check already
// made (zero: none), which also gives the clock check its reference.
func (g *Gate) healthWith(ctx context.Context, probe Reachability) HealthView {
	now := g.clk.Now()
	cfg := g.cfg.live()
	h := HealthView{KioskID: cfg.KioskID, Version: g.o.Version, BuildDate: g.o.BuildDate, Started: g.o.Started,
		Uptime: now.Sub(g.o.Started), Now: now}
	if st := g.o.Store; st != nil {
		sh := st.Health(ctx)
		h.Database = DatabaseView{Path: st.DBPath(), IntegrityOK: sh.IntegrityOK, IntegrityCheck: sh.IntegrityCheck,
			Bytes: sh.DBBytes, BudgetBytes: sh.DiskBudget}
		h.Alarms = append(h.Alarms, sh.Alarms...)
	} else {
		h.Database.IntegrityCheck = "no store"
	}
	if d := g.o.Devices; d != nil {
		h.Incidents = d.Incidents()
	}
	h.Disk = diskView(cfg.DataDir)
	if h.Disk.Error == "" && h.Disk.TotalBytes > 0 && h.Disk.FreePercent < DiskLowPercent {
		h.Alarms = append(h.Alarms, "disk_low")
	}
	h.BackOffice = probe
	h.Clock = checkClock(now, g.o.BuildDate, h.BackOffice.LocalTime, h.BackOffice.ServerTime)
	if !h.Clock.OK {
		h.Alarms = append(h.Alarms, "clock_wrong")
	}
	return h
}

// Health checks the database, the disk, the clock (against the build date
// and the back office, which it asks) and reports version and uptime.
func (s *Session) Health(ctx context.Context) (HealthView, error) {
	if err := s.begin(); err != nil {
		return HealthView{}, err
	}
	h := s.g.health(ctx, true)
	s.g.probes.store(s.clk.Now(), h.BackOffice)
	return h, nil
}

// LogLine is one recent log entry.
type LogLine struct {
	Time    time.Time `json:"time"`
	Level   string    `json:"level"` // DEBUG, INFO, WARN, ERROR
	Message string    `json:"message"`
	// Line is the whole JSON line with its attributes, with anything
	// shaped like an ID or mobile number removed (see scrub).
	Line string `json:"line"`
}

// Logs returns up to n recent log entries at or above level min, oldest
// first (logs.Log.Tail).
func (s *Session) Logs(n int, min slog.Level) ([]LogLine, error) {
	if err := s.begin(); err != nil {
		return nil, err
	}
	return s.g.logs(n, min), nil
}

func (g *Gate) logs(n int, min slog.Level) []LogLine {
	if g.o.Log == nil {
		return nil
	}
	entries := g.o.Log.Tail(n, min)
	out := make([]LogLine, len(entries))
	for i, e := range entries {
		out[i] = LogLine{Time: e.Time, Level: e.Level.String(), Message: scrub(e.Message), Line: scrub(e.Line)}
	}
	return out
}

// storeHealth is offline.Store.Health, or an empty Health without a store.
func storeHealth(ctx context.Context, st *offline.Store) offline.Health {
	if st == nil {
		return offline.Health{}
	}
	return st.Health(ctx)
}
