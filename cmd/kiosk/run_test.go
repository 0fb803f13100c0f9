package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/diag"
)

// The demo's appointments around now stay on today's date even a few
// minutes before or after midnight, so check-in works at any hour.
func TestNowAppointmentsStayToday(t *testing.T) {
	for _, at := range []string{"2026-11-29T23:55:00+08:00", "2026-11-30T00:02:00+08:00", "2026-11-29T10:00:00+08:00"} {
		t.Run(at, func(t *testing.T) {
			now, _ := time.Parse(time.RFC3339, at)
			bo, err := backoffice.Open(backoffice.Options{DBPath: filepath.Join(t.TempDir(), "bo.db"), Tokens: map[string]string{"tok": "K01"}})
			if err != nil {
				t.Fatal(err)
			}
			defer bo.Close()
			if err := seedNowAppointments(bo, now); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(bo.Handler())
			defer srv.Close()
			day := now.In(hallZone()).Format("2006-01-02")
			req, _ := http.NewRequest("GET", srv.URL+"/v1/appointments?date="+day, nil)
			req.Header.Set("Authorization", "Bearer tok")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var list api.AppointmentList
			if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
				t.Fatal(err)
			}
			for _, a := range nowAppointments {
				code := nowAppointmentCode(now, a.slot)
				found := false
				for _, got := range list.Appointments {
					if got.Code == code {
						found = true
					}
				}
				if !found {
					t.Errorf("appointment %s (slot %d) is not among %s's appointments", code, a.slot, day)
				}
			}
		})
	}
}

// TestExportDirs offers the mounted sticks first and the kiosk's own
// export folder last, without the /media/<user> folder that holds a stick.
func TestExportDirs(t *testing.T) {
	root, data := t.TempDir(), t.TempDir()
	stick := filepath.Join(root, "media", "kiosk", "KINGSTON")
	if err := os.MkdirAll(stick, 0o755); err != nil {
		t.Fatal(err)
	}
	got := exportDirsUnder([]string{filepath.Join(root, "media/*/*"), filepath.Join(root, "media/*")}, data)
	want := []string{stick, filepath.Join(data, "exports")}
	if !slices.Equal(got, want) {
		t.Fatalf("export folders %q, want %q", got, want)
	}
	if st, err := os.Stat(want[1]); err != nil || !st.IsDir() {
		t.Fatalf("own export folder not created: %v", err)
	}
}

// A technician's new PIN in the demo survives a restart: the demo keeps its
// changed settings in its data directory, so the factory PIN no longer
// opens the restarted kiosk and the new one does.
func TestDemoKeepsTheNewPINAcrossRestarts(t *testing.T) {
	t.Setenv("KIOSK_CONFIG", "")
	dir := t.TempDir()
	installed := defaultConfigPath
	defaultConfigPath = filepath.Join(dir, "no-such-kiosk.json")
	defer func() { defaultConfigPath = installed }()
	ctx := context.Background()
	gate := func() *diag.Gate {
		t.Helper()
		cfg, path, demo, err := loadConfig(runOptions{dataDir: dir})
		if err != nil || !demo {
			t.Fatalf("loadConfig: demo %v, err %v", demo, err)
		}
		g, err := diag.Open(diag.Options{ConfigPath: path, Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	g := gate()
	s, err := g.Enter(ctx, diag.DefaultPIN)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePIN(ctx, "482915"); err != nil {
		t.Fatal(err)
	}
	g.Close()

	g = gate()
	defer g.Close()
	if _, err := g.Enter(ctx, diag.DefaultPIN); err == nil {
		t.Fatal("the factory PIN opens the restarted demo")
	}
	if _, err := g.Enter(ctx, "482915"); err != nil {
		t.Fatalf("the new PIN does not open the restarted demo: %v", err)
	}

	// A saved file that is broken stops the demo with a clear error
	// instead of quietly bringing the factory PIN back.
	if err := os.WriteFile(filepath.Join(dir, demoConfigFile), []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := loadConfig(runOptions{dataDir: dir}); err == nil || !strings.Contains(err.Error(), "demo") {
		t.Fatalf("a broken saved demo file: err %v", err)
	}
}
