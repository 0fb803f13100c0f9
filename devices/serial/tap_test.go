package serial

import (
	"bytes"
	"testing"
	"time"

	"hallkiosk/clock"
)

func TestTapKeepsLastFramesEachWay(t *testing.T) {
	clk := clock.NewFake(epoch)
	tap := newTap(2, 20*time.Millisecond, clk)
	for _, s := range []string{"o1", "o2", "o3"} {
		tap.record(Out, []byte(s))
		tap.record(In, []byte("i"+s[1:]))
		tap.endIn()
	}
	var got []string
	for _, f := range tap.Frames() {
		got = append(got, f.Dir.String()+":"+string(f.Data))
	}
	want := []string{"out:o2", "in:i2", "out:o3", "in:i3"}
	if len(got) != len(want) {
		t.Fatalf("frames = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("frames = %v, want %v", got, want)
		}
	}
}

func TestTapCoalescing(t *testing.T) {
	gap := 20 * time.Millisecond
	tests := []struct {
		name   string
		pause  time.Duration // between the two chunks
		end    bool          // a timeout or flush in between
		frames int
	}{
		{"back to back", 0, false, 1},
		{"within the gap", gap, false, 1},
		{"beyond the gap", gap + time.Millisecond, false, 2},
		{"timeout in between", 0, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewFake(epoch)
			tap := newTap(8, gap, clk)
			tap.record(In, []byte("ab"))
			clk.Advance(tt.pause)
			if tt.end {
				tap.endIn()
			}
			tap.record(In, []byte("cd"))
			if got := len(tap.Frames()); got != tt.frames {
				t.Fatalf("%d frames, want %d: %v", got, tt.frames, tap.Frames())
			}
		})
	}
}

func TestTapTruncatesLongFrames(t *testing.T) {
	tap := newTap(4, time.Second, clock.NewFake(epoch))
	chunk := bytes.Repeat([]byte{0xa5}, 3000)
	tap.record(In, chunk)
	tap.record(In, chunk) // joins the first: 6000 bytes on the wire
	tap.record(Out, chunk[:10])
	fs := tap.Frames()
	if len(fs) != 2 {
		t.Fatalf("frames = %d, want 2", len(fs))
	}
	if f := fs[0]; len(f.Data) != MaxFrame || f.Len != 6000 || !f.Truncated {
		t.Fatalf("long frame: len(Data)=%d Len=%d Truncated=%v", len(f.Data), f.Len, f.Truncated)
	}
	if f := fs[1]; len(f.Data) != 10 || f.Len != 10 || f.Truncated {
		t.Fatalf("short frame: %+v", f)
	}
}

func TestTapFramesAreCopies(t *testing.T) {
	tap := newTap(1, time.Second, clock.NewFake(epoch))
	tap.record(Out, []byte("abc"))
	fs := tap.Frames()
	fs[0].Data[0] = 'X'
	tap.record(Out, []byte("def")) // reuses the evicted frame's memory
	if string(fs[0].Data) != "Xbc" || string(tap.Frames()[0].Data) != "def" {
		t.Fatalf("frames share memory with the tap: %q %q", fs[0].Data, tap.Frames()[0].Data)
	}
}

func TestTapClear(t *testing.T) {
	tap := newTap(2, time.Second, clock.NewFake(epoch))
	tap.record(In, []byte("110101199001011234"))
	mem := tap.in.buf[0].Data[:cap(tap.in.buf[0].Data)]
	tap.Clear()
	if len(tap.Frames()) != 0 {
		t.Fatal("frames survive Clear")
	}
	if !bytes.Equal(mem, make([]byte, len(mem))) {
		t.Fatal("Clear left the bytes in memory")
	}
	tap.record(In, []byte("x"))
	if fs := tap.Frames(); len(fs) != 1 || string(fs[0].Data) != "x" {
		t.Fatalf("tap after Clear = %v", fs)
	}
}

func TestNilTap(t *testing.T) {
	var tap *Tap
	tap.record(In, []byte("x"))
	tap.endIn()
	tap.Clear()
	if tap.Frames() != nil {
		t.Fatal("nil tap returned frames")
	}
}

func TestFrameString(t *testing.T) {
	tests := []struct {
		f    Frame
		want string
	}{
		{Frame{At: epoch, Dir: In, Data: []byte("12\r"), Len: 3}, "09:00:00.000 ← 3 bytes: 31 32 0d"},
		{Frame{At: epoch.Add(1500 * time.Millisecond), Dir: Out, Data: []byte{0x10, 0x04}, Len: 9000, Truncated: true},
			"09:00:01.500 → 9000 bytes: 10 04 …"},
	}
	for _, tt := range tests {
		t.Run(tt.f.Dir.String(), func(t *testing.T) {
			if got := tt.f.String(); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCoalesceGap(t *testing.T) {
	tests := []struct {
		baud int
		want time.Duration
	}{
		{115200, 20 * time.Millisecond},
		{9600, 20 * time.Millisecond},
		{300, 2 * 10 * time.Second / 300},
	}
	for _, tt := range tests {
		if got := coalesceGap(tt.baud); got != tt.want {
			t.Errorf("coalesceGap(%d) = %v, want %v", tt.baud, got, tt.want)
		}
	}
}
