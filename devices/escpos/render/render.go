package render

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	qrcode "github.com/skip2/go-qrcode"

	"hallkiosk/devices/escpos"
)

// Defaults of Options.
const (
	DefaultWidth     = 576    // printable dots of 80 mm paper at 203 dpi
	DefaultMaxHeight = 40_000 // 5 m of paper: a runaway feed stops here
	margin           = 16     // blank paper above and below the print
)

// ErrTooTall: the print was cut short at Options.MaxHeight.
var ErrTooTall = errors.New("render: print taller than the maximum image height, cut short")

// Options sets the paper. The zero value is 80 mm paper.
type Options struct {
	Width     int // printable width in dots; default DefaultWidth
	MaxHeight int // image height limit in dots; default DefaultMaxHeight

	// glyphs, when set, is the glyph cache to draw from instead of the
	// process's: FuzzRender gives each input an empty one, so that what
	// an input covers does not depend on the inputs before it.
	glyphs *glyphCache
}

// Image renders a decoded ticket as the printer would put it on paper:
// one dot per pixel, black on white, characters in 12×24 / 24×24 cells ×
// the GS ! magnification with the bundled CJK font, alignment, emphasis,
// underline and reverse honoured, lines wrapped at the paper width as the
// printer does, QR codes with a 4-module quiet zone, CODE128 bars with
// their digits, and raster images. A print longer than MaxHeight is cut
// short and ErrTooTall returned with the image.
func Image(doc *escpos.Document) (*image.Gray, error) { return Options{}.Image(doc) }

// PNG renders doc with Image and writes it as PNG.
func PNG(w io.Writer, doc *escpos.Document) error { return Options{}.PNG(w, doc) }

// PNG renders doc with o.Image and writes it as PNG.
func (o Options) PNG(w io.Writer, doc *escpos.Document) error {
	img, err := o.Image(doc)
	if img == nil {
		return err
	}
	if werr := png.Encode(w, img); werr != nil {
		return fmt.Errorf("render: encode PNG: %w", werr)
	}
	return err
}

// Image renders doc on o's paper (see the package-level Image).
func (o Options) Image(doc *escpos.Document) (*image.Gray, error) {
	if o.Width <= 0 {
		o.Width = DefaultWidth
	}
	if o.MaxHeight <= 0 {
		o.MaxHeight = DefaultMaxHeight
	}
	gc := o.glyphs
	if gc == nil {
		var err error
		if gc, err = cache(); err != nil {
			return nil, err
		}
	}
	r := &renderer{width: o.Width, maxH: o.MaxHeight, gc: gc}
	for i := range doc.Items {
		if r.full {
			break
		}
		r.item(&doc.Items[i])
	}
	r.endLine(false)
	h := min(r.y, o.MaxHeight) + 2*margin
	img := image.NewGray(image.Rect(0, 0, o.Width, h))
	fillRect(img, img.Bounds(), paper)
	for _, op := range r.ops {
		op(img)
	}
	if r.full {
		return img, ErrTooTall
	}
	return img, nil
}

type run struct {
	text  string
	style escpos.Style
}

type renderer struct {
	width, maxH int
	gc          *glyphCache
	y           int // dots from the top of the print (margin excluded)
	line        []run
	spacing     int
	ops         []func(*image.Gray)
	full        bool
}

func (r *renderer) item(it *escpos.Item) {
	r.spacing = it.LineSpacing
	switch it.Kind {
	case escpos.KindText:
		r.line = append(r.line, run{it.Text, it.Style})
	case escpos.KindNewline:
		r.endLine(true)
	case escpos.KindFeed:
		if it.Lines > 0 {
			for range it.Lines {
				r.endLine(true)
			}
			return
		}
		r.endLine(false)
		r.advance(it.Dots)
	case escpos.KindQR:
		r.endLine(false)
		r.qr(it)
	case escpos.KindBarcode:
		r.endLine(false)
		r.barcode(it)
	case escpos.KindRaster:
		r.endLine(false)
		r.raster(it)
	case escpos.KindCut:
		r.endLine(false)
		r.advance(it.Dots)
	}
}

func (r *renderer) advance(d int) {
	r.y += max(d, 0)
	if r.y > r.maxH {
		r.full = true
	}
}

type placed struct {
	r      rune
	wide   bool
	st     escpos.Style
	x      int
	cw, ch int
}

// endLine prints the buffered runs. feed says the line ends with a line
// feed (LF, ESC d): the paper then moves by the line spacing or the tallest
// character, whichever is more; otherwise (ESC J, a QR code, a cut) it
// moves by the characters' height only.
func (r *renderer) endLine(feed bool) {
	if len(r.line) == 0 {
		if feed {
			r.advance(r.spacing)
		}
		return
	}
	align := r.line[0].style.Align
	var rows [][]placed
	var cur []placed
	x := 0
	for _, rn := range r.line {
		for _, ch := range rn.text {
			wide := rn.style.Chinese && ch >= 0x80
			cw, chh := cell(wide, rn.style.FontB, max(rn.style.Width, 1), max(rn.style.Height, 1))
			if x+cw > r.width && x > 0 {
				// The printer wraps a line that reaches the paper edge.
				rows = append(rows, cur)
				cur, x = nil, 0
			}
			cur = append(cur, placed{ch, wide, rn.style, x, cw, chh})
			x += cw
		}
	}
	rows = append(rows, cur)
	r.line = r.line[:0]
	for i, row := range rows {
		if len(row) == 0 {
			continue
		}
		last := row[len(row)-1]
		lineW := last.x + last.cw
		lineH := 0
		for _, p := range row {
			lineH = max(lineH, p.ch)
		}
		off := 0
		switch align {
		case escpos.Center:
			off = (r.width - lineW) / 2
		case escpos.Right:
			off = r.width - lineW
		}
		top := r.y
		for _, p := range row {
			r.drawChar(p, off+p.x, top+lineH-p.ch)
		}
		if feed || i < len(rows)-1 {
			r.advance(max(r.spacing, lineH))
		} else {
			r.advance(lineH)
		}
	}
}

func (r *renderer) drawChar(p placed, x, y int) {
	mask := r.gc.glyph(p.r, p.wide, p.st.Bold, p.st.FontB, max(p.st.Width, 1), max(p.st.Height, 1))
	st := p.st
	r.ops = append(r.ops, func(img *image.Gray) {
		rect := image.Rect(x, y+margin, x+p.cw, y+margin+p.ch)
		fg := uint8(ink)
		if st.Reverse {
			fillRect(img, rect, ink)
			fg = paper
		}
		blendMask(img, rect.Min, mask, fg)
		if st.Underline > 0 {
			fillRect(img, image.Rect(rect.Min.X, rect.Max.Y-st.Underline, rect.Max.X, rect.Max.Y), fg)
		}
	})
}

// place returns the left edge of a block w dots wide for the alignment.
func (r *renderer) place(a escpos.Alignment, w int) int {
	switch a {
	case escpos.Center:
		return (r.width - w) / 2
	case escpos.Right:
		return r.width - w
	}
	return 0
}

func (r *renderer) fill(rect image.Rectangle, c color.Gray) {
	rect = rect.Add(image.Pt(0, margin))
	r.ops = append(r.ops, func(img *image.Gray) { fillRect(img, rect, c.Y) })
}

// Pixel values of the thermal print.
const (
	ink   = 0x00
	paper = 0xFF
)

// fillRect sets the pixels of r (clipped to img) to v. image/draw has no
// fast path for *image.Gray, and a ticket is mostly fills and glyphs. The
// first row is set byte by byte and copied to the others.
func fillRect(img *image.Gray, r image.Rectangle, v uint8) {
	r = r.Intersect(img.Rect)
	if r.Empty() {
		return
	}
	first := img.Pix[img.PixOffset(r.Min.X, r.Min.Y):img.PixOffset(r.Max.X, r.Min.Y)]
	for i := range first {
		first[i] = v
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		copy(img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)], first)
	}
}

// blendMask paints v over img through mask placed at at, clipped to img.
func blendMask(img *image.Gray, at image.Point, mask *image.Alpha, v uint8) {
	r := mask.Rect.Sub(mask.Rect.Min).Add(at).Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		mo := mask.PixOffset(mask.Rect.Min.X+r.Min.X-at.X, mask.Rect.Min.Y+y-at.Y)
		do := img.PixOffset(r.Min.X, y)
		for x := 0; x < r.Dx(); x++ {
			a := uint32(mask.Pix[mo+x])
			if a == 0 {
				continue
			}
			d := uint32(img.Pix[do+x])
			img.Pix[do+x] = uint8((d*(255-a) + uint32(v)*a + 127) / 255)
		}
	}
}

func (r *renderer) qr(it *escpos.Item) {
	q := it.QR
	ms := max(q.ModuleSize, 1)
	code, err := qrcode.New(string(q.Data), recovery(q.Level))
	if err != nil {
		r.placeholder(it.Style, fmt.Sprintf("QR: %v", err), 96)
		return
	}
	code.DisableBorder = true
	bm := code.Bitmap()
	side := len(bm) * ms
	quiet := 4 * ms
	// A printer puts the symbol at the alignment; keep a quiet zone inside
	// the paper so that the picture scans like the paper does.
	x := r.place(it.Style.Align, side)
	x = max(quiet, min(x, r.width-side-quiet))
	r.advance(quiet)
	top := r.y
	for j, row := range bm {
		for i, dark := range row {
			if dark {
				r.fill(image.Rect(x+i*ms, top+j*ms, x+(i+1)*ms, top+(j+1)*ms), color.Gray{})
			}
		}
	}
	r.advance(side + quiet)
}

// recovery maps a GS ( k error level (docs/protocols.md B.4) to go-qrcode's.
func recovery(l escpos.QRLevel) qrcode.RecoveryLevel {
	switch l {
	case escpos.LevelL:
		return qrcode.Low
	case escpos.LevelQ:
		return qrcode.High
	case escpos.LevelH:
		return qrcode.Highest
	}
	return qrcode.Medium
}

func (r *renderer) barcode(it *escpos.Item) {
	bc := it.Barcode
	h := max(bc.Height, 1)
	if bc.Symbols == nil {
		r.placeholder(it.Style, bc.Symbology+" "+bc.Text, h)
		return
	}
	mw := max(bc.ModuleWidth, 1)
	var widths []int
	for _, s := range bc.Symbols {
		widths = append(widths, code128Widths(s)...)
	}
	widths = append(widths, code128Stop...)
	modules := 0
	for _, w := range widths {
		modules += w
	}
	total := modules * mw
	x := r.place(it.Style.Align, total)
	x = max(10*mw, min(x, r.width-total-10*mw)) // quiet zone of 10 modules
	hriStyle := escpos.Style{Width: 1, Height: 1, FontB: bc.HRIFontB, Align: it.Style.Align}
	if bc.HRI == escpos.HRIAbove || bc.HRI == escpos.HRIBoth {
		r.hri(bc.Text, hriStyle, x, total)
	}
	top := r.y
	bx := x
	for i, w := range widths {
		if i%2 == 0 {
			r.fill(image.Rect(bx, top, bx+w*mw, top+h), color.Gray{})
		}
		bx += w * mw
	}
	r.advance(h)
	if bc.HRI == escpos.HRIBelow || bc.HRI == escpos.HRIBoth {
		r.hri(bc.Text, hriStyle, x, total)
	}
}

// hri prints the human-readable digits centred under (or over) the bars.
func (r *renderer) hri(text string, st escpos.Style, x, w int) {
	cw, ch := cell(false, st.FontB, 1, 1)
	tx := x + (w-cw*len([]rune(text)))/2
	for _, c := range text {
		r.drawChar(placed{r: c, st: st, cw: cw, ch: ch}, tx, r.y)
		tx += cw
	}
	r.advance(ch)
}

// placeholder draws a grey box with a caption for what cannot be drawn.
func (r *renderer) placeholder(st escpos.Style, caption string, h int) {
	w := r.width * 2 / 3
	x := r.place(st.Align, w)
	top := r.y
	r.fill(image.Rect(x, top, x+w, top+h), color.Gray{Y: 0xC8})
	cs := escpos.Style{Width: 1, Height: 1}
	cw, ch := cell(false, false, 1, 1)
	tx := x + 4
	for _, c := range caption {
		if tx+cw > x+w {
			break
		}
		wide := c >= 0x80
		cww, _ := cell(wide, false, 1, 1)
		cs.Chinese = wide
		r.drawChar(placed{r: c, wide: wide, st: cs, cw: cww, ch: ch}, tx, top+(h-ch)/2)
		tx += cww
	}
	r.advance(h)
}

func (r *renderer) raster(it *escpos.Item) {
	rs := it.Raster
	sx, sy := 1, 1
	if rs.Mode&1 != 0 {
		sx = 2
	}
	if rs.Mode&2 != 0 {
		sy = 2
	}
	w := rs.WidthBytes * 8 * sx
	if rs.Height*sy > r.maxH-r.y {
		r.full = true
		return
	}
	x := r.place(it.Style.Align, w)
	top := r.y
	bits, wb := rs.Bits, rs.WidthBytes
	r.ops = append(r.ops, func(img *image.Gray) {
		for j := 0; j < rs.Height; j++ {
			for i := 0; i < wb*8; i++ {
				if bits[j*wb+i/8]&(0x80>>(i%8)) == 0 {
					continue
				}
				fillRect(img, image.Rect(x+i*sx, top+margin+j*sy, x+(i+1)*sx, top+margin+(j+1)*sy), ink)
			}
		}
	})
	r.advance(rs.Height * sy)
}
