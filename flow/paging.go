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
	return PageAt(p.first/size, total, size)
}

// Bounds returns the [lo, hi) slice bounds of the page on screen.
func (p *Pager) Bounds(total, size int) (lo, hi int) {
	return p.Info(total, size).Bounds()
}

// PageAt returns page index of a list of total items shown size (at least
// 1) at a time, index clamped to the pages there are. It is the page
// arithmetic of every paged list, the citizen's and the technician's: a
// screen that keeps a page number of its own (the guide's departments, a
// technician's log) asks it rather than counting pages itself.
func PageAt(index, total, size int) PageInfo {
	in := PageIn(index, (total+size-1)/size)
	in.Size, in.Total = size, total
	return in
}

// PageIn returns page index among count pages, clamped, for a list whose
// pages hold different numbers of items (rows of text packed by height):
// its Size and Total are zero. An empty list still has one page, so a
// screen always has a page to show.
func PageIn(index, count int) PageInfo {
	count = max(count, 1)
	index = max(0, min(index, count-1))
	return PageInfo{Index: index, Count: count, HasPrev: index > 0, HasNext: index < count-1}
}

// Bounds returns the [lo, hi) slice bounds of the page in its list.
func (in PageInfo) Bounds() (lo, hi int) {
	lo = min(in.Index*in.Size, in.Total)
	return lo, min(lo+in.Size, in.Total)
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

// pagedList is the paging of a flow whose screens show a list a page at a
// time (the guide's services, the ticket's tiles): the pager, the page
// size, and the page buttons' three moves. A flow embeds it, so NextPage,
// PrevPage and Page are the flow's.
type pagedList struct {
	pager Pager
	m     *machine
	// size and elderSize are the tiles per page of a list of tiles.
	size, elderSize int
	// extent returns the length of the list on screen and its page size;
	// it runs under the flow's lock.
	extent func() (total, size int)
	// notify sends the flow's snapshot; it runs under the flow's lock.
	notify func()
}

// newPagedList pages a flow's lists, size (elderSize in elder mode) tiles
// a page; zero takes the defaults.
func newPagedList(m *machine, size, elderSize int, extent func() (total, size int), notify func()) pagedList {
	if size <= 0 {
		size = DefaultPageSize
	}
	if elderSize <= 0 {
		elderSize = DefaultElderPageSize
	}
	return pagedList{m: m, size: size, elderSize: elderSize, extent: extent, notify: notify}
}

// pageSize is the page size of the list on screen: search results beside
// the letter keypad have a column of their own, in elder mode or not.
func (l *pagedList) pageSize(search bool) int {
	elder := l.m.env.Session.Elder()
	switch {
	case search:
		return searchPageSize(elder)
	case elder:
		return l.elderSize
	}
	return l.size
}

// NextPage shows the next page of the list.
func (l *pagedList) NextPage() { l.turn(l.pager.Next) }

// PrevPage shows the previous page of the list.
func (l *pagedList) PrevPage() { l.turn(l.pager.Prev) }

// Page shows page n (0-based) of the list.
func (l *pagedList) Page(n int) {
	l.turn(func(total, size int) bool { return l.pager.Page(n, total, size) })
}

// turn is a tap on a page button: it keeps the session alive, and the
// screen hears of it only when the page changed.
func (l *pagedList) turn(move func(total, size int) bool) {
	l.m.env.Session.Touch()
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	if move(l.extent()) {
		l.notify()
	}
}
