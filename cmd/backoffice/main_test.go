package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/internal/testutil"
)

func TestRunArguments(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "tokens.json")
	os.WriteFile(good, []byte(`{"tok-a": "K01", "tok-b": "K02"}`), 0o600)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`["tok-a"]`), 0o600)
	badRole := filepath.Join(dir, "badrole.json")
	os.WriteFile(badRole, []byte(`{"tok-a": {"role": "boss"}}`), 0o600)
	badField := filepath.Join(dir, "badfield.json")
	os.WriteFile(badField, []byte(`{"tok-a": {"role": "counter", "counter": "1"}}`), 0o600)
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
		{"no tokens", []string{"-db", filepath.Join(dir, "x.db")}, 2, "", "no tokens"},
		{"malformed -token", []string{"-token", "abc"}, 2, "", "token=kiosk-id"},
		{"tokens file not an object", []string{"-tokens", bad}, 2, "", "JSON object"},
		{"tokens file with empty id", []string{"-tokens", empty}, 2, "", "empty token"},
		{"tokens file with an unknown role", []string{"-tokens", badRole, "-db", filepath.Join(dir, "r.db")}, 1, "", "unknown role"},
		{"tokens file with a misspelt field", []string{"-tokens", badField, "-db", filepath.Join(dir, "f.db")}, 2, "", "unknown field \"counter\""},
		{"missing tokens file", []string{"-tokens", filepath.Join(dir, "none.json")}, 2, "", "no such file"},
		{"bad log level", []string{"-tokens", good, "-log-level", "loud"}, 2, "", "log-level"},
		{"no ticket rate", []string{"-tokens", good, "-ticket-rate", "0"}, 2, "", "-ticket-rate"},
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

func TestReadTokensRoles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	os.WriteFile(path, []byte(`{"tok-a": "K01", "tok-b": {"role": "kiosk", "kiosk": "K02", "number": 2},
		"tok-c": {"role": "counter", "name": "desk", "counters": ["1", "2"]}, "tok-d": {"role": "admin", "name": "ops"}}`), 0o600)
	got, err := readTokens(path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]backoffice.Principal{
		"tok-a": {Role: backoffice.RoleKiosk, Kiosk: "K01"},
		"tok-b": {Role: backoffice.RoleKiosk, Kiosk: "K02", Number: 2},
		"tok-c": {Role: backoffice.RoleCounter, Name: "desk", Counters: []string{"1", "2"}},
		"tok-d": {Role: backoffice.RoleAdmin, Name: "ops"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tokens %+v\nwant %+v", got, want)
	}
}

// TestTokensReloadOnHangup: the real server, with a tokens file. A token
// taken out of the file and SIGHUP refuse that token at once; a broken
// file on the next SIGHUP keeps the tokens in force.
func TestTokensReloadOnHangup(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.json")
	write := func(body string) {
		t.Helper()
		if err := os.WriteFile(tokens, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"stolen-kiosk-token": "K07", "kept-kiosk-token": "K01"}`)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var errb testutil.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-tokens", tokens, "-db", filepath.Join(dir, "b.db"), "-listen", addr}, io.Discard, &errb)
	}()
	defer func() {
		cancel()
		<-done
	}()
	status := func(token string) int {
		req, _ := http.NewRequest("GET", "http://"+addr+"/v1/queue", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// until polls for a condition the server reaches on its own goroutine.
	until := func(what string, ok func() bool) {
		t.Helper()
		for i := 0; i < 500; i++ {
			if ok() {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("%s; log:\n%s", what, errb.String())
	}
	until("the server did not come up", func() bool { return status("stolen-kiosk-token") == http.StatusOK })

	write(`{"kept-kiosk-token": "K01", "new-kiosk-token": {"role": "kiosk", "kiosk": "K08", "number": 8}}`)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	until("the token taken out of the file still works after SIGHUP", func() bool { return status("stolen-kiosk-token") == http.StatusUnauthorized })
	if s := status("kept-kiosk-token"); s != http.StatusOK {
		t.Fatalf("a kept token answers %d after the reload", s)
	}
	if s := status("new-kiosk-token"); s != http.StatusOK {
		t.Fatalf("a new token answers %d after the reload", s)
	}

	write(`{"kept-kiosk-token": "K01", `) // cut off mid-write
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	until("a broken tokens file was not reported", func() bool { return strings.Contains(errb.String(), "tokens file not reloaded") })
	if s := status("new-kiosk-token"); s != http.StatusOK {
		t.Fatalf("a broken tokens file dropped the tokens in force: %d", s)
	}
	if strings.Contains(errb.String(), "stolen-kiosk-token") || strings.Contains(errb.String(), "kept-kiosk-token") {
		t.Fatalf("the log names a token:\n%s", errb.String())
	}
}
