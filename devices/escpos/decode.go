package escpos

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// defaultLineSpacing is the ESC 2 spacing in dots (1/6 inch at 203 dpi is
// ~34 dots; Epson 80 mm models and the clones use 30).
const defaultLineSpacing = 30

// Decode parses an ESC/POS stream into a Document: text runs (GB18030 in
// Chinese mode) with their style, feeds, cuts, QR codes, barcodes, raster
// images, status queries, and every other command of docs/protocols.md B.2 as a
// KindCommand item. Unknown, malformed and truncated commands become
// KindUnknown items and are listed in Document.Problems; the returned error
// joins them (nil when the stream was clean). Decode never panics and
// always returns a Document.
func Decode(data []byte) (*Document, error) {
	d := &decoder{data: data, style: DefaultStyle(), spacing: defaultLineSpacing,
		qrModel: 2, qrSize: 3, qrLevel: LevelL, bcHeight: 162, bcWidth: 3}
	d.run()
	return &d.doc, d.doc.Err()
}

type decoder struct {
	data []byte
	pos  int
	doc  Document

	style   Style
	spacing int

	// text run being collected
	text      strings.Builder
	textStart int

	// GS ( k QR state (docs/protocols.md B.4): settings persist until ESC @.
	qrModel, qrSize int
	qrLevel         QRLevel
	qrData          []byte

	bcHeight, bcWidth int
	hri               HRIPosition
	hriFontB          bool
}

func (d *decoder) run() {
	for d.pos < len(d.data) {
		b := d.data[d.pos]
		switch {
		case b == esc:
			d.flushText()
			d.escape()
		case b == gs:
			d.flushText()
			d.groupSep()
		case b == fs:
			d.flushText()
			d.fileSep()
		case b == dle:
			d.flushText()
			d.dataLinkEscape()
		case b == lf:
			d.flushText()
			d.add(Item{Kind: KindNewline, Name: "LF", Lines: 1}, d.pos, d.pos+1)
			d.pos++
		case b == '\r':
			// CR is ignored when auto line feed is off, the default.
			d.flushText()
			d.add(Item{Kind: KindCommand, Name: "CR"}, d.pos, d.pos+1)
			d.pos++
		case b == '\t':
			d.appendRune(' ', 1)
		case b == 0x0C:
			// FF in standard mode prints and feeds like LF.
			d.flushText()
			d.add(Item{Kind: KindNewline, Name: "FF", Lines: 1}, d.pos, d.pos+1)
			d.pos++
		case b == 0x18 || b == 0x00:
			// CAN (page mode) and NUL padding print nothing.
			d.flushText()
			d.add(Item{Kind: KindCommand, Name: fmt.Sprintf("%02X", b)}, d.pos, d.pos+1)
			d.pos++
		case b < 0x20 || b == 0x7F:
			d.flushText()
			d.unknown(d.pos, 1, fmt.Sprintf("%02X", b), ErrUnknownCommand, "control byte")
		default:
			d.textByte()
		}
	}
	d.flushText()
}

// add appends an item spanning data[from:to] with the current style.
func (d *decoder) add(it Item, from, to int) {
	it.Offset, it.End = from, to
	it.Style = d.style
	it.LineSpacing = d.spacing
	d.doc.Items = append(d.doc.Items, it)
}

func (d *decoder) problem(at int, cmd string, err error, msg string) {
	d.doc.Problems = append(d.doc.Problems, &DecodeError{Offset: at, Command: cmd, Err: err, Msg: msg})
}

// unknown records n bytes at at as a KindUnknown item and moves past them.
func (d *decoder) unknown(at, n int, name string, err error, msg string) {
	end := min(at+n, len(d.data))
	d.problem(at, name, err, msg)
	d.add(Item{Kind: KindUnknown, Name: name, Args: d.data[at:end], Note: err.Error() + ": " + msg}, at, end)
	d.pos = end
}

// truncated records everything from at to the end as an unfinished command.
func (d *decoder) truncated(at int, name, msg string) {
	d.unknown(at, len(d.data)-at, name, ErrTruncated, msg)
}

// ---- text ----

func (d *decoder) appendRune(r rune, n int) {
	if d.text.Len() == 0 {
		d.textStart = d.pos
	}
	d.text.WriteRune(r)
	d.pos += n
}

func (d *decoder) flushText() {
	if d.text.Len() == 0 {
		return
	}
	d.add(Item{Kind: KindText, Name: "text", Text: d.text.String()}, d.textStart, d.pos)
	d.text.Reset()
}

func (d *decoder) textByte() {
	b := d.data[d.pos]
	if b < 0x80 {
		d.appendRune(rune(b), 1)
		return
	}
	if !d.style.Chinese {
		d.appendRune(codePageRune(d.style.CodePage, b), 1)
		return
	}
	// Chinese mode: GB18030 (docs/protocols.md B.3).
	if b == 0x80 || b == 0xFF {
		d.flushText()
		d.unknown(d.pos, 1, fmt.Sprintf("%02X", b), ErrMalformed, "not a GB18030 lead byte")
		return
	}
	if d.pos+1 >= len(d.data) {
		d.flushText()
		d.truncated(d.pos, "GB18030", "first byte of a 2-byte character at the end")
		return
	}
	b2 := d.data[d.pos+1]
	if b2 >= 0x30 && b2 <= 0x39 {
		// A 4-byte GB18030 sequence: most clones print garbage for it.
		if d.pos+3 >= len(d.data) {
			d.flushText()
			d.truncated(d.pos, "GB18030", "4-byte character at the end")
			return
		}
		at := d.pos
		q := d.data[at : at+4]
		if q[2] < 0x81 || q[2] > 0xFE || q[3] < 0x30 || q[3] > 0x39 {
			d.problem(at, "GB18030", ErrMalformed, fmt.Sprintf("bad 4-byte code % X", q))
			d.appendRune(utf8.RuneError, 1)
			return
		}
		r := decode4(q)
		d.problem(at, "GB18030", ErrMalformed, fmt.Sprintf("4-byte code % X (%q): most Chinese printers print garbage", q, r))
		d.appendRune(r, 4)
		return
	}
	if r, ok := decodeGB2(b, b2); ok {
		d.appendRune(r, 2)
		return
	}
	if b2 < 0x40 {
		// Not a trail byte (it may be a command): only the lead byte is bad.
		d.problem(d.pos, "GB18030", ErrMalformed, fmt.Sprintf("lead byte %02X without a trail byte", b))
		d.appendRune(utf8.RuneError, 1)
		return
	}
	d.problem(d.pos, "GB18030", ErrMalformed, fmt.Sprintf("no character at % X", d.data[d.pos:d.pos+2]))
	d.appendRune(utf8.RuneError, 2)
}

func decode4(p []byte) rune {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(p)
	if err != nil {
		return utf8.RuneError
	}
	r, _ := utf8.DecodeRune(out)
	return r
}

func codePageRune(page, b byte) rune {
	var cm encoding.Encoding = charmap.CodePage437
	switch page {
	case 2:
		cm = charmap.CodePage850
	case 16:
		cm = charmap.Windows1252
	case 17:
		cm = charmap.CodePage866
	case 19:
		cm = charmap.CodePage858
	}
	out, err := cm.NewDecoder().Bytes([]byte{b})
	if err != nil {
		return utf8.RuneError
	}
	r, _ := utf8.DecodeRune(out)
	return r
}

// ---- helpers for commands ----

// args returns n bytes after a command of length skip at d.pos, or false
// (and records a truncated command) when the stream ends first.
func (d *decoder) args(name string, skip, n int) ([]byte, bool) {
	if d.pos+skip+n > len(d.data) {
		d.truncated(d.pos, name, fmt.Sprintf("needs %d parameter bytes", n))
		return nil, false
	}
	return d.data[d.pos+skip : d.pos+skip+n], true
}

// command records a KindCommand of skip mnemonic bytes and n parameters;
// it returns the parameters.
// fixed decodes command c of a fixed parameter count, looked up in table
// (escFixed or gsFixed), and returns its parameters and its item for the
// caller to apply.
func (d *decoder) fixed(at int, name string, table map[byte]int, c byte) ([]byte, *Item, bool) {
	n, known := table[c]
	if !known {
		d.unknown(at, 2, name, ErrUnknownCommand, "parameters, if any, will print as text")
		return nil, nil, false
	}
	a, ok := d.command(name, 2, n)
	if !ok {
		return nil, nil, false
	}
	return a, &d.doc.Items[len(d.doc.Items)-1], true
}

func (d *decoder) command(name string, skip, n int) ([]byte, bool) {
	a, ok := d.args(name, skip, n)
	if !ok {
		return nil, false
	}
	at := d.pos
	d.add(Item{Kind: KindCommand, Name: name, Args: a}, at, at+skip+n)
	d.pos = at + skip + n
	return a, true
}

// skipBlock records a command whose parameters are skip+n bytes that are
// not interpreted (graphics, user characters …).
func (d *decoder) skipBlock(name string, skip, n int, note string) {
	if n < 0 || d.pos+skip+n > len(d.data) {
		d.truncated(d.pos, name, fmt.Sprintf("needs %d data bytes", n))
		return
	}
	at := d.pos
	d.add(Item{Kind: KindCommand, Name: name, Args: d.data[at+skip : at+skip+n], Note: note}, at, at+skip+n)
	d.pos = at + skip + n
}

// commandByte reads the byte after a command prefix (ESC, GS, FS) and names
// the command; false, with the truncation reported, when the data ends
// first.
func (d *decoder) commandByte(prefix string) (at int, c byte, name string, ok bool) {
	at = d.pos
	if at+1 >= len(d.data) {
		d.truncated(at, prefix, "command byte missing")
		return at, 0, "", false
	}
	c = d.data[at+1]
	return at, c, prefix + " " + mnemonic(c), true
}

// ---- ESC ----

// escFixed lists ESC commands by their parameter count (docs/protocols.md B.2
// and the Epson command list).
var escFixed = map[byte]int{
	' ': 1, '!': 1, '$': 2, '%': 1, '-': 1, '2': 0, '3': 1, '=': 1, '?': 1,
	'@': 0, 'E': 1, 'G': 1, 'J': 1, 'L': 0, 'M': 1, 'R': 1, 'S': 0, 'T': 1,
	'U': 1, 'V': 1, 'W': 8, '\\': 2, 'a': 1, 'd': 1, 'e': 1, 'i': 0, 'm': 0,
	'p': 3, 'r': 1, 't': 1, 'u': 1, 'v': 0, '{': 1, 'K': 1, 0x0C: 0,
}

func (d *decoder) escape() {
	at, c, name, ok := d.commandByte("ESC")
	if !ok {
		return
	}
	switch c {
	case '*': // bit image: m nL nH, n columns of 1 (m 0,1) or 3 (m 32,33) bytes
		a, ok := d.args(name, 2, 3)
		if !ok {
			return
		}
		n := int(a[1]) + int(a[2])<<8
		if a[0] >= 32 {
			n *= 3
		}
		d.skipBlock(name, 5, n, "bit image not rendered")
		return
	case '&': // user-defined characters: y c1 c2, then per char x + y·x bytes
		a, ok := d.args(name, 2, 3)
		if !ok {
			return
		}
		y, c1, c2 := int(a[0]), int(a[1]), int(a[2])
		if c2 < c1 || c2-c1 >= 95 {
			d.unknown(at, 5, name, ErrMalformed, fmt.Sprintf("character range %d..%d", c1, c2))
			return
		}
		p := at + 5
		for ch := c1; ch <= c2; ch++ {
			if p >= len(d.data) {
				d.truncated(at, name, "user-defined character data")
				return
			}
			p += 1 + y*int(d.data[p])
		}
		d.skipBlock(name, 5, p-at-5, "user-defined characters")
		return
	case 'D': // tab positions, up to 32, ended by NUL
		end := -1
		for i := at + 2; i < len(d.data) && i <= at+2+32; i++ {
			if d.data[i] == 0 {
				end = i
				break
			}
		}
		if end < 0 {
			if len(d.data)-at-2 <= 32 {
				d.truncated(at, name, "tab list without NUL")
			} else {
				d.unknown(at, 2, name, ErrMalformed, "more than 32 tab positions")
			}
			return
		}
		d.command(name, 2, end-at-1)
		return
	case 'c': // ESC c 3 n / ESC c 4 n / ESC c 5 n
		a, ok := d.args(name, 2, 2)
		if !ok {
			return
		}
		if a[0] < '3' || a[0] > '5' {
			d.unknown(at, 2, name, ErrUnknownCommand, fmt.Sprintf("ESC c %02X", a[0]))
			return
		}
		d.command("ESC c "+string(a[0]), 3, 1)
		return
	case '(': // ESC ( fn pL pH data
		a, ok := d.args(name, 2, 3)
		if !ok {
			return
		}
		d.skipBlock("ESC ( "+mnemonic(a[0]), 5, int(a[1])+int(a[2])<<8, "")
		return
	}
	a, it, ok := d.fixed(at, name, escFixed, c)
	if !ok {
		return
	}
	switch c {
	case '@':
		d.reset()
	case 'a':
		switch a[0] {
		case 0, '0':
			d.style.Align = Left
		case 1, '1':
			d.style.Align = Center
		case 2, '2':
			d.style.Align = Right
		default:
			d.note(it, ErrMalformed, "alignment out of range")
		}
	case 'E':
		d.style.Bold = a[0]&1 != 0
	case '-':
		switch a[0] {
		case 0, '0':
			d.style.Underline = 0
		case 1, '1':
			d.style.Underline = 1
		case 2, '2':
			d.style.Underline = 2
		default:
			d.note(it, ErrMalformed, "underline out of range")
		}
	case '!':
		d.style.FontB = a[0]&0x01 != 0
		d.style.Bold = a[0]&0x08 != 0
		d.style.Height = 1 + int(a[0]>>4&1)
		d.style.Width = 1 + int(a[0]>>5&1)
		d.style.Underline = int(a[0] >> 7)
	case 'M':
		d.style.FontB = a[0]&1 != 0
	case '2':
		d.spacing = defaultLineSpacing
	case '3':
		d.spacing = int(a[0])
	case 't':
		d.style.CodePage = a[0]
	case 'd':
		it.Kind, it.Lines = KindFeed, int(a[0])
	case 'J':
		it.Kind, it.Dots = KindFeed, int(a[0])
	case 'i':
		it.Kind, it.Cut = KindCut, Full
	case 'm':
		it.Kind, it.Cut = KindCut, Partial
	}
}

func (d *decoder) note(it *Item, err error, msg string) {
	it.Note = msg
	d.problem(it.Offset, it.Name, err, msg)
}

// reset is ESC @: modes back to the defaults. Chinese mode is kept, as on
// the clones (docs/protocols.md B.2 calls it model-specific).
func (d *decoder) reset() {
	chinese := d.style.Chinese
	d.style = DefaultStyle()
	d.style.Chinese = chinese
	d.spacing = defaultLineSpacing
	d.qrModel, d.qrSize, d.qrLevel, d.qrData = 2, 3, LevelL, nil
	d.bcHeight, d.bcWidth, d.hri, d.hriFontB = 162, 3, HRINone, false
}

// ---- GS ----

var gsFixed = map[byte]int{
	'!': 1, '$': 2, '/': 1, ':': 0, 'B': 1, 'H': 1, 'I': 1, 'L': 2, 'P': 2,
	'T': 1, '\\': 2, '^': 3, 'a': 1, 'b': 1, 'f': 1, 'h': 1, 'r': 1, 'w': 1,
	'W': 2,
}

func (d *decoder) groupSep() {
	at, c, name, ok := d.commandByte("GS")
	if !ok {
		return
	}
	switch c {
	case '(':
		d.gsParen()
		return
	case 'k':
		d.barcode()
		return
	case 'v':
		d.raster()
		return
	case 'V':
		a, ok := d.args(name, 2, 1)
		if !ok {
			return
		}
		m := a[0]
		switch m {
		case 0, '0', 1, '1':
			d.command(name, 2, 1)
			it := &d.doc.Items[len(d.doc.Items)-1]
			it.Kind, it.Cut = KindCut, CutMode(m&1)
		case 65, 66, 97, 98, 103, 104:
			if _, ok := d.command(name, 2, 2); !ok {
				return
			}
			it := &d.doc.Items[len(d.doc.Items)-1]
			it.Kind, it.Cut, it.Dots = KindCut, CutMode(1-m&1), int(it.Args[1])
			if m >= 97 {
				// Functions C and D reserve the cut for later: treat as now.
				it.Dots = 0
			}
		default:
			d.unknown(at, 3, name, ErrMalformed, fmt.Sprintf("cut mode %d", m))
		}
		return
	case '*': // downloaded bit image: x y, x·y·8 bytes
		a, ok := d.args(name, 2, 2)
		if !ok {
			return
		}
		d.skipBlock(name, 4, int(a[0])*int(a[1])*8, "downloaded bit image")
		return
	case '8': // GS 8 L p1 p2 p3 p4 m fn …: 4-byte length
		a, ok := d.args(name, 2, 5)
		if !ok {
			return
		}
		n := int(a[1]) | int(a[2])<<8 | int(a[3])<<16 | int(a[4])<<24
		if n < 0 || n > len(d.data) {
			d.truncated(at, "GS 8 "+mnemonic(a[0]), fmt.Sprintf("declares %d bytes", n))
			return
		}
		d.skipBlock("GS 8 "+mnemonic(a[0]), 7, n, "graphics not rendered")
		return
	}
	a, it, ok := d.fixed(at, name, gsFixed, c)
	if !ok {
		return
	}
	switch c {
	case '!':
		d.style.Width = 1 + int(a[0]>>4&7)
		d.style.Height = 1 + int(a[0]&7)
		if a[0]&0x88 != 0 {
			d.note(it, ErrMalformed, "size out of range 1..8")
		}
	case 'B':
		d.style.Reverse = a[0]&1 != 0
	case 'h':
		d.bcHeight = max(int(a[0]), 1)
	case 'w':
		d.bcWidth = int(a[0])
		if a[0] < 1 || a[0] > 6 {
			d.note(it, ErrMalformed, "module width out of range 2..6")
			d.bcWidth = clamp(int(a[0]), 1, 6)
		}
	case 'H':
		d.hri = HRIPosition(a[0] & 3)
	case 'f':
		d.hriFontB = a[0]&1 != 0
	case 'r':
		it.Kind, it.GSr, it.Query = KindStatusQuery, true, StatusKind(a[0])
	}
}

// gsParen decodes GS ( fn pL pH d1…dk; GS ( k is the QR code (docs/protocols.md B.4).
func (d *decoder) gsParen() {
	at := d.pos
	a, ok := d.args("GS (", 2, 3)
	if !ok {
		return
	}
	fn := a[0]
	name := "GS ( " + mnemonic(fn)
	n := int(a[1]) + int(a[2])<<8
	if at+5+n > len(d.data) {
		d.truncated(at, name, fmt.Sprintf("%d of %d parameter bytes", len(d.data)-at-5, n))
		return
	}
	p := d.data[at+5 : at+5+n]
	d.add(Item{Kind: KindCommand, Name: name, Args: p}, at, at+5+n)
	d.pos = at + 5 + n
	if fn != 'k' {
		return
	}
	it := &d.doc.Items[len(d.doc.Items)-1]
	if len(p) < 2 {
		d.note(it, ErrMalformed, "GS ( k without cn fn")
		return
	}
	cn, f := p[0], p[1]
	if cn != 49 {
		if f == 81 {
			it.Note = fmt.Sprintf("2-D symbol cn=%d not decoded", cn)
		}
		return
	}
	arg := func(i int) (byte, bool) {
		if i < len(p) {
			return p[i], true
		}
		d.note(it, ErrMalformed, fmt.Sprintf("QR function %d: parameter missing", f))
		return 0, false
	}
	switch f {
	case 65: // fn 165 select model: n1 n2
		if v, ok := arg(2); ok {
			if v < 49 || v > 51 {
				d.note(it, ErrMalformed, fmt.Sprintf("QR model %d", v))
				return
			}
			d.qrModel = int(v - 48)
		}
	case 67: // fn 167 module size
		if v, ok := arg(2); ok {
			if v < 1 || v > 16 {
				d.note(it, ErrMalformed, fmt.Sprintf("QR module size %d out of 1..16", v))
			}
			d.qrSize = clamp(int(v), 1, 16)
		}
	case 69: // fn 169 error correction
		if v, ok := arg(2); ok {
			if v < 48 || v > 51 {
				d.note(it, ErrMalformed, fmt.Sprintf("QR error level %d out of 48..51", v))
				return
			}
			d.qrLevel = QRLevel(v)
		}
	case 80: // fn 180 store: m=48 d1…dk
		if m, ok := arg(2); ok {
			if m != 48 {
				d.note(it, ErrMalformed, fmt.Sprintf("QR store m=%d", m))
			}
			d.qrData = p[3:]
			if len(d.qrData) == 0 {
				d.note(it, ErrMalformed, "QR store without data")
			}
		}
	case 81: // fn 181 print
		if len(d.qrData) == 0 {
			d.note(it, ErrMalformed, "QR print with no stored data")
			return
		}
		it.Kind = KindQR
		it.QR = &QRCode{Data: d.qrData, Model: d.qrModel, ModuleSize: d.qrSize, Level: d.qrLevel}
	case 82: // fn 182 transmit size: a request, the printer answers
		it.Note = "QR size request"
	}
}

// barcodeNames lists GS k symbologies by m (function A 0–6, function B 65–78).
var barcodeNames = map[byte]string{
	0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "CODABAR",
	65: "UPC-A", 66: "UPC-E", 67: "EAN13", 68: "EAN8", 69: "CODE39", 70: "ITF", 71: "CODABAR",
	72: "CODE93", 73: "CODE128", 74: "GS1-128", 75: "GS1 DataBar Omnidirectional",
	76: "GS1 DataBar Truncated", 77: "GS1 DataBar Limited", 78: "GS1 DataBar Expanded",
}

func (d *decoder) barcode() {
	at := d.pos
	a, ok := d.args("GS k", 2, 1)
	if !ok {
		return
	}
	m := a[0]
	sym, known := barcodeNames[m]
	if !known {
		d.unknown(at, 3, "GS k", ErrUnknownCommand, fmt.Sprintf("barcode system %d", m))
		return
	}
	var payload []byte
	var end int
	if m <= 6 { // function A: data ended by NUL
		i := at + 3
		for i < len(d.data) && d.data[i] != 0 && i < at+3+256 {
			i++
		}
		if i >= len(d.data) {
			d.truncated(at, "GS k", "barcode data without NUL")
			return
		}
		if d.data[i] != 0 {
			d.unknown(at, 3, "GS k", ErrMalformed, "barcode data longer than 255 bytes")
			return
		}
		payload, end = d.data[at+3:i], i+1
	} else { // function B: n d1…dn
		b, ok := d.args("GS k", 3, 1)
		if !ok {
			return
		}
		n := int(b[0])
		if at+4+n > len(d.data) {
			d.truncated(at, "GS k", fmt.Sprintf("%d of %d barcode bytes", len(d.data)-at-4, n))
			return
		}
		payload, end = d.data[at+4:at+4+n], at+4+n
	}
	bc := &Barcode{System: m, Symbology: sym, Payload: payload, Text: string(payload),
		Height: d.bcHeight, ModuleWidth: d.bcWidth, HRI: d.hri, HRIFontB: d.hriFontB}
	d.add(Item{Kind: KindBarcode, Name: "GS k", Barcode: bc}, at, end)
	d.pos = end
	it := &d.doc.Items[len(d.doc.Items)-1]
	if len(payload) == 0 {
		d.note(it, ErrMalformed, "empty barcode")
		return
	}
	if m == 73 {
		text, symbols, err := DecodeCode128(payload)
		if err != nil {
			d.note(it, ErrMalformed, err.Error())
			return
		}
		bc.Text, bc.Symbols = text, symbols
	}
}

func (d *decoder) raster() {
	at := d.pos
	a, ok := d.args("GS v", 2, 6)
	if !ok {
		return
	}
	if a[0] != '0' {
		d.unknown(at, 3, "GS v", ErrUnknownCommand, fmt.Sprintf("GS v %02X", a[0]))
		return
	}
	w := int(a[2]) + int(a[3])<<8
	h := int(a[4]) + int(a[5])<<8
	n := w * h
	if at+8+n > len(d.data) {
		d.truncated(at, "GS v 0", fmt.Sprintf("%d of %d image bytes", len(d.data)-at-8, n))
		return
	}
	r := &Raster{Mode: a[1] & 3, WidthBytes: w, Height: h, Bits: d.data[at+8 : at+8+n]}
	d.add(Item{Kind: KindRaster, Name: "GS v 0", Raster: r}, at, at+8+n)
	d.pos = at + 8 + n
}

// ---- FS ----

var fsFixed = map[byte]int{'&': 0, '.': 0, '!': 1, '-': 1, 'C': 1, 'S': 2, 'W': 1, 'p': 2}

func (d *decoder) fileSep() {
	at, c, name, ok := d.commandByte("FS")
	if !ok {
		return
	}
	switch c {
	case '2': // user-defined Chinese character: c1 c2 + 72 bytes
		d.skipBlock(name, 2, 74, "user-defined Chinese character")
		return
	case '(':
		a, ok := d.args(name, 2, 3)
		if !ok {
			return
		}
		d.skipBlock("FS ( "+mnemonic(a[0]), 5, int(a[1])+int(a[2])<<8, "")
		return
	case 'q': // define NV bit images: n, then xL xH yL yH + x·y·8 bytes each
		a, ok := d.args(name, 2, 1)
		if !ok {
			return
		}
		p := at + 3
		for range int(a[0]) {
			if p+4 > len(d.data) {
				d.truncated(at, name, "NV image header")
				return
			}
			x := int(d.data[p]) + int(d.data[p+1])<<8
			y := int(d.data[p+2]) + int(d.data[p+3])<<8
			p += 4 + x*y*8
			if p > len(d.data) {
				d.truncated(at, name, "NV image data")
				return
			}
		}
		d.skipBlock(name, 2, p-at-2, "NV bit images")
		return
	}
	n, known := fsFixed[c]
	if !known {
		d.unknown(at, 2, name, ErrUnknownCommand, "parameters, if any, will print as text")
		return
	}
	a, ok := d.command(name, 2, n)
	if !ok {
		return
	}
	switch c {
	case '&':
		d.style.Chinese = true
	case '.':
		d.style.Chinese = false
	case '!':
		// Epson bit assignment (B.2); GS ! is what the kiosk uses.
		if a[0]&0x04 != 0 {
			d.style.Width = 2
		}
		if a[0]&0x08 != 0 {
			d.style.Height = 2
		}
	case 'W':
		if a[0]&1 != 0 {
			d.style.Width, d.style.Height = 2, 2
		} else {
			d.style.Width, d.style.Height = 1, 1
		}
	}
}

// ---- DLE ----

func (d *decoder) dataLinkEscape() {
	at := d.pos
	if at+1 >= len(d.data) {
		d.truncated(at, "DLE", "command byte missing")
		return
	}
	switch d.data[at+1] {
	case eot:
		a, ok := d.args("DLE EOT", 2, 1)
		if !ok {
			return
		}
		switch n := a[0]; {
		case n >= 1 && n <= 4:
			d.add(Item{Kind: KindStatusQuery, Name: "DLE EOT", Query: StatusKind(n), Args: a}, at, at+3)
			d.pos = at + 3
		case n == 7 || n == 8:
			d.command("DLE EOT", 2, 2)
		default:
			d.unknown(at, 3, "DLE EOT", ErrMalformed, fmt.Sprintf("n = %d", n))
		}
	case 0x05: // DLE ENQ n
		d.command("DLE ENQ", 2, 1)
	case 0x14: // DLE DC4 fn …
		a, ok := d.args("DLE DC4", 2, 1)
		if !ok {
			return
		}
		n := map[byte]int{1: 2, 2: 2, 3: 5, 7: 1, 8: 7}[a[0]]
		if n == 0 {
			d.unknown(at, 3, "DLE DC4", ErrUnknownCommand, fmt.Sprintf("fn = %d", a[0]))
			return
		}
		d.command("DLE DC4", 2, 1+n)
	default:
		d.unknown(at, 1, "DLE", ErrUnknownCommand, fmt.Sprintf("DLE %02X", d.data[at+1]))
	}
}

// mnemonic shows a command byte as its ASCII letter when it has one.
func mnemonic(c byte) string {
	if c > 0x20 && c < 0x7F {
		return string(rune(c))
	}
	return fmt.Sprintf("%02X", c)
}
