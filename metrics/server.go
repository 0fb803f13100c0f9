package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// StatusFunc returns the kiosk's status document for GET /status.
type StatusFunc func(ctx context.Context) any

// Handler serves GET /metrics (Prometheus text), GET /status (JSON from
// status) and GET /healthz.
func Handler(r *Registry, status StatusFunc) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.WritePrometheus(w)
	})
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		var doc any = map[string]any{"metrics": r.Snapshot()}
		if status != nil {
			doc = status(req.Context())
		}
		enc.Encode(doc)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	return mux
}

// Serve listens on addr, which must be a loopback address: the endpoint has
// no authentication, so it must never face the hall's network. It returns
// when ctx ends.
func Serve(ctx context.Context, addr string, h http.Handler) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("health endpoint %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); !(host == "localhost" || (ip != nil && ip.IsLoopback())) {
		return fmt.Errorf("health endpoint %q: only loopback addresses are allowed", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("health endpoint: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("health endpoint: %w", err)
	}
	return nil
}

// ParseText reads a Prometheus text exposition into name → value for the
// plain samples (comments and labelled samples are skipped). Tests and the
// diagnostics screen use it to read the endpoint back.
func ParseText(s string) (map[string]float64, error) {
	out := map[string]float64{}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.Contains(line, "{") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("line %d: want 'name value', got %q", i+1, line)
		}
		var v float64
		if _, err := fmt.Sscan(f[1], &v); err != nil {
			return nil, fmt.Errorf("line %d: value %q: %w", i+1, f[1], err)
		}
		out[f[0]] = v
	}
	return out, nil
}
