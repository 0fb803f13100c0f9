package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// TestDigitPad: the digits in telephone order, the two corner keys beside
// the 0, three to a row.
func TestDigitPad(t *testing.T) {
	label := func(r rune) fyne.CanvasObject { return widget.NewLabel(string(r)) }
	pad := DigitPad(label, widget.NewLabel("clear"), widget.NewLabel("del"))
	var got []string
	for _, o := range pad.Objects {
		got = append(got, o.(*widget.Label).Text)
	}
	want := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "del"}
	if len(got) != len(want) {
		t.Fatalf("keys %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("keys %q, want %q", got, want)
		}
	}
	if cols := gridColumns(t, pad); cols != 3 {
		t.Errorf("%d columns, want 3", cols)
	}
}

// TestCharGrid: one key a character, in order, in the columns asked for.
func TestCharGrid(t *testing.T) {
	var typed []rune
	grid := CharGrid([]rune("ABCDEFGHI-"), 7, func(r rune) fyne.CanvasObject {
		return widget.NewButton(string(r), func() { typed = append(typed, r) })
	})
	if len(grid.Objects) != 10 {
		t.Fatalf("%d keys, want 10", len(grid.Objects))
	}
	for _, o := range grid.Objects {
		o.(*widget.Button).OnTapped()
	}
	if string(typed) != "ABCDEFGHI-" {
		t.Errorf("typed %q, want %q", string(typed), "ABCDEFGHI-")
	}
	if cols := gridColumns(t, grid); cols != 7 {
		t.Errorf("%d columns, want 7", cols)
	}
}

// gridColumns counts the columns of a grid by laying it out: the keys of
// the first row share its top.
func gridColumns(t *testing.T, c *fyne.Container) int {
	t.Helper()
	c.Resize(fyne.NewSize(700, 400))
	n := 0
	for _, o := range c.Objects {
		if o.Position().Y == c.Objects[0].Position().Y {
			n++
		}
	}
	return n
}
