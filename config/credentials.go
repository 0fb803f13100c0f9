package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Credential names the kiosk reads from systemd's credentials, when its
// unit passes them (deploy/hallkiosk.service, docs/security.md).
const (
	// CredentialStoreKey is the 32-byte key that seals the personal data
	// in the kiosk's database; without it the key is the file beside the
	// database (kiosk.db.key).
	CredentialStoreKey = "kiosk-db-key"
	// CredentialToken is the back-office token; it takes the place of
	// backoffice.token of the configuration file.
	CredentialToken = "backoffice-token"
)

// Credential reads the service credential name: systemd decrypts a
// LoadCredentialEncrypted= file (sealed to the board's TPM2, so a disk
// taken out of the kiosk does not open it) into a private, unswappable
// directory named by $CREDENTIALS_DIRECTORY for the service's lifetime.
// It returns nil and no error when the service has no such credential.
func Credential(name string) ([]byte, error) {
	dir := os.Getenv("CREDENTIALS_DIRECTORY")
	if dir == "" || strings.ContainsAny(name, `/\`) {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credential %s: %w", name, err)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("credential %s is empty", name)
	}
	return b, nil
}
