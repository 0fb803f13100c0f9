package linebreak

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// cols measures like a printer: two columns for a Chinese character or
// full-width mark, one for anything else.
func cols(s string) float32 {
	n := 0
	for _, r := range s {
		n++
		if wide(r) {
			n++
		}
	}
	return float32(n)
}

func TestLines(t *testing.T) {
	keep := New("综合窗口·绿色通道", "20号窗口", "6号窗口", "社会保障卡", "申领", "补领", "换领", "零星", "社保卡服务")
	tests := []struct {
		name  string
		b     *Breaker
		in    string
		width float32
		want  []string
	}{
		{"fits", nil, "中文", 10, []string{"中文"}},
		{"chinese breaks between characters", nil, "一二三四五六", 6, []string{"一二三", "四五六"}},
		{"no pause mark at a line start", nil, "一二，三四", 4, []string{"一", "二，", "三四"}},
		{"no closing bracket at a line start", nil, "医疗费用手工（零星）报销", 14, []string{"医疗费用手工", "（零星）报销"}},
		{"no opening bracket at a line end", nil, "一二三（四）", 8, []string{"一二三", "（四）"}},
		{"no colon at a line start", nil, "办理窗口：一", 8, []string{"办理窗", "口：一"}},
		{"ellipsis pair kept", nil, "一二三……", 8, []string{"一二", "三……"}},
		{"latin words kept whole", nil, "hello big world", 9, []string{"hello big", "world"}},
		{"hyphenated word whole", nil, "a start-up", 9, []string{"a", "start-up"}},
		{"number and measure word", nil, "办结时限3个工作日", 10, []string{"办结时限", "3个工作日"}},
		{"date kept whole", nil, "日期2026-03-01", 10, []string{"日期", "2026-03-01"}},
		{"long word broken", nil, "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"mixed", nil, "材料copy两份", 8, []string{"材料copy", "两份"}},
		{"newline honoured", nil, "a\nb", 10, []string{"a", "b"}},
		{"empty", nil, "", 10, []string{""}},
		{"spaces dropped at a break", nil, "ab cd", 2, []string{"ab", "cd"}},
		{"kept word moves whole", keep, "20号窗口 综合窗口·绿色通道", 22, []string{"20号窗口", "综合窗口·绿色通道"}},
		{"kept word not at a space", keep, "请到综合窗口·绿色通道办理", 18, []string{"请到", "综合窗口·绿色通道", "办理"}},
		{"without the mark it breaks inside", nil, "请到综合窗口·绿色通道办理", 18, []string{"请到综合窗口·绿色", "通道办理"}},
		{"kept service name", keep, "社会保障卡申领、补领、换领", 20, []string{"社会保障卡申领、", "补领、换领"}},
		{"kept word wider than the line", keep, "综合窗口·绿色通道", 12, []string{"综合窗口·绿", "色通道"}},
		{"nested kept words", New("综合窗口·绿色通道", "综合窗口", "绿色通道"), "综合窗口·绿色通道", 12, []string{"综合窗口·", "绿色通道"}},
		{"one window a line", keep, "6号窗口 社保卡服务\n20号窗口 综合窗口·绿色通道", 40, []string{"6号窗口 社保卡服务", "20号窗口 综合窗口·绿色通道"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.b.Lines(tt.in, tt.width, cols)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Lines(%q, %v) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
		})
	}
}

func TestFill(t *testing.T) {
	b := New("6号窗口", "20号窗口", "综合窗口·绿色通道")
	got := b.Fill("办理窗口：6号窗口、20号窗口 综合窗口·绿色通道", 24, 20, cols)
	want := []string{"办理窗口：6号窗口、", "20号窗口", "综合窗口·绿色通道"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNew(t *testing.T) {
	got := New("申领", " ", "卡", "综合窗口", "申领").Words()
	if want := []string{"综合窗口", "申领"}; !slices.Equal(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
}

// FuzzLines checks what holds for any text: every line fits unless it is a
// single character, the text comes back in order with only spaces lost,
// and a line starts with closing punctuation only where the line before it
// is a single character (nothing else could be done).
func FuzzLines(f *testing.F) {
	for _, s := range []string{
		"社会保障卡申领、补领、换领", "医疗费用手工（零星）报销", "20号窗口 综合窗口·绿色通道",
		"Window 20 · General window · priority lane", "一，，，，，，", "（（（（", "a\nb\n\n c",
		"https://zw.example.gov.cn/g/sb-card", "……——", "\u3000\u3000全角空格", "",
	} {
		f.Add(s, uint8(6), "综合窗口")
	}
	f.Fuzz(func(t *testing.T, s string, width uint8, word string) {
		if !utf8.ValidString(s) {
			return
		}
		w := float32(width%40 + 1)
		lines := New(word).Lines(s, w, cols)
		squash := func(x string) string {
			return strings.Map(func(r rune) rune {
				if isSpace(r) || r == '\n' {
					return -1
				}
				return r
			}, x)
		}
		if got, want := squash(strings.Join(lines, "")), squash(s); got != want {
			t.Fatalf("Lines(%q, %v) = %q: text changed", s, w, lines)
		}
		if n := strings.Count(s, "\n") + 1; len(lines) < n {
			t.Fatalf("Lines(%q) = %q: fewer lines than paragraphs", s, lines)
		}
		for i, l := range lines {
			if cols(l) > w && utf8.RuneCountInString(strings.TrimLeft(l, " \t\u3000")) > 1 {
				t.Fatalf("Lines(%q, %v): line %q wider than %v", s, w, l, w)
			}
			r, _ := utf8.DecodeRuneInString(l)
			if i > 0 && Closing(r) && utf8.RuneCountInString(strings.TrimLeft(lines[i-1], " \t\u3000")) > 1 && !strings.Contains(s, "\n") {
				// A closing mark may start a line only when the line
				// before had nothing left to give.
				prev := []rune(lines[i-1])
				if !Closing(prev[len(prev)-1]) && !Opening(prev[len(prev)-2]) && !isSpace(prev[len(prev)-1]) {
					t.Fatalf("Lines(%q, %v) = %q: line %d starts with %q", s, w, lines, i, r)
				}
			}
		}
	})
}
