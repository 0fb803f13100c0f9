package flow

import "testing"

func TestPager(t *testing.T) {
	type step struct {
		op   string // next, prev, page:N, size:N
		want PageInfo
	}
	tests := []struct {
		name  string
		total int
		size  int
		steps []step
	}{
		{"empty list has one empty page", 0, 8, []step{
			{"", PageInfo{Index: 0, Count: 1, Size: 8, Total: 0}},
			{"next", PageInfo{Index: 0, Count: 1, Size: 8, Total: 0}},
		}},
		{"exactly one page", 8, 8, []step{
			{"", PageInfo{Index: 0, Count: 1, Size: 8, Total: 8}},
		}},
		{"three pages forward and back", 17, 8, []step{
			{"", PageInfo{Index: 0, Count: 3, Size: 8, Total: 17, HasNext: true}},
			{"next", PageInfo{Index: 1, Count: 3, Size: 8, Total: 17, HasPrev: true, HasNext: true}},
			{"next", PageInfo{Index: 2, Count: 3, Size: 8, Total: 17, HasPrev: true}},
			{"next", PageInfo{Index: 2, Count: 3, Size: 8, Total: 17, HasPrev: true}},
			{"prev", PageInfo{Index: 1, Count: 3, Size: 8, Total: 17, HasPrev: true, HasNext: true}},
			{"page:0", PageInfo{Index: 0, Count: 3, Size: 8, Total: 17, HasNext: true}},
			{"page:99", PageInfo{Index: 2, Count: 3, Size: 8, Total: 17, HasPrev: true}},
			{"page:-3", PageInfo{Index: 0, Count: 3, Size: 8, Total: 17, HasNext: true}},
		}},
		{"elder mode keeps the first item in view", 17, 8, []step{
			{"next", PageInfo{Index: 1, Count: 3, Size: 8, Total: 17, HasPrev: true, HasNext: true}},
			// Item 8 was first on screen; with 4 a page it is on page 2.
			{"size:4", PageInfo{Index: 2, Count: 5, Size: 4, Total: 17, HasPrev: true, HasNext: true}},
			{"size:8", PageInfo{Index: 1, Count: 3, Size: 8, Total: 17, HasPrev: true, HasNext: true}},
		}},
		{"zero size takes the default", 9, 0, []step{
			{"", PageInfo{Index: 0, Count: 2, Size: DefaultPageSize, Total: 9, HasNext: true}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Pager
			size := tt.size
			for i, s := range tt.steps {
				switch {
				case s.op == "next":
					p.Next(tt.total, size)
				case s.op == "prev":
					p.Prev(tt.total, size)
				case len(s.op) > 5 && s.op[:5] == "page:":
					var n int
					fmtSscan(s.op[5:], &n)
					p.Page(n, tt.total, size)
				case len(s.op) > 5 && s.op[:5] == "size:":
					fmtSscan(s.op[5:], &size)
				}
				if got := p.Info(tt.total, size); got != s.want {
					t.Errorf("step %d %q: got %+v, want %+v", i, s.op, got, s.want)
				}
				lo, hi := p.Bounds(tt.total, size)
				if lo < 0 || hi > tt.total || lo > hi || hi-lo > s.want.Size {
					t.Errorf("step %d: bounds [%d,%d) of %d", i, lo, hi, tt.total)
				}
			}
		})
	}
}

func TestPageOf(t *testing.T) {
	items := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	var p Pager
	got, info := pageOf(&p, items, 4)
	if len(got) != 4 || got[0] != 0 || !info.HasNext {
		t.Fatalf("first page %v %+v", got, info)
	}
	p.Page(2, len(items), 4)
	got, info = pageOf(&p, items, 4)
	if len(got) != 2 || got[0] != 8 || info.HasNext || !info.HasPrev {
		t.Fatalf("last page %v %+v", got, info)
	}
	// The list shrank under the pager (a new catalog): clamp, never panic.
	got, info = pageOf(&p, items[:3], 4)
	if len(got) != 3 || info.Index != 0 {
		t.Fatalf("shrunk list %v %+v", got, info)
	}
}

// TestPageAt is the page arithmetic screens with a page number of their own
// use (ui's listPage, the technician's lists): the index is clamped to the
// pages there are, and the bounds never leave the list.
func TestPageAt(t *testing.T) {
	tests := []struct {
		name               string
		index, total, size int
		want               PageInfo
		lo, hi             int
	}{
		{"empty list has one empty page", 0, 0, 4, PageInfo{Index: 0, Count: 1, Size: 4}, 0, 0},
		{"first of three", 0, 10, 4, PageInfo{Index: 0, Count: 3, Size: 4, Total: 10, HasNext: true}, 0, 4},
		{"middle", 1, 10, 4, PageInfo{Index: 1, Count: 3, Size: 4, Total: 10, HasPrev: true, HasNext: true}, 4, 8},
		{"short last page", 2, 10, 4, PageInfo{Index: 2, Count: 3, Size: 4, Total: 10, HasPrev: true}, 8, 10},
		{"past the end is the last page", 7, 10, 4, PageInfo{Index: 2, Count: 3, Size: 4, Total: 10, HasPrev: true}, 8, 10},
		{"before the start is the first page", -2, 10, 4, PageInfo{Index: 0, Count: 3, Size: 4, Total: 10, HasNext: true}, 0, 4},
		{"list shrank under the page", 5, 3, 4, PageInfo{Index: 0, Count: 1, Size: 4, Total: 3}, 0, 3},
		{"one a page", 2, 3, 1, PageInfo{Index: 2, Count: 3, Size: 1, Total: 3, HasPrev: true}, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PageAt(tt.index, tt.total, tt.size)
			if got != tt.want {
				t.Errorf("PageAt(%d, %d, %d) = %+v, want %+v", tt.index, tt.total, tt.size, got, tt.want)
			}
			if lo, hi := got.Bounds(); lo != tt.lo || hi != tt.hi {
				t.Errorf("Bounds = [%d,%d), want [%d,%d)", lo, hi, tt.lo, tt.hi)
			}
		})
	}
}

// TestPageIn is the page arithmetic of a list whose pages differ in length
// (ui's column of text rows).
func TestPageIn(t *testing.T) {
	tests := []struct {
		index, count int
		want         PageInfo
	}{
		{0, 0, PageInfo{Index: 0, Count: 1}},
		{0, 1, PageInfo{Index: 0, Count: 1}},
		{0, 3, PageInfo{Index: 0, Count: 3, HasNext: true}},
		{1, 3, PageInfo{Index: 1, Count: 3, HasPrev: true, HasNext: true}},
		{2, 3, PageInfo{Index: 2, Count: 3, HasPrev: true}},
		{9, 3, PageInfo{Index: 2, Count: 3, HasPrev: true}},
		{-1, 3, PageInfo{Index: 0, Count: 3, HasNext: true}},
	}
	for _, tt := range tests {
		if got := PageIn(tt.index, tt.count); got != tt.want {
			t.Errorf("PageIn(%d, %d) = %+v, want %+v", tt.index, tt.count, got, tt.want)
		}
	}
}
