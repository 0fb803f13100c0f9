package diag

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

// testPIN and testHash: a configured technician PIN.
const testPIN = "482915"

var testHash = sync.OnceValue(func() string {
	h, err := HashPIN(testPIN)
	if err != nil {
		panic(err)
	}
	return h
})

func TestCheckPINRules(t *testing.T) {
	tests := []struct {
		pin  string
		want error
	}{
		{"482915", nil},
		{"48291573", nil},
		{"1357924", nil},
		{"12345", ErrPINLength},
		{"123456789", ErrPINLength},
		{"", ErrPINLength},
		{"48a915", ErrPINDigits},
		{"４８２９１５", ErrPINLength}, // full-width digits are 3 bytes each: too long, and not digits
		{"48291 ", ErrPINDigits},
		{"000000", ErrPINRepeated},
		{"77777777", ErrPINRepeated},
		{"123456", ErrPINSequential},
		{"876543", ErrPINSequential},
		{"890123", ErrPINSequential}, // wraps past 9
		{"21098765", ErrPINSequential},
		{"123457", nil},
	}
	for _, tt := range tests {
		t.Run(tt.pin, func(t *testing.T) {
			if err := CheckPINRules(tt.pin); !errors.Is(err, tt.want) {
				t.Fatalf("CheckPINRules(%q) = %v, want %v", tt.pin, err, tt.want)
			}
		})
	}
}

func TestHashAndVerifyPIN(t *testing.T) {
	h1, err := HashPIN(testPIN)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPIN(testPIN)
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string with the default parameters", h1)
	}
	if h1 == h2 {
		t.Fatal("two hashes of one PIN are equal: the salt is not random")
	}
	tests := []struct {
		pin  string
		want bool
	}{
		{testPIN, true},
		{"482916", false},
		{"4829150", false},
		{"", false},
	}
	for _, tt := range tests {
		for _, h := range []string{h1, h2} {
			ok, err := VerifyPIN(tt.pin, h)
			if err != nil || ok != tt.want {
				t.Errorf("VerifyPIN(%q) = %v, %v; want %v", tt.pin, ok, err, tt.want)
			}
		}
	}
	// A hash made with other (cheaper) parameters verifies too: the
	// parameters travel in the string.
	cheap, err := HashPINWith(testPIN, PINParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 16})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPIN(testPIN, cheap); !ok || err != nil {
		t.Fatalf("cheap hash: %v, %v", ok, err)
	}
}

func TestVerifyPINRejectsBadHashes(t *testing.T) {
	good, _ := HashPINWith(testPIN, PINParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 16})
	f := strings.Split(good, "$")
	join := func(parts ...string) string { return strings.Join(parts, "$") }
	tests := []struct{ name, hash string }{
		{"redacted copy", "(set)"},
		{"empty fields", "$$$$$"},
		{"argon2i", join("", "argon2i", f[2], f[3], f[4], f[5])},
		{"old version", join("", "argon2id", "v=16", f[3], f[4], f[5])},
		{"huge memory", join("", "argon2id", f[2], "m=19456000,t=2,p=1", f[4], f[5])},
		{"zero time", join("", "argon2id", f[2], "m=64,t=0,p=1", f[4], f[5])},
		{"threads above 255", join("", "argon2id", f[2], "m=64,t=1,p=256", f[4], f[5])},
		{"missing p", join("", "argon2id", f[2], "m=64,t=1", f[4], f[5])},
		{"duplicate m", join("", "argon2id", f[2], "m=64,m=64,t=1,p=1", f[4], f[5])},
		{"unknown key", join("", "argon2id", f[2], "m=64,t=1,p=1,x=2", f[4], f[5])},
		{"salt not base64", join("", "argon2id", f[2], f[3], "!!!", f[5])},
		{"short hash", join("", "argon2id", f[2], f[3], f[4], "AAAA")},
		{"extra field", good + "$x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPIN(testPIN, tt.hash)
			if ok || !errors.Is(err, ErrBadPINHash) {
				t.Fatalf("VerifyPIN(%q) = %v, %v; want ErrBadPINHash", tt.hash, ok, err)
			}
		})
	}
}

// FuzzParsePINHash: whatever an administrator puts in pin_hash, parsing
// never panics and never accepts parameters outside the limits (which keep
// one PIN check from allocating gigabytes).
func FuzzParsePINHash(f *testing.F) {
	good, _ := HashPINWith(testPIN, PINParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 16})
	f.Add(good)
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=-1,t=2,p=1$$")
	f.Fuzz(func(t *testing.T, h string) {
		p, salt, key, err := parsePINHash(h)
		if err != nil {
			if !errors.Is(err, ErrBadPINHash) {
				t.Fatalf("error %v does not wrap ErrBadPINHash", err)
			}
			return
		}
		if p.Memory > maxMemoryKiB || p.Time > maxTime || p.Threads > maxThreads || len(salt) < 8 || len(key) < 16 {
			t.Fatalf("accepted out-of-range parameters %+v", p)
		}
	})
}

// BenchmarkVerifyPIN measures one PIN check at the default cost; on the
// kiosk's CPU it should stay within 50–200 ms.
func BenchmarkVerifyPIN(b *testing.B) {
	h, _ := HashPIN(testPIN)
	for b.Loop() {
		VerifyPIN(testPIN, h)
	}
}
