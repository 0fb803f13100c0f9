// Command backoffice runs the reference back office the hall's kiosks sync
// to: the sync endpoint, the service catalog, hall-wide ticket numbers, the
// queue, appointments and application progress (see package
// hallkiosk/backoffice/api for the endpoints).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/pages"
	"hallkiosk/voice"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usageText = `Usage: backoffice [flags]

Runs the hall kiosk back office. Every client authenticates with a bearer
token; give the tokens in a JSON file (-tokens, readable only by this
service) or, for a quick demo, kiosk tokens with -token token=kiosk-id.
The file maps each token to who it is:

  {
    "tok-1": "K01",
    "tok-2": {"role": "kiosk", "kiosk": "K07", "number": 7},
    "tok-3": {"role": "counter", "name": "desk 3", "counters": ["3", "4"]},
    "tok-4": {"role": "admin", "name": "duty manager"}
  }

  kiosk    syncs its own records, takes ticket numbers, reads appointments
           and progress. "number" is the kiosk_number printed in its
           offline tickets (A07-015); a plain "token": "kiosk-id" entry is
           a kiosk token whose number is bound to the first offline series
           it reports.
  counter  calls the next citizen at the listed counters only.
  admin    calls the next citizen at any counter.

On SIGHUP (systemctl reload) the tokens file is read again and replaces
every token at once: take a stolen kiosk's token out of the file and
reload. A file that does not check keeps the tokens in force.

Personal data (synced records, appointments, progress, the hall key) is
served only over TLS or to a client on the loopback interface.

Flags (environment variables in brackets give defaults):

Flags (environment variables in brackets give defaults):
`

type tokenFlags map[string]string

func (t tokenFlags) String() string { return fmt.Sprintf("%d tokens", len(t)) }

func (t tokenFlags) Set(v string) error {
	tok, kiosk, ok := strings.Cut(v, "=")
	if !ok || tok == "" || kiosk == "" {
		return errors.New("want token=kiosk-id")
	}
	t[tok] = kiosk
	return nil
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backoffice", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			fs.SetOutput(stdout)
		}
	}
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	tokens := tokenFlags{}
	listen := fs.String("listen", env("HALLKIOSK_BO_LISTEN", ":8080"), "listen `address` [HALLKIOSK_BO_LISTEN]")
	dbPath := fs.String("db", env("HALLKIOSK_BO_DB", "backoffice.db"), "SQLite database `file`, created when missing [HALLKIOSK_BO_DB]")
	tokensFile := fs.String("tokens", env("HALLKIOSK_BO_TOKENS", ""), "JSON `file` mapping each token to a kiosk id or a role (see above) [HALLKIOSK_BO_TOKENS]")
	fs.Var(tokens, "token", "a kiosk token as `token=kiosk-id` (repeatable; visible in ps, prefer -tokens)")
	cert := fs.String("tls-cert", env("HALLKIOSK_BO_TLS_CERT", ""), "TLS certificate PEM `file` [HALLKIOSK_BO_TLS_CERT]")
	key := fs.String("tls-key", env("HALLKIOSK_BO_TLS_KEY", ""), "TLS private key PEM `file` [HALLKIOSK_BO_TLS_KEY]")
	catalogFile := fs.String("catalog", env("HALLKIOSK_BO_CATALOG", ""), "catalog JSON `file` (default: the built-in seed hall) [HALLKIOSK_BO_CATALOG]")
	demo := fs.Bool("demo", false, "load demonstration appointments (any day) and progress records")
	ignoreHours := fs.Bool("ignore-hours", false, "issue tickets outside opening hours (demos after hours)")
	ticketRate := fs.Int("ticket-rate", backoffice.DefaultTicketsPerMinute, "ticket numbers one kiosk token may take a minute (`n`); beyond it 429, and kiosks number offline meanwhile")
	maxBody := fs.Int64("max-body", backoffice.DefaultMaxBodyBytes, "largest request body in `bytes`")
	logJSON := fs.Bool("log-json", false, "log JSON lines instead of text")
	logLevel := fs.String("log-level", env("HALLKIOSK_BO_LOG_LEVEL", "info"), "log `level`: debug, info, warn, error [HALLKIOSK_BO_LOG_LEVEL]")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "backoffice: unexpected argument %q\n", fs.Arg(0))
		return 2
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "backoffice: -log-level: %v\n", err)
		return 2
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	if *logJSON {
		handler = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	}
	log := slog.New(handler)

	if *ticketRate < 1 {
		fmt.Fprintln(stderr, "backoffice: -ticket-rate must be 1 or more")
		return 2
	}
	var principals map[string]backoffice.Principal
	if *tokensFile != "" {
		fileTokens, err := readTokens(*tokensFile, log)
		if err != nil {
			fmt.Fprintf(stderr, "backoffice: %v\n", err)
			return 2
		}
		principals = fileTokens
		for tok := range tokens {
			if _, dup := principals[tok]; dup {
				fmt.Fprintln(stderr, "backoffice: a -token is also in the tokens file")
				return 2
			}
		}
	}
	if len(tokens)+len(principals) == 0 {
		fmt.Fprintln(stderr, "backoffice: no tokens: give -tokens FILE or -token token=kiosk-id (see -help)")
		return 2
	}
	var catalog []byte
	if *catalogFile != "" {
		var err error
		if catalog, err = os.ReadFile(*catalogFile); err != nil {
			fmt.Fprintf(stderr, "backoffice: catalog: %v\n", err)
			return 2
		}
	}

	// The hall display speaks calls through the browser; where it has no
	// speech synthesis it plays the kiosks' recorded clips.
	var clips pages.Clips
	if bank, err := voice.Bundled(); err == nil && bank.Len() > 0 {
		clips = newDisplayClips(bank)
	} else {
		log.Info("no voice clips built in (make clips): the hall display speaks only where its browser can")
	}
	srv, err := backoffice.Open(backoffice.Options{
		DBPath:           *dbPath,
		Tokens:           tokens,
		Principals:       principals,
		Catalog:          catalog,
		Demo:             *demo,
		MaxBodyBytes:     *maxBody,
		Logger:           log,
		IgnoreHours:      *ignoreHours,
		TicketsPerMinute: *ticketRate,
		Clips:            clips,
	})
	if err != nil {
		log.Error("cannot start", "err", err)
		return 1
	}
	defer srv.Close()
	if *tokensFile != "" {
		stopReload := reloadOnHangup(srv, *tokensFile, tokens, log)
		defer stopReload()
	}
	if *cert == "" {
		log.Warn("serving plain HTTP: appointments, progress and the hall key answer only clients on this machine; use -tls-cert and -tls-key outside a demo")
	}
	err = srv.ListenAndServe(ctx, backoffice.ListenConfig{Addr: *listen, CertFile: *cert, KeyFile: *key})
	if err != nil {
		log.Error("stopped", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// reloadOnHangup reads the tokens file again on SIGHUP (systemctl reload),
// so a token taken out of it — a stolen kiosk's, a counter's that left —
// is refused at once, without a restart that would drop the hall's open
// connections. A file that does not read or check keeps the tokens in
// force. The returned function stops listening.
func reloadOnHangup(srv *backoffice.Server, path string, flagTokens tokenFlags, log *slog.Logger) func() {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-hup:
			}
			principals, err := readTokens(path, log)
			if err == nil {
				for tok := range flagTokens {
					if _, dup := principals[tok]; dup {
						err = errors.New("a -token is also in the tokens file")
					}
				}
			}
			if err == nil {
				err = srv.ReloadTokens(flagTokens, principals)
			}
			if err != nil {
				log.Error("tokens file not reloaded; the tokens in force stay", "file", path, "err", err)
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		close(done)
	}
}

// tokenEntry is one token of the tokens file written as an object.
type tokenEntry struct {
	Role     string   `json:"role"`
	Kiosk    string   `json:"kiosk"`
	Number   int      `json:"number"`
	Counters []string `json:"counters"`
	Name     string   `json:"name"`
}

// readTokens reads the tokens file: each token maps to a kiosk id (a kiosk
// token, the original format) or to an object with a role. A file others
// can read hands out every client's identity, so that is logged as a
// warning.
func readTokens(path string, log *slog.Logger) (map[string]backoffice.Principal, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("tokens %s: want a JSON object {\"token\": \"kiosk-id\" or {\"role\": ...}}: %w", path, err)
	}
	out := make(map[string]backoffice.Principal, len(m))
	for tok, raw := range m {
		if tok == "" {
			return nil, fmt.Errorf("tokens %s: empty token", path)
		}
		var kiosk string
		if json.Unmarshal(raw, &kiosk) == nil {
			if kiosk == "" {
				return nil, fmt.Errorf("tokens %s: empty token or kiosk id", path)
			}
			out[tok] = backoffice.Principal{Role: backoffice.RoleKiosk, Kiosk: kiosk}
			continue
		}
		var e tokenEntry
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			// The error names the field, never the token.
			return nil, fmt.Errorf("tokens %s: an entry is neither a kiosk id nor {\"role\", \"kiosk\", \"number\", \"counters\", \"name\"}: %w", path, err)
		}
		out[tok] = backoffice.Principal{Role: backoffice.Role(e.Role), Kiosk: e.Kiosk, Number: e.Number, Counters: e.Counters, Name: e.Name}
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("tokens file is readable by others; chmod 600 it", "file", path, "mode", fi.Mode().Perm().String())
	}
	return out, nil
}
