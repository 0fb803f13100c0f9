package diag

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// DefaultPIN is the factory technician PIN, in force while the configuration
// has no diag.pin_hash. It opens technician mode only to change it: a
// session entered with it refuses every other action (ErrMustChangePIN).
// To reset a forgotten PIN, an administrator empties diag.pin_hash in the
// configuration file; the kiosk is then back on "000000".
const DefaultPIN = "000000"

// PIN length limits. Six digits is what a keypad user remembers; eight is
// enough to make an offline guess against a leaked hash slow at argon2id's
// cost, while the Gate's lockout stops guessing at the keypad.
const (
	MinPINLen = 6
	MaxPINLen = 8
)

// PINParams are the argon2id cost parameters of a PIN hash.
type PINParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen int
	KeyLen  int
}

// DefaultPINParams are sized for a kiosk CPU (a fanless Celeron or a
// Cortex-A72 box): 19 MiB, 2 passes, 1 lane is OWASP's argon2id minimum and
// takes roughly 50–200 ms there — slow for an attacker holding a leaked
// configuration, unnoticeable for a technician at the keypad. One lane
// because a kiosk has few cores and the citizen screens keep running.
var DefaultPINParams = PINParams{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Limits on the parameters VerifyPIN accepts. The hash comes from a file an
// administrator edits; a typo of m=19456000 must not make every PIN entry
// allocate 19 GB.
const (
	maxMemoryKiB = 256 * 1024
	maxTime      = 16
	maxThreads   = 16
)

// PIN errors. ChangePIN returns the rule a new PIN breaks.
var (
	ErrPINLength     = errors.New("diag: PIN must have 6 to 8 digits")
	ErrPINDigits     = errors.New("diag: PIN must be digits only")
	ErrPINRepeated   = errors.New("diag: PIN must not be one digit repeated")
	ErrPINSequential = errors.New("diag: PIN must not be a run of consecutive digits")
	ErrPINUnchanged  = errors.New("diag: the new PIN must differ from the current one")
	// ErrBadPINHash: the configured diag.pin_hash is not an argon2id hash
	// this package can check. Entry stays closed (fail closed) until an
	// administrator fixes or empties it.
	ErrBadPINHash = errors.New("diag: configured PIN hash is not a valid argon2id hash")
)

// CheckPINRules reports whether pin is acceptable as a new technician PIN:
// 6–8 ASCII digits, not one digit repeated (000000), not a run of
// consecutive digits up or down (123456, 876543, also wrapping: 890123).
func CheckPINRules(pin string) error {
	if len(pin) < MinPINLen || len(pin) > MaxPINLen {
		return ErrPINLength
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return ErrPINDigits
		}
	}
	same, up, down := true, true, true
	for i := 1; i < len(pin); i++ {
		d := (int(pin[i]) - int(pin[i-1]) + 10) % 10
		same = same && d == 0
		up = up && d == 1
		down = down && d == 9
	}
	switch {
	case same:
		return ErrPINRepeated
	case up || down:
		return ErrPINSequential
	}
	return nil
}

// HashPIN hashes pin with argon2id and DefaultPINParams, in the PHC string
// format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (base64 without
// padding). It does not check the PIN rules; ChangePIN does.
func HashPIN(pin string) (string, error) {
	return HashPINWith(pin, DefaultPINParams)
}

// HashPINWith is HashPIN with explicit parameters (tests use cheap ones).
func HashPINWith(pin string, p PINParams) (string, error) {
	if err := p.check(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("diag: PIN salt: %w", err)
	}
	key := argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, uint32(p.KeyLen))
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPIN reports whether pin matches hash, comparing in constant time.
// A hash it cannot parse is an error wrapping ErrBadPINHash, never a match.
func VerifyPIN(pin, hash string) (bool, error) {
	p, salt, want, err := parsePINHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// parsePINHash splits a PHC argon2id string into its parameters, salt and key.
func parsePINHash(hash string) (PINParams, []byte, []byte, error) {
	bad := func(why string) (PINParams, []byte, []byte, error) {
		return PINParams{}, nil, nil, fmt.Errorf("%w: %s", ErrBadPINHash, why)
	}
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	f := strings.Split(hash, "$")
	if len(f) != 6 || f[0] != "" {
		return bad("want $argon2id$v=19$m=…,t=…,p=…$salt$hash")
	}
	if f[1] != "argon2id" {
		return bad("algorithm " + strconv.Quote(f[1]) + ", want argon2id")
	}
	if f[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("version " + strconv.Quote(f[2]) + ", want v=19")
	}
	var p PINParams
	seen := map[string]bool{}
	for _, kv := range strings.Split(f[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || seen[k] {
			return bad("parameter " + strconv.Quote(kv))
		}
		seen[k] = true
		switch k {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return bad("parameter " + strconv.Quote(kv))
			}
			p.Threads = uint8(n)
		default:
			return bad("unknown parameter " + strconv.Quote(k))
		}
	}
	if !seen["m"] || !seen["t"] || !seen["p"] {
		return bad("m, t and p are all required")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(f[4])
	if err != nil {
		return bad("salt is not base64")
	}
	key, err := b64.DecodeString(f[5])
	if err != nil {
		return bad("hash is not base64")
	}
	p.SaltLen, p.KeyLen = len(salt), len(key)
	if err := p.check(); err != nil {
		return bad(err.Error())
	}
	return p, salt, key, nil
}

func (p PINParams) check() error {
	switch {
	case p.Memory < 8*uint32(max(p.Threads, 1)) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("memory %d KiB out of range", p.Memory)
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("time %d out of range", p.Time)
	case p.Threads < 1 || p.Threads > maxThreads:
		return fmt.Errorf("threads %d out of range", p.Threads)
	case p.SaltLen < 8 || p.SaltLen > 64:
		return fmt.Errorf("salt of %d bytes out of range", p.SaltLen)
	case p.KeyLen < 16 || p.KeyLen > 64:
		return fmt.Errorf("hash of %d bytes out of range", p.KeyLen)
	}
	return nil
}
