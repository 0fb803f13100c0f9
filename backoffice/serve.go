package backoffice

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ListenConfig says where and how the back office listens.
type ListenConfig struct {
	// Addr is the TCP address, e.g. ":8443".
	Addr string
	// CertFile and KeyFile are PEM files; both empty serves plain HTTP
	// (a demo on one machine; kiosks send ID numbers only over TLS).
	CertFile, KeyFile string
	// ShutdownTimeout bounds the wait for in-flight requests after the
	// context is cancelled; 0 = 15 s.
	ShutdownTimeout time.Duration
}

// HTTPServer returns an http.Server for the handler with timeouts that
// keep a slow or stalled client from holding a connection: the header must
// arrive in 10 s, a whole request (a 4 MiB sync batch on a poor link) in
// 60 s.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// ListenAndServe listens on cfg.Addr and serves until ctx is cancelled,
// then shuts down gracefully: it stops accepting, lets in-flight requests
// (a sync batch being committed) finish, and returns nil.
func (s *Server) ListenAndServe(ctx context.Context, cfg ListenConfig) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("backoffice: listen: %w", err)
	}
	return s.Serve(ctx, ln, cfg)
}

// Serve is ListenAndServe on a listener the caller made (cfg.Addr unused).
func (s *Server) Serve(ctx context.Context, ln net.Listener, cfg ListenConfig) error {
	hs := s.HTTPServer(ln.Addr().String())
	hs.RegisterOnShutdown(s.live.shutdown)
	if (cfg.CertFile == "") != (cfg.KeyFile == "") {
		ln.Close()
		return errors.New("backoffice: give both a TLS certificate and key, or neither")
	}
	if cfg.CertFile != "" {
		// Load now, so a wrong path fails at start-up instead of at the
		// first handshake.
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			ln.Close()
			return fmt.Errorf("backoffice: TLS key pair: %w", err)
		}
		hs.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	// Read before the goroutine starts: Serve writes the server's fields.
	useTLS := hs.TLSConfig != nil
	errc := make(chan error, 1)
	go func() {
		if useTLS {
			errc <- hs.ServeTLS(ln, "", "")
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	s.log.Info("listening", "addr", ln.Addr().String(), "tls", useTLS)
	select {
	case err := <-errc:
		return fmt.Errorf("backoffice: serve: %w", err)
	case <-ctx.Done():
	}
	timeout := cfg.ShutdownTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s.log.Info("shutting down")
	err := hs.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("backoffice: shutdown: %w", err)
	}
	return nil
}
