package escpos

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// gbMaps holds the 2-byte part of GB18030 both ways. Chinese printers only
// print the 2-byte part (docs/protocols.md B.3), so enc is the whole printable
// repertoire: enc[r] is the code of BMP rune r (first byte high), 0 when it
// has none; dec[gbIndex(b1, b2)] is the rune of a 2-byte code, 0 when none.
// Both are built by decoding every 2-byte code once with x/text, which also
// guarantees that what we send decodes back to the same rune.
type gbMaps struct {
	enc [0x10000]uint16
	dec [126 * 191]uint16
}

// gbIndex maps a first byte 0x81–0xFE and a second byte 0x40–0xFE to an
// index into gbMaps.dec, or -1.
func gbIndex(b1, b2 byte) int {
	if b1 < 0x81 || b1 > 0xFE || b2 < 0x40 || b2 > 0xFE || b2 == 0x7F {
		return -1
	}
	return int(b1-0x81)*191 + int(b2-0x40)
}

var gbTables = sync.OnceValue(func() *gbMaps {
	t := new(gbMaps)
	dec := simplifiedchinese.GB18030.NewDecoder()
	var src [2]byte
	var dst [8]byte
	for b1 := 0x81; b1 <= 0xFE; b1++ {
		for b2 := 0x40; b2 <= 0xFE; b2++ {
			if b2 == 0x7F {
				continue
			}
			src[0], src[1] = byte(b1), byte(b2)
			dec.Reset()
			n, _, err := dec.Transform(dst[:], src[:], true)
			if err != nil {
				continue
			}
			r, size := utf8.DecodeRune(dst[:n])
			if size != n || r == utf8.RuneError || r >= 0x10000 {
				continue
			}
			// User-defined areas decode to the Private Use Area; printer
			// fonts have nothing there.
			if r >= 0xE000 && r <= 0xF8FF {
				continue
			}
			t.dec[gbIndex(byte(b1), byte(b2))] = uint16(r)
			if t.enc[r] == 0 {
				t.enc[r] = uint16(b1)<<8 | uint16(b2)
			}
		}
	}
	return t
})

// decodeGB2 returns the rune of the 2-byte GB18030 code b1 b2, or false.
func decodeGB2(b1, b2 byte) (rune, bool) {
	i := gbIndex(b1, b2)
	if i < 0 {
		return 0, false
	}
	r := gbTables().dec[i]
	return rune(r), r != 0
}

// substitutes are printable stand-ins for common characters that have no
// 2-byte GB18030 code (docs/protocols.md B.3: ¥ U+00A5 is 4-byte, ￥ U+FFE5 is A3 A4).
// They read the same to a citizen, so they are not reported as replacements.
var substitutes = map[rune]string{
	'¥': "￥", '¢': "￠", '£': "￡",
	'•': "·", '・': "·", '‧': "·", '∙': "·",
	'−': "-", '‐': "-", '‑': "-", '‒': "-",
	'®': "(R)", '©': "(C)", '™': "TM",
	'✓': "√", '✔': "√", '✗': "×", '✘': "×",
	'\u00A0': " ", '\u2002': " ", '\u2003': " ", '\u2004': " ", '\u2005': " ",
	'\u2006': " ", '\u2007': " ", '\u2008': " ", '\u2009': " ", '\u200A': " ",
	'\u202F': " ", '\u205F': " ", '\t': " ",
	// Invisible characters are dropped: they print nothing on any device.
	'\u200B': "", '\u200C': "", '\u200D': "", '\u2060': "", '\uFEFF': "", '\r': "",
}

// Replacement glyphs: a wide character that cannot be printed becomes □
// (GB18030 A1 F5) so the line keeps its width, a narrow one becomes ?.
var (
	replaceWide   = []byte{0xA1, 0xF5}
	replaceNarrow = []byte{'?'}
)

// gbCode returns the printable bytes for r: one ASCII byte, or a 2-byte
// GB18030 code; ok is false when the printer cannot print r.
func gbCode(r rune) (code [2]byte, n int, ok bool) {
	if r < 0x80 {
		// Control characters would be taken as commands (ESC, DLE, GS …).
		if r < 0x20 && r != '\n' || r == 0x7F {
			return code, 0, false
		}
		return [2]byte{byte(r)}, 1, true
	}
	if r >= 0x10000 {
		return code, 0, false
	}
	c := gbTables().enc[r]
	if c == 0 {
		return code, 0, false
	}
	return [2]byte{byte(c >> 8), byte(c)}, 2, true
}

// EncodeText converts s to the bytes a Chinese ESC/POS printer prints in
// Chinese mode: ASCII as is and everything else as 2-byte GB18030
// (docs/protocols.md B.3). Characters whose GB18030 code would be 4 bytes (first
// byte 0x81–0xFE, second 0x30–0x39; clones print those as garbage), invalid
// UTF-8 and control characters other than '\n' are never sent: a common
// look-alike is used where one exists (¥ → ￥, • → ·, ö → o), otherwise the
// character is replaced visibly by □ (wide) or ? (narrow) and returned in
// replaced, in order.
func EncodeText(s string) (out []byte, replaced []rune) {
	out = make([]byte, 0, len(s))
	return appendText(out, s, &replaced), replaced
}

func appendText(out []byte, s string, replaced *[]rune) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size <= 1 {
			*replaced = append(*replaced, r)
			out = append(out, replaceNarrow...)
			continue
		}
		if code, n, ok := gbCode(r); ok {
			out = append(out, code[:n]...)
			continue
		}
		if sub, ok := substitutes[r]; ok {
			out = appendText(out, sub, replaced)
			continue
		}
		if base, ok := baseLetter(r); ok {
			out = append(out, base...)
			continue
		}
		*replaced = append(*replaced, r)
		if isWide(r) {
			out = append(out, replaceWide...)
		} else {
			out = append(out, replaceNarrow...)
		}
	}
	return out
}

// baseLetter strips diacritics from a Latin letter that GB18030 has only as
// a 4-byte code (ö, ñ, ç …); GB2312 already has the pinyin vowels (é, ǎ, ü).
func baseLetter(r rune) (string, bool) {
	if !unicode.IsLetter(r) || r >= 0x2000 {
		return "", false
	}
	var out []byte
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		code, n, ok := gbCode(d)
		if !ok {
			return "", false
		}
		out = append(out, code[:n]...)
	}
	if len(out) == 0 {
		return "", false
	}
	return string(out), true
}

func isWide(r rune) bool {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return true
	}
	// Supplementary ideographs (CJK Extension B and later) are wide even
	// where the width table has no entry.
	return r >= 0x20000 && r <= 0x3FFFD
}

// TextWidth is the number of print columns s takes in Chinese mode at
// normal size: 1 for each ASCII byte and 2 for each 2-byte GB18030
// character, exactly as the printer's 12×24 and 24×24 cells are laid out
// (docs/protocols.md B.3). Replacements are counted at the width they print.
func TextWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

// runeWidth returns the columns r takes once encoded by EncodeText.
func runeWidth(r rune) int {
	if _, n, ok := gbCode(r); ok {
		if r == '\n' {
			return 0
		}
		return n
	}
	if sub, ok := substitutes[r]; ok {
		return TextWidth(sub)
	}
	if base, ok := baseLetter(r); ok {
		return len(base)
	}
	if isWide(r) {
		return 2
	}
	return 1
}
