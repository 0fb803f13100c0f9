package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
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
