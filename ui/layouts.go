package ui

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// The kiosk runs in landscape (1920×1080, 1280×800) and portrait (1080×1920)
// with the same screens. These layouts choose their arrangement from the
// size they are given, not from the device, because Fyne's desktop driver
// has no orientation (AdaptiveGrid only flips on mobile). Each remembers the
// orientation of its last Layout call so MinSize answers for the same
// arrangement; the first pass assumes landscape.

// tileGrid lays out up to n equal cells: two rows in landscape (three above
// eight cells) and two columns in portrait, one row or column for three or
// fewer. Cells keep their place when a page has fewer items, so the last page
// of a list does not stretch its tiles.
type tileGrid struct {
	n int
	// line puts all cells in one row (landscape) or one column
	// (portrait): a five-level scale reads as a line, not a block.
	line bool
	// column puts the cells one under the other at any orientation: a
	// list of results beside a keypad.
	column   bool
	portrait bool
}

func (g *tileGrid) dims(portrait bool) (cols, rows int) {
	n := max(g.n, 1)
	if g.column {
		return 1, n
	}
	if g.line {
		if portrait {
			return 1, n
		}
		return n, 1
	}
	if portrait {
		cols = 2
		if n <= 3 {
			cols = 1
		}
		return cols, (n + cols - 1) / cols
	}
	rows = 2
	switch {
	case n <= 3:
		rows = 1
	case n > 8:
		rows = 3
	}
	return (n + rows - 1) / rows, rows
}

func (g *tileGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	g.portrait = size.Height > size.Width
	cols, rows := g.dims(g.portrait)
	pad := theme.Size(theme.SizeNamePadding) * 2
	cw := (size.Width - pad*float32(cols-1)) / float32(cols)
	ch := (size.Height - pad*float32(rows-1)) / float32(rows)
	// A few tiles on a tall portrait screen would each be half a screen
	// high; past five touch targets a tile only moves its text away from
	// the citizen's eyes, so the spare height stays below the grid.
	ch = min(ch, theme.Size(sizeNameTouchTarget)*5)
	for i, o := range objs {
		if i >= cols*rows {
			o.Hide()
			continue
		}
		c, r := i%cols, i/cols
		o.Move(fyne.NewPos(float32(c)*(cw+pad), float32(r)*(ch+pad)))
		o.Resize(fyne.NewSize(cw, ch))
	}
}

func (g *tileGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	cols, rows := g.dims(g.portrait)
	var cell fyne.Size
	for _, o := range objs {
		if o.Visible() {
			cell = cell.Max(o.MinSize())
		}
	}
	pad := theme.Size(theme.SizeNamePadding) * 2
	return fyne.NewSize(cell.Width*float32(cols)+pad*float32(cols-1), cell.Height*float32(rows)+pad*float32(rows-1))
}

// flex puts its children side by side in landscape, with widths in
// proportion to weights (but never below a child's minimum), and one above
// the other in portrait at their minimum heights, the spare height going by
// the tall weights (none: it stays below). Screens use it for "illustration
// | instructions", "keypad | letters" and "number | details".
type flex struct {
	weights []float32
	// tall shares the spare height in portrait; nil leaves it at the end.
	tall     []float32
	portrait bool
}

func (f *flex) weight(i int) float32 {
	if i < len(f.weights) && f.weights[i] > 0 {
		return f.weights[i]
	}
	return 1
}

func (f *flex) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.portrait = size.Height > size.Width*1.05
	vis := visible(objs)
	if len(vis) == 0 {
		return
	}
	pad := theme.Size(theme.SizeNamePadding) * 2
	if !f.portrait {
		avail := size.Width - pad*float32(len(vis)-1)
		ws := shares(vis, avail, f.weight)
		x := float32(0)
		for i, o := range vis {
			o.Move(fyne.NewPos(x, 0))
			o.Resize(fyne.NewSize(ws[i], size.Height))
			x += ws[i] + pad
		}
		return
	}
	var mins, total float32
	for i, o := range vis {
		mins += o.MinSize().Height
		if i < len(f.tall) {
			total += f.tall[i]
		}
	}
	spare := float32(math.Max(0, float64(size.Height-pad*float32(len(vis)-1)-mins)))
	y := float32(0)
	for i, o := range vis {
		h := o.MinSize().Height
		if total > 0 && i < len(f.tall) {
			h += spare * f.tall[i] / total
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
}

func (f *flex) MinSize(objs []fyne.CanvasObject) fyne.Size {
	vis := visible(objs)
	pad := theme.Size(theme.SizeNamePadding) * 2
	var s fyne.Size
	for i, o := range vis {
		m := o.MinSize()
		if f.portrait {
			s.Width = max(s.Width, m.Width)
			s.Height += m.Height
		} else {
			s.Height = max(s.Height, m.Height)
			s.Width += m.Width
		}
		if i > 0 {
			if f.portrait {
				s.Height += pad
			} else {
				s.Width += pad
			}
		}
	}
	return s
}

// shares splits avail by weight, then lifts any child below its minimum
// width to that minimum, taking the difference from the others in
// proportion; when even the minimums do not fit, it falls back to weights.
func shares(objs []fyne.CanvasObject, avail float32, weight func(int) float32) []float32 {
	ws := make([]float32, len(objs))
	fixed := make([]bool, len(objs))
	for range len(objs) {
		var free, total float32 = avail, 0
		for i, o := range objs {
			if fixed[i] {
				free -= o.MinSize().Width
			} else {
				total += weight(i)
			}
		}
		changed := false
		for i, o := range objs {
			if fixed[i] {
				ws[i] = o.MinSize().Width
				continue
			}
			ws[i] = free * weight(i) / total
			if ws[i] < o.MinSize().Width && free > 0 {
				fixed[i], changed = true, true
			}
		}
		if !changed {
			break
		}
	}
	var sum float32
	for _, w := range ws {
		sum += w
	}
	if sum > avail+0.5 {
		var total float32
		for i := range objs {
			total += weight(i)
		}
		for i := range objs {
			ws[i] = avail * weight(i) / total
		}
	}
	return ws
}

func visible(objs []fyne.CanvasObject) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, 0, len(objs))
	for _, o := range objs {
		if o.Visible() {
			out = append(out, o)
		}
	}
	return out
}
