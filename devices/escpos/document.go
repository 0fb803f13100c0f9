package escpos

import (
	"errors"
	"fmt"
	"strings"
)

// ItemKind says what a decoded Item is.
type ItemKind int

// Kinds of decoded items.
const (
	KindText        ItemKind = iota // a run of text in one Style
	KindNewline                     // LF: the line is printed and the paper fed one line
	KindFeed                        // ESC d n (Lines) or ESC J n (Dots)
	KindCut                         // GS V, ESC i, ESC m
	KindQR                          // GS ( k fn 181: print the stored QR symbol
	KindBarcode                     // GS k
	KindRaster                      // GS v 0 raster image
	KindStatusQuery                 // DLE EOT n (real-time) or GS r n
	KindCommand                     // a known command that prints nothing by itself (ESC @, ESC a …)
	KindUnknown                     // bytes that could not be decoded; Note says why
)

var kindNames = [...]string{"text", "newline", "feed", "cut", "qr", "barcode", "raster", "status-query", "command", "unknown"}

// String names the kind, e.g. "status-query".
func (k ItemKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Style is the print mode in force for a text run (docs/protocols.md B.2).
type Style struct {
	Align     Alignment
	Width     int  // GS ! magnification 1..8 (ESC ! double width gives 2)
	Height    int  // 1..8
	Bold      bool // ESC E, ESC ! bit 3
	Underline int  // ESC - : 0, 1 or 2 dots
	Chinese   bool // FS & / FS . (Chinese clones start in Chinese mode, B.3)
	FontB     bool // ESC M 1, ESC ! bit 0
	Reverse   bool // GS B: white on black
	CodePage  byte // ESC t n, for bytes ≥ 0x80 outside Chinese mode
}

// DefaultStyle is the mode after ESC @ on a Chinese printer: left aligned,
// normal size, Chinese mode on.
func DefaultStyle() Style { return Style{Width: 1, Height: 1, Chinese: true} }

// QRCode is a QR symbol printed by GS ( k (docs/protocols.md B.4).
type QRCode struct {
	Data       []byte
	Model      int     // 1, 2, or 3 for micro QR (fn 165 n1 − 48)
	ModuleSize int     // dots per module, fn 167
	Level      QRLevel // fn 169, 48..51
}

// Barcode is a 1-D barcode printed by GS k (docs/protocols.md B.2).
type Barcode struct {
	System      byte   // the m of GS k
	Symbology   string // "CODE128", "EAN13" …
	Payload     []byte // bytes as sent (for CODE128 with the {B/{C prefixes)
	Text        string // the human-readable data
	Height      int    // GS h, dots
	ModuleWidth int    // GS w
	HRI         HRIPosition
	HRIFontB    bool
	// Symbols holds the CODE128 symbol values, start code and check
	// symbol included, stop code excluded; nil for other symbologies.
	Symbols []int
}

// Raster is a GS v 0 raster image: WidthBytes·8 dots wide, Height dots
// high, MSB = leftmost dot, 1 = black.
type Raster struct {
	Mode       byte // 0 normal, 1 double width, 2 double height, 3 quadruple
	WidthBytes int
	Height     int
	Bits       []byte
}

// Item is one element of a decoded ESC/POS stream, in the order received.
type Item struct {
	Kind   ItemKind
	Offset int    // position of the first byte in the decoded data
	End    int    // position just past the last byte
	Name   string // mnemonic, e.g. "ESC a", "GS ( k", "DLE EOT"
	Style  Style  // mode in force (text, newline, barcode HRI, QR alignment)

	Text  string // KindText
	Lines int    // KindFeed (ESC d) and KindNewline (1)
	Dots  int    // KindFeed (ESC J); KindCut: extra feed of GS V 65/66
	// LineSpacing is the line spacing in dots in force (ESC 2 / ESC 3).
	LineSpacing int
	Cut         CutMode
	QR          *QRCode
	Barcode     *Barcode
	Raster      *Raster
	Query       StatusKind // KindStatusQuery: n of DLE EOT n (GS r n sets GSr)
	GSr         bool       // the query was GS r n (answered in order, not in real time)
	Args        []byte     // parameters of KindCommand and KindUnknown (after the mnemonic bytes)
	Note        string     // why an item is KindUnknown, or a warning about it
}

// Printable reports whether the item puts something on paper.
func (it *Item) Printable() bool {
	switch it.Kind {
	case KindText, KindQR, KindBarcode, KindRaster:
		return true
	}
	return false
}

// Document is a decoded ESC/POS stream.
type Document struct {
	Items []Item
	// Problems lists malformed, truncated and unknown commands, in order.
	Problems []*DecodeError
}

// DecodeError describes a command that could not be decoded.
type DecodeError struct {
	Offset  int
	Command string // mnemonic, or the hex of the first bytes
	Err     error  // ErrTruncated, ErrMalformed or ErrUnknownCommand
	Msg     string
}

// Errors carried by DecodeError, for errors.Is.
var (
	ErrTruncated      = errors.New("truncated command")
	ErrMalformed      = errors.New("malformed command")
	ErrUnknownCommand = errors.New("unknown command")
)

// Error reads like "escpos: offset 12: GS ( k: truncated command: 40 of 64 data bytes".
func (e *DecodeError) Error() string {
	s := fmt.Sprintf("escpos: offset %d: %s: %v", e.Offset, e.Command, e.Err)
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}

// Unwrap returns the kind of problem.
func (e *DecodeError) Unwrap() error { return e.Err }

// Err joins the problems into one error, nil when there are none.
func (d *Document) Err() error {
	if len(d.Problems) == 0 {
		return nil
	}
	errs := make([]error, len(d.Problems))
	for i, p := range d.Problems {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// Tickets splits the document at each cut: one Document per cut-off piece
// of paper, the cut included. A trailing piece without a cut is returned
// only if it prints something.
func (d *Document) Tickets() []*Document {
	var out []*Document
	start := 0
	for i := range d.Items {
		if d.Items[i].Kind == KindCut {
			out = append(out, d.slice(start, i+1))
			start = i + 1
		}
	}
	if start < len(d.Items) {
		rest := d.slice(start, len(d.Items))
		for i := range rest.Items {
			if rest.Items[i].Printable() {
				out = append(out, rest)
				break
			}
		}
	}
	return out
}

func (d *Document) slice(from, to int) *Document {
	s := &Document{Items: d.Items[from:to:to]}
	lo, hi := 0, 0
	if from < len(d.Items) {
		lo = d.Items[from].Offset
	}
	if to > 0 {
		hi = d.Items[to-1].End
	}
	for _, p := range d.Problems {
		if p.Offset >= lo && p.Offset < hi {
			s.Problems = append(s.Problems, p)
		}
	}
	return s
}

// QRs returns the QR symbols the document prints, in order.
func (d *Document) QRs() []*QRCode {
	var qs []*QRCode
	for i := range d.Items {
		if d.Items[i].Kind == KindQR && d.Items[i].QR != nil {
			qs = append(qs, d.Items[i].QR)
		}
	}
	return qs
}

// Text returns the document as plain text on a 48-column line: each
// printed line with its alignment applied by spaces (a run at width w counts
// w columns per column), QR codes, barcodes and images as bracketed
// placeholders, cuts as a dashed line.
func (d *Document) Text() string { return d.TextColumns(48) }

// TextColumns is Text for a paper width of cols normal-size columns.
func (d *Document) TextColumns(cols int) string {
	var sb strings.Builder
	var line strings.Builder
	lineCols := 0
	align := Left
	pending := false
	flush := func() {
		text := line.String()
		pad := 0
		switch align {
		case Center:
			pad = (cols - lineCols) / 2
		case Right:
			pad = cols - lineCols
		}
		if pad > 0 && text != "" {
			sb.WriteString(strings.Repeat(" ", pad))
		}
		sb.WriteString(strings.TrimRight(text, " "))
		sb.WriteByte('\n')
		line.Reset()
		lineCols = 0
		pending = false
	}
	block := func(it *Item, s string) {
		if pending {
			flush()
		}
		align = it.Style.Align
		line.WriteString(s)
		lineCols = TextWidth(s)
		flush()
	}
	for i := range d.Items {
		it := &d.Items[i]
		switch it.Kind {
		case KindText:
			if !pending {
				align = it.Style.Align
				pending = true
			}
			line.WriteString(it.Text)
			lineCols += TextWidth(it.Text) * max(it.Style.Width, 1)
		case KindNewline:
			flush()
		case KindFeed:
			if it.Lines > 0 {
				for range it.Lines {
					flush()
				}
			} else if pending {
				flush()
			}
		case KindQR:
			block(it, fmt.Sprintf("[QR %v: %s]", it.QR.Level, it.QR.Data))
		case KindBarcode:
			block(it, fmt.Sprintf("[%s: %s]", it.Barcode.Symbology, it.Barcode.Text))
		case KindRaster:
			block(it, fmt.Sprintf("[image %d×%d dots]", it.Raster.WidthBytes*8, it.Raster.Height))
		case KindCut:
			if pending {
				flush()
			}
			align = Left
			line.WriteString(strings.Repeat("-", 8) + " " + it.Cut.String() + " cut " + strings.Repeat("-", 8))
			lineCols = 0
			flush()
		}
	}
	if pending {
		flush()
	}
	return sb.String()
}

// Length estimates how much paper the document feeds, in dots (8 dots per
// mm at 203 dpi): each line is the larger of the line spacing and its
// tallest character, plus feeds, QR symbols, barcodes and images. The
// paper-roll counter uses it.
func (d *Document) Length() int {
	total := 0
	lineH := 0
	pending := false
	sides := map[string]int{} // a stream may print the stored symbol many times
	endLine := func(spacing int) {
		total += max(spacing, lineH)
		lineH, pending = 0, false
	}
	for i := range d.Items {
		it := &d.Items[i]
		spacing := it.LineSpacing
		switch it.Kind {
		case KindText:
			lineH = max(lineH, 24*max(it.Style.Height, 1))
			pending = true
		case KindNewline:
			endLine(spacing)
		case KindFeed:
			if it.Lines > 0 {
				for range it.Lines {
					endLine(spacing)
				}
			} else {
				if pending {
					total += lineH
					lineH, pending = 0, false
				}
				total += it.Dots
			}
		case KindQR:
			key := string(rune(it.QR.Level)) + string(it.QR.Data)
			side, ok := sides[key]
			if !ok {
				side = qrSideModules(it.QR)
				sides[key] = side
			}
			total += side * max(it.QR.ModuleSize, 1)
		case KindBarcode:
			total += it.Barcode.Height
			if it.Barcode.HRI != HRINone {
				total += 24 * (1 + int(it.Barcode.HRI)/3)
			}
		case KindRaster:
			total += it.Raster.Height
		case KindCut:
			total += it.Dots
		}
	}
	if pending {
		total += lineH
	}
	return total
}
