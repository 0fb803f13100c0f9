package idcard

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
)

// Preamble starts every frame in both directions (docs/protocols.md A.2): three
// sync bytes AA AA AA, then the frame start 96 69.
var Preamble = [5]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69}

// marker is what the Receiver looks for: the frame start preceded by two of
// the three sync bytes. A.2 records a genuine reply with a stray 00 inside
// the sync bytes (AA 00 AA AA 96 69 …); the length and the checksum, not the
// third sync byte, are what tell a frame from noise.
var marker = []byte{0xAA, 0xAA, 0x96, 0x69}

const (
	// MaxLen is the largest Len field the Receiver accepts. The largest
	// frame A.5 knows is the fingerprint read (Len 0x090A = 2314); anything
	// above 4096 is noise that happens to follow a preamble.
	MaxLen = 4096
	// minLen is CMD Para CHK, the shortest frame A.2 allows (a command).
	minLen = 3
	// HeaderLen is the preamble plus the two length bytes: a frame is
	// HeaderLen + Len bytes long.
	HeaderLen = 7
)

// Frame errors. A FrameError wraps one of them.
var (
	// ErrChecksum: the XOR over Len1..data disagrees with CHK_SUM (A.2).
	ErrChecksum = errors.New("idcard: frame checksum mismatch")
	// ErrTruncated: a frame ended before its length said, because the next
	// frame (or the end of a capture) began inside it.
	ErrTruncated = errors.New("idcard: truncated frame")
	// ErrBadLength: the length field is below 3 or above MaxLen.
	ErrBadLength = errors.New("idcard: impossible frame length")
	// ErrNeedMore is returned by Receiver.Next when the buffered bytes do
	// not hold a whole frame yet. It is not a fault.
	ErrNeedMore = errors.New("idcard: need more bytes")
)

// FrameError describes bytes the Receiver dropped because they started like
// a frame but were not a valid one.
type FrameError struct {
	Err  error  // ErrChecksum, ErrTruncated or ErrBadLength
	Len  int    // the length field as received
	Got  byte   // ErrChecksum: the checksum byte received
	Want byte   // ErrChecksum: the checksum computed
	Raw  []byte // the bytes of the bad frame as far as they were seen
}

// Error describes the fault in English for logs.
func (e *FrameError) Error() string {
	switch e.Err {
	case ErrChecksum:
		return fmt.Sprintf("%v: Len %d, CHK %02X, computed %02X", e.Err, e.Len, e.Got, e.Want)
	case ErrTruncated:
		return fmt.Sprintf("%v: Len %d says %d bytes, only %d arrived", e.Err, e.Len, HeaderLen+e.Len, len(e.Raw))
	default:
		return fmt.Sprintf("%v: Len %d", e.Err, e.Len)
	}
}

// Unwrap returns the sentinel (ErrChecksum, ErrTruncated, ErrBadLength).
func (e *FrameError) Unwrap() error { return e.Err }

// Checksum is the XOR of every byte of b. Over Len1..data it is a frame's
// CHK_SUM (A.2).
func Checksum(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// EncodeFrame wraps body (CMD Para Data for a command, SW1 SW2 SW3 Data for
// a reply) into a frame: preamble, big-endian Len = len(body)+1, body, XOR
// checksum over Len1..body (A.2). It panics if body is longer than MaxLen-1,
// which no command or reply of A.3/A.5 comes near.
func EncodeFrame(body []byte) []byte {
	n := len(body) + 1
	if n > MaxLen {
		panic(fmt.Sprintf("idcard: frame body of %d bytes exceeds MaxLen", len(body)))
	}
	f := make([]byte, 0, HeaderLen+n)
	f = append(f, Preamble[:]...)
	f = append(f, byte(n>>8), byte(n))
	f = append(f, body...)
	return append(f, Checksum(f[5:]))
}

// EncodeReply builds a reader reply frame: SW1 SW2 SW3 then data (A.2,
// A.4). The simulator and the tests use it; the driver only receives.
func EncodeReply(sw1, sw2, sw3 byte, data []byte) []byte {
	body := make([]byte, 0, 3+len(data))
	body = append(body, sw1, sw2, sw3)
	return EncodeFrame(append(body, data...))
}

// IndexPreamble returns the index of the first full preamble AA AA AA 96
// 69 in b, or -1.
func IndexPreamble(b []byte) int { return bytes.Index(b, Preamble[:]) }

// HeaderLength returns the length field of the frame that starts b (with
// its full preamble): the number of bytes that follow the header, CHK
// included. b too short for the header is ErrNeedMore; a length below 3
// or above MaxLen is ErrBadLength. It looks at the header only: whether
// the frame is whole and its checksum right is the Receiver's business.
func HeaderLength(b []byte) (int, error) {
	if len(b) < HeaderLen {
		return 0, ErrNeedMore
	}
	n := int(b[5])<<8 | int(b[6])
	if n < minLen || n > MaxLen {
		return n, ErrBadLength
	}
	return n, nil
}

// CommandOf returns the command of b when b is exactly one command frame
// (full preamble, Len 3, CMD Para, CHK; the checksum is not checked), else
// 0.
func CommandOf(b []byte) Command {
	if len(b) < HeaderLen+3 || IndexPreamble(b) != 0 {
		return 0
	}
	if n, err := HeaderLength(b); err != nil || n != minLen {
		return 0
	}
	return Command(uint16(b[7])<<8 | uint16(b[8]))
}

// Frame is one whole frame as received: preamble (as it arrived), length,
// body and checksum, already checked.
type Frame struct {
	// Raw is the frame as it arrived, including a damaged preamble (A.2).
	Raw []byte
	// Body is CMD Para Data (command) or SW1 SW2 SW3 Data (reply), without
	// the checksum; it aliases Raw.
	Body []byte
}

// Len is the frame's length field: len(Body)+1.
func (f Frame) Len() int { return len(f.Body) + 1 }

// String is the frame in spaced hex for logs.
func (f Frame) String() string { return spacedHex(f.Raw) }

// IsCommand reports whether the frame has the shape of a host command:
// Len 3, i.e. CMD Para and the checksum. No command of A.3 carries data,
// and a reply always has at least SW1 SW2 SW3, so Len alone decides.
func (f Frame) IsCommand() bool { return len(f.Body) == 2 }

// Command returns CMD Para of a command frame.
func (f Frame) Command() Command {
	if len(f.Body) < 2 {
		return 0
	}
	return Command(uint16(f.Body[0])<<8 | uint16(f.Body[1]))
}

// Reply returns the reply carried by the frame, or an error if the frame is
// too short to carry SW1 SW2 SW3.
func (f Frame) Reply() (Reply, error) {
	if len(f.Body) < 3 {
		return Reply{}, fmt.Errorf("idcard: frame of Len %d is too short for a reply", f.Len())
	}
	return Reply{SW1: f.Body[0], SW2: f.Body[1], SW3: f.Body[2], Data: f.Body[3:]}, nil
}

// Receiver cuts a byte stream into frames. It scans for the preamble, reads
// the big-endian length, verifies the XOR checksum and resynchronises after
// noise, stray bytes, truncated frames and impossible lengths (A.2). It
// never panics, whatever it is fed. The zero value is ready to use.
type Receiver struct {
	buf   []byte
	final bool   // End was called
	px    []byte // scratch for validFrameAt
	// Noise counts bytes skipped because they belonged to no frame.
	Noise int
}

// Feed appends bytes as they arrive from the port.
func (r *Receiver) Feed(p []byte) { r.buf = append(r.buf, p...) }

// Reset drops everything buffered. The driver calls it before sending a
// command: the protocol is strictly request/reply, so anything still
// buffered belongs to an earlier exchange.
func (r *Receiver) Reset() { r.buf, r.final = r.buf[:0], false }

// Buffered is the number of bytes waiting for a frame to complete.
func (r *Receiver) Buffered() int { return len(r.buf) }

// Next returns the next valid frame. It returns ErrNeedMore when the
// buffered bytes hold no complete frame yet, and a *FrameError when it
// dropped an invalid one; in both other cases the caller simply calls Next
// again (after feeding more bytes for ErrNeedMore).
func (r *Receiver) Next() (Frame, error) {
	i := bytes.Index(r.buf, marker)
	if i < 0 {
		// Keep a tail that may be the start of a marker split across reads.
		keep := min(len(r.buf), len(Preamble)-1)
		if r.final {
			keep = 0
		}
		r.drop(len(r.buf) - keep)
		return Frame{}, ErrNeedMore
	}
	start := i
	if i > 0 && r.buf[i-1] == 0xAA {
		start = i - 1 // the full three-byte sync
	}
	r.drop(start)
	m := i - start // offset of the marker in buf: 0 or 1
	lenAt := m + len(marker)
	if len(r.buf) < lenAt+2 {
		if r.final {
			raw := clone(r.buf)
			r.buf = r.buf[:0]
			return Frame{}, &FrameError{Err: ErrTruncated, Len: -1, Raw: raw}
		}
		return Frame{}, ErrNeedMore
	}
	n := int(r.buf[lenAt])<<8 | int(r.buf[lenAt+1])
	if n < minLen || n > MaxLen {
		raw := clone(r.buf[:lenAt+2])
		r.skipMarker(m)
		return Frame{}, &FrameError{Err: ErrBadLength, Len: n, Raw: raw}
	}
	end := lenAt + 2 + n
	if len(r.buf) < end {
		if r.final {
			raw := clone(r.buf)
			r.buf = r.buf[:0]
			return Frame{}, &FrameError{Err: ErrTruncated, Len: n, Raw: raw}
		}
		// A complete valid frame starting inside this one means this one
		// was cut short (A.2: truncated replies, a reader reset mid-reply).
		if j := r.validFrameAt(lenAt); j >= 0 {
			raw := clone(r.buf[:j])
			r.buf = append(r.buf[:0], r.buf[j:]...)
			return Frame{}, &FrameError{Err: ErrTruncated, Len: n, Raw: raw}
		}
		return Frame{}, ErrNeedMore
	}
	got := r.buf[end-1]
	want := Checksum(r.buf[lenAt : end-1])
	if got != want {
		// A marker cut off by the end of the buffer may be the next frame
		// starting inside this one: wait for it to tell truncation from a
		// bad checksum.
		if !r.final && partialMarkerAt(r.buf, lenAt) {
			return Frame{}, ErrNeedMore
		}
		// Another frame starting inside this one means this one was cut
		// short; resume there. Otherwise resume after the first marker
		// byte, so that any frame hidden inside is still found.
		if k := bytes.Index(r.buf[lenAt:], marker); k >= 0 && lenAt+k-1 < end {
			j := lenAt + k
			if r.buf[j-1] == 0xAA {
				j--
			}
			raw := clone(r.buf[:j])
			r.buf = append(r.buf[:0], r.buf[j:]...)
			return Frame{}, &FrameError{Err: ErrTruncated, Len: n, Raw: raw}
		}
		raw := clone(r.buf[:end])
		r.skipMarker(m)
		return Frame{}, &FrameError{Err: ErrChecksum, Len: n, Got: got, Want: want, Raw: raw}
	}
	raw := clone(r.buf[:end])
	r.buf = append(r.buf[:0], r.buf[end:]...)
	return Frame{Raw: raw, Body: raw[lenAt+2 : end-1]}, nil
}

// End says that no more bytes will come (the end of a capture). From then
// on Next reports a frame left incomplete as ErrTruncated instead of
// waiting for the rest, and returns ErrNeedMore once the buffer is empty.
// Reset starts over.
func (r *Receiver) End() { r.final = true }

// drop discards the first n buffered bytes, counting them as noise.
func (r *Receiver) drop(n int) {
	if n <= 0 {
		return
	}
	r.Noise += n
	r.buf = append(r.buf[:0], r.buf[n:]...)
}

// skipMarker drops a bad frame's start so that scanning resumes right after
// its first marker byte: a real frame hidden inside the bad one is found.
// The dropped bytes are reported through the FrameError, not as noise.
func (r *Receiver) skipMarker(m int) {
	n := m + 1
	r.buf = append(r.buf[:0], r.buf[n:]...)
}

// partialMarkerAt reports whether b ends with a proper prefix of the
// marker that starts at or after from.
func partialMarkerAt(b []byte, from int) bool {
	for p := max(from, len(b)-len(marker)+1); p < len(b); p++ {
		if bytes.HasPrefix(marker, b[p:]) {
			return true
		}
	}
	return false
}

// validFrameAt returns the offset of the first complete, checksum-valid
// frame whose marker starts at or after from, or -1. It is called each time
// bytes arrive while a long frame is incomplete, so each candidate costs
// O(1): the XOR of a span is read off a running prefix XOR (px).
func (r *Receiver) validFrameAt(from int) int {
	b := r.buf
	k := bytes.Index(b[from:], marker)
	if k < 0 {
		return -1
	}
	r.px = append(r.px[:0], 0)
	var x byte
	for _, c := range b {
		x ^= c
		r.px = append(r.px, x)
	}
	for off := from; off < len(b); {
		k := bytes.Index(b[off:], marker)
		if k < 0 {
			return -1
		}
		k += off
		lenAt := k + len(marker)
		if lenAt+2 <= len(b) {
			n := int(b[lenAt])<<8 | int(b[lenAt+1])
			end := lenAt + 2 + n
			// XOR of b[lenAt:end-1] is px[end-1] ^ px[lenAt].
			if n >= minLen && n <= MaxLen && end <= len(b) && r.px[end-1]^r.px[lenAt] == b[end-1] {
				if k > 0 && b[k-1] == 0xAA {
					return k - 1
				}
				return k
			}
		}
		off = k + 1
	}
	return -1
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

func spacedHex(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	out := make([]byte, 0, len(b)*3-1)
	for i, c := range b {
		if i > 0 {
			out = append(out, ' ')
		}
		out = append(out, hex.EncodeToString([]byte{c})...)
	}
	return string(bytes.ToUpper(out))
}
