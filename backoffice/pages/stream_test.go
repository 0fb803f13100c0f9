package pages_test

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/clock"
)

// TestOpenStreamsDoNotHoldUpShutdown: a graceful shutdown ends the open
// event streams (their pages reconnect) instead of waiting for them until
// its timeout and failing; the write timeout does not cut them either.
func TestOpenStreamsDoNotHoldUpShutdown(t *testing.T) {
	bo, err := backoffice.Open(backoffice.Options{DBPath: filepath.Join(t.TempDir(), "bo.db"),
		Tokens: map[string]string{kioskTok: "K01"}, Clock: clock.NewFake(monday10), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer bo.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- bo.Serve(ctx, ln, backoffice.ListenConfig{ShutdownTimeout: time.Minute}) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/display/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "data: {") {
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("shutdown with an open stream: %v", err)
	}
	for sc.Scan() {
	}
}
