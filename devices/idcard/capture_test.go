package idcard

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// hexdump writes b as a capture tool would: upper-case spaced hex, 16
// bytes a line, each line prefixed with a direction and a time stamp.
func hexdump(dir string, b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i += 16 {
		fmt.Fprintf(&sb, "13:02:%02d.123 %s: % X\n", i%60, dir, b[i:min(i+16, len(b))])
	}
	return sb.String()
}

func TestDecodeCapture(t *testing.T) {
	text := block(map[int]string{
		0: "王喆", 30: "1", 32: "01", 36: "19880314", 52: "北京市东城区示例胡同12号院3号楼201室",
		122: "11010119880314001X", 158: "北京市公安局东城分局", 188: "20180601", 204: "20380601",
	})
	photo := append([]byte("WL"), bytes.Repeat([]byte{0x11}, 1022)...)
	read := EncodeReply(0, 0, 0x90, EncodeRead(CmdReadText, text, photo, nil))
	if len(read) != 1295 {
		t.Fatalf("read reply is %d bytes", len(read))
	}
	hk := block(map[int]string{0: "陈家豪", 30: "1", 122: "810000199508120014", 220: "H12345678", 248: "J"})
	fpRead := EncodeReply(0, 0, 0x90, EncodeRead(CmdReadFingerprint, hk, photo, make([]byte, 512)))
	bad := block(map[int]string{0: "陈小明", 30: "1", 32: "08", 122: "440305198706090045"})
	badRead := EncodeReply(0, 0, 0x90, EncodeRead(CmdReadText, bad, photo, nil))
	addr, _ := EncodeAddress("上海市徐汇区示范路88弄3号201室")
	corrupt := EncodeReply(0, 0, 0x90, nil)
	corrupt[len(corrupt)-1] ^= 1

	var in strings.Builder
	in.WriteString("# capture from the ID reader, 2026-11-29\n")
	in.WriteString(hexdump("TX", CmdSAMStatus.Frame()))
	in.WriteString(hexdump("RX", h("AA AA AA 96 69 00 04 00 00 90 94")))
	in.WriteString(hexdump("TX", CmdSAMID.Frame()))
	in.WriteString(hexdump("RX", EncodeReply(0, 0, 0x90, h("05 00 01 00 05 25 35 01 39 30 00 00 B1 68 DE 3A"))))
	in.WriteString("tx " + strings.ToLower(hex.EncodeToString(CmdFindCard.Frame())) + "\n") // one word, lower case
	in.WriteString("rx 0xAA 0xAA 0xAA 0x96 0x69 0x00 0x04 0x00 0x00 0x80 0x84\n")
	in.WriteString(hexdump("TX", CmdFindCard.Frame()))
	in.WriteString(hexdump("RX", h("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")))
	in.WriteString(hexdump("TX", CmdSelectCard.Frame()))
	in.WriteString(hexdump("RX", EncodeReply(0, 0, 0x90, make([]byte, 8))))
	in.WriteString(hexdump("TX", CmdReadText.Frame()))
	in.WriteString(hexdump("RX", append(read, 0x00))) // stray trailing byte (A.2)
	in.WriteString(hexdump("TX", CmdReadAddress.Frame()))
	in.WriteString(hexdump("RX", EncodeReply(0, 0, 0x90, addr)))
	in.WriteString("garbage words: card ok feed 123 ---\n")
	in.WriteString(hexdump("TX", CmdReadFingerprint.Frame()))
	in.WriteString(hexdump("RX", fpRead))
	in.WriteString(hexdump("TX", CmdReadText.Frame()))
	in.WriteString(hexdump("RX", h("AA AA AA 96 69 00 04 00 00 41 45")))
	in.WriteString(hexdump("TX", CmdSelectCard.Frame()))
	in.WriteString(hexdump("RX", corrupt))
	in.WriteString(hexdump("RX", read[:400])) // cut short by the next frame
	in.WriteString(hexdump("RX", badRead))    // no command before it: decoded by its shape
	in.WriteString(hexdump("TX", cmdSetBaudFrame(4)))
	in.WriteString(hexdump("RX", h("AA AA AA 96 69 00 04 00 00 90 94")))
	in.WriteString(hexdump("TX", CmdReadAddress.Frame()))
	in.WriteString(hexdump("RX", h("AA AA AA 96 69 00 04 00 00 91 95")))
	in.WriteString(hexdump("TX", h("AA AA AA 96 69 00 03 77 01 75")))
	in.WriteString(hexdump("RX", read[:100])) // the capture ends mid-frame

	var out bytes.Buffer
	if err := DecodeCapture(strings.NewReader(in.String()), &out); err != nil {
		t.Fatal(err)
	}
	var got []CaptureFrame
	var lines []string
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var o CaptureFrame
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, o)
		lines = append(lines, sc.Text())
	}
	type want struct {
		dir, cmd, sw3 string
		ok            string // "", "true", "false"
		error, status string // substrings
		check         func(t *testing.T, o CaptureFrame)
	}
	yes, no := "true", "false"
	wants := []want{
		{dir: "cmd", cmd: "11FF"},
		{dir: "reply", cmd: "11FF", sw3: "90", ok: yes, status: "success"},
		{dir: "cmd", cmd: "12FF"},
		{dir: "reply", cmd: "12FF", sw3: "90", ok: yes, check: func(t *testing.T, o CaptureFrame) {
			if o.SAMID != "05.01-20260101-0000012345-0987654321" || o.SAMIDHex != "050001000525350139300000B168DE3A" {
				t.Errorf("SAM ID %q %q", o.SAMID, o.SAMIDHex)
			}
		}},
		{dir: "cmd", cmd: "2001"},
		{dir: "reply", cmd: "2001", sw3: "80", ok: no, status: "no card"},
		{dir: "cmd", cmd: "2001"},
		{dir: "reply", cmd: "2001", sw3: "9F", ok: yes, check: func(t *testing.T, o CaptureFrame) {
			if o.IIN != "00000000" {
				t.Errorf("IIN %q", o.IIN)
			}
		}},
		{dir: "cmd", cmd: "2002"},
		{dir: "reply", cmd: "2002", sw3: "90", ok: yes},
		{dir: "cmd", cmd: "3001"},
		{dir: "reply", cmd: "3001", sw3: "90", ok: yes, check: func(t *testing.T, o CaptureFrame) {
			c := o.Card
			if c == nil || c.Type != Resident || c.Name != "王喆" || c.Nation != "汉" || c.Gender != "男" ||
				c.IDNumber != "11010119880314001X" || !c.CheckDigitOK || c.ValidUntil != "20380601" {
				t.Errorf("card %+v", c)
			}
			if o.PhotoBytes != 1024 || !o.PhotoWL || o.Len != 1288 {
				t.Errorf("photo %d WL %v len %d", o.PhotoBytes, o.PhotoWL, o.Len)
			}
		}},
		{dir: "cmd", cmd: "3003"},
		{dir: "reply", cmd: "3003", sw3: "90", ok: yes, check: func(t *testing.T, o CaptureFrame) {
			if o.AppendedAddress != "上海市徐汇区示范路88弄3号201室" {
				t.Errorf("address %q", o.AppendedAddress)
			}
		}},
		{dir: "cmd", cmd: "3010"},
		{dir: "reply", cmd: "3010", sw3: "90", ok: yes, check: func(t *testing.T, o CaptureFrame) {
			if o.Card == nil || o.Card.Type != HKMOTW || o.Card.PassNumber != "H12345678" || o.FingerprintLen != 512 {
				t.Errorf("card %+v, fingerprint %d", o.Card, o.FingerprintLen)
			}
		}},
		{dir: "cmd", cmd: "3001"},
		{dir: "reply", cmd: "3001", sw3: "41", ok: no, status: "read"},
		{dir: "cmd", cmd: "2002"},
		{dir: "reply", error: "checksum"},
		{dir: "reply", error: "truncated"},
		{dir: "reply", sw3: "90", ok: yes, check: func(t *testing.T, o CaptureFrame) {
			if o.Card == nil || o.Card.CheckDigitOK || !strings.Contains(o.Warning, "check digit") {
				t.Errorf("bad check digit not flagged: %+v %q", o.Card, o.Warning)
			}
			if strings.Contains(o.Warning, "440305198706090045") {
				t.Errorf("warning reveals the number: %q", o.Warning)
			}
		}},
		{dir: "cmd", cmd: "6004"},
		{dir: "reply", cmd: "6004", sw3: "90", ok: yes},
		{dir: "cmd", cmd: "3003"},
		{dir: "reply", cmd: "3003", sw3: "91", ok: no, status: "absent"},
		{dir: "cmd", cmd: "7701", check: func(t *testing.T, o CaptureFrame) {
			if o.Warning == "" {
				t.Error("unknown command not flagged")
			}
		}},
		{dir: "reply", error: "truncated"},
	}
	for i, w := range wants {
		t.Run(fmt.Sprintf("%02d_%s_%s", i, w.dir, w.cmd), func(t *testing.T) {
			if i >= len(got) {
				t.Fatal("missing")
			}
			o := got[i]
			ok := ""
			if o.OK != nil {
				ok = fmt.Sprint(*o.OK)
			}
			if o.Dir != w.dir || o.Cmd != w.cmd || o.SW3 != w.sw3 || ok != w.ok ||
				!strings.Contains(o.Error, w.error) || (w.error == "") != (o.Error == "") ||
				!strings.Contains(o.Status, w.status) {
				t.Fatalf("got %s", lines[i])
			}
			if w.check != nil {
				w.check(t, o)
			}
		})
	}
	if len(got) != len(wants) {
		t.Errorf("%d objects, want %d", len(got), len(wants))
	}
}

func cmdSetBaudFrame(n byte) []byte { return (cmdSetBaud | Command(n)).Frame() }

func TestDecodeCaptureNothing(t *testing.T) {
	for _, in := range []string{"", "no hex here", "AA BB CC 00 11"} {
		var out bytes.Buffer
		if err := DecodeCapture(strings.NewReader(in), &out); !errors.Is(err, ErrNoFrames) || out.Len() != 0 {
			t.Errorf("%q: %v, output %q", in, err, out.String())
		}
	}
}

// FuzzDecodeCapture: any input gives only whole JSON objects, one a line,
// each with a direction, and never a panic.
func FuzzDecodeCapture(f *testing.F) {
	f.Add("AA AA AA 96 69 00 03 20 01 22\nAA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
	f.Add("rx: aaaaaa9669000400009094 junk 0x12 aa 00 aa aa 96 69 00 04 00 00 90 94")
	f.Add(hexdump("RX", EncodeReply(0, 0, 0x90, EncodeRead(CmdReadText, block(nil), []byte("WL"), nil)))[:900])
	f.Fuzz(func(t *testing.T, in string) {
		var out bytes.Buffer
		err := DecodeCapture(strings.NewReader(in), &out)
		if err != nil && !errors.Is(err, ErrNoFrames) {
			t.Fatalf("error %v", err)
		}
		sc := bufio.NewScanner(&out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var o CaptureFrame
			if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			switch o.Dir {
			case "cmd", "reply", "unknown":
			default:
				t.Fatalf("dir %q", o.Dir)
			}
		}
	})
}

// Other dump formats: hexdump -C (offsets and an ASCII column), C arrays,
// one long lower-case word.
func TestDecodeCaptureFormats(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cmds []string // dir:cmd:sw3 of each object
	}{
		{"hexdump -C", "00000000  aa aa aa 96 69 00 03 20  01 22 aa aa aa 96 69 00  |....i.. .\"....i.|\n" +
			"00000010  04 00 00 80 84                                    |.....|\n", []string{"cmd:2001:", "reply:2001:80"}},
		{"C array", "{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x02, 0x21};", []string{"cmd:2002:"}},
		{"one word", "aaaaaa9669000310ffecaaaaaa9669000400009094", []string{"cmd:10FF:", "reply:10FF:90"}},
		{"bytes split over lines with time stamps", "13:02:16.001 RX: AA AA AA\n13:02:16.002 RX: 96 69 00 04 00 00 80 84\n", []string{"reply::80"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := DecodeCapture(strings.NewReader(tt.in), &out); err != nil {
				t.Fatal(err)
			}
			var got []string
			sc := bufio.NewScanner(&out)
			for sc.Scan() {
				var o CaptureFrame
				if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
					t.Fatal(err)
				}
				got = append(got, o.Dir+":"+o.Cmd+":"+o.SW3)
			}
			if strings.Join(got, " ") != strings.Join(tt.cmds, " ") {
				t.Fatalf("got %v, want %v\n%s", got, tt.cmds, out.String())
			}
		})
	}
}
