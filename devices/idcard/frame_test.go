package idcard

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// h parses spaced hex, e.g. "AA AA AA 96 69".
func h(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// The frames of docs/protocols.md A.3, byte for byte.
func TestCommandFrames(t *testing.T) {
	tests := []struct {
		cmd  Command
		want string
	}{
		{CmdResetSAM, "AA AA AA 96 69 00 03 10 FF EC"},
		{CmdSAMStatus, "AA AA AA 96 69 00 03 11 FF ED"},
		{CmdSAMID, "AA AA AA 96 69 00 03 12 FF EE"},
		{CmdFindCard, "AA AA AA 96 69 00 03 20 01 22"},
		{CmdSelectCard, "AA AA AA 96 69 00 03 20 02 21"},
		{CmdReadText, "AA AA AA 96 69 00 03 30 01 32"},
		{CmdReadAddress, "AA AA AA 96 69 00 03 30 03 30"},
		{CmdReadFingerprint, "AA AA AA 96 69 00 03 30 10 23"},
		{cmdSetBaud, "AA AA AA 96 69 00 03 60 00 63"},
		{cmdSetBaud | 1, "AA AA AA 96 69 00 03 60 01 62"},
		{cmdSetBaud | 2, "AA AA AA 96 69 00 03 60 02 61"},
		{cmdSetBaud | 3, "AA AA AA 96 69 00 03 60 03 60"},
		{cmdSetBaud | 4, "AA AA AA 96 69 00 03 60 04 67"},
	}
	for _, tt := range tests {
		t.Run(tt.cmd.Name(), func(t *testing.T) {
			if got := tt.cmd.Frame(); !bytes.Equal(got, h(tt.want)) {
				t.Fatalf("frame\n got % X\nwant %s", got, tt.want)
			}
			if !tt.cmd.Known() {
				t.Errorf("%s not Known", tt.cmd)
			}
			var rx Receiver
			rx.Feed(h(tt.want))
			f, err := rx.Next()
			if err != nil || !f.IsCommand() || f.Command() != tt.cmd {
				t.Fatalf("receive: %v, %v, command %s", err, f.IsCommand(), f.Command())
			}
		})
	}
}

func TestBaudCommand(t *testing.T) {
	for i, rate := range []int{115200, 57600, 38400, 19200, 9600} {
		c, err := BaudCommand(rate)
		if err != nil || c != cmdSetBaud|Command(i) || c.Baud() != rate {
			t.Errorf("BaudCommand(%d) = %s, %v", rate, c, err)
		}
	}
	if _, err := BaudCommand(4800); err == nil {
		t.Error("BaudCommand(4800) accepted")
	}
	if CmdFindCard.Baud() != 0 || Command(0x6005).Known() {
		t.Error("60 05 or 20 01 taken for a baud command")
	}
}

// Status-only replies for every SW3 of docs/protocols.md A.4, byte for byte:
// AA AA AA 96 69 00 04 SW1 SW2 SW3 CHK.
func TestStatusReplyFrames(t *testing.T) {
	tests := []struct {
		frame    string
		cmd      Command
		sentinel error // nil: success for cmd
		replace  bool  // matches ErrReplaceCard
	}{
		{"AA AA AA 96 69 00 04 00 00 90 94", CmdSelectCard, nil, false},
		{"AA AA AA 96 69 00 04 00 00 91 95", CmdReadAddress, ErrNoContent, false},
		{"AA AA AA 96 69 00 04 00 00 9F 9B", CmdFindCard, nil, false},
		{"AA AA AA 96 69 00 04 00 00 10 14", CmdFindCard, ErrHostChecksum, false},
		{"AA AA AA 96 69 00 04 00 00 11 15", CmdFindCard, ErrHostLength, false},
		{"AA AA AA 96 69 00 04 00 00 21 25", CmdFindCard, ErrBadCommand, false},
		{"AA AA AA 96 69 00 04 00 00 23 27", CmdReadText, ErrUnauthorizedOp, false},
		{"AA AA AA 96 69 00 04 00 00 24 20", CmdReadText, ErrUnrecognised, false},
		{"AA AA AA 96 69 00 04 6A 82 31 DD", CmdReadText, ErrCardAuthSAM, true},
		{"AA AA AA 96 69 00 04 00 00 32 36", CmdReadText, ErrSAMAuthCard, true},
		{"AA AA AA 96 69 00 04 00 00 33 37", CmdReadText, ErrInfoVerify, false},
		{"AA AA AA 96 69 00 04 00 00 40 44", CmdSelectCard, ErrUnknownCardType, false},
		{"AA AA AA 96 69 00 04 00 00 41 45", CmdReadText, ErrReadFailed, true},
		{"AA AA AA 96 69 00 04 6A 82 41 AD", CmdReadText, ErrReadFailed, true},
		{"AA AA AA 96 69 00 04 00 00 47 43", CmdReadText, ErrGetRandom, true},
		{"AA AA AA 96 69 00 04 00 00 60 64", CmdSAMStatus, ErrSAMSelfTest, false},
		{"AA AA AA 96 69 00 04 00 00 66 62", CmdSAMID, ErrSAMNotAuthorised, false},
		{"AA AA AA 96 69 00 04 00 00 80 84", CmdFindCard, ErrNoCard, false},
		{"AA AA AA 96 69 00 04 00 00 81 85", CmdSelectCard, ErrSelectFailed, true},
		{"AA AA AA 96 69 00 04 00 00 55 51", CmdFindCard, ErrUnknownStatus, false},
	}
	for _, tt := range tests {
		b := h(tt.frame)
		t.Run(tt.frame[21:], func(t *testing.T) {
			if got := EncodeReply(b[7], b[8], b[9], nil); !bytes.Equal(got, b) {
				t.Fatalf("EncodeReply\n got % X\nwant %s", got, tt.frame)
			}
			var rx Receiver
			rx.Feed(b)
			f, err := rx.Next()
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			rep, err := f.Reply()
			if err != nil {
				t.Fatal(err)
			}
			err = rep.Err(tt.cmd)
			if tt.sentinel == nil {
				if err != nil {
					t.Fatalf("Err(%s) = %v, want success", tt.cmd, err)
				}
				return
			}
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("Err = %v, want %v", err, tt.sentinel)
			}
			if errors.Is(err, ErrReplaceCard) != tt.replace {
				t.Errorf("errors.Is(ErrReplaceCard) = %v, want %v", !tt.replace, tt.replace)
			}
			var se *StatusError
			if !errors.As(err, &se) || se.SW1 != b[7] || se.SW2 != b[8] || se.SW3 != b[9] {
				t.Fatalf("not a *StatusError with the status word: %#v", err)
			}
			if se.Zh() == "" || se.En() == "" || se.Message("zh-CN") != se.Zh() || se.Message("en") != se.En() {
				t.Errorf("messages: zh %q en %q", se.Zh(), se.En())
			}
			for _, part := range []string{se.Zh(), se.En(), tt.cmd.Name()} {
				if !strings.Contains(se.Error(), part) {
					t.Errorf("Error() %q lacks %q", se.Error(), part)
				}
			}
		})
	}
	// Every row of A.4 is in the table above.
	for sw3 := range statuses {
		found := false
		for _, tt := range tests {
			found = found || h(tt.frame)[9] == sw3
		}
		if !found {
			t.Errorf("status %02X untested", sw3)
		}
	}
}

// A 1295-byte text+photo reply (A.5): Len 05 08, lengths 01 00 and 04 00,
// text at 14..269, photo at 270..1293, checksum at 1294.
func TestReadReplyLayout(t *testing.T) {
	text := bytes.Repeat([]byte{0x20, 0x00}, 128)
	photo := append([]byte("WL"), make([]byte, 1022)...)
	f := EncodeReply(0, 0, 0x90, EncodeRead(CmdReadText, text, photo, nil))
	if len(f) != 1295 {
		t.Fatalf("frame is %d bytes, want 1295", len(f))
	}
	if !bytes.Equal(f[:14], h("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")) {
		t.Fatalf("header % X", f[:14])
	}
	if !bytes.Equal(f[14:270], text) || !bytes.Equal(f[270:1294], photo) {
		t.Fatal("text or photo not at A.5 offsets")
	}
	if f[1294] != Checksum(f[5:1294]) {
		t.Fatal("checksum")
	}
	for _, tt := range []struct {
		fp      int
		len     string
		size    int
		lenBody string
	}{{1024, "09 0A", 2321, "01 00 04 00 04 00"}, {512, "07 0A", 1809, "01 00 04 00 02 00"}, {0, "05 0A", 1297, "01 00 04 00 00 00"}} {
		f := EncodeReply(0, 0, 0x90, EncodeRead(CmdReadFingerprint, text, photo, make([]byte, tt.fp)))
		if len(f) != tt.size || !bytes.Equal(f[5:7], h(tt.len)) || !bytes.Equal(f[10:16], h(tt.lenBody)) {
			t.Errorf("fingerprint %d: %d bytes, Len % X, lengths % X", tt.fp, len(f), f[5:7], f[10:16])
		}
	}
}

func TestReceiver(t *testing.T) {
	find := h("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
	noCard := h("AA AA AA 96 69 00 04 00 00 80 84")
	ok := h("AA AA AA 96 69 00 04 00 00 90 94")
	read := EncodeReply(0, 0, 0x90, EncodeRead(CmdReadText, bytes.Repeat([]byte{0x20, 0}, 128), make([]byte, 1024), nil))
	badChk := clone(ok)
	badChk[len(badChk)-1] ^= 0xFF
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	tests := []struct {
		name   string
		in     []byte
		frames [][]byte // bodies expected, in order
		errs   []error  // frame errors expected, in order
	}{
		{"one frame", find, [][]byte{find}, nil},
		{"noise before and after", cat(h("00 FF AA 96 69 13"), find, h("AA AA")), [][]byte{find}, nil},
		{"stray 00 inside the sync bytes", h("AA 00 AA AA 96 69 00 04 00 00 90 94"), [][]byte{h("AA AA 96 69 00 04 00 00 90 94")}, nil},
		{"two frames back to back", cat(noCard, ok), [][]byte{noCard, ok}, nil},
		{"bad checksum then a good frame", cat(badChk, noCard), [][]byte{noCard}, []error{ErrChecksum}},
		{"truncated then a good frame", cat(read[:600], noCard), [][]byte{noCard}, []error{ErrTruncated}},
		{"truncated short frame then a good one", cat(find[:12], ok), [][]byte{ok}, []error{ErrTruncated}},
		{"length 0", cat(h("AA AA AA 96 69 00 00"), ok), [][]byte{ok}, []error{ErrBadLength}},
		{"absurd length", cat(h("AA AA AA 96 69 FF FF 00"), ok), [][]byte{ok}, []error{ErrBadLength}},
		{"1295-byte read with a stray trailing byte", cat(read, h("00"), ok), [][]byte{read, ok}, nil},
		{"only noise", h("01 02 03 AA AA AA 96"), nil, nil},
	}
	for _, tt := range tests {
		for _, chunk := range []int{1, 7, 4096} {
			t.Run(tt.name+"/chunk"+itoa(chunk), func(t *testing.T) {
				var rx Receiver
				var frames [][]byte
				var errs []error
				for i := 0; i < len(tt.in); i += chunk {
					rx.Feed(tt.in[i:min(i+chunk, len(tt.in))])
					for {
						f, err := rx.Next()
						if errors.Is(err, ErrNeedMore) {
							break
						}
						if err != nil {
							errs = append(errs, err)
							continue
						}
						frames = append(frames, f.Raw)
					}
				}
				if len(frames) != len(tt.frames) {
					t.Fatalf("got %d frames, want %d: % X", len(frames), len(tt.frames), frames)
				}
				for i := range frames {
					if !bytes.Equal(frames[i], tt.frames[i]) {
						t.Errorf("frame %d\n got % .40X…\nwant % .40X…", i, frames[i], tt.frames[i])
					}
				}
				if len(errs) != len(tt.errs) {
					t.Fatalf("errors %v, want %v", errs, tt.errs)
				}
				for i := range errs {
					var fe *FrameError
					if !errors.Is(errs[i], tt.errs[i]) || !errors.As(errs[i], &fe) || fe.Error() == "" {
						t.Errorf("error %d = %v, want %v", i, errs[i], tt.errs[i])
					}
				}
			})
		}
	}
}

func TestReceiverEnd(t *testing.T) {
	tests := []struct {
		name string
		in   string
		len  int
		err  error
	}{
		{"cut in the data", "01 02 AA AA AA 96 69 05 08 00 00 90 01", 0x508, ErrTruncated},
		{"cut in the length", "AA AA AA 96 69 05", -1, ErrTruncated},
		{"bad checksum ending in a sync byte", "AA AA AA 96 69 00 04 00 00 90 AA", 4, ErrChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rx Receiver
			rx.Feed(h(tt.in))
			if _, err := rx.Next(); !errors.Is(err, ErrNeedMore) {
				t.Fatalf("Next before End = %v", err)
			}
			rx.End()
			_, err := rx.Next()
			var fe *FrameError
			if !errors.As(err, &fe) || fe.Err != tt.err || fe.Len != tt.len {
				t.Fatalf("Next after End = %v", err)
			}
			if _, err := rx.Next(); !errors.Is(err, ErrNeedMore) || rx.Buffered() != 0 {
				t.Fatalf("then %v with %d bytes left", err, rx.Buffered())
			}
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// FuzzReceiver feeds arbitrary bytes in arbitrary chunks: the receiver
// never panics, every frame it returns has a valid checksum and length,
// and re-encoding a frame's body gives a frame with the same body.
func FuzzReceiver(f *testing.F) {
	f.Add(h("AA AA AA 96 69 00 03 20 01 22"), uint8(3))
	f.Add(h("AA 00 AA AA 96 69 00 04 00 00 90 94 00"), uint8(1))
	f.Add(h("AA AA AA 96 69 FF FF AA AA AA 96 69 00 04 00 00 80 84"), uint8(5))
	f.Add(EncodeReply(0, 0, 0x90, EncodeRead(CmdReadText, make([]byte, 256), make([]byte, 1024), nil))[:700], uint8(64))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		step := int(chunk) + 1
		var rx Receiver
		for i := 0; i < len(data); i += step {
			rx.Feed(data[i:min(i+step, len(data))])
			for n := 0; ; n++ {
				if n > len(data)+1 {
					t.Fatal("Next does not make progress")
				}
				fr, err := rx.Next()
				if errors.Is(err, ErrNeedMore) {
					break
				}
				if err != nil {
					continue
				}
				if fr.Len() < minLen || fr.Len() > MaxLen {
					t.Fatalf("frame with Len %d", fr.Len())
				}
				raw := fr.Raw
				if raw[len(raw)-1] != Checksum(raw[len(raw)-fr.Len()-2:len(raw)-1]) {
					t.Fatalf("frame with bad checksum: % X", raw)
				}
				if !bytes.HasSuffix(raw, EncodeFrame(fr.Body)[3:]) {
					t.Fatalf("frame does not re-encode: % X", raw)
				}
			}
		}
		if rx.Buffered() > len(data) {
			t.Fatal("receiver grew beyond its input")
		}
		rx.End()
		for n := 0; ; n++ {
			if _, err := rx.Next(); errors.Is(err, ErrNeedMore) {
				break
			}
			if n > len(data)+1 {
				t.Fatal("Next after End does not make progress")
			}
		}
		if rx.Buffered() != 0 {
			t.Fatalf("%d bytes left after End", rx.Buffered())
		}
	})
}

func BenchmarkReceiverReadReply(b *testing.B) {
	text := bytes.Repeat([]byte{0x20, 0x00}, 128)
	frame := EncodeReply(0, 0, 0x90, EncodeRead(CmdReadText, text, make([]byte, 1024), nil))
	b.SetBytes(int64(len(frame)))
	var rx Receiver
	for b.Loop() {
		for i := 0; i < len(frame); i += 64 { // as a port hands it over
			rx.Feed(frame[i:min(i+64, len(frame))])
		}
		if _, err := rx.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

// The header helpers read what EncodeFrame writes, and refuse what the
// Receiver refuses.
func TestHeaderHelpers(t *testing.T) {
	f := CmdFindCard.Frame()
	if n, err := HeaderLength(f); err != nil || n != 3 || HeaderLen+n != len(f) {
		t.Fatalf("HeaderLength(find card) = %d, %v", n, err)
	}
	if c := CommandOf(f); c != CmdFindCard {
		t.Errorf("CommandOf(find card) = %s", c)
	}
	rep := EncodeReply(0, 0, SW3OK, make([]byte, 8))
	if c := CommandOf(rep); c != 0 {
		t.Errorf("CommandOf(a reply) = %s, want 0", c)
	}
	if i := IndexPreamble(append([]byte{1, 2}, f...)); i != 2 {
		t.Errorf("IndexPreamble = %d, want 2", i)
	}
	if _, err := HeaderLength(f[:6]); !errors.Is(err, ErrNeedMore) {
		t.Errorf("short header: %v", err)
	}
	for _, n := range []int{0, 2, MaxLen + 1} {
		b := append(Preamble[:], byte(n>>8), byte(n))
		if _, err := HeaderLength(b); !errors.Is(err, ErrBadLength) {
			t.Errorf("Len %d: %v", n, err)
		}
	}
	// A.5's sizes: each that is a command's own gives that command.
	for _, tt := range []struct {
		sw3  byte
		data int
		want Command
	}{
		{SW3FindOK, 4, CmdFindCard},
		{SW3OK, 8, CmdSelectCard},
		{SW3OK, 16, CmdSAMID},
		{SW3OK, 70, CmdReadAddress},
		{SW3OK, 4 + TextLen + 1024, CmdReadText},
		{SW3OK, 6 + TextLen + 1024 + 1024, CmdReadFingerprint},
		{SW3OK, 0, 0},
		{0x80, 8, 0},
	} {
		if got := ReplyCommand(tt.sw3, tt.data); got != tt.want {
			t.Errorf("ReplyCommand(%02X, %d) = %s, want %s", tt.sw3, tt.data, got, tt.want)
		}
	}
	if CmdReadText.NameZh() != "读固定信息" || Command(0x1234).NameZh() != "" {
		t.Error("NameZh")
	}
}
