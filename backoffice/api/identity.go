package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// HallIDHash is the hall-keyed hash of an ID number: HMAC-SHA256 under the
// hall key (HallKey), lowercase hex, of the number with spaces dropped and
// the check character X upper-cased, so "11010119900307803x" and
// "110101 19900307803X" hash alike. Kiosks and the back office compute it
// the same way; it is "" without a key or a number.
func HallIDHash(key []byte, idNumber string) string {
	n := NormaliseID(idNumber)
	if len(key) == 0 || n == "" {
		return ""
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(n))
	return hex.EncodeToString(m.Sum(nil))
}

// NormaliseID is an ID number as it is hashed: no spaces, upper case.
func NormaliseID(id string) string {
	return strings.ToUpper(strings.Join(strings.Fields(id), ""))
}

// MaskName keeps the first character of a name and stars the rest (王** for
// 王小明, * for a one-character name), the form kiosks show and print. It is
// idempotent: a masked name masks to itself.
func MaskName(n string) string {
	r := []rune(strings.TrimSpace(n))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}
