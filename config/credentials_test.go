package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A kiosk whose unit passes the back-office token as a systemd credential
// needs none in its configuration file; without the credential the file
// must have it, as before.
func TestTokenFromCredential(t *testing.T) {
	file := []byte(`{"kiosk_id": "K01", "backoffice": {"url": "https://bo.hall.example"}}`)
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	c := Default()
	if err := Parse(file, &c); err == nil || !strings.Contains(err.Error(), "backoffice.token") {
		t.Fatalf("no token and no credential: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, CredentialToken), []byte("sealed-token\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CREDENTIALS_DIRECTORY", dir)
	c = Default()
	if err := Parse(file, &c); err != nil {
		t.Fatalf("token in a credential: %v", err)
	}
	b, err := Credential(CredentialToken)
	if err != nil || string(b) != "sealed-token\n" {
		t.Fatalf("Credential = %q, %v", b, err)
	}
	if b, err := Credential(CredentialStoreKey); b != nil || err != nil {
		t.Fatalf("an absent credential = %q, %v; want nothing and no error", b, err)
	}
	if b, err := Credential("../" + filepath.Base(dir) + "/" + CredentialToken); b != nil || err != nil {
		t.Fatalf("a name with a path = %q, %v; want nothing", b, err)
	}
	os.WriteFile(filepath.Join(dir, CredentialStoreKey), nil, 0o400)
	if _, err := Credential(CredentialStoreKey); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("an empty credential: %v", err)
	}
}
