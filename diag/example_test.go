package diag_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"hallkiosk/config"
	"hallkiosk/devices"
	"hallkiosk/diag"
	"hallkiosk/logs"
	"hallkiosk/metrics"
	"hallkiosk/offline"
)

// The wiring cmd/kiosk does once, and what the technician screens call. The
// screens run every call off the UI goroutine and show the result through
// fyne.Do; diag itself knows nothing of Fyne.
func Example() {
	var (
		cfg   config.Config // as loaded, with command-line overrides
		store *offline.Store
		set   *devices.Set
		lg    *logs.Log
		quit  func()
		ctx   = context.Background()
	)
	m := diag.NewMetrics(metrics.New(), store, set, diag.MetricsOptions{KioskID: cfg.KioskID})
	go metrics.Serve(ctx, cfg.Diag.HealthAddr, m.Handler())

	gate, err := diag.Open(diag.Options{
		ConfigPath: "/etc/hallkiosk/kiosk.json", Config: cfg,
		Devices: set, Store: store, Log: lg, Metrics: m, Quit: quit,
		OnSessionEnd: func(s *diag.Session, why diag.EndReason) {
			// fyne.Do(func() { show the citizen home screen })
		},
	})
	if err != nil {
		return
	}

	// The PIN screen.
	s, err := gate.Enter(ctx, "482915")
	var wrong *diag.WrongPINError
	var locked *diag.LockedError
	switch {
	case errors.As(err, &locked):
		fmt.Printf("locked, try again in %s\n", locked.Remaining)
		return
	case errors.As(err, &wrong):
		fmt.Printf("wrong PIN, %d attempts left\n", wrong.AttemptsLeft)
		return
	case err != nil:
		return
	}
	if s.MustChangePIN() { // entered with the factory PIN 000000
		if err := s.ChangePIN(ctx, "59173826"); err != nil {
			return // diag.ErrPINSequential …: ask again
		}
	}

	// "The kiosk doesn't print."
	views, _ := s.Devices()
	for _, v := range views {
		fmt.Println(v.Kind, v.Port, v.Connected, v.LastError)
	}
	r, _ := s.TestPrint(ctx)
	fmt.Println(r.Pass, r.Summary, r.Raw)
	lines, _ := s.Traffic(devices.Printer)
	for _, l := range lines {
		fmt.Println(l.Arrow, l.Hex, l.Meaning)
	}
	tail, _ := s.Logs(50, slog.LevelWarn)
	_ = tail
	bundle, _ := s.ExportBundle(ctx, "/media/usb0")
	fmt.Println(bundle.Path)
	s.Exit(ctx)
}
