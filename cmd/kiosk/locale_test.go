package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/devices/escpos"
)

// The built binary prints only its own output whatever the locale: with
// Debian's default LANG=C.UTF-8 Fyne's lang package used to log "Fyne
// error: Error parsing user locale C" during package initialisation,
// before main (internal/clocale). Each command's stdout and stderr from the
// binary are compared byte for byte with what cli writes for the same
// arguments in this process.
func TestCommandLineLocale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the kiosk binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kiosk")
	build := exec.Command("go", "build", "-tags", "no_emoji,release", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	capFile := filepath.Join(dir, "capture.bin")
	tk := escpos.LayoutTicket(escpos.Ticket{Hall: "青岚市政务服务中心", Service: "社保卡补领", Number: "C042", PeopleAhead: 2, IssuedAt: time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)})
	if err := os.WriteFile(capFile, tk, 0o644); err != nil {
		t.Fatal(err)
	}
	commands := []struct {
		stdin string
		args  []string
	}{
		{"", []string{"--help"}},
		{"", []string{"diag"}},
		{"", []string{"diag", "render-escpos", capFile}},
		{"aa aa aa 96 69 00 03 20 01 22\n", []string{"diag", "decode-idcard"}},
	}
	locales := [][]string{
		{"LANG=C.UTF-8"},
		{"LANG=C.utf8"},
		{"LANG=POSIX"},
		{"LANG=zh_CN.UTF-8"},
		{"LANG=zh_CN.UTF-8", "LC_ALL=C.UTF-8"},
		{"LANG=en_US.UTF-8", "LANGUAGE=en_US:C.UTF-8"},
		{"LANG=ca_ES@valencia"},
	}
	for _, c := range commands {
		_, wantOut, wantErr := runCLI(t, c.stdin, c.args...)
		for _, loc := range locales {
			cmd := exec.Command(bin, c.args...)
			cmd.Env = append(withoutLocale(os.Environ()), loc...)
			cmd.Stdin = strings.NewReader(c.stdin)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			_ = cmd.Run() // --help and a bare diag exit non-zero by design
			if out.String() != wantOut || errb.String() != wantErr {
				t.Errorf("%v kiosk %s:\nstdout %q\nwant   %q\nstderr %q\nwant   %q", loc, strings.Join(c.args, " "), out.String(), wantOut, errb.String(), wantErr)
			}
		}
	}
}

// withoutLocale returns env without the variables that choose a locale.
func withoutLocale(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k == "LANG" || k == "LANGUAGE" || strings.HasPrefix(k, "LC_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}
