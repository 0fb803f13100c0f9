package idcardsim

import (
	"encoding/json"
	"fmt"
	"hash/fnv"

	"hallkiosk/assets"
	"hallkiosk/devices/idcard"
)

// Profile is one fictional card in assets/cards/profiles.json.
type Profile struct {
	// ID names the profile for Place, e.g. "resident-wangzhe".
	ID string `json:"id"`
	// Note says what the profile is for (which case it covers).
	Note string `json:"note,omitempty"`
	// Card is the card as DecodeText would return it; its photo is
	// generated (Photo) and its fingerprint too, FingerprintBytes long.
	Card idcard.Card `json:"card"`
	// FingerprintBytes is 0, 512 or 1024 (docs/protocols.md A.5).
	FingerprintBytes int `json:"fingerprint_bytes,omitempty"`
}

// LoadProfiles returns the card profiles embedded from
// assets/cards/profiles.json, with photo and fingerprint bytes filled in.
func LoadProfiles() ([]Profile, error) {
	b, err := assets.Cards.ReadFile("cards/profiles.json")
	if err != nil {
		return nil, fmt.Errorf("load card profiles: %w", err)
	}
	return ParseProfiles(b)
}

// ParseProfiles parses a profiles file and fills in photos and
// fingerprints. Every card must encode into its text layout.
func ParseProfiles(b []byte) ([]Profile, error) {
	var ps []Profile
	if err := json.Unmarshal(b, &ps); err != nil {
		return nil, fmt.Errorf("parse card profiles: %w", err)
	}
	seen := map[string]bool{}
	for i := range ps {
		p := &ps[i]
		if p.ID == "" || seen[p.ID] {
			return nil, fmt.Errorf("parse card profiles: profile %d: empty or duplicate id %q", i, p.ID)
		}
		seen[p.ID] = true
		switch p.FingerprintBytes {
		case 0, 512, 1024:
		default:
			return nil, fmt.Errorf("parse card profiles: %s: fingerprint_bytes %d, want 0, 512 or 1024", p.ID, p.FingerprintBytes)
		}
		if _, err := idcard.EncodeText(&p.Card); err != nil {
			return nil, fmt.Errorf("parse card profiles: %s: %w", p.ID, err)
		}
		p.Card.Photo = Photo(p.ID)
		if p.FingerprintBytes > 0 {
			p.Card.Fingerprint = Fingerprint(p.ID, p.FingerprintBytes)
		}
	}
	return ps, nil
}

// wltHeader is how a genuine WLT photo begins (docs/protocols.md A.11).
var wltHeader = []byte{0x57, 0x4C, 0x66, 0x00, 0x7E, 0x00, 0x32, 0x00, 0x00, 0xFF}

// Photo returns 1024 stand-in photo bytes for seed: the WLT header seen in
// a genuine capture ("WL" …, A.11), then deterministic filler. The filler
// stays below 0x80, so it never contains a frame preamble by accident.
func Photo(seed string) []byte {
	p := filler(seed, 1024)
	copy(p, wltHeader)
	return p
}

// Fingerprint returns n deterministic stand-in fingerprint bytes (opaque
// on real cards, A.11).
func Fingerprint(seed string, n int) []byte { return filler("fp:"+seed, n) }

func filler(seed string, n int) []byte {
	h := fnv.New64a()
	h.Write([]byte(seed))
	x := h.Sum64() | 1
	b := make([]byte, n)
	for i := range b {
		// xorshift64
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x) & 0x7F
	}
	return b
}
