package readings

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestOf(t *testing.T) {
	for _, tt := range []struct {
		r    rune
		want []string
	}{
		{'行', []string{"xing", "hang", "heng"}},
		{'重', []string{"zhong", "chong", "tong"}},
		{'绿', []string{"lv", "lu"}},
		{'社', []string{"she"}},
		{'A', nil},
	} {
		if got := Of(tt.r); !slices.Equal(got, tt.want) {
			t.Errorf("Of(%c) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

func TestToneless(t *testing.T) {
	for in, want := range map[string]string{"háng": "hang", "lǜ": "lv", "LÜ": "lv", "zhong4": "zhong", "ń": "n", "": ""} {
		if got := Toneless(in); got != want {
			t.Errorf("Toneless(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMarks: the polyphones of the issue read right once marked, in a
// word and inside a longer text; unmarked, the most frequent reading.
func TestMarks(t *testing.T) {
	m, err := Parse(map[string]string{"银行": "yín háng", "重新": "chong2 xin1", "行长": "háng zhǎng"})
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"行政复议":          "xing zheng fu yi", // 行 xíng, its usual reading
		"本人银行卡":         "ben ren yin hang ka",
		"重新申领":          "chong xin shen ling",
		"重要":            "zhong yao",
		"银行行长":          "yin hang hang zhang",
		"社保卡 (SSC) A01": "she bao ka ssc a01",
		"Café":          "cafe",
	} {
		if got := strings.Join(m.Tokens(text), " "); got != want {
			t.Errorf("Tokens(%q) = %q, want %q", text, got, want)
		}
	}
	var zero Marks
	if got := strings.Join(zero.Tokens("银行"), " "); got != "yin xing" {
		t.Errorf("unmarked 银行 = %q: the dictionary's first reading changed?", got)
	}
}

func TestParseRejects(t *testing.T) {
	for word, reading := range map[string]string{
		"银行":  "yin xiang", // 行 is never xiang
		"调整":  "tiao",      // one syllable short
		"社保A": "she bao a", // not all characters
		"":    "",
		"卡":   "k@",
		"重":   "chongchongchong",
	} {
		m, err := Parse(map[string]string{word: reading, "重新": "chóng xīn"})
		if err == nil {
			t.Errorf("Parse(%q: %q) took it", word, reading)
			continue
		}
		if !strings.Contains(err.Error(), "reading of") {
			t.Errorf("error %q does not name the mark", err)
		}
		// The good mark beside it still counts.
		if got := strings.Join(m.Tokens("重新"), " "); got != "chong xin" {
			t.Errorf("the good mark was lost beside %q: %q", word, got)
		}
	}
}

// FuzzParse: a mark either parses into one toneless syllable per character
// or is refused with an error; Tokens never fails on any text.
func FuzzParse(f *testing.F) {
	f.Add("银行", "yín háng", "本人银行卡")
	f.Add("调整", "tiao2 zheng3", "额度调整")
	f.Add("行", "xiang", "行")
	f.Add("\xff", "a", "\xfe")
	f.Add("绿", "lǜ", "绿色")
	f.Fuzz(func(t *testing.T, word, reading, text string) {
		m, err := Parse(map[string]string{word: reading})
		if err == nil {
			syl := m.words[word]
			if len(syl) != utf8.RuneCountInString(word) {
				t.Fatalf("%q %q: %v", word, reading, syl)
			}
			for i, r := range []rune(word) {
				if !slices.Contains(Of(r), syl[i]) {
					t.Fatalf("%q %q: %c read %q", word, reading, r, syl[i])
				}
			}
		}
		for _, tok := range m.Tokens(text) {
			if tok == "" {
				t.Fatalf("Tokens(%q) has an empty token", text)
			}
		}
	})
}
