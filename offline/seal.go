package offline

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"hallkiosk/backoffice/api"
)

// KeySize is the length of the store's master key: AES-256.
const KeySize = 32

// sealer seals personal data at rest and makes the keyed hashes used for
// look-ups, so that neither the raw ID number nor a phone number ever reaches
// the database file or the WAL in clear (docs/offline-sync.md §4.3: field-level
// AEAD, AAD = table + record id + column; look-up by a keyed hash, never the
// plaintext).
type sealer struct {
	aead    cipher.AEAD
	hashKey []byte
}

// newSealer derives two independent keys from the master key with HKDF, so
// the key that encrypts is never the key that hashes.
func newSealer(master []byte) (*sealer, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("offline: key is %d bytes, want %d (AES-256)", len(master), KeySize)
	}
	encKey, err := hkdf.Key(sha256.New, master, nil, "hallkiosk offline seal v1", KeySize)
	if err != nil {
		return nil, fmt.Errorf("offline: derive sealing key: %w", err)
	}
	hashKey, err := hkdf.Key(sha256.New, master, nil, "hallkiosk offline id-hash v1", KeySize)
	if err != nil {
		return nil, fmt.Errorf("offline: derive hashing key: %w", err)
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, fmt.Errorf("offline: aes: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("offline: gcm: %w", err)
	}
	return &sealer{aead: aead, hashKey: hashKey}, nil
}

// aad binds a ciphertext to its place: a sealed phone number copied into
// another row or column fails to open (docs/offline-sync.md §4.3).
func aad(table, id, column string) []byte {
	return []byte(table + "\x00" + id + "\x00" + column)
}

// seal encrypts plaintext with a random 96-bit nonce; the result is
// nonce || ciphertext || tag. Random nonces are safe far beyond kiosk volume
// (NIST SP 800-38D: 2^32 messages per key).
func (s *sealer) seal(table, id, column string, plaintext []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		// crypto/rand.Read never returns an error on supported platforms.
		panic("offline: crypto/rand: " + err.Error())
	}
	return s.aead.Seal(nonce, nonce, plaintext, aad(table, id, column))
}

// open reverses seal. A wrong key, a moved ciphertext or a flipped bit all
// fail authentication.
func (s *sealer) open(table, id, column string, sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, fmt.Errorf("offline: open %s.%s of %s: sealed value too short", table, column, id)
	}
	pt, err := s.aead.Open(nil, sealed[:n], sealed[n:], aad(table, id, column))
	if err != nil {
		return nil, fmt.Errorf("offline: open %s.%s of %s: %w", table, column, id, err)
	}
	return pt, nil
}

// sealString seals s, or returns nil for the empty string so that "no phone
// given" stays NULL.
func (s *sealer) sealString(table, id, column, v string) []byte {
	if v == "" {
		return nil
	}
	return s.seal(table, id, column, []byte(v))
}

// idHash is the keyed hash (HMAC-SHA256) of an identity number, used for
// fair use and appointment look-up. The number is normalised first (spaces
// dropped, the check character X upper-cased) so "11010119900307803x" and
// "11010119900307803X" hash alike.
func (s *sealer) idHash(idNumber string) string {
	n := api.NormaliseID(idNumber)
	if n == "" {
		return ""
	}
	m := hmac.New(sha256.New, s.hashKey)
	m.Write([]byte(n))
	return hex.EncodeToString(m.Sum(nil))
}

// loadOrCreateKey reads the 32-byte key at path, or creates it (mode 0600,
// parent directory 0700) when the file does not exist. The key is written
// to a temporary file, synced and renamed, so a crash never leaves a short
// key behind — a lost key makes every sealed column unreadable.
func loadOrCreateKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if len(b) != KeySize {
			return nil, fmt.Errorf("offline: key file %s holds %d bytes, want %d", path, len(b), KeySize)
		}
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("offline: key file %s is readable by others (mode %v); chmod 600 it", path, fi.Mode().Perm())
		}
		return b, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("offline: read key file: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("offline: make key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("offline: key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".key-*")
	if err != nil {
		return nil, fmt.Errorf("offline: create key file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("offline: chmod key file: %w", err)
	}
	if _, err := tmp.Write(key); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("offline: write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("offline: sync key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("offline: close key file: %w", err)
	}
	// Link, not rename: two kiosks processes racing on first start must not
	// both win; the loser reads the winner's key.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return loadOrCreateKey(path)
		}
		return nil, fmt.Errorf("offline: install key file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return key, nil
}
