package readings_test

import (
	"slices"
	"testing"

	"hallkiosk/readings"
	"hallkiosk/readings/internal/dict"
)

// TestTableIsGenerated: the committed table is what internal/mktable
// writes from the pinned go-pinyin; after a version change, `go generate
// ./readings` makes it again.
func TestTableIsGenerated(t *testing.T) {
	if got := dict.Table(); string(got) != readings.Table {
		t.Fatalf("readings/table.bin (%d bytes) differs from the module's dictionary (%d bytes): run go generate ./readings",
			len(readings.Table), len(got))
	}
}

// TestTableMatchesModule: for every character the module knows, Of gives
// the readings the module gives, in its order; characters it does not
// know have none.
func TestTableMatchesModule(t *testing.T) {
	runes := dict.Runes()
	if len(runes) < 40000 {
		t.Fatalf("the module knows %d characters", len(runes))
	}
	bad := 0
	for _, r := range runes {
		if got, want := readings.Of(r), dict.Readings(r); !slices.Equal(got, want) {
			if bad++; bad <= 10 {
				t.Errorf("Of(%c U+%04X) = %v, the module says %v", r, r, got, want)
			}
		}
	}
	if bad > 10 {
		t.Errorf("%d characters differ in all", bad)
	}
	for _, r := range []rune{'A', '7', '。', 0x10FFFF, runes[0] - 1, runes[len(runes)-1] + 1} {
		if got := readings.Of(r); got != nil {
			t.Errorf("Of(U+%04X) = %v, want none", r, got)
		}
	}
}
