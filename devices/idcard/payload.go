package idcard

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// ErrPayload: a success reply whose data does not have the shape its
// command promises (A.5).
var ErrPayload = errors.New("idcard: malformed reply data")

const samIDLen = 16 // A.5: u16 a | u16 b | u32 c | u32 d | u32 e

// SAMID is the reader's SAM management number (管理信息), the 16 bytes of the
// 12 FF reply (A.5).
type SAMID [samIDLen]byte

// ParseSAMID takes the data of a 12 FF reply.
func ParseSAMID(data []byte) (SAMID, error) {
	var s SAMID
	if len(data) != samIDLen {
		return s, fmt.Errorf("%w: SAM ID has %d bytes, want %d", ErrPayload, len(data), samIDLen)
	}
	copy(s[:], data)
	return s, nil
}

// String formats the SAM ID as AA.BB-CCCCCCCC-DDDDDDDDDD-EEEEEEEEEE: the
// five little-endian fields in decimal with 10-digit padding, the format
// A.5 recommends where public implementations disagree. Log Hex as well.
func (s SAMID) String() string {
	a := binary.LittleEndian.Uint16(s[0:])
	b := binary.LittleEndian.Uint16(s[2:])
	c := binary.LittleEndian.Uint32(s[4:])
	d := binary.LittleEndian.Uint32(s[8:])
	e := binary.LittleEndian.Uint32(s[12:])
	return fmt.Sprintf("%02d.%02d-%08d-%010d-%010d", a, b, c, d, e)
}

// Hex is the raw 16 bytes in hex, for logs.
func (s SAMID) Hex() string { return spacedHex(s[:]) }

// IsZero reports whether no SAM ID has been read.
func (s SAMID) IsZero() bool { return s == SAMID{} }

// readParts are the pieces of a 30 01 / 30 10 reply (A.5).
type readParts struct {
	text, photo, fingerprint []byte
}

// splitRead cuts the data of a successful read reply using the big-endian
// lengths it carries: 30 01 = text len, photo len, text, photo; 30 10 adds a
// fingerprint length and the fingerprint (A.5). The lengths come from the
// frame, not from constants, as A.13 asks.
func splitRead(cmd Command, data []byte) (readParts, error) {
	nlen := 2
	if cmd == CmdReadFingerprint {
		nlen = 3
	}
	if len(data) < 2*nlen {
		return readParts{}, fmt.Errorf("%w: %s reply has %d data bytes, too short for its lengths", ErrPayload, cmd.Name(), len(data))
	}
	var sizes [3]int
	total := 2 * nlen
	for i := range nlen {
		sizes[i] = int(binary.BigEndian.Uint16(data[2*i:]))
		total += sizes[i]
	}
	if total != len(data) {
		return readParts{}, fmt.Errorf("%w: %s reply lengths %v add up to %d bytes, data has %d", ErrPayload, cmd.Name(), sizes[:nlen], total, len(data))
	}
	if sizes[0] == 0 {
		return readParts{}, fmt.Errorf("%w: %s reply carries no text", ErrPayload, cmd.Name())
	}
	p := data[2*nlen:]
	parts := readParts{text: p[:sizes[0]], photo: p[sizes[0] : sizes[0]+sizes[1]]}
	if nlen == 3 {
		parts.fingerprint = p[sizes[0]+sizes[1]:]
	}
	return parts, nil
}

// ParseRead decodes the data of a successful 30 01 or 30 10 reply into a
// card with its photo and fingerprint (opaque, A.11). Like DecodeText it
// returns the card together with an error wrapping ErrCheckDigit when the
// ID number's check digit is wrong.
func ParseRead(cmd Command, data []byte) (*Card, error) {
	if cmd != CmdReadText && cmd != CmdReadFingerprint {
		return nil, fmt.Errorf("idcard: ParseRead of %s", cmd.Name())
	}
	parts, err := splitRead(cmd, data)
	if err != nil {
		return nil, err
	}
	c, err := DecodeText(parts.text)
	if c != nil {
		c.Photo = clone(parts.photo)
		if len(parts.fingerprint) > 0 {
			c.Fingerprint = clone(parts.fingerprint)
		}
	}
	return c, err
}

// EncodeRead builds the data of a 30 01 reply (fingerprint == nil) or a
// 30 10 reply from a text block, photo and fingerprint (A.5). The
// simulator and the tests use it.
func EncodeRead(cmd Command, text, photo, fingerprint []byte) []byte {
	var d []byte
	d = binary.BigEndian.AppendUint16(d, uint16(len(text)))
	d = binary.BigEndian.AppendUint16(d, uint16(len(photo)))
	if cmd == CmdReadFingerprint {
		d = binary.BigEndian.AppendUint16(d, uint16(len(fingerprint)))
	}
	d = append(d, text...)
	d = append(d, photo...)
	if cmd == CmdReadFingerprint {
		d = append(d, fingerprint...)
	}
	return d
}

// ParseAddress decodes the data of a successful 30 03 reply: 70 bytes of
// UCS-2LE, space padded (A.5). The length is taken from the data.
func ParseAddress(data []byte) string { return field(data) }

// EncodeAddress builds the 70-byte data of a 30 03 reply; an address longer
// than 35 UTF-16 units is an error.
func EncodeAddress(addr string) ([]byte, error) {
	b := make([]byte, 70)
	if err := putField(b, addr); err != nil {
		return nil, fmt.Errorf("appended address: %w", err)
	}
	return b, nil
}

// field decodes a space-padded UTF-16LE field and trims the padding
// (spaces and, defensively, NULs). Unpaired surrogates become U+FFFD; an
// odd trailing byte is ignored; nothing here can panic.
func field(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	end := len(u)
	for end > 0 && (u[end-1] == ' ' || u[end-1] == 0) {
		end--
	}
	return string(utf16.Decode(u[:end]))
}

// putField writes s into b as UTF-16LE, padded with spaces; it fails when s
// needs more than len(b)/2 units.
func putField(b []byte, s string) error {
	u := utf16.Encode([]rune(s))
	if 2*len(u) > len(b) {
		return fmt.Errorf("%w: value needs %d UTF-16 units, the field holds %d", ErrFieldTooLong, len(u), len(b)/2)
	}
	for i := 0; i+1 < len(b); i += 2 {
		c := uint16(' ')
		if i/2 < len(u) {
			c = u[i/2]
		}
		binary.LittleEndian.PutUint16(b[i:], c)
	}
	return nil
}
