package escpos

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

// hexBytes parses "1D 28 6B" into bytes, so expectations read like the
// tables of docs/protocols.md.
func hexBytes(t testing.TB, s string) []byte {
	t.Helper()
	var out []byte
	for _, f := range strings.Fields(s) {
		var b byte
		for _, c := range f {
			b <<= 4
			switch {
			case c >= '0' && c <= '9':
				b |= byte(c - '0')
			case c >= 'A' && c <= 'F':
				b |= byte(c-'A') + 10
			default:
				t.Fatalf("bad hex %q", f)
			}
		}
		out = append(out, b)
	}
	return out
}

// TestBuilderCommands checks every builder command byte for byte against
// the tables of docs/protocols.md B.2–B.5.
func TestBuilderCommands(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *Builder)
		want  string
	}{
		{"init ESC @ then FS &", func(b *Builder) { b.Init() }, "1B 40 1C 26"},
		{"align left", func(b *Builder) { b.Align(Left) }, "1B 61 00"},
		{"align center", func(b *Builder) { b.Align(Center) }, "1B 61 01"},
		{"align right", func(b *Builder) { b.Align(Right) }, "1B 61 02"},
		{"align out of range is left", func(b *Builder) { b.Align(7) }, "1B 61 00"},
		{"bold on", func(b *Builder) { b.Bold(true) }, "1B 45 01"},
		{"bold off", func(b *Builder) { b.Bold(false) }, "1B 45 00"},
		{"underline off", func(b *Builder) { b.Underline(0) }, "1B 2D 00"},
		{"underline 1 dot", func(b *Builder) { b.Underline(1) }, "1B 2D 01"},
		{"underline 2 dots", func(b *Builder) { b.Underline(2) }, "1B 2D 02"},
		{"underline clamps", func(b *Builder) { b.Underline(5) }, "1B 2D 02"},
		{"size 1x1", func(b *Builder) { b.Size(1, 1) }, "1D 21 00"},
		{"size 2x2 (B.2 example)", func(b *Builder) { b.Size(2, 2) }, "1D 21 11"},
		{"size 4x4", func(b *Builder) { b.Size(4, 4) }, "1D 21 33"},
		{"size 2 wide 1 high", func(b *Builder) { b.Size(2, 1) }, "1D 21 10"},
		{"size 1 wide 2 high", func(b *Builder) { b.Size(1, 2) }, "1D 21 01"},
		{"size 8x8", func(b *Builder) { b.Size(8, 8) }, "1D 21 77"},
		{"size clamps 0 and 9", func(b *Builder) { b.Size(0, 9) }, "1D 21 07"},
		{"chinese mode on", func(b *Builder) { b.ChineseMode(true) }, "1C 26"},
		{"chinese mode off", func(b *Builder) { b.ChineseMode(false) }, "1C 2E"},
		{"text 中文 (B.3)", func(b *Builder) { b.Text("中文") }, "D6 D0 CE C4"},
		{"text 欢迎光临 (B.3)", func(b *Builder) { b.Text("欢迎光临") }, "BB B6 D3 AD B9 E2 C1 D9"},
		{"yen becomes full-width (B.3)", func(b *Builder) { b.Text("¥") }, "A3 A4"},
		{"euro is 2-byte GB18030 (B.3)", func(b *Builder) { b.Text("€") }, "A2 E3"},
		{"䶮 (B.3)", func(b *Builder) { b.Text("䶮") }, "FE 9F"},
		{"4-byte U+20000 replaced by □", func(b *Builder) { b.Text("𠀀") }, "A1 F5"},
		{"ascii", func(b *Builder) { b.Text("A1") }, "41 31"},
		{"line", func(b *Builder) { b.Line("A") }, "41 0A"},
		{"LF", func(b *Builder) { b.LF() }, "0A"},
		{"feed lines", func(b *Builder) { b.Feed(3) }, "1B 64 03"},
		{"feed dots", func(b *Builder) { b.FeedDots(12) }, "1B 4A 0C"},
		{"line spacing", func(b *Builder) { b.LineSpacing(24) }, "1B 33 18"},
		{"default line spacing", func(b *Builder) { b.DefaultLineSpacing() }, "1B 32"},
		{"QR example of B.4", func(b *Builder) { b.QR("https://example.com", LevelM, 6) },
			"1D 28 6B 04 00 31 41 32 00 1D 28 6B 03 00 31 43 06 1D 28 6B 03 00 31 45 31 1D 28 6B 16 00 31 50 30 " +
				"68 74 74 70 73 3A 2F 2F 65 78 61 6D 70 6C 65 2E 63 6F 6D 1D 28 6B 03 00 31 51 30"},
		{"QR level L size 1", func(b *Builder) { b.QR("1", LevelL, 1) },
			"1D 28 6B 04 00 31 41 32 00 1D 28 6B 03 00 31 43 01 1D 28 6B 03 00 31 45 30 1D 28 6B 04 00 31 50 30 31 1D 28 6B 03 00 31 51 30"},
		{"QR level H size clamps to 16", func(b *Builder) { b.QR("1", LevelH, 40) },
			"1D 28 6B 04 00 31 41 32 00 1D 28 6B 03 00 31 43 10 1D 28 6B 03 00 31 45 33 1D 28 6B 04 00 31 50 30 31 1D 28 6B 03 00 31 51 30"},
		{"QR level Q", func(b *Builder) { b.QR("1", LevelQ, 3) },
			"1D 28 6B 04 00 31 41 32 00 1D 28 6B 03 00 31 43 03 1D 28 6B 03 00 31 45 32 1D 28 6B 04 00 31 50 30 31 1D 28 6B 03 00 31 51 30"},
		{"barcode height", func(b *Builder) { b.BarcodeHeight(80) }, "1D 68 50"},
		{"barcode height clamps to 1", func(b *Builder) { b.BarcodeHeight(0) }, "1D 68 01"},
		{"barcode width", func(b *Builder) { b.BarcodeWidth(2) }, "1D 77 02"},
		{"barcode width clamps to 6", func(b *Builder) { b.BarcodeWidth(9) }, "1D 77 06"},
		{"HRI none", func(b *Builder) { b.HRI(HRINone) }, "1D 48 00"},
		{"HRI above", func(b *Builder) { b.HRI(HRIAbove) }, "1D 48 01"},
		{"HRI below", func(b *Builder) { b.HRI(HRIBelow) }, "1D 48 02"},
		{"HRI both", func(b *Builder) { b.HRI(HRIBoth) }, "1D 48 03"},
		{"HRI font B", func(b *Builder) { b.HRIFont(1) }, "1D 66 01"},
		{"CODE128 set B", func(b *Builder) { b.Code128("ABC-12") }, "1D 6B 49 08 7B 42 41 42 43 2D 31 32"},
		{"CODE128 set C, values per digit pair", func(b *Builder) { b.Code128("123456") }, "1D 6B 49 05 7B 43 0C 22 38"},
		{"CODE128 odd digits use set B", func(b *Builder) { b.Code128("123") }, "1D 6B 49 05 7B 42 31 32 33"},
		{"CODE128 brace escaped", func(b *Builder) { b.Code128("a{b") }, "1D 6B 49 06 7B 42 61 7B 7B 62"},
		{"full cut", func(b *Builder) { b.Cut(Full) }, "1D 56 00"},
		{"partial cut", func(b *Builder) { b.Cut(Partial) }, "1D 56 01"},
		{"feed and full cut", func(b *Builder) { b.FeedCut(Full, 10) }, "1D 56 41 0A"},
		{"feed and partial cut", func(b *Builder) { b.FeedCut(Partial, 0) }, "1D 56 42 00"},
		{"raw", func(b *Builder) { b.Raw(1, 2, 3) }, "01 02 03"},
		{"chained", func(b *Builder) { b.Init().Align(Center).Size(2, 2).Text("中").Cut(Partial) },
			"1B 40 1C 26 1B 61 01 1D 21 11 D6 D0 1D 56 01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBuilder()
			tt.build(b)
			want := hexBytes(t, tt.want)
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("got  % X\nwant % X", b.Bytes(), want)
			}
			if tt.name != "4-byte U+20000 replaced by □" && len(b.Replaced()) != 0 {
				t.Errorf("unexpected replacements %q", b.Replaced())
			}
			if b.Err() != nil {
				t.Errorf("Err = %v", b.Err())
			}
		})
	}
}

func TestStatusQueryCommand(t *testing.T) {
	for n := StatusPrinter; n <= StatusPaper; n++ {
		t.Run(n.String(), func(t *testing.T) {
			if got := StatusQueryCommand(n); !bytes.Equal(got, []byte{0x10, 0x04, byte(n)}) {
				t.Errorf("got % X", got)
			}
		})
	}
}

func TestBuilderDataErrors(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *Builder)
		want  error
	}{
		{"empty QR", func(b *Builder) { b.QR("", LevelM, 6) }, ErrQRData},
		{"QR over capacity at H", func(b *Builder) { b.QR(strings.Repeat("x", 1274), LevelH, 6) }, ErrQRData},
		{"empty barcode", func(b *Builder) { b.Code128("") }, ErrBarcodeData},
		{"non-ASCII barcode", func(b *Builder) { b.Code128("编号1") }, ErrBarcodeData},
		{"control byte in barcode", func(b *Builder) { b.Code128("a\x1bb") }, ErrBarcodeData},
		{"barcode too long", func(b *Builder) { b.Code128(strings.Repeat("x", 300)) }, ErrBarcodeData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBuilder()
			tt.build(b)
			if !errors.Is(b.Err(), tt.want) {
				t.Fatalf("Err = %v, want %v", b.Err(), tt.want)
			}
			if b.Len() != 0 {
				t.Errorf("emitted % X for bad data", b.Bytes())
			}
			// The first error sticks; later good commands still append.
			b.Line("ok")
			if !errors.Is(b.Err(), tt.want) || !bytes.Equal(b.Bytes(), []byte("ok\n")) {
				t.Errorf("after a good command: Err %v, bytes % X", b.Err(), b.Bytes())
			}
		})
	}
}

func TestEncodeText(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string // hex
		replaced []rune
	}{
		{"ascii", "A023", "41 30 32 33", nil},
		{"newline kept", "a\nb", "61 0A 62", nil},
		{"tab to space, CR dropped", "a\tb\r\n", "61 20 62 0A", nil},
		{"ESC is never sent", "a\x1bb", "61 3F 62", []rune{0x1B}},
		{"DLE is never sent", "\x10\x04\x01", "3F 3F 3F", []rune{0x10, 0x04, 0x01}},
		{"DEL", "\x7f", "3F", []rune{0x7F}},
		{"invalid UTF-8", "a\xffb", "61 3F 62", []rune{0xFFFD}},
		{"pinyin vowels are 2-byte", "ǎü", "A8 A3 A8 B9", nil},
		{"umlaut o drops its accent", "ö", "6F", nil},
		{"n tilde", "ñ", "6E", nil},
		{"c cedilla", "ç", "63", nil},
		{"no look-alike: narrow ?", "Ø", "3F", []rune{'Ø'}},
		{"no look-alike: wide □", "𠀀x", "A1 F5 78", []rune{0x20000}},
		{"emoji", "🙂", "A1 F5", []rune{0x1F642}},
		{"bullet", "•", "A1 A4", nil},
		{"no-break space", "1\u00a02", "31 20 32", nil},
		{"zero-width space dropped", "1\u200b2", "31 32", nil},
		{"registered", "®", "28 52 29", nil},
		{"check mark", "✓", "A1 CC", nil},
		{"full-width question mark stays", "？", "A3 BF", nil},
		{"private use", "\ue000", "3F", []rune{0xE000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, rep := EncodeText(tt.in)
			if want := hexBytes(t, tt.want); !bytes.Equal(out, want) {
				t.Errorf("got % X, want % X", out, want)
			}
			if !slices.Equal(rep, tt.replaced) {
				t.Errorf("replaced %q, want %q", rep, tt.replaced)
			}
		})
	}
}

// TestEncodeTextNeverSendsFourByteCodes walks the whole BMP: every output
// is ASCII or a 2-byte code that decodes back.
func TestEncodeTextNeverSendsFourByteCodes(t *testing.T) {
	for r := rune(0x80); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		out, rep := EncodeText(string(r))
		if err := checkPrintable(out); err != nil {
			t.Fatalf("%U: %v (% X)", r, err, out)
		}
		if _, ok := baseLetter(r); ok {
			continue
		}
		if len(rep) == 0 && len(out) == 2 && out[0] >= 0x81 {
			if got, ok := decodeGB2(out[0], out[1]); !ok || (got != r && substitutes[r] == "") {
				t.Fatalf("%U encodes to % X which decodes to %U", r, out, got)
			}
		}
	}
}

// checkPrintable verifies that p holds only printable ASCII, LF and
// 2-byte GB18030 codes.
func checkPrintable(p []byte) error {
	for i := 0; i < len(p); i++ {
		b := p[i]
		switch {
		case b == '\n' || (b >= 0x20 && b < 0x7F):
		case b >= 0x81 && b <= 0xFE && i+1 < len(p):
			if _, ok := decodeGB2(b, p[i+1]); !ok {
				return errors.New("not a printable 2-byte code")
			}
			i++
		default:
			return errors.New("control or 4-byte code")
		}
	}
	return nil
}

func TestTextWidth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"A023", 4},
		{"中文", 4},
		{"3-5号窗口", 9},
		{"¥1", 3},     // ￥ is 2-byte
		{"·", 2},      // GB symbols print in a full cell
		{"ö", 1},      // becomes o
		{"𠀀", 2},      // □
		{"a\nb", 2},   // LF takes no column
		{"®", 3},      // (R)
		{"\u200b", 0}, // dropped
		{"Ø", 1},      // ?
		{"\x1b", 1},   // ?
		{"", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := TextWidth(tt.in); got != tt.want {
				t.Errorf("TextWidth(%q) = %d, want %d", tt.in, got, tt.want)
			}
			out, _ := EncodeText(tt.in)
			if n := len(bytes.ReplaceAll(out, []byte("\n"), nil)); n != tt.want {
				t.Errorf("encoded to %d bytes, width says %d", n, tt.want)
			}
		})
	}
}
