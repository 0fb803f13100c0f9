package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/sim/idcardsim"
	"hallkiosk/devices/sim/printersim"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestDiagPrinter(t *testing.T) {
	sim, err := printersim.Start(printersim.Opts{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()

	t.Run("status and test ticket", func(t *testing.T) {
		code, out, errs := runCLI(t, "", "diag", "printer", "--port", sim.Path(), "--baud", "9600", "--test-ticket")
		if code != 0 {
			t.Fatalf("exit %d, stderr %q", code, errs)
		}
		if !strings.Contains(out, "ready") || !strings.Contains(out, "test ticket printed") {
			t.Fatalf("stdout:\n%s", out)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		tk, err := sim.WaitTicket(ctx)
		if err != nil {
			t.Fatalf("simulator received no ticket: %v", err)
		}
		if len(tk.Doc.QRs()) != 1 || !strings.ContainsAny(tk.Text, "测试打印") {
			t.Fatalf("test ticket lacks a QR code or Chinese text:\n%s", tk.Text)
		}
	})
	t.Run("paper out is reported and refuses the test ticket", func(t *testing.T) {
		sim.SetState(printersim.State{PaperOut: true})
		defer sim.SetState(printersim.State{})
		before := len(sim.Received())
		code, out, errs := runCLI(t, "", "diag", "printer", "--port", sim.Path(), "--test-ticket")
		if code != 1 {
			t.Fatalf("exit %d, want 1", code)
		}
		if !strings.Contains(strings.ToLower(out), "paper") {
			t.Fatalf("status does not mention the paper:\n%s", out)
		}
		if strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "kiosk: test ticket:") {
			t.Fatalf("stderr should be one line about the test ticket, got %q", errs)
		}
		// Only real-time status queries (DLE EOT n) may have reached the
		// printer: the job itself must not have been sent.
		sent := sim.Received()[before:]
		if len(sent) == 0 || len(sent)%3 != 0 {
			t.Fatalf("printer received % X", sent)
		}
		for i := 0; i < len(sent); i += 3 {
			if sent[i] != 0x10 || sent[i+1] != 0x04 {
				t.Fatalf("printer received more than status queries: % X", sent)
			}
		}
	})
	t.Run("switched off", func(t *testing.T) {
		sim.SetState(printersim.State{NoReply: true})
		defer sim.SetState(printersim.State{})
		code, _, errs := runCLI(t, "", "diag", "printer", "--port", sim.Path())
		if code != 1 || !strings.Contains(errs, "not responding") {
			t.Fatalf("exit %d, stderr %q", code, errs)
		}
	})
}

func TestDiagIDCard(t *testing.T) {
	sim, err := idcardsim.Start(idcardsim.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	prof := sim.Profiles()[0]
	for _, tc := range []struct {
		name    string
		args    []string
		wantID  string
		wantNam string
	}{
		{"masked by default", nil, idcard.MaskID(prof.Card.IDNumber), idcard.MaskName(prof.Card.Name)},
		{"full with --show-pii", []string{"--show-pii"}, prof.Card.IDNumber, prof.Card.Name},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := sim.Place(prof.ID); err != nil {
				t.Fatal(err)
			}
			defer sim.Remove()
			args := append([]string{"diag", "idcard", "--port", sim.Path(), "--wait", "20s"}, tc.args...)
			code, out, errs := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			if !strings.Contains(out, "SAM ok") {
				t.Fatalf("no SAM line:\n%s", out)
			}
			var card idcard.Card
			if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &card); err != nil {
				t.Fatalf("card JSON: %v\n%s", err, out)
			}
			if card.IDNumber != tc.wantID || card.Name != tc.wantNam || card.Type != prof.Card.Type {
				t.Fatalf("card = %+v, want id %q name %q", card, tc.wantID, tc.wantNam)
			}
		})
	}
	t.Run("no card", func(t *testing.T) {
		code, _, errs := runCLI(t, "", "diag", "idcard", "--port", sim.Path(), "--wait", "1s")
		if code != 1 || !strings.Contains(errs, "no card placed") {
			t.Fatalf("exit %d, stderr %q", code, errs)
		}
	})
}

func TestDiagDecodeIDCard(t *testing.T) {
	// A find-card command, noise, and the "no card" reply, as a sniffer
	// would log them.
	capture := "aa aa aa 96 69 00 03 20 01 22\nRX: zz\nAAAAAA9669 0004 000080 84\nAA AA AA 96 69 00 04 00 00 80 85\n"
	code, out, errs := runCLI(t, capture, "diag", "decode-idcard")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 JSON objects, got %d:\n%s", len(lines), out)
	}
	var objs []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		objs = append(objs, m)
	}
	if objs[0]["dir"] != "cmd" || objs[0]["cmd"] != "2001" {
		t.Errorf("first = %v", objs[0])
	}
	if objs[1]["dir"] != "reply" || objs[1]["sw3"] != "80" || objs[1]["ok"] != false {
		t.Errorf("second = %v", objs[1])
	}
	if objs[2]["error"] == nil || objs[2]["error"] == "" {
		t.Errorf("bad-checksum frame carries no error: %v", objs[2])
	}
}

func TestDiagRenderEscpos(t *testing.T) {
	dir := t.TempDir()
	capFile := filepath.Join(dir, "capture.bin")
	tk := escpos.LayoutTicket(escpos.Ticket{Hall: "青岚市政务服务中心", Service: "社保卡补领", Number: "C042", PeopleAhead: 2, IssuedAt: time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC), QR: "HK1|2026-11-29|C042|sb-card"})
	if err := os.WriteFile(capFile, tk, 0o644); err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(dir, "out.png")
	code, out, errs := runCLI(t, "", "diag", "render-escpos", capFile, "--png", png)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, "C042") || !strings.Contains(out, "社保卡补领") {
		t.Fatalf("text lacks the number or service:\n%s", out)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "out*.png"))
	if len(matches) != 1 {
		t.Fatalf("PNG files: %v (stderr %q)", matches, errs)
	}
	// The same capture as a hex dump decodes the same.
	hexFile := filepath.Join(dir, "capture.hex")
	var hb strings.Builder
	for i, b := range tk {
		if i > 0 && i%16 == 0 {
			hb.WriteString("\n")
		}
		fmt.Fprintf(&hb, "%02X ", b)
	}
	os.WriteFile(hexFile, []byte(hb.String()), 0o644)
	code, out2, _ := runCLI(t, "", "diag", "render-escpos", hexFile)
	if code != 0 || out2 != out {
		t.Fatalf("hex capture decoded differently (exit %d):\n%s", code, out2)
	}
}

func TestCLIErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"diag"}, 2, "needs a subcommand"},
		{[]string{"diag", "nonsense"}, 2, "unknown diag subcommand"},
		{[]string{"diag", "printer"}, 2, "--port is required"},
		{[]string{"diag", "printer", "--port", "/dev/does-not-exist"}, 1, "does-not-exist"},
		{[]string{"diag", "printer", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"diag", "render-escpos"}, 2, "exactly one capture FILE"},
		{[]string{"diag", "render-escpos", "/nonexistent.bin"}, 1, "read capture"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"run", "--config", "/nonexistent/kiosk.json"}, 1, "no configuration file"},
		{[]string{"run", "--window", "tiny"}, 2, "--window"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errs := runCLI(t, "", tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
				t.Fatalf("exit %d stderr %q; want exit %d and one line containing %q", code, errs, tc.code, tc.want)
			}
		})
	}
	code, out, _ := runCLI(t, "", "--help")
	if code != 0 || !strings.Contains(out, "kiosk diag decode-idcard") {
		t.Fatalf("--help: exit %d\n%s", code, out)
	}
}
