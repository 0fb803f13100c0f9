package devices

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"hallkiosk/devices/sim/printersim"
	"hallkiosk/internal/testutil"
)

// A printer that runs out of paper and is refilled leaves a trace: an
// incident with its start and end, and a log line for each.
func TestPaperOutLeavesAnIncident(t *testing.T) {
	var logBuf testutil.SyncBuffer
	s, err := Open(Options{Config: simConfig(), DataDir: t.TempDir(), RetryOpen: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logBuf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	front := s.PrinterFront()
	for front.Ready(ctx) != nil && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond) // the printer's port is being opened
	}
	if got := s.Incidents(); len(got) != 0 {
		t.Fatalf("incidents with a working printer: %+v", got)
	}

	s.Sims().Printer.SetState(printersim.State{PaperOut: true})
	if err := front.Ready(ctx); err == nil {
		t.Fatal("the printer is ready without paper")
	}
	front.Ready(ctx) // the same fault seen again is the same incident
	got := s.Incidents()
	if len(got) != 1 || got[0].Kind != Printer || got[0].Problem != "paper end" || got[0].Start.IsZero() || !got[0].End.IsZero() {
		t.Fatalf("after paper out: %+v, want one open printer incident \"paper end\"", got)
	}

	// The refill is seen by whoever asks the printer next: here the
	// technician's test, which talks to the driver, not the front.
	s.Sims().Printer.SetState(printersim.State{})
	p, err := s.PrinterDriver()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Status(ctx); err != nil {
		t.Fatalf("refilled printer: %v", err)
	}
	got = s.Incidents()
	if len(got) != 1 || got[0].End.IsZero() || got[0].End.Before(got[0].Start) {
		t.Fatalf("after the refill: %+v, want the incident ended", got)
	}
	log := logBuf.String()
	for _, want := range []string{`msg="device fault" device=printer problem="paper end"`, `msg="device fault cleared" device=printer problem="paper end" lasted=`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}

	// A call the caller gave up on says nothing about the printer.
	s.Sims().Printer.SetState(printersim.State{CoverOpen: true})
	done, stop := context.WithCancel(ctx)
	stop()
	front.Ready(done)
	if got := s.Incidents(); len(got) != 1 {
		t.Errorf("a cancelled call was recorded: %+v", got)
	}
}

// The set keeps the last MaxIncidents.
func TestIncidentsAreBounded(t *testing.T) {
	s := openSet(t, simConfig())
	for i := 0; i < MaxIncidents+5; i++ {
		s.note(Printer, "paper end")
		s.note(Printer, "")
	}
	if got := s.Incidents(); len(got) != MaxIncidents {
		t.Errorf("kept %d incidents, want %d", len(got), MaxIncidents)
	}
}
