package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunArguments(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "tokens.json")
	os.WriteFile(good, []byte(`{"tok-a": "K01", "tok-b": "K02"}`), 0o600)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`["tok-a"]`), 0o600)
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, []byte(`{"tok-a": ""}`), 0o600)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help", []string{"--help"}, 0, "-listen", ""},
		{"short help", []string{"-h"}, 0, "HALLKIOSK_BO_DB", ""},
		{"unknown flag", []string{"-nope"}, 2, "", "not defined"},
		{"stray argument", []string{"-token", "a=K01", "serve"}, 2, "", "unexpected argument"},
		{"no tokens", []string{"-db", filepath.Join(dir, "x.db")}, 2, "", "no kiosk tokens"},
		{"malformed -token", []string{"-token", "abc"}, 2, "", "token=kiosk-id"},
		{"tokens file not an object", []string{"-tokens", bad}, 2, "", "JSON object"},
		{"tokens file with empty id", []string{"-tokens", empty}, 2, "", "empty token"},
		{"missing tokens file", []string{"-tokens", filepath.Join(dir, "none.json")}, 2, "", "no such file"},
		{"bad log level", []string{"-tokens", good, "-log-level", "loud"}, 2, "", "log-level"},
		{"missing catalog", []string{"-tokens", good, "-catalog", filepath.Join(dir, "none")}, 2, "", "catalog"},
		{"catalog that does not parse", []string{"-tokens", good, "-catalog", good, "-db", filepath.Join(dir, "c.db")}, 1, "", "catalog"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tc.args, &out, &errb)
			if code != tc.code || !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errb.String(), tc.stderr) {
				t.Fatalf("code %d\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
			}
		})
	}
}

// TestRunStopsOnCancel starts the real server on a free port and stops it
// through the context, as SIGTERM does.
func TestRunStopsOnCancel(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // already cancelled: serve, then shut down at once
	var out, errb bytes.Buffer
	code := run(ctx, []string{"-token", "t=K01", "-db", filepath.Join(dir, "b.db"), "-listen", "127.0.0.1:0", "-demo"}, &out, &errb)
	if code != 0 || !strings.Contains(errb.String(), "plain HTTP") || !strings.Contains(errb.String(), "stopped") {
		t.Fatalf("code %d: %s", code, errb.String())
	}
}
