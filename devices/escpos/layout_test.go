package escpos

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var sampleTicket = Ticket{
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
	QR:     "https://hall.example.gov.cn/t/A023?k=abc123",
	Footer: []string{"办公时间：周一至周五 9:00-17:00", "服务热线：12345"},
}

var englishLabels = TicketLabels{
	Title: "Queue ticket", PeopleAhead: "Waiting ahead", PeopleUnit: "people",
	EstWait: "Est. wait", Minutes: "min", Unknown: "updated when online", Time: "Issued",
	ID: "ID number", Counters: "Counters", Materials: "Please bring", Offline: "Offline ticket",
	Priority: "Appointment", ScanHint: "Scan to rate or track progress",
}

func TestLayoutTicket(t *testing.T) {
	english := sampleTicket
	english.Service = "Real estate registration (second-hand housing transfer)"
	english.Labels = englishLabels
	offline := sampleTicket
	offline.Offline, offline.PeopleAhead = true, -1
	unknown := sampleTicket
	unknown.PeopleAhead = -1
	priority := sampleTicket
	priority.Priority = true
	bare := Ticket{Number: "A001", PeopleAhead: 0, EstWaitMinutes: -1}
	tests := []struct {
		name    string
		t       Ticket
		want    []string
		notWant []string
	}{
		{"chinese", sampleTicket, []string{
			"北京市东城区政务服务中心", "排队取号凭条", "不动产登记", "（二手房转移登记）", "A023",
			"前面等候：5 人", "预计等候：15 分钟", "取号时间：2026-11-29 09:41",
			"证件号码：110101********1234", "办理窗口：3-5号窗口", "请备齐以下材料：",
			"1. 申请人身份证原件及复印件", "3. 买卖双方签订的《存量房屋买卖合同》原件，以及",
			"   完税凭证", "[QR M: https://hall.example.gov.cn/t/A023?k=abc123]", "手机扫码看排队，办完扫码评价",
			"服务热线：12345", "partial cut",
		}, []string{"联网后更新"}},
		{"english labels", english, []string{
			"Queue ticket", "Waiting ahead: 5 people", "Est. wait: 15 min", "Issued: 2026-11-29 09:41",
			"ID number: 110101********1234", "Please bring:", "Scan to rate or track progress",
			"Real estate registration", "transfer)",
		}, []string{"排队取号凭条", "前面等候"}},
		{"offline", offline, []string{"前面等候：联网后更新", "【离线取号】"}, []string{"预计等候"}},
		{"unknown queue", unknown, []string{"前面等候：联网后更新"}, []string{"预计等候", "离线"}},
		{"priority", priority, []string{"【预约优先】"}, nil},
		{"bare", bare, []string{"A001", "前面等候：0 人"}, []string{"预计等候", "证件号码", "[QR", "请备齐"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Layout{}.Ticket(tt.t)
			if b.Err() != nil || len(b.Replaced()) > 0 {
				t.Fatalf("Err %v, replaced %q", b.Err(), b.Replaced())
			}
			if !slices.Equal(b.Bytes(), LayoutTicket(tt.t)) {
				t.Fatal("LayoutTicket differs from Layout{}.Ticket")
			}
			d, err := Decode(b.Bytes())
			if err != nil {
				t.Fatalf("layout does not decode cleanly: %v", err)
			}
			text := d.Text()
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(text, w) {
					t.Errorf("text has %q:\n%s", w, text)
				}
			}
			checkLineWidths(t, d, DefaultColumns)
			if n := len(d.Tickets()); n != 1 {
				t.Errorf("%d tickets, want 1 (one cut at the end)", n)
			}
			if it := d.Items[:2]; it[0].Name != "ESC @" || it[1].Name != "FS &" {
				t.Errorf("does not start with ESC @ FS &: %v %v", it[0].Name, it[1].Name)
			}
		})
	}
}

// checkLineWidths verifies that no printed line is wider than the paper,
// counting each character at its magnification, so the printer never
// wraps a line by itself.
func checkLineWidths(t *testing.T, d *Document, cols int) {
	t.Helper()
	w := 0
	var line strings.Builder
	for _, it := range d.Items {
		switch it.Kind {
		case KindText:
			w += TextWidth(it.Text) * it.Style.Width
			line.WriteString(it.Text)
		case KindNewline, KindFeed, KindCut, KindQR, KindBarcode:
			if w > cols {
				t.Errorf("line %q is %d columns wide, paper has %d", line.String(), w, cols)
			}
			w = 0
			line.Reset()
		}
	}
}

func TestLayoutTicketNumberSize(t *testing.T) {
	tests := []struct {
		number string
		size   int
	}{
		{"A023", 4},
		{"A07-015", 4},
		{"VIP-0001-02", 4},
		{"PRIORITY-00001", 3},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1},
	}
	for _, tt := range tests {
		t.Run(tt.number, func(t *testing.T) {
			d, _ := Decode(LayoutTicket(Ticket{Number: tt.number}))
			for _, it := range d.Items {
				if it.Kind == KindText && it.Text == tt.number {
					if it.Style.Width != tt.size || it.Style.Height != tt.size || !it.Style.Bold {
						t.Errorf("number printed at %+v, want %d×%d bold", it.Style, tt.size, tt.size)
					}
					return
				}
			}
			t.Errorf("number not found on one line:\n%s", d.Text())
		})
	}
}

func TestLayoutReportsReplacements(t *testing.T) {
	tk := Ticket{Number: "A001", Service: "户籍𠀀办理"}
	b := Layout{}.Ticket(tk)
	if !slices.Equal(b.Replaced(), []rune{0x20000}) {
		t.Errorf("Replaced() = %q", b.Replaced())
	}
	d, _ := Decode(b.Bytes())
	if !strings.Contains(d.Text(), "户籍□办理") {
		t.Errorf("replacement not visible:\n%s", d.Text())
	}
}

func TestLayoutChecklist(t *testing.T) {
	c := Checklist{
		Hall: "北京市东城区政务服务中心", Service: "居民身份证换领",
		Conditions: "户籍在本市的居民，身份证有效期满前三个月内可申请换领。",
		Materials:  []string{"原居民身份证", "户口簿"},
		Fee:        "20元", TimeLimit: "20个工作日", Counters: "1-2号窗口",
		LegalBasis: "《中华人民共和国居民身份证法》", Version: "v3 2026-10-01",
		QR: "https://hall.example.gov.cn/guide/123", PrintedAt: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC),
		Footer: []string{"服务热线：12345"},
	}
	b := Layout{}.Checklist(c)
	if b.Err() != nil || len(b.Replaced()) > 0 {
		t.Fatalf("Err %v, replaced %q", b.Err(), b.Replaced())
	}
	if !slices.Equal(b.Bytes(), LayoutChecklist(c)) {
		t.Fatal("LayoutChecklist differs from Layout{}.Checklist")
	}
	d, err := Decode(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	text := d.Text()
	for _, w := range []string{"一次性告知单", "居民身份证换领", "办理条件：", "申请材料：", "1. 原居民身份证",
		"收费标准：20元", "办理时限：20个工作日", "设定依据：", "指南版本：v3 2026-10-01",
		"打印时间：2026-11-29 10:00", "[QR M: https://hall.example.gov.cn/guide/123]", "partial cut"} {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q:\n%s", w, text)
		}
	}
	checkLineWidths(t, d, DefaultColumns)
	en := c
	en.Labels = ChecklistLabels{Title: "Checklist", Version: "Guide version"}
	d, _ = Decode(LayoutChecklist(en))
	if text := d.Text(); !strings.Contains(text, "Checklist") || !strings.Contains(text, "Guide version: v3") || !strings.Contains(text, "收费标准") {
		t.Errorf("labels not merged field by field:\n%s", text)
	}
}

func TestLayoutNarrowPaper(t *testing.T) {
	d, err := Decode(Layout{Columns: 32}.Ticket(sampleTicket).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	checkLineWidths(t, d, 32)
}

func TestTestTicket(t *testing.T) {
	at := time.Date(2026, 11, 29, 9, 41, 5, 0, time.UTC)
	d, err := Decode(TestTicket(at))
	if err != nil {
		t.Fatal(err)
	}
	text := d.Text()
	for _, w := range []string{"打印测试", "欢迎光临", "￥12.50", "[QR M: HALLKIOSK-TEST 2026-11-29 09:41:05]", "[CODE128: 20261129094105]", "partial cut"} {
		if !strings.Contains(text, w) {
			t.Errorf("test ticket lacks %q:\n%s", w, text)
		}
	}
	checkLineWidths(t, d, DefaultColumns)
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cols int
		want []string
	}{
		{"fits", "中文", 10, []string{"中文"}},
		{"chinese breaks anywhere", "一二三四五六", 6, []string{"一二三", "四五六"}},
		{"closing mark stays with its character", "一二，三四", 4, []string{"一", "二，", "三四"}},
		{"opening mark stays with the next", "一二《三》", 6, []string{"一二", "《三》"}},
		{"latin words kept whole", "hello big world", 9, []string{"hello big", "world"}},
		{"long word broken", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"mixed", "材料copy两份", 8, []string{"材料copy", "两份"}},
		{"newline honoured", "a\nb", 10, []string{"a", "b"}},
		{"empty", "", 10, []string{""}},
		{"leading space dropped on wrap", "ab cd", 2, []string{"ab", "cd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Wrap(tt.in, tt.cols)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Wrap(%q, %d) = %q, want %q", tt.in, tt.cols, got, tt.want)
			}
			for _, l := range got {
				if TextWidth(l) > tt.cols {
					t.Errorf("line %q wider than %d", l, tt.cols)
				}
			}
		})
	}
}

func TestWrapBalanced(t *testing.T) {
	tests := []struct {
		in   string
		cols int
		want []string
	}{
		{"不动产登记（二手房转移登记）", 24, []string{"不动产登记", "（二手房转移登记）"}},
		{"一二三四五六七八九十", 16, []string{"一二三四五", "六七八九十"}},
		{"短", 24, []string{"短"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := WrapBalanced(tt.in, tt.cols); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func BenchmarkLayoutTicket(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		LayoutTicket(sampleTicket)
	}
}

func BenchmarkDecodeTicket(b *testing.B) {
	data := LayoutTicket(sampleTicket)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		Decode(data)
	}
}

// TestLayoutTicketKeepsWords: on 58 mm paper (32 columns) the windows are
// one a line, the later ones under the first, and no line breaks inside a
// word the ticket keeps whole ("综合窗/口·绿色通道", "社会保障卡申/领").
func TestLayoutTicketKeepsWords(t *testing.T) {
	tk := Ticket{
		Service:  "社会保障卡申领、补领、换领",
		Number:   "A001",
		Counters: "6号窗口 社保卡服务\n20号窗口 综合窗口·绿色通道",
		Keep:     []string{"社会保障卡", "申领", "补领", "换领", "6号窗口", "社保卡服务", "20号窗口", "综合窗口·绿色通道"},
	}
	d, err := Decode(Layout{Columns: 32}.Ticket(tk).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for l := range strings.SplitSeq(d.Text(), "\n") {
		lines = append(lines, strings.TrimRight(l, " "))
	}
	want := [][]string{
		{"社会保障卡申领、", "补领、换领"},
		{"办理窗口：6号窗口 社保卡服务", "          20号窗口", "          综合窗口·绿色通道"},
	}
	for _, run := range want {
		at := slices.IndexFunc(lines, func(l string) bool { return strings.TrimLeft(l, " ") == strings.TrimLeft(run[0], " ") })
		if at < 0 || at+len(run) > len(lines) {
			t.Errorf("no line %q:\n%s", run[0], d.Text())
			continue
		}
		for i, w := range run[1:] {
			got := lines[at+1+i]
			if strings.HasPrefix(w, " ") && got != w || strings.TrimLeft(got, " ") != strings.TrimLeft(w, " ") {
				t.Errorf("line after %q is %q, want %q:\n%s", run[i], got, w, d.Text())
			}
		}
	}
	checkLineWidths(t, d, 32)
}
