package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/flow"
)

// TestPageBarSet: the page bar shows the page number as its owner words
// it, enables a button only when there is a page that way, and hides both
// buttons while the list fits on one page, showing them again when it
// grows.
func TestPageBarSet(t *testing.T) {
	test.NewTempApp(t)
	b := NewPageBar(widget.NewButton("prev", nil), widget.NewButton("next", nil),
		func(n, count int) string { return fmt.Sprintf("%d of %d", n, count) })
	steps := []struct {
		name                  string
		index, total          int
		label                 string
		shown, prevOn, nextOn bool
	}{
		{"one page", 0, 3, "1 of 1", false, false, false},
		{"empty list", 0, 0, "1 of 1", false, false, false},
		{"first of three", 0, 9, "1 of 3", true, false, true},
		{"middle", 1, 9, "2 of 3", true, true, true},
		{"last", 2, 9, "3 of 3", true, true, false},
		{"past the end", 5, 9, "3 of 3", true, true, false},
		{"shrunk to one page", 2, 2, "1 of 1", false, false, false},
		{"grown again", 1, 6, "2 of 2", true, true, false},
	}
	for _, s := range steps {
		b.Set(flow.PageAt(s.index, s.total, 4))
		if got := b.Label.Text; got != s.label {
			t.Errorf("%s: label %q, want %q", s.name, got, s.label)
		}
		for _, c := range []struct {
			name   string
			button *widget.Button
			on     bool
		}{{"prev", b.Prev, s.prevOn}, {"next", b.Next, s.nextOn}} {
			if c.button.Visible() != s.shown {
				t.Errorf("%s: %s shown = %v, want %v", s.name, c.name, c.button.Visible(), s.shown)
			}
			if c.button.Disabled() == c.on {
				t.Errorf("%s: %s enabled = %v, want %v", s.name, c.name, !c.button.Disabled(), c.on)
			}
		}
	}
}
