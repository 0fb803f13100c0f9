package flow

// PageInfo describes the page of a list on screen. Touch screens on desktop
// Fyne cannot drag-scroll (docs/fyne-notes.md 0.3), so long lists are paged with
// big previous/next buttons.
type PageInfo struct {
	Index   int // 0-based page on screen
	Count   int // number of pages (at least 1)
	Size    int // tiles per page
	Total   int // items in the whole list
	HasPrev bool
	HasNext bool
}

// Pager pages a list of total items. It remembers the first item on screen
// rather than the page number, so switching page size (elder mode shows
// fewer, larger tiles) keeps that item in view.
type Pager struct {
	first int
}

// DefaultPageSize and DefaultElderPageSize are the tiles per page when the
// options leave them unset: a 4×2 grid, and 2×2 in elder mode, whose tap
// targets must be at least 60×60 dp (工信部 适老化).
const (
	DefaultPageSize      = 8
	DefaultElderPageSize = 4
)

// SearchPageSize and ElderSearchPageSize are the results per page of a
// search: one column beside (or above) the letter keypad, whose keys take
// the rest of the screen.
const (
	SearchPageSize      = 4
	ElderSearchPageSize = 2
)

// searchPageSize is the results per page in elder mode or not.
func searchPageSize(elder bool) int {
	if elder {
		return ElderSearchPageSize
	}
	return SearchPageSize
}

// Info returns the page that holds the first item, for a list of total items
// shown size at a time.
func (p *Pager) Info(total, size int) PageInfo {
	if size <= 0 {
		size = DefaultPageSize
	}
	count := (total + size - 1) / size
	if count < 1 {
		count = 1
	}
	idx := p.first / size
	if idx >= count {
		idx = count - 1
	}
	return PageInfo{
		Index: idx, Count: count, Size: size, Total: total,
		HasPrev: idx > 0, HasNext: idx < count-1,
	}
}

// Bounds returns the [lo, hi) slice bounds of the page on screen.
func (p *Pager) Bounds(total, size int) (lo, hi int) {
	in := p.Info(total, size)
	lo = in.Index * in.Size
	hi = min(lo+in.Size, total)
	return min(lo, total), hi
}

// Page goes to page n (clamped to the list). It reports whether the page
// changed.
func (p *Pager) Page(n, total, size int) bool {
	in := p.Info(total, size)
	n = max(0, min(n, in.Count-1))
	if n == in.Index {
		return false
	}
	p.first = n * in.Size
	return true
}

// Next goes one page on, if there is one.
func (p *Pager) Next(total, size int) bool {
	return p.Page(p.Info(total, size).Index+1, total, size)
}

// Prev goes one page back, if there is one.
func (p *Pager) Prev(total, size int) bool {
	return p.Page(p.Info(total, size).Index-1, total, size)
}

// Reset goes back to the first page.
func (p *Pager) Reset() { p.first = 0 }

// pageOf returns the items of the page on screen.
func pageOf[T any](p *Pager, items []T, size int) ([]T, PageInfo) {
	lo, hi := p.Bounds(len(items), size)
	return items[lo:hi], p.Info(len(items), size)
}
