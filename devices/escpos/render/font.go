package render

import (
	"fmt"
	"image"
	"sync"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"hallkiosk/assets"
)

// Cell geometry of a thermal printer's resident fonts, in dots at size 1:
// font A is 12×24 for ASCII and 24×24 for Chinese, font B 9×17 and 17×17.
const (
	cellH  = 24
	cellW  = 12
	cellHB = 17
	cellWB = 9
)

// Where glyphs sit in a cell, as fractions of the cell height. Noto Sans
// CJK ideographs reach from 0.856 em above the baseline to 0.096 below, so
// at a 1-em cell the baseline goes at 0.895. Latin letters reach from
// 0.84 em above to 0.28 below (g, j, |): they are set at 0.86 of the cell
// on a baseline at 0.80, which keeps descenders inside the cell and sits
// digits a little high beside Chinese, as printer fonts do.
const (
	wideBaseline   = 0.895
	narrowEm       = 0.86
	narrowBaseline = 0.80
)

type faces struct {
	regular *sfnt.Font
	bold    *sfnt.Font // nil: emboldened by smearing the regular face
}

// loadFaces parses the bundled faces (assets.Font: a subset of Noto Sans CJK
// SC with CFF outlines, which x/image/font/sfnt reads) once.
var loadFaces = sync.OnceValues(func() (*faces, error) {
	reg, err := sfnt.Parse(assets.Font(assets.FontRegular))
	if err != nil {
		return nil, fmt.Errorf("render: parse %s: %w", assets.FontRegular, err)
	}
	f := &faces{regular: reg}
	if bold, err := sfnt.Parse(assets.Font(assets.FontBold)); err == nil {
		f.bold = bold
	}
	return f, nil
})

type glyphKey struct {
	r          rune
	wide, bold bool
	fontB      bool
	w, h       int
}

// glyphCache holds rasterised glyph cells; printers use few distinct
// characters, so a ticket renders mostly from the cache.
type glyphCache struct {
	mu    sync.Mutex
	faces *faces
	m     map[glyphKey]*image.Alpha
	buf   sfnt.Buffer
}

// cache is the process's glyph cache, shared by every render.
var cache = sync.OnceValues(newGlyphCache)

// newGlyphCache returns an empty glyph cache over the bundled faces (parsed
// once per process).
func newGlyphCache() (*glyphCache, error) {
	f, err := loadFaces()
	if err != nil {
		return nil, err
	}
	return &glyphCache{faces: f, m: map[glyphKey]*image.Alpha{}}, nil
}

// cell returns the size of a character cell in dots.
func cell(wide, fontB bool, w, h int) (int, int) {
	cw, ch := cellW, cellH
	if fontB {
		cw, ch = cellWB, cellHB
	}
	if wide {
		cw = ch
	}
	return cw * w, ch * h
}

// glyph returns the coverage mask of r drawn into one character cell at
// magnification w×h, like a printer's resident font: Chinese characters
// fill a square cell, ASCII a half-width one. The outline is scaled
// directly (no bitmap stretching), narrowed when the glyph is wider than
// its cell. A character the font lacks is drawn as an empty box (never a
// blank: a missing glyph must be visible).
func (c *glyphCache) glyph(r rune, wide, bold, fontB bool, w, h int) *image.Alpha {
	k := glyphKey{r, wide, bold, fontB, w, h}
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.m[k]; ok {
		return m
	}
	m := c.rasterize(k)
	c.m[k] = m
	return m
}

func (c *glyphCache) rasterize(k glyphKey) *image.Alpha {
	cw, ch := cell(k.wide, k.fontB, k.w, k.h)
	dst := image.NewAlpha(image.Rect(0, 0, cw, ch))
	if k.r == ' ' || k.r == '\u3000' {
		return dst
	}
	f := c.faces.regular
	smear := k.bold
	if k.bold && c.faces.bold != nil {
		f, smear = c.faces.bold, false
	}
	gi, err := f.GlyphIndex(&c.buf, k.r)
	if err != nil || gi == 0 {
		box(dst)
		return dst
	}
	em, base := float64(ch), float64(ch)*wideBaseline
	if !k.wide {
		em, base = em*narrowEm, float64(ch)*narrowBaseline
	}
	ppem := fixed.Int26_6(em * 64)
	adv, err := f.GlyphAdvance(&c.buf, gi, ppem, 0)
	if err != nil {
		box(dst)
		return dst
	}
	sx := float64(k.w) / float64(k.h) // magnify width and height independently
	advPx := float64(adv) / 64 * sx
	if advPx > float64(cw) {
		sx *= float64(cw) / advPx
		advPx = float64(cw)
	}
	segs, err := f.LoadGlyph(&c.buf, gi, ppem, nil)
	if err != nil {
		box(dst)
		return dst
	}
	ox := (float64(cw) - advPx) / 2
	oy := base
	z := vector.NewRasterizer(cw, ch)
	pt := func(p fixed.Point26_6) (float32, float32) {
		return float32(ox + float64(p.X)/64*sx), float32(oy + float64(p.Y)/64)
	}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			z.MoveTo(pt(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			z.LineTo(pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			z.QuadTo(x1, y1, x2, y2)
		case sfnt.SegmentOpCubeTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			x3, y3 := pt(s.Args[2])
			z.CubeTo(x1, y1, x2, y2, x3, y3)
		}
	}
	z.ClosePath()
	z.Draw(dst, dst.Bounds(), image.Opaque, image.Point{})
	if smear {
		// Double-strike like the printer's emphasis: widen strokes by
		// about a dot per magnification step.
		embolden(dst, max(1, k.w*ch/48))
	}
	return dst
}

// embolden widens dark strokes to the right by n dots.
func embolden(m *image.Alpha, n int) {
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[(y-b.Min.Y)*m.Stride : (y-b.Min.Y)*m.Stride+b.Dx()]
		for x := len(row) - 1; x >= 0; x-- {
			v := row[x]
			for d := 1; d <= n && x-d >= 0; d++ {
				v = max(v, row[x-d])
			}
			row[x] = v
		}
	}
}

// box draws an empty rectangle in the cell: the visible stand-in for a
// character the font lacks.
func box(m *image.Alpha) {
	b := m.Bounds()
	x0, y0 := b.Dx()/6, b.Dy()/6
	x1, y1 := b.Dx()-b.Dx()/6-1, b.Dy()-b.Dy()/8-1
	for x := x0; x <= x1; x++ {
		m.Pix[y0*m.Stride+x] = 0xFF
		m.Pix[y1*m.Stride+x] = 0xFF
	}
	for y := y0; y <= y1; y++ {
		m.Pix[y*m.Stride+x0] = 0xFF
		m.Pix[y*m.Stride+x1] = 0xFF
	}
}
