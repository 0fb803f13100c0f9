package diag

import (
	"log/slog"
	"testing"
	"time"

	"hallkiosk/devices"
)

// TestLogFilter: warn first; a choice past the levels changes nothing; a
// read at the level left is no longer current.
func TestLogFilter(t *testing.T) {
	f := NewLogFilter()
	if f.Level != slog.LevelWarn || f.Index() != 2 {
		t.Fatalf("opens at %v (%d)", f.Level, f.Index())
	}
	f.Choose(0)
	if f.Level != slog.LevelDebug || !f.Current(slog.LevelDebug) || f.Current(slog.LevelWarn) {
		t.Fatalf("after choosing debug: %v", f.Level)
	}
	f.Choose(len(LogLevels))
	if f.Level != slog.LevelDebug {
		t.Fatalf("a choice past the levels: %v", f.Level)
	}
}

// TestRecentFaults: newest first, ended ones with their length, an
// ongoing one lasting till now, and the count of those left out.
func TestRecentFaults(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	in := []devices.Incident{
		{Kind: devices.Scanner, Problem: "not responding", Start: t0, End: t0.Add(time.Minute)},
		{Kind: devices.Printer, Problem: "paper end", Start: t0.Add(12 * time.Minute), End: t0.Add(21 * time.Minute)},
		{Kind: devices.IDCard, Problem: "SAM fault", Start: t0.Add(30 * time.Minute)},
	}
	now := t0.Add(40 * time.Minute)
	spans, more := RecentFaults(in, now, 2)
	if len(spans) != 2 || more != 1 {
		t.Fatalf("%d spans, %d more", len(spans), more)
	}
	if s := spans[0]; s.Kind != devices.IDCard || !s.Ongoing || s.Lasted != 10*time.Minute {
		t.Errorf("newest %+v", s)
	}
	if s := spans[1]; s.Kind != devices.Printer || s.Ongoing || s.Lasted != 9*time.Minute {
		t.Errorf("second %+v", s)
	}
	if spans, more := RecentFaults(nil, now, 2); len(spans) != 0 || more != 0 {
		t.Errorf("no incidents: %v, %d more", spans, more)
	}
	if spans, more := RecentFaults(in[:1], now, 2); len(spans) != 1 || more != 0 {
		t.Errorf("one incident: %v, %d more", spans, more)
	}
}

func TestTrafficLineExplained(t *testing.T) {
	if got := (TrafficLine{Meaning: "status", MeaningZh: "状态"}).Explained(); got != "状态  status" {
		t.Errorf("with Chinese: %q", got)
	}
	if got := (TrafficLine{Meaning: "print"}).Explained(); got != "print" {
		t.Errorf("without: %q", got)
	}
}
