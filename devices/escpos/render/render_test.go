package render

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"

	"hallkiosk/devices/escpos"
)

var updateSample = flag.Bool("update-sample", false, "rewrite docs/ticket-sample.png")

var sampleTicket = escpos.Ticket{
	Hall:           "北京市东城区政务服务中心",
	Service:        "不动产登记（二手房转移登记）",
	Number:         "A023",
	PeopleAhead:    5,
	EstWaitMinutes: 15,
	IssuedAt:       time.Date(2026, 11, 29, 9, 41, 0, 0, time.UTC),
	MaskedID:       "110101********1234",
	Counters:       "3-5号窗口",
	Materials: []string{
		"申请人身份证原件及复印件",
		"不动产权证书原件",
		"买卖双方签订的《存量房屋买卖合同》原件，以及完税凭证、契税缴纳证明等材料",
	},
	// The ticket page link as a kiosk prints it (flow.EncodeTicketQR).
	QR:     "https://hall.example.gov.cn/t/q7Hc2LxV0aTz9mKe3RbN_w?d=2026-11-29&n=A023&s=bdc-transfer",
	Footer: []string{"办公时间：周一至周五 9:00-17:00", "服务热线：12345"},
}

func decode(t testing.TB, data []byte) *escpos.Document {
	t.Helper()
	d, err := escpos.Decode(data)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return d
}

// readQR decodes the QR code in img with an independent reader.
func readQR(t testing.TB, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("QR does not scan: %v", err)
	}
	return res.GetText()
}

func TestTicketImage(t *testing.T) {
	img, err := Image(decode(t, escpos.LayoutTicket(sampleTicket)))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != DefaultWidth {
		t.Errorf("width %d", img.Bounds().Dx())
	}
	if got := readQR(t, img); got != sampleTicket.QR {
		t.Errorf("QR reads %q, want %q", got, sampleTicket.QR)
	}
	if *updateSample {
		f, err := os.Create(filepath.Join("..", "..", "..", "docs", "ticket-sample.png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	}
}

func TestQRLevelsAndSizesScan(t *testing.T) {
	tests := []struct {
		data  string
		level escpos.QRLevel
		size  int
		align escpos.Alignment
	}{
		{"https://example.com", escpos.LevelM, 6, escpos.Center},
		{"A023", escpos.LevelL, 3, escpos.Left},
		{"https://hall.example.gov.cn/progress?id=0123456789abcdef", escpos.LevelQ, 4, escpos.Right},
		{strings.Repeat("0123456789", 20), escpos.LevelH, 2, escpos.Center},
	}
	for _, tt := range tests {
		t.Run(tt.level.String()+"-"+tt.data[:4], func(t *testing.T) {
			b := escpos.NewBuilder().Init().Align(tt.align).QR(tt.data, tt.level, tt.size).Cut(escpos.Full)
			img, err := Image(decode(t, b.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if got := readQR(t, img); got != tt.data {
				t.Errorf("QR reads %q", got)
			}
		})
	}
}

// inkBox returns the bounding box of dark pixels.
func inkBox(img *image.Gray) image.Rectangle {
	var r image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.GrayAt(x, y).Y < 128 {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

func TestTextGeometry(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *escpos.Builder)
		check func(t *testing.T, ink image.Rectangle)
	}{
		{"size 1 Chinese fills a 24-dot cell", func(b *escpos.Builder) { b.Line("中") }, func(t *testing.T, ink image.Rectangle) {
			if ink.Dx() < 18 || ink.Dx() > 24 || ink.Dy() < 18 || ink.Dy() > 24 || ink.Min.X > 3 {
				t.Errorf("ink %v", ink)
			}
		}},
		{"size 4 is four times as tall", func(b *escpos.Builder) { b.Size(4, 4).Line("中") }, func(t *testing.T, ink image.Rectangle) {
			if ink.Dy() < 80 || ink.Dy() > 96 || ink.Dx() < 70 {
				t.Errorf("ink %v", ink)
			}
		}},
		{"double width only", func(b *escpos.Builder) { b.Size(2, 1).Line("中") }, func(t *testing.T, ink image.Rectangle) {
			if ink.Dx() < 36 || ink.Dy() > 24 {
				t.Errorf("ink %v", ink)
			}
		}},
		{"centred", func(b *escpos.Builder) { b.Align(escpos.Center).Line("中文") }, func(t *testing.T, ink image.Rectangle) {
			if mid := (ink.Min.X + ink.Max.X) / 2; mid < 284 || mid > 292 {
				t.Errorf("ink %v centred at %d", ink, mid)
			}
		}},
		{"right", func(b *escpos.Builder) { b.Align(escpos.Right).Line("中") }, func(t *testing.T, ink image.Rectangle) {
			if ink.Max.X < 570 {
				t.Errorf("ink %v", ink)
			}
		}},
		{"ASCII in half cells", func(b *escpos.Builder) { b.Line("0123456789") }, func(t *testing.T, ink image.Rectangle) {
			if ink.Dx() < 100 || ink.Dx() > 120 {
				t.Errorf("ten digits take %d dots, want about 120", ink.Dx())
			}
		}},
		{"descenders stay in the cell", func(b *escpos.Builder) { b.Line("gjy").Line("中") }, func(t *testing.T, ink image.Rectangle) {
			if ink.Dy() > 30+24 {
				t.Errorf("ink %v", ink)
			}
		}},
		{"printer wraps an over-long line", func(b *escpos.Builder) { b.Line(strings.Repeat("中", 30)) }, func(t *testing.T, ink image.Rectangle) {
			if ink.Dy() < 40 {
				t.Errorf("30 characters on one line: ink %v", ink)
			}
		}},
		{"underline", func(b *escpos.Builder) { b.Underline(2).Line("__").Underline(0) }, func(t *testing.T, ink image.Rectangle) {
			if ink.Dx() < 20 {
				t.Errorf("ink %v", ink)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := escpos.NewBuilder().Init()
			tt.build(b)
			img, err := Image(decode(t, b.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			ink := inkBox(img)
			if ink.Empty() {
				t.Fatal("nothing drawn")
			}
			tt.check(t, ink.Sub(image.Pt(0, margin)))
		})
	}
}

// TestGlyphsDraw checks that the bundled font really draws Chinese: every
// character gives ink and none falls back to the empty box.
func TestGlyphsDraw(t *testing.T) {
	gc, err := cache()
	if err != nil {
		t.Fatal(err)
	}
	boxMask := image.NewAlpha(image.Rect(0, 0, 24, 24))
	box(boxMask)
	for _, r := range "中文政务服务大厅排队取号凭条䶮喆堃￥①—“”《》，。A0gj" {
		t.Run(string(r), func(t *testing.T) {
			wide := r >= 0x80
			for _, bold := range []bool{false, true} {
				m := gc.glyph(r, wide, bold, false, 1, 1)
				ink := 0
				for _, a := range m.Pix {
					if a > 128 {
						ink++
					}
				}
				if ink < 4 {
					t.Errorf("bold=%v: %d inked pixels", bold, ink)
				}
				if wide && bytes.Equal(m.Pix, boxMask.Pix) {
					t.Errorf("bold=%v: drawn as a missing-glyph box", bold)
				}
			}
		})
	}
	t.Run("missing glyph is a visible box", func(t *testing.T) {
		m := gc.glyph('\U000E0100', true, false, false, 1, 1) // variation selector: no glyph
		if !bytes.Equal(m.Pix, boxMask.Pix) {
			t.Error("missing glyph not drawn as a box")
		}
	})
}

// TestCode128Patterns checks every symbol pattern with an independent
// reader: set B covers values 0–95, set C 0–99, the switches 99–101, FNC
// and shift 96–98 and 102, and the start codes 103–105.
func TestCode128Patterns(t *testing.T) {
	var setB []byte
	for c := byte(0x20); c <= 0x7E; c++ {
		if c == '{' {
			setB = append(setB, '{')
		}
		setB = append(setB, c)
	}
	var setC []byte
	var setCText strings.Builder
	for v := byte(0); v < 100; v++ {
		setC = append(setC, v)
		setCText.WriteString(string([]byte{'0' + v/10, '0' + v%10}))
	}
	tests := []struct {
		name    string
		payload []byte
		want    string
	}{
		{"set B", append([]byte("{B"), setB...), func() string {
			var s []byte
			for c := byte(0x20); c <= 0x7E; c++ {
				s = append(s, c)
			}
			return string(s)
		}()},
		{"set C", append([]byte("{C"), setC...), setCText.String()},
		{"switches and set A", []byte("{AAB{BCd{C\x0c{AE"), "ABCd12E"},
		{"shift", []byte("{Bab{SCd"), "abCd"},
		{"DEL and FNC", []byte("{B\x7fx{3y{2z"), "\x7fxyz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, symbols, err := escpos.DecodeCode128(tt.payload)
			if err != nil {
				t.Fatal(err)
			}
			var widths []int
			for _, s := range symbols {
				widths = append(widths, code128Widths(s)...)
			}
			widths = append(widths, code128Stop...)
			n := 20
			for _, w := range widths {
				n += w
			}
			row := gozxing.NewBitArray(n)
			x := 10
			for i, w := range widths {
				if i%2 == 0 {
					row.SetRange(x, x+w)
				}
				x += w
			}
			res, err := oned.NewCode128Reader().(oned.RowDecoder).DecodeRow(0, row, nil)
			if err != nil {
				t.Fatalf("does not read: %v", err)
			}
			got := strings.ReplaceAll(res.GetText(), "\x1d", "")
			if got != tt.want {
				t.Errorf("reads %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBarcodeOnPageScans(t *testing.T) {
	b := escpos.NewBuilder().Init().Align(escpos.Center).BarcodeHeight(80).BarcodeWidth(2).HRI(escpos.HRIBelow).Code128("20261129094105").Cut(escpos.Full)
	img, err := Image(decode(t, b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := oned.NewCode128Reader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("barcode does not scan: %v", err)
	}
	if res.GetText() != "20261129094105" {
		t.Errorf("reads %q", res.GetText())
	}
}

func TestRasterAndPlaceholders(t *testing.T) {
	b := escpos.NewBuilder().Init()
	b.Raw(0x1D, 'v', '0', 0, 1, 0, 2, 0, 0xFF, 0x81) // 8×2 image
	b.Raw(0x1D, 'k', 2).Raw([]byte("4901234567894")...).Raw(0)
	img, err := Image(decode(t, b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if img.GrayAt(0, margin).Y != 0 || img.GrayAt(1, margin+1).Y != 255 || img.GrayAt(7, margin+1).Y != 0 {
		t.Error("raster bits not drawn as sent")
	}
	grey := 0
	for _, v := range img.Pix {
		if v == 0xC8 {
			grey++
		}
	}
	if grey < 100*162 {
		t.Errorf("EAN13 placeholder missing: %d grey pixels", grey)
	}
}

func TestTooTall(t *testing.T) {
	b := escpos.NewBuilder()
	for range 100 {
		b.Feed(255)
	}
	img, err := Options{MaxHeight: 2000}.Image(decode(t, b.Bytes()))
	if !errors.Is(err, ErrTooTall) || img == nil || img.Bounds().Dy() > 2000+2*margin {
		t.Fatalf("err %v, image %v", err, img.Bounds())
	}
}

func TestCapture(t *testing.T) {
	one := escpos.LayoutTicket(sampleTicket)
	two := escpos.LayoutTicket(escpos.Ticket{Number: "B002", Service: "医保", QR: "https://x.example/2"})
	tests := []struct {
		name     string
		data     []byte
		png      string
		tickets  int
		files    []string
		text     []string
		problems int
	}{
		{"one ticket keeps the name", one, "out.png", 1, []string{"out.png"}, []string{"A023", "110101********1234"}, 0},
		{"several get -N", append(bytes.Clone(one), two...), "out.png", 2, []string{"out-1.png", "out-2.png"},
			[]string{"===== ticket 1 of 2 =====", "===== ticket 2 of 2 =====", "B002"}, 0},
		{"text only", one, "", 1, nil, []string{"A023"}, 0},
		{"problems reported", append([]byte{0x1B, 0x01}, one...), "out.png", 1, []string{"out.png"},
			[]string{"! escpos: offset 0: ESC 01: unknown command"}, 1},
		{"nothing printed", escpos.StatusQueryCommand(1), "out.png", 0, nil, []string{"(nothing printed)"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			out := ""
			if tt.png != "" {
				out = filepath.Join(dir, tt.png)
			}
			var text bytes.Buffer
			res, err := Capture(tt.data, &text, out)
			if err != nil {
				t.Fatal(err)
			}
			if res.Tickets != tt.tickets || len(res.Problems) != tt.problems || len(res.PNGs) != len(tt.files) {
				t.Fatalf("result %+v", res)
			}
			for i, f := range tt.files {
				if res.PNGs[i] != filepath.Join(dir, f) {
					t.Errorf("PNG %d is %s, want %s", i, res.PNGs[i], f)
				}
				fh, err := os.Open(res.PNGs[i])
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(fh)
				fh.Close()
				if err != nil || img.Bounds().Dx() != DefaultWidth {
					t.Errorf("%s: %v", f, err)
				}
			}
			for _, w := range tt.text {
				if !strings.Contains(text.String(), w) {
					t.Errorf("text lacks %q:\n%s", w, text.String())
				}
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != len(tt.files) {
				t.Errorf("directory holds %d files, want %d (temporary files left?)", len(ents), len(tt.files))
			}
		})
	}
}

func TestCaptureUnwritable(t *testing.T) {
	_, err := Capture(escpos.LayoutTicket(sampleTicket), nil, filepath.Join(t.TempDir(), "missing", "x.png"))
	if err == nil {
		t.Fatal("no error for an unwritable PNG path")
	}
}

// FuzzRender: whatever the bytes, decoding and rendering never panic and
// the image has the paper width.
func FuzzRender(f *testing.F) {
	f.Add(escpos.LayoutTicket(sampleTicket))
	f.Add(escpos.TestTicket(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)))
	f.Add([]byte{0x1D, 0x21, 0x77, 0xD6, 0xD0, 0x0A, 0x1D, 0x42, 0x01, 0x41})
	f.Add([]byte{0x1D, 0x76, 0x30, 0x03, 0x01, 0x00, 0x01, 0x00, 0xAA})
	f.Add([]byte{0x1D, 0x6B, 0x49, 0x04, '{', 'B', '{', '{'})
	// The faces are parsed once, here; each input draws into a glyph cache
	// of its own. With the process's cache, an input covered the
	// rasteriser only when its characters were new to the process, so the
	// fuzzer's minimiser, which runs an input again and expects the same
	// coverage, never reproduced it and spent its whole minute on each
	// new input: the target ran about 8 inputs a minute.
	if _, err := loadFaces(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, _ := escpos.Decode(data)
		gc, err := newGlyphCache()
		if err != nil {
			t.Fatal(err)
		}
		img, err := Options{MaxHeight: 3000, glyphs: gc}.Image(d)
		if err != nil && !errors.Is(err, ErrTooTall) {
			t.Fatal(err)
		}
		if img.Bounds().Dx() != DefaultWidth || img.Bounds().Dy() > 3000+2*margin {
			t.Fatalf("image %v", img.Bounds())
		}
	})
}

func BenchmarkRenderTicket(b *testing.B) {
	d := decode(b, escpos.LayoutTicket(sampleTicket))
	Image(d) // warm the glyph cache, as a running simulator has
	b.ReportAllocs()
	for b.Loop() {
		Image(d)
	}
}
