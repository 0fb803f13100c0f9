// Package dict turns github.com/mozillazg/go-pinyin's dictionary into the
// compact table the readings package embeds (table.bin), so the kiosk
// binary does not link the module: its package initialisation builds a map
// of about 41,000 characters before main runs (40 ms and 1.7 MB on a
// two-core terminal), on the path to the first frame, for a dictionary the
// kiosk reads a few hundred times a day.
//
// The table's layout, all integers little-endian:
//
//	magic    "HKPY1\n"
//	u32      byte length of the syllables
//	bytes    the distinct toneless syllables, sorted, each ending in '\n'
//	u32      number of characters
//	rows     per character, in rune order: rune (u24), first reference (u24)
//	refs     u16 syllable numbers; a character's run ends where the next
//	         one's starts, the last one's at the end of the table
package dict

import (
	"bytes"
	"encoding/binary"
	"slices"

	gopinyin "github.com/mozillazg/go-pinyin"

	"hallkiosk/readings"
)

// Magic opens the table.
const Magic = "HKPY1\n"

// Readings returns r's distinct toneless readings, most frequent first, as
// the module gives them; nil when the module does not know r.
func Readings(r rune) []string {
	var out []string
	for _, p := range gopinyin.SinglePinyin(r, heteronyms) {
		if s := readings.Toneless(p); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

var heteronyms = func() gopinyin.Args {
	a := gopinyin.NewArgs()
	a.Heteronym = true
	a.Style = gopinyin.Tone // tones kept: Toneless folds them, ü included
	a.Fallback = func(rune, gopinyin.Args) []string { return nil }
	return a
}()

// Runes returns every character the module knows, in rune order.
func Runes() []rune {
	rs := make([]rune, 0, len(gopinyin.PinyinDict))
	for r := range gopinyin.PinyinDict {
		rs = append(rs, rune(r))
	}
	slices.Sort(rs)
	return rs
}

// Table builds the table: the same bytes for the same module version.
func Table() []byte {
	runes := Runes()
	readings := make([][]string, len(runes))
	var syllables []string
	for i, r := range runes {
		readings[i] = Readings(r)
		syllables = append(syllables, readings[i]...)
	}
	slices.Sort(syllables)
	syllables = slices.Compact(syllables)
	number := make(map[string]uint16, len(syllables))
	var names bytes.Buffer
	for i, s := range syllables {
		number[s] = uint16(i)
		names.WriteString(s + "\n")
	}
	var out bytes.Buffer
	out.WriteString(Magic)
	out.Write(binary.LittleEndian.AppendUint32(nil, uint32(names.Len())))
	out.Write(names.Bytes())
	out.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(runes))))
	ref := 0
	for i, r := range runes {
		out.Write(u24(uint32(r)))
		out.Write(u24(uint32(ref)))
		ref += len(readings[i])
	}
	for _, rd := range readings {
		for _, s := range rd {
			out.Write(binary.LittleEndian.AppendUint16(nil, number[s]))
		}
	}
	return out.Bytes()
}

func u24(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16)} }
