package readings

import (
	"slices"
	"testing"
)

// FuzzTable: a damaged table (cut short, counts that overrun it, syllable
// numbers out of range) never panics: it gives no readings, or readings
// that are among its syllables.
func FuzzTable(f *testing.F) {
	f.Add(table[:min(len(table), 400)], '中')
	f.Add(table, '行')
	f.Add(tableMagic+"\x04\x00\x00\x00a\nb\n\x01\x00\x00\x00\x2d\x4e\x00\x00\x00\x00\x00\x00\x01\x00", '中')
	f.Add(tableMagic+"\xff\xff\xff\xff", 'a')
	f.Fuzz(func(t *testing.T, tb string, r rune) {
		d := open(tb)
		for _, s := range d.lookup(r) {
			if !slices.Contains(d.syllables, s) {
				t.Fatalf("reading %q is not one of the table's syllables", s)
			}
		}
	})
}
