package idcard

import (
	"crypto/rand"
	"crypto/sha256"
)

// NumberKeys hashes ID numbers with a random salt of its own, so that a
// card can be recognised again (the same card still on the reader, the
// visit's own card) without its number being kept (docs/offline-sync.md 4).
// Keys from different NumberKeys never match.
type NumberKeys struct{ salt [16]byte }

// NewNumberKeys returns a NumberKeys with a fresh salt.
func NewNumberKeys() NumberKeys {
	var k NumberKeys
	rand.Read(k.salt[:])
	return k
}

// Key is the salted hash of the ID number id.
func (k NumberKeys) Key(id string) [32]byte {
	h := sha256.New()
	h.Write(k.salt[:])
	h.Write([]byte(id))
	var out [32]byte
	h.Sum(out[:0])
	return out
}
