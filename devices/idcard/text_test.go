package idcard

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

// block builds a 256-byte text block by hand from docs/protocols.md's offset
// tables (independent of the layouts table under test): all spaces, then
// each value at its offset as UTF-16LE.
func block(fields map[int]string) []byte {
	b := make([]byte, TextLen)
	for i := 0; i < len(b); i += 2 {
		b[i] = ' '
	}
	for off, s := range fields {
		for i, u := range utf16.Encode([]rune(s)) {
			binary.LittleEndian.PutUint16(b[off+2*i:], u)
		}
	}
	return b
}

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"11010519491231002X", true}, // GB 11643's own example (A.7)
		{"11010119880314001X", true},
		{"310104195007200029", true},
		{"810000199508120014", true},
		{"931724199002280229", true},
		{"110105194912310021", false}, // wrong check character
		{"11010519491231002x", false}, // lower-case x is not the check character
		{"1101051949123100", false},   // too short
		{"11010519491231A02X", false}, // a letter among the digits
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			err := CheckIDNumber(tt.id)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckIDNumber = %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				if !errors.Is(err, ErrCheckDigit) {
					t.Errorf("%v does not match ErrCheckDigit", err)
				}
				if len(tt.id) >= 15 && strings.Contains(err.Error(), tt.id[6:14]) {
					t.Errorf("error %q reveals the birth date", err)
				}
			}
		})
	}
	if c, ok := CheckDigit("11010519491231002"); !ok || c != 'X' {
		t.Fatalf("CheckDigit = %c %v, want X", c, ok)
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		text []byte
		want Card
		err  error
	}{
		{
			name: "resident (A.7)",
			text: block(map[int]string{
				0: "王喆", 30: "1", 32: "01", 36: "19880314", 52: "北京市东城区示例胡同12号院3号楼201室",
				122: "11010119880314001X", 158: "北京市公安局东城分局", 188: "20180601", 204: "20380601",
			}),
			want: Card{Type: Resident, Name: "王喆", Gender: "男", GenderCode: "1", Nation: "汉", NationCode: "01",
				Birth: "19880314", Address: "北京市东城区示例胡同12号院3号楼201室", IDNumber: "11010119880314001X",
				Authority: "北京市公安局东城分局", ValidFrom: "20180601", ValidUntil: "20380601", CheckDigitOK: true},
		},
		{
			name: "resident valid 长期, nation 98",
			text: block(map[int]string{
				0: "李秀英", 30: "2", 32: "98", 36: "19500720", 52: "上海市黄浦区样例路45弄6号",
				122: "310104195007200029", 158: "上海市公安局黄浦分局", 188: "20150301", 204: "长期",
			}),
			want: Card{Type: Resident, Name: "李秀英", Gender: "女", GenderCode: "2", Nation: "外国血统中国籍人士", NationCode: "98",
				Birth: "19500720", Address: "上海市黄浦区样例路45弄6号", IDNumber: "310104195007200029",
				Authority: "上海市公安局黄浦分局", ValidFrom: "20150301", ValidUntil: "长期", CheckDigitOK: true},
		},
		{
			name: "resident with a bad check digit",
			text: block(map[int]string{0: "陈小明", 30: "9", 32: "08", 122: "440305198706090045"}),
			want: Card{Type: Resident, Name: "陈小明", Gender: "未说明", GenderCode: "9", Nation: "壮", NationCode: "08",
				IDNumber: "440305198706090045", CheckDigitOK: false},
			err: ErrCheckDigit,
		},
		{
			name: "foreign 2017 (A.10 I)",
			text: block(map[int]string{
				0: "SMITH JOHN ALEXANDER", 120: "1", 122: "CAN310068040112", 152: "CAN", 158: "史密斯",
				188: "20190315", 204: "20290315", 220: "19680401", 236: "01", 240: "3100", 248: "I",
			}),
			want: Card{Type: Foreign2017, Name: "史密斯", NameEN: "SMITH JOHN ALEXANDER", Gender: "男", GenderCode: "1",
				Birth: "19680401", IDNumber: "CAN310068040112", ValidFrom: "20190315", ValidUntil: "20290315",
				Nationality: "CAN", CardVersion: "01", AgencyCode: "3100", CheckDigitOK: true},
		},
		{
			name: "foreign 2023 (A.10 Y), English name over both fields",
			text: block(map[int]string{
				0: "玛丽亚", 30: "2", 32: "01", 36: "19900228",
				52:  "GONZALEZ RODRIGUEZ MARIA FERNANDA I", // characters 1–35
				122: "931724199002280229", 188: "20230901", 204: "20330901",
				220: "SABELLA", // characters 36–46
				242: "ESP", 248: "Y", 250: "A01",
			}),
			want: Card{Type: Foreign2023, Name: "玛丽亚", NameEN: "GONZALEZ RODRIGUEZ MARIA FERNANDA ISABELLA", Gender: "女",
				GenderCode: "2", Birth: "19900228", IDNumber: "931724199002280229", ValidFrom: "20230901",
				ValidUntil: "20330901", Nationality: "ESP", RenewalCount: "01", PreviousIDRef: "A01", CheckDigitOK: true},
		},
		{
			name: "Hong Kong / Macao / Taiwan (A.10 J)",
			text: block(map[int]string{
				0: "陈家豪", 30: "1", 36: "19950812", 52: "广东省广州市天河区示例路200号", 122: "810000199508120014",
				158: "广州市公安局天河分局", 188: "20210310", 204: "20260310", 220: "H12345678", 238: "01", 248: "J",
			}),
			want: Card{Type: HKMOTW, Name: "陈家豪", Gender: "男", GenderCode: "1", Birth: "19950812",
				Address: "广东省广州市天河区示例路200号", IDNumber: "810000199508120014", Authority: "广州市公安局天河分局",
				ValidFrom: "20210310", ValidUntil: "20260310", PassNumber: "H12345678", IssueCount: "01", CheckDigitOK: true},
		},
		{
			name: "name outside the BMP and in the private-use area",
			text: block(map[int]string{0: "𠮷\ue000明", 30: "1", 32: "01", 122: "11010519491231002X"}),
			want: Card{Type: Resident, Name: "𠮷\ue000明", Gender: "男", GenderCode: "1", Nation: "汉", NationCode: "01",
				IDNumber: "11010519491231002X", CheckDigitOK: true},
		},
		{
			name: "unknown flag is a resident card; unknown codes stay codes",
			text: block(map[int]string{0: "张三", 30: "5", 32: "77", 122: "11010519491231002X", 248: "Q"}),
			want: Card{Type: Resident, Name: "张三", GenderCode: "5", NationCode: "77", IDNumber: "11010519491231002X", CheckDigitOK: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodeText(tt.text)
			if tt.err == nil && err != nil || tt.err != nil && !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if string(c.RawText) != string(tt.text) {
				t.Error("RawText is not the input")
			}
			c.RawText = nil
			if !reflect.DeepEqual(*c, tt.want) {
				t.Fatalf("card\n got %+v\nwant %+v", *c, tt.want)
			}
		})
	}
}

func TestDecodeTextOddInput(t *testing.T) {
	lone := block(map[int]string{122: "11010519491231002X"})
	binary.LittleEndian.PutUint16(lone[0:], 0xD842) // high surrogate without its pair
	tests := []struct {
		name string
		text []byte
		err  error
	}{
		{"empty", nil, ErrShortText},
		{"short", block(nil)[:100], ErrShortText},
		{"odd length", append(block(map[int]string{122: "11010519491231002X"}), 0x20), nil},
		{"all zero", make([]byte, TextLen), ErrCheckDigit},
		{"all FF", []byte(strings.Repeat("\xff", TextLen)), ErrCheckDigit},
		{"unpaired surrogate", lone, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodeText(tt.text)
			if c == nil {
				t.Fatal("nil card")
			}
			if tt.err == nil && err != nil || tt.err != nil && !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
		})
	}
	c, _ := DecodeText(lone)
	if c.Name != "\uFFFD" {
		t.Errorf("unpaired surrogate decoded as %q", c.Name)
	}
}

func TestNations(t *testing.T) {
	if len(Nations) != 58 {
		t.Fatalf("%d nations, want 56 + 97 + 98", len(Nations))
	}
	for code, name := range map[string]string{"01": "汉", "05": "维吾尔", "29": "柯尔克孜", "56": "基诺", "97": "其他"} {
		if Nations[code] != name {
			t.Errorf("Nations[%s] = %s, want %s", code, Nations[code], name)
		}
	}
}

// randomCard makes a card of type t whose fields fit their layout.
func randomCard(rng *rand.Rand, t CardType) *Card {
	// str returns up to max UTF-16 units from alphabet, no trailing space
	// (the padding is not part of a value).
	str := func(alphabet []rune, max int) string {
		n := rng.IntN(max + 1)
		var r []rune
		for units := 0; ; {
			c := alphabet[rng.IntN(len(alphabet))]
			units += utf16.RuneLen(c)
			if units > n {
				break
			}
			r = append(r, c)
		}
		return strings.TrimRight(string(r), " ")
	}
	digits := []rune("0123456789")
	han := []rune("王李张刘陈杨赵黄周吴喆堃䶮𠮷明华国庆路号市区县省街道 0123456789")
	latin := []rune("ABCDEFGHIJKLMNOPQRSTUVWXYZ ,-")
	id := func() string {
		s := ""
		for len(s) < 17 {
			s += string(digits[rng.IntN(10)])
		}
		c, _ := CheckDigit(s)
		return s + string(c)
	}
	gc := []string{"0", "1", "2", "9"}[rng.IntN(4)]
	c := &Card{Type: t, GenderCode: gc, Gender: Genders[gc], Birth: str(digits, 8),
		ValidFrom: str(digits, 8), ValidUntil: str(digits, 8), CheckDigitOK: true}
	if rng.IntN(4) == 0 {
		c.ValidUntil = Indefinite
	}
	switch t {
	case Resident, HKMOTW:
		c.Name, c.Address, c.Authority = str(han, 15), str(han, 35), str(han, 15)
		c.IDNumber = id()
		if t == Resident {
			codes := []string{"01", "11", "56", "97", "98"}
			c.NationCode = codes[rng.IntN(len(codes))]
			c.Nation = Nations[c.NationCode]
		} else {
			c.PassNumber, c.IssueCount = str(latin[:26], 9), str(digits, 2)
		}
	case Foreign2017:
		c.NameEN, c.Name = str(latin, 60), str(han, 15)
		c.IDNumber = str(latin[:26], 3) + str(digits, 12)
		c.Nationality, c.CardVersion, c.AgencyCode = str(latin[:26], 3), str(digits, 2), str(digits, 4)
	case Foreign2023:
		c.Name, c.NameEN = str(han, 15), str(latin, 46)
		c.IDNumber = id()
		c.Nationality, c.RenewalCount, c.PreviousIDRef = str(latin[:26], 3), str(digits, 2), str(latin, 3)
	}
	return c
}

// EncodeText and DecodeText are inverses for every layout.
func TestTextRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, ct := range []CardType{Resident, Foreign2017, Foreign2023, HKMOTW} {
		t.Run(string(ct), func(t *testing.T) {
			for i := range 500 {
				want := randomCard(rng, ct)
				text, err := EncodeText(want)
				if err != nil {
					t.Fatalf("case %d: EncodeText: %v", i, err)
				}
				if len(text) != TextLen || TypeOf(text) != ct {
					t.Fatalf("case %d: %d bytes, type %s", i, len(text), TypeOf(text))
				}
				got, err := DecodeText(text)
				if err != nil {
					t.Fatalf("case %d: DecodeText: %v", i, err)
				}
				got.RawText = nil
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("case %d:\n got %+v\nwant %+v", i, got, want)
				}
			}
		})
	}
}

func TestEncodeTextErrors(t *testing.T) {
	tests := []struct {
		name string
		card Card
	}{
		{"unknown type", Card{Type: "passport"}},
		{"name too long", Card{Type: Resident, Name: strings.Repeat("王", 16)}},
		{"English name too long", Card{Type: Foreign2023, NameEN: strings.Repeat("A", 47)}},
		{"pass number too long", Card{Type: HKMOTW, PassNumber: "H1234567890"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := EncodeText(&tt.card); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestSAMID(t *testing.T) {
	raw := h("05 00 01 00 05 25 35 01 39 30 00 00 B1 68 DE 3A")
	id, err := ParseSAMID(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := id.String(), "05.01-20260101-0000012345-0987654321"; got != want {
		t.Errorf("String = %s, want %s", got, want)
	}
	if id.Hex() != "05 00 01 00 05 25 35 01 39 30 00 00 B1 68 DE 3A" {
		t.Errorf("Hex = %s", id.Hex())
	}
	if _, err := ParseSAMID(raw[:15]); !errors.Is(err, ErrPayload) {
		t.Errorf("15 bytes: %v", err)
	}
}

// FuzzDecodeText: any bytes decode without a panic into a card whose type
// follows the flag at 248, and a card that decodes cleanly encodes back to
// the same fields.
func FuzzDecodeText(f *testing.F) {
	f.Add(block(map[int]string{0: "王喆", 30: "1", 32: "01", 122: "11010119880314001X", 204: "长期"}))
	f.Add(block(map[int]string{0: "SMITH JOHN", 120: "1", 122: "CAN310068040112", 248: "I"}))
	f.Add(block(map[int]string{0: "玛丽亚", 52: "GONZALEZ", 122: "931724199002280229", 248: "Y"}))
	f.Add(block(map[int]string{0: "陈家豪", 122: "810000199508120014", 220: "H12345678", 248: "J"}))
	f.Add([]byte{0x00, 0xD8, 0x20})
	f.Fuzz(func(t *testing.T, text []byte) {
		c, err := DecodeText(text)
		if c == nil {
			t.Fatal("nil card")
		}
		if c.Type != TypeOf(text) {
			t.Fatalf("type %s, flag says %s", c.Type, TypeOf(text))
		}
		if c.CheckDigitOK == errors.Is(err, ErrCheckDigit) {
			t.Fatalf("CheckDigitOK %v with err %v", c.CheckDigitOK, err)
		}
		if err != nil || strings.ContainsRune(c.Name+c.NameEN+c.Address, '\uFFFD') {
			return
		}
		// Codes and flags outside the tables do not survive: compare the
		// decoded fields after a round trip instead of the bytes.
		re, err := EncodeText(c)
		if err != nil {
			t.Fatalf("EncodeText of a decoded card: %v", err)
		}
		c2, _ := DecodeText(re)
		c.RawText, c2.RawText = nil, nil
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("round trip\n got %+v\nwant %+v", c2, c)
		}
	})
}

func BenchmarkDecodeText(b *testing.B) {
	text := block(map[int]string{
		0: "王喆", 30: "1", 32: "01", 36: "19880314", 52: "北京市东城区示例胡同12号院3号楼201室",
		122: "11010119880314001X", 158: "北京市公安局东城分局", 188: "20180601", 204: "20380601",
	})
	for b.Loop() {
		if _, err := DecodeText(text); err != nil {
			b.Fatal(err)
		}
	}
}
