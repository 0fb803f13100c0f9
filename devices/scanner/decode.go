package scanner

import (
	"bytes"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Reasons a line is not delivered as a code. Status counts them; the
// messages never contain the scanned bytes, which may be personal data
// (an appointment code, an ID number in a QR payload).
var (
	ErrTooLong  = errors.New("scanner: line longer than MaxLen")
	ErrFragment = errors.New("scanner: partial line followed by silence")
	ErrControl  = errors.New("scanner: control character in code")
	ErrEncoding = errors.New("scanner: code is neither UTF-8 nor GB18030")
	ErrEmpty    = errors.New("scanner: empty line")
)

// Decode turns one line (without its terminator) into a code: it trims
// spaces, tabs, CR and LF at both ends; decodes UTF-8, or, when the bytes
// are not valid UTF-8, GB18030 (scanners set to a Chinese code page send
// GBK for Chinese QR payloads, and GB18030 is its superset); and rejects
// codes with control characters left inside.
//
// Short GBK text can happen to be valid UTF-8 (中文 in GBK is D6 D0 CE C4,
// which UTF-8 reads as two Hebrew and Greek letters); such a line decodes
// as UTF-8. Configure scanners for UTF-8 output where the model allows.
func Decode(line []byte) (string, error) {
	b := bytes.Trim(line, trimSet)
	if len(b) == 0 {
		return "", ErrEmpty
	}
	var s string
	if utf8.Valid(b) {
		s = string(b)
	} else {
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		// The decoder replaces what GB18030 cannot map with U+FFFD
		// instead of failing.
		if err != nil || bytes.ContainsRune(d, utf8.RuneError) {
			return "", fmt.Errorf("%w (%d bytes)", ErrEncoding, len(b))
		}
		s = string(d)
	}
	for i, r := range s {
		if unicode.IsControl(r) {
			return "", fmt.Errorf("%w: U+%04X at byte %d of %d", ErrControl, r, i, len(s))
		}
	}
	return s, nil
}
