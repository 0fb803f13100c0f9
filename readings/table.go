package readings

import (
	_ "embed"
	"encoding/binary"
	"sort"
	"strings"
	"sync"
)

//go:generate go run ./internal/mktable -out table.bin

// table is every character's toneless readings, most frequent first, made
// from github.com/mozillazg/go-pinyin by internal/mktable; internal/dict
// documents the layout. It is read in place: nothing is decoded at start.
//
//go:embed table.bin
var table string

// dictionary is the table's parts, found once at the first lookup.
type dictionary struct {
	syllables []string // by number
	rows      string   // 6 bytes a character: rune, first reference
	refs      string   // 2 bytes a reference: syllable number
	n         int      // characters
}

var (
	dictOnce sync.Once
	dict     dictionary
)

const tableMagic = "HKPY1\n"

// open splits a table. A table that does not parse (it is built and
// tested with the code, so only a broken build makes one) leaves the
// dictionary empty: every character is then unknown, and the search falls
// back to what the catalog's marks and Latin words give.
func open(table string) dictionary {
	t, ok := strings.CutPrefix(table, tableMagic)
	if !ok || len(t) < 4 {
		return dictionary{}
	}
	nl := int(binary.LittleEndian.Uint32([]byte(t[:4])))
	t = t[4:]
	if nl > len(t) || len(t[nl:]) < 4 {
		return dictionary{}
	}
	names := strings.Split(strings.TrimSuffix(t[:nl], "\n"), "\n")
	t = t[nl:]
	n := int(binary.LittleEndian.Uint32([]byte(t[:4])))
	t = t[4:]
	if n*6 > len(t) || (len(t)-n*6)%2 != 0 {
		return dictionary{}
	}
	return dictionary{syllables: names, rows: t[:n*6], refs: t[n*6:], n: n}
}

func u24at(s string, i int) int { return int(s[i]) | int(s[i+1])<<8 | int(s[i+2])<<16 }

// lookup returns r's readings from the table; nil for an unknown rune.
func (d dictionary) lookup(r rune) []string {
	i := sort.Search(d.n, func(i int) bool { return u24at(d.rows, i*6) >= int(r) })
	if i == d.n || u24at(d.rows, i*6) != int(r) {
		return nil
	}
	lo, hi := u24at(d.rows, i*6+3), len(d.refs)/2
	if i+1 < d.n {
		hi = u24at(d.rows, (i+1)*6+3)
	}
	if lo >= hi || hi > len(d.refs)/2 {
		return nil
	}
	out := make([]string, 0, hi-lo)
	for k := lo; k < hi; k++ {
		num := int(d.refs[2*k]) | int(d.refs[2*k+1])<<8
		if num >= len(d.syllables) {
			return nil
		}
		out = append(out, d.syllables[num])
	}
	return out
}
