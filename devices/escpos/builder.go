package escpos

import (
	"errors"
	"fmt"
)

// Command bytes (docs/protocols.md B.2).
const (
	esc = 0x1B
	gs  = 0x1D
	fs  = 0x1C
	dle = 0x10
	eot = 0x04
	lf  = 0x0A
)

// Alignment is the ESC a justification (docs/protocols.md B.2).
type Alignment byte

// Justifications for ESC a n.
const (
	Left   Alignment = 0
	Center Alignment = 1
	Right  Alignment = 2
)

// String returns "left", "center" or "right".
func (a Alignment) String() string {
	switch a {
	case Left:
		return "left"
	case Center:
		return "center"
	case Right:
		return "right"
	}
	return fmt.Sprintf("align(%d)", byte(a))
}

// CutMode selects the GS V cut (docs/protocols.md B.2).
type CutMode byte

// Cuts for GS V m.
const (
	Full    CutMode = 0
	Partial CutMode = 1
)

// String returns "full" or "partial".
func (c CutMode) String() string {
	if c == Full {
		return "full"
	}
	return "partial"
}

// QRLevel is the QR error-correction level of GS ( k function 169
// (docs/protocols.md B.4): the parameter byte itself, 48–51.
type QRLevel byte

// QR error-correction levels.
const (
	LevelL QRLevel = 48 // ~7 % recovery
	LevelM QRLevel = 49 // ~15 %
	LevelQ QRLevel = 50 // ~25 %
	LevelH QRLevel = 51 // ~30 %
)

// String returns L, M, Q or H.
func (l QRLevel) String() string {
	if l >= LevelL && l <= LevelH {
		return string("LMQH"[l-LevelL])
	}
	return fmt.Sprintf("level(%d)", byte(l))
}

// qrCapacity is the byte-mode capacity of a version 40 model 2 symbol per
// level: more data than this cannot be printed whatever the printer
// (the 7089 of B.4 is the numeric-mode limit).
var qrCapacity = map[QRLevel]int{LevelL: 2953, LevelM: 2331, LevelQ: 1663, LevelH: 1273}

// HRIPosition places the human-readable digits of a barcode (GS H).
type HRIPosition byte

// HRI positions for GS H n.
const (
	HRINone  HRIPosition = 0
	HRIAbove HRIPosition = 1
	HRIBelow HRIPosition = 2
	HRIBoth  HRIPosition = 3
)

// Errors the builder records (see Builder.Err).
var (
	// ErrQRData: QR payload empty or larger than a symbol holds.
	ErrQRData = errors.New("escpos: QR data does not fit a symbol")
	// ErrBarcodeData: barcode payload empty, too long or not encodable.
	ErrBarcodeData = errors.New("escpos: barcode data not encodable")
)

// Builder assembles an ESC/POS byte stream. Methods append commands and
// return the builder so calls chain:
//
//	b := escpos.NewBuilder()
//	b.Init().Align(escpos.Center).Size(2, 2).Line("A023").QR(url, escpos.LevelM, 6).Cut(escpos.Partial)
//	data, err := b.Bytes(), b.Err()
//
// Out-of-range numeric arguments are clamped to what the command accepts.
// Data that cannot be encoded (an oversize QR payload, a barcode with
// characters CODE128 lacks) emits nothing and is recorded in Err, the
// first error only, like bufio.Writer. Text characters the printer cannot
// print are replaced visibly and listed by Replaced.
type Builder struct {
	buf      []byte
	replaced []rune
	err      error
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder { return &Builder{buf: make([]byte, 0, 1024)} }

// Bytes returns the stream built so far. The slice aliases the builder's
// buffer until the next append.
func (b *Builder) Bytes() []byte { return b.buf }

// Len returns the number of bytes built so far.
func (b *Builder) Len() int { return len(b.buf) }

// Replaced lists, in order, every character Text could not print and
// replaced with □ or ? (see EncodeText). Empty when all text printed.
func (b *Builder) Replaced() []rune { return b.replaced }

// Err returns the first data error (ErrQRData, ErrBarcodeData wrapped with
// context), or nil.
func (b *Builder) Err() error { return b.err }

func (b *Builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// Raw appends bytes unchanged.
func (b *Builder) Raw(p ...byte) *Builder {
	b.buf = append(b.buf, p...)
	return b
}

// Init resets the printer (ESC @) and selects Chinese mode (FS &), because
// whether Chinese mode survives ESC @ is model-specific (docs/protocols.md B.2, B.3).
func (b *Builder) Init() *Builder { return b.Raw(esc, '@', fs, '&') }

// Align sets the justification, ESC a n (B.2). It takes effect at the start
// of a line.
func (b *Builder) Align(a Alignment) *Builder {
	if a > Right {
		a = Left
	}
	return b.Raw(esc, 'a', byte(a))
}

// Bold switches emphasis, ESC E n (B.2).
func (b *Builder) Bold(on bool) *Builder { return b.Raw(esc, 'E', bit(on)) }

// Underline sets ESC - n: 0 off, 1 one dot, 2 two dots (B.2).
func (b *Builder) Underline(dots int) *Builder {
	return b.Raw(esc, '-', byte(clamp(dots, 0, 2)))
}

// Size sets the character magnification, GS ! n with the width−1 in the
// high nibble and height−1 in the low nibble, each 1..8 (B.2; 2×2 = 1D 21 11).
// Chinese clones apply GS ! to Chinese characters too (B.2, FS ! note).
func (b *Builder) Size(width, height int) *Builder {
	w, h := clamp(width, 1, 8), clamp(height, 1, 8)
	return b.Raw(gs, '!', byte((w-1)<<4|(h-1)))
}

// ChineseMode switches Chinese (Kanji) character mode: FS & on, FS . off (B.2).
func (b *Builder) ChineseMode(on bool) *Builder {
	if on {
		return b.Raw(fs, '&')
	}
	return b.Raw(fs, '.')
}

// Text appends s encoded by EncodeText (2-byte GB18030, visible
// replacements for what the printer cannot print). A '\n' in s prints the
// line (LF).
func (b *Builder) Text(s string) *Builder {
	b.buf = appendText(b.buf, s, &b.replaced)
	return b
}

// Line appends s and a line feed.
func (b *Builder) Line(s string) *Builder { return b.Text(s).LF() }

// LF prints the buffered line and feeds one line (0x0A).
func (b *Builder) LF() *Builder { return b.Raw(lf) }

// Feed prints and feeds n lines, ESC d n (B.2).
func (b *Builder) Feed(lines int) *Builder {
	return b.Raw(esc, 'd', byte(clamp(lines, 0, 255)))
}

// FeedDots prints and feeds n dots, ESC J n (B.2).
func (b *Builder) FeedDots(dots int) *Builder {
	return b.Raw(esc, 'J', byte(clamp(dots, 0, 255)))
}

// LineSpacing sets the line spacing in dots, ESC 3 n (B.2).
func (b *Builder) LineSpacing(dots int) *Builder {
	return b.Raw(esc, '3', byte(clamp(dots, 0, 255)))
}

// DefaultLineSpacing restores the default spacing, ESC 2 (B.2).
func (b *Builder) DefaultLineSpacing() *Builder { return b.Raw(esc, '2') }

// QR prints data as a model 2 QR code of the given error-correction level
// and module size (1..16 dots), with the GS ( k sequence of docs/protocols.md
// B.4: select model, module size, error level, store, print. The payload is
// sent as bytes; keep it ASCII (a URL) so every scanner reads it alike.
func (b *Builder) QR(data string, level QRLevel, moduleSize int) *Builder {
	if level < LevelL || level > LevelH {
		level = LevelM
	}
	if len(data) == 0 || len(data) > qrCapacity[level] {
		b.fail(fmt.Errorf("QR of %d bytes at level %v: %w", len(data), level, ErrQRData))
		return b
	}
	size := clamp(moduleSize, 1, 16)
	b.Raw(gs, '(', 'k', 4, 0, 49, 65, 50, 0)       // fn 165: model 2
	b.Raw(gs, '(', 'k', 3, 0, 49, 67, byte(size))  // fn 167: module size
	b.Raw(gs, '(', 'k', 3, 0, 49, 69, byte(level)) // fn 169: error correction
	k := len(data) + 3                             // fn 180: pL + 256·pH = k + 3
	b.Raw(gs, '(', 'k', byte(k), byte(k>>8), 49, 80, 48)
	b.buf = append(b.buf, data...)
	return b.Raw(gs, '(', 'k', 3, 0, 49, 81, 48) // fn 181: print
}

// BarcodeHeight sets the barcode height in dots, GS h n, 1..255 (B.2).
func (b *Builder) BarcodeHeight(dots int) *Builder {
	return b.Raw(gs, 'h', byte(clamp(dots, 1, 255)))
}

// BarcodeWidth sets the barcode module width, GS w n, 2..6 (B.2).
func (b *Builder) BarcodeWidth(n int) *Builder {
	return b.Raw(gs, 'w', byte(clamp(n, 2, 6)))
}

// HRI sets where the human-readable digits print, GS H n (B.2).
func (b *Builder) HRI(pos HRIPosition) *Builder {
	if pos > HRIBoth {
		pos = HRINone
	}
	return b.Raw(gs, 'H', byte(pos))
}

// HRIFont selects font A (0) or B (1) for the HRI digits, GS f n (B.2).
func (b *Builder) HRIFont(font int) *Builder {
	return b.Raw(gs, 'f', byte(clamp(font, 0, 1)))
}

// Code128 prints data as a CODE128 barcode with GS k 73 n (function B,
// docs/protocols.md B.2). Data of only digits, even in number, uses code set C
// ({C, each byte a two-digit value 0–99, half the width); anything else uses
// code set B ({B, printable ASCII, '{' escaped as "{{").
func (b *Builder) Code128(data string) *Builder {
	payload, err := code128Payload(data)
	if err != nil {
		b.fail(fmt.Errorf("CODE128 %q: %w", data, err))
		return b
	}
	b.Raw(gs, 'k', 73, byte(len(payload)))
	b.buf = append(b.buf, payload...)
	return b
}

func code128Payload(data string) ([]byte, error) {
	if data == "" {
		return nil, ErrBarcodeData
	}
	var p []byte
	if len(data)%2 == 0 && allDigits(data) {
		p = append(p, '{', 'C')
		for i := 0; i < len(data); i += 2 {
			p = append(p, (data[i]-'0')*10+data[i+1]-'0')
		}
	} else {
		p = append(p, '{', 'B')
		for i := 0; i < len(data); i++ {
			c := data[i]
			if c < 0x20 || c > 0x7E {
				return nil, ErrBarcodeData
			}
			if c == '{' {
				p = append(p, '{')
			}
			p = append(p, c)
		}
	}
	if len(p) > 255 {
		return nil, ErrBarcodeData
	}
	return p, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Cut cuts the paper, GS V m with m = 0 full or 1 partial (B.2). The cutter
// sits above the print head, so feed first (Feed) or use FeedCut.
func (b *Builder) Cut(mode CutMode) *Builder {
	if mode != Full {
		mode = Partial
	}
	return b.Raw(gs, 'V', byte(mode))
}

// FeedCut feeds to the cutting position plus n dots and cuts, GS V m n with
// m = 65 full or 66 partial (B.2).
func (b *Builder) FeedCut(mode CutMode, dots int) *Builder {
	m := byte(65)
	if mode != Full {
		m = 66
	}
	return b.Raw(gs, 'V', m, byte(clamp(dots, 0, 255)))
}

// StatusQueryCommand returns the real-time status request DLE EOT n for
// n = 1..4 (docs/protocols.md B.5).
func StatusQueryCommand(n StatusKind) []byte { return []byte{dle, eot, byte(n)} }

func bit(on bool) byte {
	if on {
		return 1
	}
	return 0
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
