package serial

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"hallkiosk/clock"
)

// Dir is the direction of a frame on the wire.
type Dir uint8

// Directions, seen from the kiosk.
const (
	In  Dir = iota + 1 // device → kiosk
	Out                // kiosk → device
)

// String returns "in" or "out".
func (d Dir) String() string {
	switch d {
	case In:
		return "in"
	case Out:
		return "out"
	}
	return fmt.Sprintf("Dir(%d)", uint8(d))
}

// Arrow returns "←" for In and "→" for Out, for traffic listings.
func (d Dir) Arrow() string {
	switch d {
	case In:
		return "←"
	case Out:
		return "→"
	}
	return "?"
}

// MaxFrame caps the bytes kept per frame; a longer frame keeps its first
// MaxFrame bytes and is marked Truncated. The largest SAM_V answer (text,
// photo and fingerprints) is 2321 bytes (docs/protocols.md A), so it still fits.
const MaxFrame = 4096

// Frame is one burst of bytes on the wire: one Write, or read chunks that
// arrived without a pause between them.
type Frame struct {
	At  time.Time // when the first byte was written or read
	Dir Dir
	// Data holds the bytes, at most MaxFrame of them.
	Data []byte
	// Len is the frame's length on the wire; it exceeds len(Data) when
	// Truncated.
	Len       int
	Truncated bool
}

// String renders the frame for a technician:
// "09:31:02.123 ← 5 bytes: 31 32 33 34 0d".
func (f Frame) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %d bytes:", f.At.Format("15:04:05.000"), f.Dir.Arrow(), f.Len)
	for _, c := range f.Data {
		fmt.Fprintf(&b, " %02x", c)
	}
	if f.Truncated {
		b.WriteString(" …")
	}
	return b.String()
}

// Tap keeps the last frames each way in fixed memory. Ports record into it;
// diagnostics read it with Frames. All methods are safe on a nil *Tap.
type Tap struct {
	clk  clock.Clock
	gap  time.Duration
	size int

	mu      sync.Mutex
	in, out ring
	seq     uint64
	inOpen  bool      // the newest In frame may still grow
	lastIn  time.Time // when its last chunk arrived
}

type tapFrame struct {
	Frame
	seq uint64
}

// ring holds up to len(buf) frames; head is the oldest.
type ring struct {
	buf   []tapFrame
	head  int
	count int
}

func (r *ring) push() *tapFrame {
	var i int
	if r.count < len(r.buf) {
		i = (r.head + r.count) % len(r.buf)
		r.count++
	} else {
		i = r.head
		r.head = (r.head + 1) % len(r.buf)
	}
	f := &r.buf[i]
	data := f.Data[:0] // reuse the evicted frame's memory
	*f = tapFrame{}
	f.Data = data
	return f
}

func (r *ring) newest() *tapFrame {
	if r.count == 0 {
		return nil
	}
	return &r.buf[(r.head+r.count-1)%len(r.buf)]
}

// newTap returns a tap keeping size frames each way. Read chunks that
// follow each other within gap are joined into one frame.
func newTap(size int, gap time.Duration, c clock.Clock) *Tap {
	size = max(size, 1)
	return &Tap{
		clk:  clock.Or(c),
		gap:  gap,
		size: size,
		in:   ring{buf: make([]tapFrame, size)},
		out:  ring{buf: make([]tapFrame, size)},
	}
}

// record adds data as seen in direction d. Out data always starts a new
// frame (one Write is one frame); In data joins the newest In frame when
// nothing else happened in between and it arrived within the gap.
func (t *Tap) record(d Dir, data []byte) {
	if t == nil || len(data) == 0 {
		return
	}
	now := t.clk.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var f *tapFrame
	if d == In && t.inOpen && now.Sub(t.lastIn) <= t.gap {
		f = t.in.newest()
	} else {
		r := &t.out
		if d == In {
			r = &t.in
		}
		f = r.push()
		t.seq++
		f.seq, f.At, f.Dir = t.seq, now, d
	}
	if d == In {
		t.inOpen, t.lastIn = true, now
	} else {
		t.inOpen = false
	}
	f.Len += len(data)
	if room := MaxFrame - len(f.Data); room < len(data) {
		data = data[:max(room, 0)]
		f.Truncated = true
	}
	f.Data = append(f.Data, data...)
}

// endIn closes the newest In frame: a timeout or a flush separates frames
// however soon the next byte comes.
func (t *Tap) endIn() {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.inOpen = false
	t.mu.Unlock()
}

// Frames returns copies of the kept frames, both directions, oldest first.
func (t *Tap) Frames() []Frame {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	all := make([]tapFrame, 0, t.in.count+t.out.count)
	for _, r := range []*ring{&t.in, &t.out} {
		for i := range r.count {
			all = append(all, r.buf[(r.head+i)%len(r.buf)])
		}
	}
	slices.SortFunc(all, func(a, b tapFrame) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	out := make([]Frame, len(all))
	for i, f := range all {
		out[i] = f.Frame
		out[i].Data = slices.Clone(f.Data)
	}
	return out
}

// Clear zeroes and forgets every frame. The tap sees personal data (ID
// card answers, scanned codes); the session clears it with the rest of the
// in-memory personal data (docs/offline-sync.md §4.5).
func (t *Tap) Clear() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range []*ring{&t.in, &t.out} {
		for i := range r.buf {
			clear(r.buf[i].Data[:cap(r.buf[i].Data)])
			r.buf[i] = tapFrame{Frame: Frame{Data: r.buf[i].Data[:0]}}
		}
		r.head, r.count = 0, 0
	}
	t.inOpen = false
}
