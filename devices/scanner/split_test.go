package scanner

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// piece is a Piece with its Data copied, for comparing.
type piece struct {
	Kind Kind
	Data string
	N    int
}

func (p piece) String() string { return fmt.Sprintf("%v %q %d", p.Kind, p.Data, p.N) }

func collect(s *Splitter, chunks [][]byte, flush bool) []piece {
	var out []piece
	emit := func(p Piece) { out = append(out, piece{p.Kind, string(p.Data), p.N}) }
	for _, c := range chunks {
		s.Feed(c, emit)
	}
	if flush {
		s.Flush(emit)
	}
	return out
}

func TestSplitter(t *testing.T) {
	long := strings.Repeat("x", 9)
	tests := []struct {
		name    string
		term    string
		chunks  []string
		flush   bool
		want    []piece
		pending int
	}{
		{"one code", "\r", []string{"ABC\r"}, false,
			[]piece{{Line, "ABC", 4}}, 0},
		{"two codes in one read", "\r", []string{"A\rB\r"}, false,
			[]piece{{Line, "A", 2}, {Line, "B", 2}}, 0},
		{"code split across reads", "\r", []string{"AB", "C", "\r"}, false,
			[]piece{{Line, "ABC", 4}}, 0},
		{"CR LF with CR terminator", "\r", []string{"A\r\nB\r\n"}, false,
			[]piece{{Line, "A", 2}, {Blank, "", 1}, {Line, "B", 2}, {Blank, "", 1}}, 0},
		{"CR | LF split across reads", "\r", []string{"A\r", "\nB\r"}, false,
			[]piece{{Line, "A", 2}, {Blank, "", 1}, {Line, "B", 2}}, 0},
		{"CR LF terminator", "\r\n", []string{"A\r\nB\r\n"}, false,
			[]piece{{Line, "A", 3}, {Line, "B", 3}}, 0},
		{"CR LF terminator split between CR and LF", "\r\n", []string{"A\r", "\n"}, false,
			[]piece{{Line, "A", 3}}, 0},
		{"bare CR inside a CR LF line stays in the line", "\r\n", []string{"A\rB\r\n"}, false,
			[]piece{{Line, "A\rB", 5}}, 0},
		{"LF terminator keeps a CR before it", "\n", []string{"A\r\n"}, false,
			[]piece{{Line, "A\r", 3}}, 0},
		{"empty lines", "\r", []string{"\r\r \r"}, false,
			[]piece{{Blank, "", 1}, {Blank, "", 1}, {Blank, "", 2}}, 0},
		{"partial line stays pending", "\r", []string{"AB"}, false, nil, 2},
		{"flush drops a fragment", "\r", []string{"AB"}, true,
			[]piece{{Fragment, "AB", 2}}, 0},
		{"flush of white space is blank", "\r", []string{"\n"}, true,
			[]piece{{Blank, "", 1}}, 0},
		{"exactly MaxLen", "\r", []string{long[:8] + "\r"}, false,
			[]piece{{Line, long[:8], 9}}, 0},
		{"MaxLen+1 is too long, next line resyncs", "\r", []string{long + "\rOK\r"}, false,
			[]piece{{TooLong, "", 10}, {Line, "OK", 3}}, 0},
		{"too long across reads", "\r\n", []string{long, long, "\r", "\nOK\r\n"}, false,
			[]piece{{TooLong, "", 20}, {Line, "OK", 4}}, 0},
		{"too long without terminator, flushed", "\r", []string{long + long}, true,
			[]piece{{TooLong, "", 18}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSplitter([]byte(tt.term), 8)
			var chunks [][]byte
			for _, c := range tt.chunks {
				chunks = append(chunks, []byte(c))
			}
			got := collect(s, chunks, tt.flush)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("pieces\n got %v\nwant %v", got, tt.want)
			}
			if s.Pending() != tt.pending {
				t.Fatalf("pending = %d, want %d", s.Pending(), tt.pending)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
		err  error
	}{
		{"ascii", []byte("YY20261129-0042"), "YY20261129-0042", nil},
		{"url", []byte("https://zwfw.example.gov.cn/q?id=7f3a&t=1"), "https://zwfw.example.gov.cn/q?id=7f3a&t=1", nil},
		{"utf-8 chinese", []byte("预约码:张三"), "预约码:张三", nil},
		{"gbk chinese", []byte{0xD4, 0xA4, 0xD4, 0xBC, 0xC2, 0xEB, ':', 0xD5, 0xC5, 0xC8, 0xFD}, "预约码:张三", nil},
		{"gb18030 four-byte", []byte{'A', 0x81, 0x30, 0x84, 0x36, 0xD5, 0xC5}, "A¥张", nil},
		{"trims spaces, tabs, CR, LF", []byte(" \tX1\t\r\n"), "X1", nil},
		{"white space only", []byte(" \t "), "", ErrEmpty},
		{"bell inside", []byte("A\aB"), "", ErrControl},
		{"GS separator (GS1) is a control character", []byte("01095011010209171\x1d10ABC"), "", ErrControl},
		{"DEL", []byte("A\x7f"), "", ErrControl},
		{"C1 control in UTF-8", []byte("A\u0085B"), "", ErrControl},
		{"CR inside", []byte("A\rB"), "", ErrControl},
		{"neither UTF-8 nor GB18030", []byte{'A', 0xFF, 0xFF}, "", ErrEncoding},
		{"truncated GBK", []byte{'A', 0xD5}, "", ErrEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.in)
			if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("Decode(%x) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
			if code := bytes.Trim(tt.in, trimSet); err != nil && len(code) > 2 && strings.Contains(err.Error(), string(code)) {
				t.Fatalf("error %q repeats the scanned bytes", err)
			}
		})
	}
}

// FuzzLineSplitter feeds arbitrary bytes, cut into arbitrary chunks, with
// an arbitrary terminator. It must never panic, never deliver a line that
// contains the terminator or exceeds MaxLen, account for every byte, and
// cut the same pieces however the input is chunked. Decode must never
// panic and never return a code with a control character or invalid UTF-8.
func FuzzLineSplitter(f *testing.F) {
	f.Add([]byte("ABC\r"), "\r", 16, uint8(1))
	f.Add([]byte("A\r\nB\r\n\r\n"), "\r", 16, uint8(2))
	f.Add([]byte("A\r\nB\r\n"), "\r\n", 16, uint8(1))
	f.Add([]byte("A\rB\r\nC"), "\r\n", 4, uint8(3))
	f.Add([]byte(strings.Repeat("x", 40)+"\rOK\r"), "\r", 8, uint8(7))
	f.Add([]byte{0xD4, 0xA4, 0xD4, 0xBC, 0xC2, 0xEB, '\r', 0xFF, '\r'}, "\r", 64, uint8(5))
	f.Add([]byte("aaaaxaa"), "aa", 3, uint8(1))
	f.Add([]byte("https://example.gov.cn/a?b=c\r\x00\x07\x1b[0m\r"), "\r", 4096, uint8(255))
	f.Fuzz(func(t *testing.T, data []byte, term string, maxLen int, chunk uint8) {
		if len(term) == 0 || len(term) > 4 {
			term = "\r"
		}
		maxLen = 1 + (maxLen&0x7fffffff)%64
		step := 1 + int(chunk)

		whole := NewSplitter([]byte(term), maxLen)
		want := collect(whole, [][]byte{data}, false)
		wantPending := whole.Pending()

		s := NewSplitter([]byte(term), maxLen)
		var chunks [][]byte
		for i := 0; i < len(data); i += step {
			chunks = append(chunks, data[i:min(i+step, len(data))])
		}
		got := collect(s, chunks, false)
		if fmt.Sprint(got) != fmt.Sprint(want) || s.Pending() != wantPending {
			t.Fatalf("chunking by %d changed the pieces:\n got %v +%d\nwant %v +%d", step, got, s.Pending(), want, wantPending)
		}

		total := s.Pending()
		for _, p := range got {
			total += p.N
			if p.N <= 0 {
				t.Fatalf("piece %v accounts for no bytes", p)
			}
			if p.Kind != Line {
				continue
			}
			if strings.Contains(p.Data, term) {
				t.Fatalf("line %q contains the terminator %q", p.Data, term)
			}
			if len(p.Data) > maxLen || len(p.Data) == 0 {
				t.Fatalf("line of %d bytes, MaxLen %d", len(p.Data), maxLen)
			}
			code, err := Decode([]byte(p.Data))
			if err != nil {
				continue
			}
			if !utf8.ValidString(code) || code == "" {
				t.Fatalf("Decode returned %q", code)
			}
			for _, r := range code {
				if unicode.IsControl(r) {
					t.Fatalf("Decode returned control character %U in %q", r, code)
				}
			}
		}
		if total != len(data) {
			t.Fatalf("accounted for %d of %d bytes: %v pending %d", total, len(data), got, s.Pending())
		}
		flushed := collect(s, nil, true)
		if s.Pending() != 0 || len(flushed) > 1 || (len(flushed) == 1 && flushed[0].N != total-sumN(got)) {
			t.Fatalf("flush: %v, pending after %d", flushed, s.Pending())
		}
	})
}

func sumN(ps []piece) int {
	n := 0
	for _, p := range ps {
		n += p.N
	}
	return n
}

func BenchmarkSplitter(b *testing.B) {
	var stream []byte
	for i := range 1000 {
		stream = fmt.Appendf(stream, "https://zwfw.example.gov.cn/yy?id=%08d&sig=3f9a0c\r\n", i)
	}
	s := NewSplitter([]byte("\r"), DefaultMaxLen)
	lines := 0
	emit := func(p Piece) {
		if p.Kind == Line {
			lines++
		}
	}
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		for i := 0; i < len(stream); i += 512 {
			s.Feed(stream[i:min(i+512, len(stream))], emit)
		}
	}
	if lines == 0 {
		b.Fatal("no lines")
	}
}

func BenchmarkDecode(b *testing.B) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"ascii", []byte("https://zwfw.example.gov.cn/yy?id=00000042&sig=3f9a0c")},
		{"gbk", []byte{0xD4, 0xA4, 0xD4, 0xBC, 0xC2, 0xEB, ':', 0xD5, 0xC5, 0xC8, 0xFD, '1', '2', '3'}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(tt.in)))
			for b.Loop() {
				if _, err := Decode(tt.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
