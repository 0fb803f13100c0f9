package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/flow"
)

// pagedColumn shows rows of text one page at a time, as many rows to a page
// as fit the height it gets, with 上一页/下一页 under them. A service guide
// or an application's steps vary in length and the kiosk runs at several
// sizes and text sizes, so a fixed count per page either wastes a portrait
// screen or overflows an 800-pixel landscape one in elder mode. Pages
// rather than scrolling: drag scrolling does not work on desktop Fyne
// (docs/fyne-notes.md 0.3).
type pagedColumn struct {
	widget.BaseWidget

	rows []fyne.CanvasObject
	// page is the page on screen; it lives in the screen (a pointer) so a
	// rebuild after a language switch stays on it.
	page  *int
	pages *PageBar
	bar   *fyne.Container
	box   *fyne.Container

	starts []int // first row of each page, from the last layout
	// heading marks rows that must not end a page (a heading goes with
	// the rows under it).
	heading map[int]bool
}

// newPagedColumn pages rows; page is the screen's page index.
func (k *Kiosk) newPagedColumn(rows []fyne.CanvasObject, page *int) *pagedColumn {
	c := &pagedColumn{rows: rows, page: page}
	c.pages = k.pageBar(func() { c.turn(-1) }, func() { c.turn(1) })
	c.bar = c.pages.row()
	c.box = container.NewWithoutLayout(rows...)
	c.ExtendBaseWidget(c)
	return c
}

func (c *pagedColumn) turn(d int) {
	*c.page += d
	c.Refresh()
}

// CreateRenderer lays the rows and the bar out.
func (c *pagedColumn) CreateRenderer() fyne.WidgetRenderer {
	return &pagedColumnRenderer{c: c}
}

type pagedColumnRenderer struct{ c *pagedColumn }

func (r *pagedColumnRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.c.box, r.c.bar}
}

// rowHeight is the height of row o at width w (wrapped text measured at
// its width).
func rowHeight(o fyne.CanvasObject, w float32) float32 {
	if rt, ok := o.(*lineText); ok {
		return textHeight(rt, w)
	}
	o.Resize(fyne.NewSize(w, o.MinSize().Height))
	return o.MinSize().Height
}

func (r *pagedColumnRenderer) Layout(s fyne.Size) {
	c := r.c
	gap := theme.Size(theme.SizeNamePadding)
	barH := c.bar.MinSize().Height
	// Pack rows greedily, first without the bar; if they do not all fit,
	// again with the bar's height taken off.
	heights := make([]float32, len(c.rows))
	for i, o := range c.rows {
		heights[i] = rowHeight(o, s.Width)
	}
	// A text pads itself by InnerPadding on every side; two texts in a row
	// overlap by one padding, so their lines are one padding apart, not
	// two. In elder mode that is a line of text on every page.
	ip := theme.Size(theme.SizeNameInnerPadding)
	overlap := func(i int) float32 {
		if _, ok := c.rows[i].(*lineText); !ok || i == 0 {
			return 0
		}
		if _, ok := c.rows[i-1].(*lineText); !ok {
			return 0
		}
		return min(ip, heights[i]/2)
	}
	pack := func(avail float32) []int {
		starts := []int{0}
		used := float32(0)
		for i, h := range heights {
			if used > 0 && used+h-overlap(i) > avail {
				// A heading that would end the page moves to the next one.
				if prev := i - 1; c.heading[prev] && prev > starts[len(starts)-1] {
					starts = append(starts, prev)
					used = heights[prev]
				} else {
					starts = append(starts, i)
					used = 0
				}
			}
			if used > 0 {
				h -= overlap(i)
			}
			used += h
		}
		return starts
	}
	c.starts = pack(s.Height)
	paged := len(c.starts) > 1
	if paged {
		c.starts = pack(s.Height - barH - gap)
	}
	pg := flow.PageIn(*c.page, len(c.starts))
	*c.page = pg.Index
	lo := c.starts[*c.page]
	hi := len(c.rows)
	if pg.HasNext {
		hi = c.starts[pg.Index+1]
	}
	y := float32(0)
	for i, o := range c.rows {
		if i < lo || i >= hi {
			o.Hide()
			continue
		}
		if i > lo {
			y -= overlap(i)
		}
		o.Show()
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(s.Width, heights[i]))
		y += heights[i]
	}
	if paged {
		c.box.Resize(fyne.NewSize(s.Width, s.Height-barH-gap))
	} else {
		c.box.Resize(s)
	}
	// While everything fits there are no pages: the whole bar is hidden,
	// page number and all.
	c.bar.Hidden = !paged
	if paged {
		c.bar.Move(fyne.NewPos(0, s.Height-barH))
		c.bar.Resize(fyne.NewSize(s.Width, barH))
		c.pages.Set(pg)
	}
}

// MinSize is the tallest row and the bar: the column pages the rest.
func (r *pagedColumnRenderer) MinSize() fyne.Size {
	m := r.c.bar.MinSize()
	tallest := float32(0)
	for _, o := range r.c.rows {
		tallest = max(tallest, o.MinSize().Height)
	}
	return fyne.NewSize(m.Width, m.Height+theme.Size(theme.SizeNamePadding)+tallest)
}

func (r *pagedColumnRenderer) Refresh() {
	r.Layout(r.c.Size())
	canvasRefresh(r.c.box)
	r.c.bar.Refresh()
}

func (r *pagedColumnRenderer) Destroy() {}

// canvasRefresh redraws a container and its children.
func canvasRefresh(c *fyne.Container) {
	for _, o := range c.Objects {
		o.Refresh()
	}
	c.Refresh()
}
