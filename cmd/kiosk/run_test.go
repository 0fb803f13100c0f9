package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hallkiosk/config"
	"hallkiosk/diag"
)

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

// TestTicketPageBase: the printed QRs link the configured ticket-page base
// (read from the configuration file as the kiosk reads it); without a back
// office configured, the demo's embedded one; with a back office but no
// base, nothing (the compact payload).
func TestTicketPageBase(t *testing.T) {
	const embedded = "http://127.0.0.1:41234"
	tests := []struct {
		name, file, want string
	}{
		{"base and back office", `{"backoffice":{"url":"https://bo.example.gov.cn","token":"t","ticket_page_base":"https://zwfw.example.gov.cn/hall"}}`,
			"https://zwfw.example.gov.cn/hall"},
		{"base, embedded back office", `{"backoffice":{"ticket_page_base":"https://zwfw.example.gov.cn/hall"}}`, "https://zwfw.example.gov.cn/hall"},
		{"back office without a base", `{"backoffice":{"url":"https://bo.example.gov.cn","token":"t"}}`, ""},
		{"demo", `{}`, embedded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			if err := config.Parse([]byte(tc.file), &cfg); err != nil {
				t.Fatal(err)
			}
			boURL := cfg.BackOffice.URL
			if boURL == "" {
				boURL = embedded
			}
			if got := ticketPageBase(cfg, boURL); got != tc.want {
				t.Fatalf("QR base %q, want %q", got, tc.want)
			}
		})
	}
}
