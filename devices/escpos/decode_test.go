package escpos

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDecodeCommands(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *Builder)
		check func(t *testing.T, d *Document)
	}{
		{"text keeps style", func(b *Builder) {
			b.Init().Align(Center).Bold(true).Underline(1).Size(3, 2).Text("中文A")
		}, func(t *testing.T, d *Document) {
			it := last(t, d, KindText)
			want := Style{Align: Center, Width: 3, Height: 2, Bold: true, Underline: 1, Chinese: true}
			if it.Text != "中文A" || it.Style != want {
				t.Errorf("got %q %+v", it.Text, it.Style)
			}
		}},
		{"chinese mode off decodes code page 437", func(b *Builder) {
			b.ChineseMode(false).Raw(0x82) // é in PC437
		}, func(t *testing.T, d *Document) {
			if it := last(t, d, KindText); it.Text != "é" || it.Style.Chinese {
				t.Errorf("got %q chinese=%v", it.Text, it.Style.Chinese)
			}
		}},
		{"ESC ! sets double size and emphasis", func(b *Builder) { b.Raw(0x1B, '!', 0x38).Text("x") },
			func(t *testing.T, d *Document) {
				st := last(t, d, KindText).Style
				if st.Width != 2 || st.Height != 2 || !st.Bold {
					t.Errorf("style %+v", st)
				}
			}},
		{"ESC @ resets style", func(b *Builder) { b.Size(4, 4).Bold(true).Init().Text("x") },
			func(t *testing.T, d *Document) {
				if st := last(t, d, KindText).Style; st != DefaultStyle() {
					t.Errorf("style %+v", st)
				}
			}},
		{"newline", func(b *Builder) { b.Line("a") }, func(t *testing.T, d *Document) {
			if it := last(t, d, KindNewline); it.Lines != 1 {
				t.Errorf("lines %d", it.Lines)
			}
		}},
		{"feed lines", func(b *Builder) { b.Feed(5) }, func(t *testing.T, d *Document) {
			if it := last(t, d, KindFeed); it.Lines != 5 {
				t.Errorf("lines %d", it.Lines)
			}
		}},
		{"feed dots", func(b *Builder) { b.FeedDots(40) }, func(t *testing.T, d *Document) {
			if it := last(t, d, KindFeed); it.Dots != 40 {
				t.Errorf("dots %d", it.Dots)
			}
		}},
		{"line spacing recorded", func(b *Builder) { b.LineSpacing(50).LF() }, func(t *testing.T, d *Document) {
			if it := last(t, d, KindNewline); it.LineSpacing != 50 {
				t.Errorf("spacing %d", it.LineSpacing)
			}
		}},
		{"QR of B.4", func(b *Builder) { b.Align(Center).QR("https://example.com", LevelM, 6) },
			func(t *testing.T, d *Document) {
				it := last(t, d, KindQR)
				q := it.QR
				if string(q.Data) != "https://example.com" || q.Model != 2 || q.ModuleSize != 6 || q.Level != LevelM || it.Style.Align != Center {
					t.Errorf("QR %+v %s align %v", q, q.Data, it.Style.Align)
				}
			}},
		{"CODE128 set C", func(b *Builder) { b.BarcodeHeight(80).BarcodeWidth(2).HRI(HRIBelow).Code128("123456") },
			func(t *testing.T, d *Document) {
				bc := last(t, d, KindBarcode).Barcode
				if bc.Symbology != "CODE128" || bc.Text != "123456" || bc.Height != 80 || bc.ModuleWidth != 2 || bc.HRI != HRIBelow {
					t.Errorf("barcode %+v", bc)
				}
				// Start C (105), 12, 34, 56, check (105+12+68+168) % 103 = 44.
				if want := []int{105, 12, 34, 56, 44}; !equalInts(bc.Symbols, want) {
					t.Errorf("symbols %v, want %v", bc.Symbols, want)
				}
			}},
		{"CODE128 set B with brace", func(b *Builder) { b.Code128("a{b") }, func(t *testing.T, d *Document) {
			if bc := last(t, d, KindBarcode).Barcode; bc.Text != "a{b" {
				t.Errorf("text %q", bc.Text)
			}
		}},
		{"barcode function A", func(b *Builder) { b.Raw(0x1D, 'k', 2).Raw([]byte("4901234567894")...).Raw(0) },
			func(t *testing.T, d *Document) {
				if bc := last(t, d, KindBarcode).Barcode; bc.Symbology != "EAN13" || bc.Text != "4901234567894" {
					t.Errorf("barcode %+v", bc)
				}
			}},
		{"partial cut", func(b *Builder) { b.Cut(Partial) }, func(t *testing.T, d *Document) {
			if it := last(t, d, KindCut); it.Cut != Partial {
				t.Errorf("cut %v", it.Cut)
			}
		}},
		{"full cut", func(b *Builder) { b.Cut(Full) }, func(t *testing.T, d *Document) {
			if it := last(t, d, KindCut); it.Cut != Full {
				t.Errorf("cut %v", it.Cut)
			}
		}},
		{"feed and cut", func(b *Builder) { b.FeedCut(Partial, 24) }, func(t *testing.T, d *Document) {
			if it := last(t, d, KindCut); it.Cut != Partial || it.Dots != 24 {
				t.Errorf("cut %v dots %d", it.Cut, it.Dots)
			}
		}},
		{"ESC i cut", func(b *Builder) { b.Raw(0x1B, 'i') }, func(t *testing.T, d *Document) {
			last(t, d, KindCut)
		}},
		{"status query", func(b *Builder) { b.Raw(StatusQueryCommand(StatusPaper)...) }, func(t *testing.T, d *Document) {
			if it := last(t, d, KindStatusQuery); it.Query != StatusPaper || it.GSr {
				t.Errorf("query %+v", it)
			}
		}},
		{"GS r 1", func(b *Builder) { b.Raw(0x1D, 'r', 1) }, func(t *testing.T, d *Document) {
			if it := last(t, d, KindStatusQuery); it.Query != 1 || !it.GSr {
				t.Errorf("query %+v", it)
			}
		}},
		{"raster image", func(b *Builder) { b.Raw(0x1D, 'v', '0', 0, 1, 0, 2, 0, 0xF0, 0x0F) },
			func(t *testing.T, d *Document) {
				r := last(t, d, KindRaster).Raster
				if r.WidthBytes != 1 || r.Height != 2 || !bytes.Equal(r.Bits, []byte{0xF0, 0x0F}) {
					t.Errorf("raster %+v", r)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBuilder()
			tt.build(b)
			d, err := Decode(b.Bytes())
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			tt.check(t, d)
			checkSpans(t, d, len(b.Bytes()))
		})
	}
}

func last(t *testing.T, d *Document, k ItemKind) *Item {
	t.Helper()
	for i := len(d.Items) - 1; i >= 0; i-- {
		if d.Items[i].Kind == k {
			return &d.Items[i]
		}
	}
	t.Fatalf("no %v item in %+v", k, d.Items)
	return nil
}

func equalInts(a, b []int) bool { return bytes.Equal(intsToBytes(a), intsToBytes(b)) }

func intsToBytes(v []int) []byte {
	out := make([]byte, len(v))
	for i, x := range v {
		out[i] = byte(x)
	}
	return out
}

// checkSpans verifies that items cover the input in order without gaps
// or overlaps.
func checkSpans(t testing.TB, d *Document, n int) {
	t.Helper()
	pos := 0
	for i, it := range d.Items {
		if it.Offset != pos || it.End <= it.Offset || it.End > n {
			t.Fatalf("item %d (%v %s) spans %d..%d, expected to start at %d (input %d bytes)", i, it.Kind, it.Name, it.Offset, it.End, pos, n)
		}
		pos = it.End
	}
	if pos != n {
		t.Fatalf("items end at %d of %d bytes", pos, n)
	}
}

func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		name string
		data string // hex
		want error
		kind ItemKind // kind of the item carrying the problem
	}{
		{"truncated QR store", "1D 28 6B 16 00 31 50 30 68 74", ErrTruncated, KindUnknown},
		{"truncated GS (", "1D 28", ErrTruncated, KindUnknown},
		{"truncated CODE128", "1D 6B 49 08 7B 42 41", ErrTruncated, KindUnknown},
		{"barcode A without NUL", "1D 6B 02 31 32", ErrTruncated, KindUnknown},
		{"lone ESC", "1B", ErrTruncated, KindUnknown},
		{"ESC a without parameter", "1B 61", ErrTruncated, KindUnknown},
		{"GB18030 lead byte at the end", "41 D6", ErrTruncated, KindUnknown},
		{"unknown ESC command", "1B 01 41", ErrUnknownCommand, KindUnknown},
		{"unknown GS command", "1D 01", ErrUnknownCommand, KindUnknown},
		{"unknown control byte", "07", ErrUnknownCommand, KindUnknown},
		{"4-byte GB18030", "81 30 84 36", ErrMalformed, KindText},
		{"bad GB18030 pair", "D6 7F", ErrMalformed, KindText},
		{"QR print without data", "1D 28 6B 03 00 31 51 30", ErrMalformed, KindCommand},
		{"QR bad level", "1D 28 6B 03 00 31 45 39", ErrMalformed, KindCommand},
		{"bad CODE128 start", "1D 6B 49 03 41 42 43", ErrMalformed, KindBarcode},
		{"CODE128 set C value over 99", "1D 6B 49 03 7B 43 64", ErrMalformed, KindBarcode},
		{"cut mode", "1D 56 07", ErrMalformed, KindUnknown},
		{"DLE EOT 9", "10 04 09", ErrMalformed, KindUnknown},
		{"raster data short", "1D 76 30 00 02 00 02 00 FF", ErrTruncated, KindUnknown},
		{"size out of range", "1D 21 88", ErrMalformed, KindCommand},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := hexBytes(t, tt.data)
			d, err := Decode(data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var de *DecodeError
			if !errors.As(err, &de) || len(d.Problems) == 0 {
				t.Fatalf("no DecodeError in %v", err)
			}
			found := false
			for _, it := range d.Items {
				if it.Kind == tt.kind && it.Offset <= de.Offset && de.Offset < it.End {
					found = true
				}
			}
			if !found {
				t.Errorf("no %v item at offset %d: %+v", tt.kind, de.Offset, d.Items)
			}
			checkSpans(t, d, len(data))
		})
	}
}

// TestDecodeResyncs checks that decoding goes on after a bad command.
func TestDecodeResyncs(t *testing.T) {
	data := append(hexBytes(t, "1B 01"), NewBuilder().Line("中文").Cut(Partial).Bytes()...)
	d, err := Decode(data)
	if !errors.Is(err, ErrUnknownCommand) {
		t.Fatalf("err = %v", err)
	}
	if txt := d.Text(); !strings.Contains(txt, "中文") || !strings.Contains(txt, "partial cut") {
		t.Errorf("text after a bad command: %q", txt)
	}
}

func TestDocumentTickets(t *testing.T) {
	at := time.Date(2026, 11, 29, 9, 41, 0, 0, time.UTC)
	one := LayoutTicket(Ticket{Hall: "大厅", Service: "社保", Number: "A001", IssuedAt: at, QR: "https://x.example/1"})
	two := LayoutTicket(Ticket{Hall: "大厅", Service: "医保", Number: "B002", IssuedAt: at, QR: "https://x.example/2"})
	tests := []struct {
		name string
		data []byte
		want []string // numbers per ticket
	}{
		{"one", one, []string{"A001"}},
		{"two", append(bytes.Clone(one), two...), []string{"A001", "B002"}},
		{"uncut tail that prints", append(bytes.Clone(one), "tail\n"...), []string{"A001", "tail"}},
		{"uncut tail of commands only", append(bytes.Clone(one), StatusQueryCommand(1)...), []string{"A001"}},
		{"nothing", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Decode(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			ts := d.Tickets()
			if len(ts) != len(tt.want) {
				t.Fatalf("%d tickets, want %d", len(ts), len(tt.want))
			}
			for i, tk := range ts {
				if !strings.Contains(tk.Text(), tt.want[i]) {
					t.Errorf("ticket %d text lacks %q:\n%s", i, tt.want[i], tk.Text())
				}
			}
			if len(ts) > 1 && len(ts[0].QRs()) != 1 {
				t.Errorf("first ticket has %d QRs", len(ts[0].QRs()))
			}
		})
	}
}

func TestDocumentText(t *testing.T) {
	b := NewBuilder().Init()
	b.Align(Center).Size(2, 2).Line("中").Size(1, 1)
	b.Align(Right).Line("ab")
	b.Align(Left).Text("x").Bold(true).Text("y").LF()
	b.Feed(1).QR("Q", LevelL, 3).Cut(Full)
	d, err := Decode(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		strings.Repeat(" ", 22) + "中",
		strings.Repeat(" ", 46) + "ab",
		"xy",
		"",
		"[QR L: Q]",
		"-------- full cut --------",
		"",
	}, "\n")
	if got := d.Text(); got != want {
		t.Errorf("Text() =\n%q\nwant\n%q", got, want)
	}
}
