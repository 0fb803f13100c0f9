package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadMissingFileGivesDefaults(t *testing.T) {
	c, err := Load(filepath.Join(t.TempDir(), "kiosk.json"))
	if !errors.Is(err, ErrNotExist) {
		t.Fatalf("err = %v, want ErrNotExist", err)
	}
	if c.KioskID != "K01" || c.Devices.IDCard.Baud != 115200 || !c.UI.FullScreen {
		t.Fatalf("defaults not applied: %+v", c)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string // substring; empty = ok
		check   func(t *testing.T, c Config)
	}{
		{name: "partial file keeps defaults", in: `{"kiosk_id":"K07","kiosk_number":7}`,
			check: func(t *testing.T, c Config) {
				if c.KioskNumber != 7 || c.UI.IdleSeconds != 60 || c.Devices.Printer.Baud != 9600 {
					t.Fatalf("got %+v", c)
				}
			}},
		{name: "devices", in: `{"devices":{"printer":{"port":"/dev/serial/by-id/usb-printer","baud":19200}}}`,
			check: func(t *testing.T, c Config) {
				if c.Devices.Printer.Simulated() || c.Devices.Printer.Baud != 19200 || !c.Devices.IDCard.Simulated() {
					t.Fatalf("got %+v", c.Devices)
				}
			}},
		{name: "syntax error names line", in: "{\n\"kiosk_id\": \"K01\",\n}", wantErr: "line 3"},
		{name: "unknown field", in: `{"kiosk_idd":"K01"}`, wantErr: "unknown field"},
		{name: "wrong type", in: `{"kiosk_number":"seven"}`, wantErr: "kiosk_number"},
		{name: "bad baud", in: `{"devices":{"idcard":{"baud":1234}}}`, wantErr: "devices.idcard.baud"},
		{name: "http refused", in: `{"backoffice":{"url":"http://bo.local","token":"t"}}`, wantErr: "allow_insecure_http"},
		{name: "http allowed", in: `{"backoffice":{"url":"http://127.0.0.1:8080","token":"t","allow_insecure_http":true}}`},
		{name: "ticket page base", in: `{"backoffice":{"ticket_page_base":"https://zwfw.example.gov.cn/hall"}}`,
			check: func(t *testing.T, c Config) {
				if c.BackOffice.TicketPageBase != "https://zwfw.example.gov.cn/hall" {
					t.Fatalf("got %q", c.BackOffice.TicketPageBase)
				}
			}},
		{name: "ticket page base not a URL", in: `{"backoffice":{"ticket_page_base":"zwfw.example"}}`, wantErr: "ticket_page_base"},
		{name: "ticket page base with query", in: `{"backoffice":{"ticket_page_base":"https://h.example/?x=1"}}`, wantErr: "ticket_page_base"},
		{name: "url needs token", in: `{"backoffice":{"url":"https://bo.example"}}`, wantErr: "backoffice.token"},
		{name: "health on loopback only", in: `{"diag":{"health_addr":"0.0.0.0:9180"}}`, wantErr: "loopback"},
		{name: "trailing garbage", in: `{"kiosk_id":"K01"} {}`, wantErr: "trailing"},
		{name: "truncated", in: `{"kiosk_id":"K0`, wantErr: "config"},
		{name: "bad language", in: `{"ui":{"language":"fr"}}`, wantErr: "ui.language"},
		{name: "memory limit default", in: `{}`,
			check: func(t *testing.T, c Config) {
				if c.MemoryLimitMB != DefaultMemoryLimitMB {
					t.Fatalf("memory_limit_mb %d, want %d", c.MemoryLimitMB, DefaultMemoryLimitMB)
				}
			}},
		{name: "memory limit off", in: `{"memory_limit_mb":0}`,
			check: func(t *testing.T, c Config) {
				if c.MemoryLimitMB != 0 {
					t.Fatalf("memory_limit_mb %d, want 0", c.MemoryLimitMB)
				}
			}},
		{name: "memory limit too small", in: `{"memory_limit_mb":16}`, wantErr: "memory_limit_mb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			err := Parse([]byte(tt.in), &c)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tt.check != nil {
					tt.check(t, c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestSaveIsAtomicAndPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.json")
	c := Default()
	c.KioskID = "K09"
	c.KioskNumber = 9
	c.BackOffice = BackOffice{URL: "https://bo.example", Token: "secret"}
	if err := Save(path, c); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", st.Mode().Perm())
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.KioskID != "K09" || got.BackOffice.Token != "secret" {
		t.Fatalf("round trip lost data: %+v", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	// An invalid config is refused and the old file stays intact.
	c.KioskNumber = 0
	if err := Save(path, c); err == nil {
		t.Fatal("saving an invalid config succeeded")
	}
	if got, _ := Load(path); got.KioskNumber != 9 {
		t.Fatalf("old file damaged: %+v", got)
	}
}

func TestRedactedHidesSecrets(t *testing.T) {
	c := Default()
	c.BackOffice.Token = "tok-very-secret"
	c.Diag.PINHash = "$argon2id$v=19$..."
	r := c.Redacted()
	if strings.Contains(r.BackOffice.Token+r.Diag.PINHash, "secret") || strings.Contains(r.Diag.PINHash, "argon") {
		t.Fatalf("secrets leaked: %+v", r)
	}
	if c.BackOffice.Token != "tok-very-secret" {
		t.Fatal("Redacted modified the original")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"kiosk_id":"K01"}`))
	f.Add([]byte(`{"devices":{"printer":{"port":"/dev/ttyUSB0","baud":9600}}}`))
	f.Add([]byte(`{`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := Default()
		if err := Parse(b, &c); err == nil {
			if err := c.Validate(); err != nil {
				t.Fatalf("Parse accepted a config that Validate rejects: %v", err)
			}
		}
	})
}
