package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/internal/testutil"
)

// The back office command in the README runs as written: with the files
// it names in place (a tokens file, a certificate and its key), it serves
// HTTPS on its -listen address until stopped.
func TestREADMEBackOfficeCommandRuns(t *testing.T) {
	cmds, err := testutil.ShellCommands("../../README.md", "bin/backoffice")
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) == 0 {
		t.Fatal("the README shows no bin/backoffice command")
	}
	for _, args := range cmds {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			writeREADMEFiles(t, args)
			addr := freeLoopback(t)
			for i := range args {
				if args[i] == "-listen" && i+1 < len(args) {
					args[i+1] = addr // the README's port, on loopback and free
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stderr testutil.SyncBuffer
			done := make(chan int, 1)
			go func() { done <- run(ctx, args, &testutil.SyncBuffer{}, &stderr) }()

			client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
				TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // the test's own certificate
			deadline := time.Now().Add(20 * time.Second)
			for {
				select {
				case code := <-done:
					t.Fatalf("the README's command exited with %d: %s", code, stderr.String())
				default:
				}
				resp, err := client.Get("https://" + addr + "/healthz")
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("/healthz: %s", resp.Status)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("nothing serves HTTPS on %s: %v; log: %s", addr, err, stderr.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			cancel()
			if code := <-done; code != 0 {
				t.Fatalf("exit code %d after stop: %s", code, stderr.String())
			}
		})
	}
}

// writeREADMEFiles creates the files a README command names: the tokens
// file (-tokens) and a self-signed certificate and key (-tls-cert,
// -tls-key).
func writeREADMEFiles(t *testing.T, args []string) {
	t.Helper()
	val := func(flag string) string {
		for i, a := range args {
			if a == flag && i+1 < len(args) {
				return args[i+1]
			}
		}
		return ""
	}
	if p := val("-tokens"); p != "" {
		// The README's own example, so the command runs with the file the
		// README shows.
		if err := os.WriteFile(p, readmeTokensExample(t), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cert, key := val("-tls-cert"), val("-tls-key")
	if cert == "" && key == "" {
		return
	}
	pk, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hall back office"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &pk.PublicKey, pk)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(pk)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Clean(cert), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(filepath.Clean(key), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
}

func freeLoopback(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// readmeTokensExample returns the tokens file the README shows: the first
// json code block after the paragraph that introduces `tokens.json`.
func readmeTokensExample(t *testing.T) []byte {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(readmeDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "`tokens.json` (mode 600)")
	if !ok {
		t.Fatal("the README no longer introduces tokens.json")
	}
	_, block, ok := strings.Cut(after, "```json\n")
	if !ok {
		t.Fatal("the README shows no tokens.json example")
	}
	block, _, ok = strings.Cut(block, "```")
	if !ok {
		t.Fatal("the README's tokens.json example is not closed")
	}
	return []byte(block)
}

// readmeDir is the repository's root, found before a test changes
// directory (the README command test runs in a temporary one).
var readmeDir = func() string {
	d, err := filepath.Abs("../..")
	if err != nil {
		panic(err)
	}
	return d
}()

// The tokens file the README shows is read as the back office reads it,
// and gives the roles the README describes beside it.
func TestREADMETokensExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	if err := os.WriteFile(path, readmeTokensExample(t), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readTokens(path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("the README's tokens.json: %v", err)
	}
	roles := map[backoffice.Role]int{}
	for _, p := range got {
		roles[p.Role]++
		if p.Role == backoffice.RoleKiosk && p.Kiosk == "" {
			t.Errorf("a kiosk token without a kiosk: %+v", p)
		}
	}
	// The original format and the object one for kiosks, a counter and an
	// admin: each kind of entry the README explains.
	if roles[backoffice.RoleKiosk] != 2 || roles[backoffice.RoleCounter] != 1 || roles[backoffice.RoleAdmin] != 1 {
		t.Fatalf("the README's tokens give roles %v, want 2 kiosks, a counter and an admin", roles)
	}
}
