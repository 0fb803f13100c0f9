package escpos

import (
	"errors"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecode: the ESC/POS parser never panics, its items tile the input in
// order, every problem is a *DecodeError, and the document's views (Text,
// Tickets, Length) work on whatever it produced.
func FuzzDecode(f *testing.F) {
	f.Add(LayoutTicket(sampleTicket))
	f.Add(LayoutChecklist(Checklist{Service: "社保", Materials: []string{"身份证"}, QR: "https://x"}))
	f.Add(TestTicket(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)))
	f.Add([]byte{0x1D, 0x28, 0x6B, 0xFF, 0xFF, 0x31, 0x50, 0x30})
	f.Add([]byte{0x1D, 0x6B, 0x49, 0x05, '{', 'C', 0x0C, 0x22, 0x38})
	f.Add([]byte{0x1D, 0x76, 0x30, 0x00, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{0x1B, 0x26, 0x03, 0x20, 0x7E, 0x0C})
	f.Add([]byte{0x1C, 0x71, 0x02, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{0x1D, 0x38, 0x4C, 0xFF, 0xFF, 0xFF, 0x7F, 0x30})
	f.Add([]byte{0x10, 0x04, 0x01, 0x10, 0x14, 0x08, 0x01, 0x81, 0x30, 0x84, 0x36, 0xD6})
	f.Add([]byte{0x1C, 0x2E, 0x1B, 0x74, 0x11, 0x80, 0xFF})
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(data)
		if d == nil {
			t.Fatal("nil document")
		}
		if (err == nil) != (len(d.Problems) == 0) {
			t.Fatalf("err %v with %d problems", err, len(d.Problems))
		}
		for _, p := range d.Problems {
			var de *DecodeError
			if !errors.As(error(p), &de) || p.Offset < 0 || p.Offset > len(data) {
				t.Fatalf("bad problem %v", p)
			}
		}
		if len(data) > 0 {
			checkSpans(t, d, len(data))
		}
		for _, it := range d.Items {
			if it.Kind == KindText && !utf8.ValidString(it.Text) {
				t.Fatalf("text run is not UTF-8: %q", it.Text)
			}
			if it.Kind == KindQR && (it.QR == nil || len(it.QR.Data) == 0) {
				t.Fatalf("QR item without data")
			}
		}
		_ = d.Text()
		_ = d.Length()
		n := 0
		for _, tk := range d.Tickets() {
			n += len(tk.Items)
		}
		if n > len(d.Items) {
			t.Fatalf("tickets hold %d items of %d", n, len(d.Items))
		}
	})
}

// FuzzStatus: any byte to any request decodes or is rejected with
// ErrInvalidStatus; a decoded status re-encodes to a byte that decodes to
// the same flags; the descriptions never panic.
func FuzzStatus(f *testing.F) {
	for _, v := range []struct{ n, b byte }{
		{1, 0x12}, {1, 0x1A}, {2, 0x32}, {2, 0x16}, {3, 0x1A}, {4, 0x12},
		{4, 0x1E}, {4, 0x72}, {4, 0x7E}, {4, 0x11}, {0, 0x12}, {5, 0xFF},
	} {
		f.Add(v.n, v.b)
	}
	f.Fuzz(func(t *testing.T, n, b byte) {
		s, err := DecodeStatus(StatusKind(n), b)
		if err != nil {
			if n >= 1 && n <= 4 && !errors.Is(err, ErrInvalidStatus) {
				t.Fatalf("n=%d b=%02X: %v", n, b, err)
			}
			if ValidStatusByte(b) && n >= 1 && n <= 4 {
				t.Fatalf("valid byte %02X rejected", b)
			}
			return
		}
		if !ValidStatusByte(b) {
			t.Fatalf("invalid byte %02X accepted", b)
		}
		again, err := DecodeStatus(StatusKind(n), s.Encode(StatusKind(n)))
		if err != nil {
			t.Fatal(err)
		}
		again.Raw, s.Raw = [4]byte{}, [4]byte{}
		if again != s {
			t.Fatalf("%+v re-encodes as %+v", s, again)
		}
		_ = s.String()
		_ = s.Problems()
		if e := s.Err(); e != nil {
			_ = e.Error()
		}
	})
}

// FuzzEncodeText: whatever the text, the bytes sent are printable ASCII,
// LF or 2-byte GB18030 codes, and they decode without problems.
func FuzzEncodeText(f *testing.F) {
	for _, s := range []string{"中文", "¥12.5", "𠀀", "a\x1bb", "Müller Øre", "\xff\xfe", "①·—", "\u200b\t\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, _ := EncodeText(s)
		if err := checkPrintable(out); err != nil {
			t.Fatalf("%q → % X: %v", s, out, err)
		}
		if _, err := Decode(out); err != nil {
			t.Fatalf("%q → % X does not decode: %v", s, out, err)
		}
		if w := TextWidth(s); w != len(out)-countLF(out) {
			t.Fatalf("%q: TextWidth %d, encoded %d columns", s, w, len(out)-countLF(out))
		}
	})
}

func countLF(p []byte) int {
	n := 0
	for _, b := range p {
		if b == '\n' {
			n++
		}
	}
	return n
}
