package voice

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Format is the PCM format of every clip: 16-bit signed little-endian
// mono, at espeak-ng's rate.
type Format struct {
	Rate     int
	Channels int
	Bits     int
}

// ClipFormat is what Generate writes and the player plays: espeak-ng's own
// output, so no resampling stands between the engine and the speaker.
var ClipFormat = Format{Rate: 22050, Channels: 1, Bits: 16}

// ErrBadWAV is returned by ParseWAV for bytes that are not a PCM WAV file.
var ErrBadWAV = errors.New("not a PCM WAV file")

// ParseWAV reads a RIFF/WAVE file's format and its samples (the data
// chunk). Only uncompressed PCM is accepted. A data chunk longer than the
// file (espeak-ng's --stdout writes 0x7fffffff) is taken to the end of the
// file.
func ParseWAV(b []byte) (Format, []byte, error) {
	bad := func(why string) (Format, []byte, error) {
		return Format{}, nil, fmt.Errorf("%w: %s", ErrBadWAV, why)
	}
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return bad("no RIFF/WAVE header")
	}
	var f Format
	haveFmt := false
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int64(binary.LittleEndian.Uint32(b[p+4:p+8]))
		p += 8
		rest := int64(len(b) - p)
		switch id {
		case "fmt ":
			if size < 16 || size > rest {
				return bad("short fmt chunk")
			}
			if tag := binary.LittleEndian.Uint16(b[p:]); tag != 1 {
				return bad(fmt.Sprintf("format tag %d is not PCM", tag))
			}
			f = Format{
				Channels: int(binary.LittleEndian.Uint16(b[p+2:])),
				Rate:     int(binary.LittleEndian.Uint32(b[p+4:])),
				Bits:     int(binary.LittleEndian.Uint16(b[p+14:])),
			}
			if f.Channels < 1 || f.Rate < 1 || (f.Bits != 8 && f.Bits != 16) {
				return bad(fmt.Sprintf("unsupported format %+v", f))
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return bad("data before fmt")
			}
			size = min(size, rest)
			frame := int64(f.Channels * f.Bits / 8)
			size -= size % frame
			return f, b[p : p+int(size)], nil
		}
		if size > rest {
			return bad("chunk " + id + " runs past the end")
		}
		p += int(size + size&1) // chunks are padded to even sizes
	}
	return bad("no data chunk")
}

// EncodeWAV returns samples in a canonical 44-byte-header WAV file.
func EncodeWAV(f Format, samples []byte) []byte {
	b := make([]byte, 44, 44+len(samples))
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+len(samples)))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], uint16(f.Channels))
	binary.LittleEndian.PutUint32(b[24:], uint32(f.Rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(f.Rate*f.Channels*f.Bits/8))
	binary.LittleEndian.PutUint16(b[32:], uint16(f.Channels*f.Bits/8))
	binary.LittleEndian.PutUint16(b[34:], uint16(f.Bits))
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(len(samples)))
	return append(b, samples...)
}

// trimSilence cuts the quiet lead-in and tail espeak-ng puts around every
// text (about a fifth of a second each), keeping margin samples, so that
// clips joined into a call do not leave gaps like a stutter.
func trimSilence(s []byte, threshold int16, margin int) []byte {
	n := len(s) / 2
	loud := func(i int) bool {
		v := int16(binary.LittleEndian.Uint16(s[2*i:]))
		return v > threshold || v < -threshold
	}
	first, last := 0, n-1
	for first < n && !loud(first) {
		first++
	}
	for last > first && !loud(last) {
		last--
	}
	if first >= n {
		return nil
	}
	first = max(0, first-margin)
	last = min(n-1, last+margin)
	return s[2*first : 2*(last+1)]
}
