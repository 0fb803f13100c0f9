package diag

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"hallkiosk/devices"
	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/serial"
	"hallkiosk/devices/sim/idcardsim"
)

// The card of the traffic tests: its name and number must never show.
var trafficCard = idcard.Card{Type: idcard.Resident, Name: "张小三", Gender: "男", GenderCode: "1", Nation: "汉", NationCode: "01",
	Birth: "19900307", Address: "北京市东城区测试路1号", IDNumber: "110101199003071234", Authority: "北京市公安局东城分局",
	ValidFrom: "20200101", ValidUntil: "20400101"}

func cardReply(t testing.TB) []byte {
	t.Helper()
	text, err := idcard.EncodeText(&trafficCard)
	if err != nil {
		t.Fatal(err)
	}
	data := idcard.EncodeRead(idcard.CmdReadText, text, idcardsim.Photo("t"), nil)
	return idcard.EncodeReply(0, 0, 0x90, data)
}

func frame(dir serial.Dir, b []byte) serial.Frame {
	return serial.Frame{At: t0, Dir: dir, Data: b, Len: len(b)}
}

// utf16le encodes s as the card's text block carries it.
func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// secretForms are the card holder's data in every encoding a leak could take.
func secretForms(values ...string) map[string][]byte {
	out := map[string][]byte{}
	for _, v := range values {
		out[v] = []byte(v)
		out[v+" (UTF-16LE)"] = utf16le(v)
		out[v+" (hex of UTF-16LE)"] = []byte(spaced(utf16le(v)))
		out[v+" (hex)"] = []byte(strings.ToUpper(hex.EncodeToString([]byte(v))))
	}
	return out
}

// shownBytes counts the bytes a line shows in hex ("…" marks show none).
func shownBytes(h string) int {
	n := 0
	for _, tok := range strings.Fields(h) {
		if len(tok) == 2 {
			n++
		}
	}
	return n
}

func TestDecodeIDCardTraffic(t *testing.T) {
	reply := cardReply(t)
	noCard := idcard.EncodeReply(0, 0, 0x80, nil)
	tests := []struct {
		name   string
		frames []serial.Frame
		// want are substrings of each line's meaning, in order.
		want []string
		// wantHex are the lines' Hex.
		wantHex []string
	}{
		{
			name: "poll without card",
			frames: []serial.Frame{
				frame(serial.Out, idcard.CmdFindCard.Frame()),
				frame(serial.In, noCard),
			},
			want:    []string{"(2001)", "reply to find card, length 4: SW3 80"},
			wantHex: []string{"AA AA AA 96 69 00 03 20 01 22", "AA AA AA 96 69 00 04 00 00 80 …"},
		},
		{
			name: "card read",
			frames: []serial.Frame{
				frame(serial.Out, idcard.CmdReadText.Frame()),
				frame(serial.In, reply),
			},
			want:    []string{"(3001)", "SW3 90 success … 1284 bytes of card data hidden"},
			wantHex: []string{"AA AA AA 96 69 00 03 30 01 32", "AA AA AA 96 69 05 08 00 00 90 …"},
		},
		{
			name: "card reply split over two bursts",
			frames: []serial.Frame{
				frame(serial.Out, idcard.CmdReadText.Frame()),
				frame(serial.In, reply[:300]),
				frame(serial.In, reply[300:]),
				frame(serial.In, noCard),
			},
			want:    []string{"(3001)", "card data hidden", "995 more bytes of the reply hidden", "SW3 80"},
			wantHex: []string{"AA AA AA 96 69 00 03 30 01 32", "AA AA AA 96 69 05 08 00 00 90 …", "…", "AA AA AA 96 69 00 04 00 00 80 …"},
		},
		{
			// The tap can record a fast reply before its command (the
			// write is recorded when it returns).
			name: "replies recorded before their commands",
			frames: []serial.Frame{
				frame(serial.In, idcard.EncodeReply(0, 0, 0x90, nil)),
				frame(serial.Out, idcard.CmdSAMStatus.Frame()),
				frame(serial.In, idcard.EncodeReply(0, 0, 0x80, nil)),
				frame(serial.Out, idcard.CmdFindCard.Frame()),
			},
			want:    []string{"reply to SAM status, length 4: SW3 90", "(11FF)", "reply to find card, length 4: SW3 80", "(2001)"},
			wantHex: []string{"AA AA AA 96 69 00 04 00 00 90 …", "AA AA AA 96 69 00 03 11 FF ED", "AA AA AA 96 69 00 04 00 00 80 …", "AA AA AA 96 69 00 03 20 01 22"},
		},
		{
			name: "noise before a reply",
			frames: []serial.Frame{
				frame(serial.In, append([]byte{0x00, 0x31, 0x32}, noCard...)),
			},
			want:    []string{"3 bytes outside a frame; reply, length 4: SW3 80"},
			wantHex: []string{"… AA AA AA 96 69 00 04 00 00 80 …"},
		},
		{
			name: "reply cut by the tap",
			frames: []serial.Frame{
				{At: t0, Dir: serial.In, Data: reply[:100], Len: len(reply), Truncated: true},
				frame(serial.In, noCard),
			},
			want:    []string{"card data hidden", "SW3 80"},
			wantHex: []string{"AA AA AA 96 69 05 08 00 00 90 …", "AA AA AA 96 69 00 04 00 00 80 …"},
		},
	}
	secrets := secretForms(trafficCard.Name, trafficCard.IDNumber, trafficCard.Address)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := DecodeTraffic(devices.IDCard, tt.frames)
			if len(lines) != len(tt.frames) {
				t.Fatalf("%d lines for %d frames", len(lines), len(tt.frames))
			}
			for i, l := range lines {
				if !strings.Contains(l.Meaning, tt.want[i]) {
					t.Errorf("line %d meaning %q lacks %q", i, l.Meaning, tt.want[i])
				}
				if l.Hex != tt.wantHex[i] {
					t.Errorf("line %d hex %q, want %q", i, l.Hex, tt.wantHex[i])
				}
				if shownBytes(l.Hex)+l.Hidden != l.Len {
					t.Errorf("line %d: %d shown + %d hidden != %d on the wire", i, shownBytes(l.Hex), l.Hidden, l.Len)
				}
				if l.MeaningZh == "" {
					t.Errorf("line %d has no Chinese meaning", i)
				}
			}
			out := jsonOf(lines)
			for what, s := range secrets {
				if bytes.Contains(out, s) {
					t.Errorf("traffic view shows %s", what)
				}
			}
		})
	}
}

func TestDecodePrinterTraffic(t *testing.T) {
	job := escpos.LayoutTicket(escpos.Ticket{Hall: "测试大厅", Service: "社保卡补办", Number: "A023",
		MaskedID: "110101********1234", IssuedAt: t0, QR: "https://hall.example/r/A023"})
	frames := []serial.Frame{
		frame(serial.Out, escpos.StatusQueryCommand(escpos.StatusPaper)),
		frame(serial.In, []byte{0x7E}),
		frame(serial.Out, escpos.StatusQueryCommand(escpos.StatusPrinter)),
		frame(serial.In, []byte{0x11, 0x12}),
		frame(serial.Out, job),
	}
	lines := DecodeTraffic(devices.Printer, frames)
	want := []struct{ hex, meaning string }{
		{"10 04 04", "status query DLE EOT 4 (paper sensor)"},
		{"7E", "reply to DLE EOT 4 (paper sensor): paper near end, paper end"},
		{"10 04 01", "status query DLE EOT 1 (printer)"},
		{"11 12", "XON; reply to DLE EOT 1 (printer): all clear"},
		{"", "ticket job: "},
	}
	for i, w := range want {
		l := lines[i]
		if w.hex != "" && l.Hex != w.hex {
			t.Errorf("line %d hex %q, want %q", i, l.Hex, w.hex)
		}
		if !strings.Contains(l.Meaning, w.meaning) {
			t.Errorf("line %d meaning %q lacks %q", i, l.Meaning, w.meaning)
		}
		if shownBytes(l.Hex)+l.Hidden != l.Len {
			t.Errorf("line %d: shown + hidden != len", i)
		}
	}
	jobLine := lines[4]
	if !strings.HasPrefix(jobLine.Hex, "1B 40 1C 26") || shownBytes(jobLine.Hex) > 16 {
		t.Errorf("job hex %q: want the leading ESC @ FS & and no more than 16 bytes", jobLine.Hex)
	}
	if !strings.Contains(jobLine.Meaning, "QR") || !strings.Contains(jobLine.Meaning, "cut") {
		t.Errorf("job meaning %q lacks its QR and cut", jobLine.Meaning)
	}
	if bytes.Contains(jsonOf(lines), []byte("1234")) {
		t.Error("the ticket's masked ID shows in the traffic view")
	}
}

func TestDecodeScannerTraffic(t *testing.T) {
	code := "110101199003071234"
	lines := DecodeTraffic(devices.Scanner, []serial.Frame{
		frame(serial.In, []byte(code+"\r")),
		frame(serial.In, []byte("张三预约\r\n")),
		frame(serial.In, []byte{0x01, 0x02, '\r'}),
		frame(serial.Out, []byte{0x16, 0x54, 0x0D}),
	})
	want := []string{"code of 18 characters (content hidden) and its line end", "code of 4 characters", "not a valid code", "command to the scanner, 3 bytes"}
	for i, w := range want {
		if !strings.Contains(lines[i].Meaning, w) {
			t.Errorf("line %d meaning %q lacks %q", i, lines[i].Meaning, w)
		}
	}
	if lines[0].Hex != "" || lines[0].Hidden != len(code)+1 {
		t.Errorf("scanned code shown: %+v", lines[0])
	}
	if lines[3].Hex != "16 54 0D" {
		t.Errorf("command hex %q", lines[3].Hex)
	}
	out := jsonOf(lines)
	for _, s := range []string{code, "张三", "31 31 30 31"} {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("scanner traffic shows %q", s)
		}
	}
}

// FuzzDecodeTraffic: whatever arrives on a wire, decoding never panics,
// every byte is either shown or counted as hidden, and from the ID reader
// nothing but frame headers (preamble, length, SW1–SW3: 10 bytes at most,
// starting with the preamble) is ever shown.
func FuzzDecodeTraffic(f *testing.F) {
	f.Add(cardReply(f), uint16(300), byte(0))
	f.Add(idcard.EncodeReply(0, 0, 0x80, nil), uint16(3), byte(0))
	f.Add(append([]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF}, cardReply(f)...), uint16(9), byte(1))
	f.Add([]byte{0x10, 0x04, 0x04, 0x7E}, uint16(3), byte(2))
	f.Fuzz(func(t *testing.T, data []byte, split uint16, kind byte) {
		k := devices.Kinds[int(kind)%len(devices.Kinds)]
		at := min(int(split), len(data))
		frames := []serial.Frame{
			{At: t0, Dir: serial.In, Data: data[:at], Len: at},
			{At: t0.Add(time.Millisecond), Dir: serial.In, Data: data[at:], Len: len(data) - at + int(kind)}, // kind > 0: truncated
			{At: t0.Add(2 * time.Millisecond), Dir: serial.Out, Data: data, Len: len(data)},
		}
		for _, l := range DecodeTraffic(k, frames) {
			if shownBytes(l.Hex)+l.Hidden != l.Len {
				t.Fatalf("%s line %+v: %d shown + %d hidden != %d", k, l, shownBytes(l.Hex), l.Hidden, l.Len)
			}
			if k != devices.IDCard || l.Out {
				continue
			}
			// Cut what is shown at every preamble: each piece must be a
			// header, i.e. a preamble and at most 5 more bytes.
			for _, group := range strings.Split(l.Hex, "…") {
				toks := strings.Fields(group)
				for len(toks) > 0 {
					if len(toks) < 5 || strings.Join(toks[:5], " ") != "AA AA AA 96 69" {
						t.Fatalf("ID reader line shows bytes outside a frame header: %q", l.Hex)
					}
					n := 5
					for n < len(toks) && !(n+5 <= len(toks) && strings.Join(toks[n:n+5], " ") == "AA AA AA 96 69") {
						n++
					}
					if n > samShownIn {
						t.Fatalf("ID reader line shows more than a frame header: %q", l.Hex)
					}
					toks = toks[n:]
				}
			}
		}
	})
}

// BenchmarkDecodeTraffic decodes a full ID reader tap (8 frames each way,
// one of them a card reply), what the traffic screen does on each refresh.
func BenchmarkDecodeTraffic(b *testing.B) {
	var frames []serial.Frame
	for i := range 8 {
		frames = append(frames, frame(serial.Out, idcard.CmdFindCard.Frame()))
		if i == 4 {
			frames = append(frames, frame(serial.In, cardReply(b)))
		} else {
			frames = append(frames, frame(serial.In, idcard.EncodeReply(0, 0, 0x80, nil)))
		}
	}
	for b.Loop() {
		DecodeTraffic(devices.IDCard, frames)
	}
}
