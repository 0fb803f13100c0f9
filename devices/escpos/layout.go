package escpos

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hallkiosk/linebreak"
)

// DefaultColumns is the line width of an 80 mm printer in font A: 48
// columns of 12 dots = 576 dots.
const DefaultColumns = 48

// DefaultTicketLabels are the Chinese words of a ticket.
var DefaultTicketLabels = TicketLabels{
	Title:       "排队取号凭条",
	PeopleAhead: "前面等候",
	PeopleUnit:  "人",
	EstWait:     "预计等候",
	Minutes:     "分钟",
	Unknown:     "联网后更新",
	Time:        "取号时间",
	ID:          "证件号码",
	Counters:    "办理窗口",
	Materials:   "请备齐以下材料",
	Offline:     "离线取号",
	Priority:    "预约优先",
	ScanHint:    "手机扫码看排队，办完扫码评价",
}

// ChecklistLabels are the fixed words printed on a 一次性告知单.
type ChecklistLabels struct {
	Title      string // 一次性告知单
	Conditions string // 办理条件
	Materials  string // 申请材料
	Fee        string // 收费标准
	TimeLimit  string // 办理时限
	Counters   string // 办理窗口
	LegalBasis string // 设定依据
	Version    string // 指南版本
	PrintedAt  string // 打印时间
	ScanHint   string // 扫码查看完整办事指南
}

// DefaultChecklistLabels are the Chinese words of a checklist.
var DefaultChecklistLabels = ChecklistLabels{
	Title:      "一次性告知单",
	Conditions: "办理条件",
	Materials:  "申请材料",
	Fee:        "收费标准",
	TimeLimit:  "办理时限",
	Counters:   "办理窗口",
	LegalBasis: "设定依据",
	Version:    "指南版本",
	PrintedAt:  "打印时间",
	ScanHint:   "扫码查看完整办事指南",
}

// Layout lays tickets out for a paper width. The zero value is an 80 mm
// printer (48 columns).
type Layout struct {
	Columns int // normal-size columns per line; 0 means DefaultColumns
}

// LayoutTicket returns the ESC/POS bytes of a queue ticket on 80 mm paper
// (Layout{}.Ticket). Characters the printer cannot print are replaced
// visibly; use Layout.Ticket to see which.
func LayoutTicket(t Ticket) []byte { return Layout{}.Ticket(t).Bytes() }

// LayoutChecklist returns the ESC/POS bytes of a 一次性告知单 on 80 mm paper.
func LayoutChecklist(c Checklist) []byte { return Layout{}.Checklist(c).Bytes() }

func (l Layout) cols() int {
	if l.Columns <= 0 {
		return DefaultColumns
	}
	return l.Columns
}

// pageBuilder adds wrapping helpers to a Builder.
type pageBuilder struct {
	*Builder
	cols int
	br   *linebreak.Breaker // the slip's words kept whole
}

func newPage(cols int, keep []string) pageBuilder {
	return pageBuilder{NewBuilder(), cols, linebreak.New(keep...)}
}

// wrapped prints s wrapped at the line width for magnification w.
func (p pageBuilder) wrapped(s string, w int) {
	for _, line := range wrap(p.br, s, p.cols/w) {
		p.Line(line)
	}
}

// centered prints s as balanced lines for magnification w (headings).
func (p pageBuilder) centered(s string, w int) {
	for _, line := range wrapBalanced(p.br, s, p.cols/w) {
		p.Line(line)
	}
}

// field prints "label：value" with continuation lines indented under the
// value. English labels get ": ", Chinese ones a full-width colon.
func (p pageBuilder) field(label, value string) {
	if value == "" {
		return
	}
	head := label + labelSep(label)
	p.hanging(head, value)
}

// hanging prints head followed by text wrapped with a hanging indent of
// head's width (at most half the line, so a long head still leaves room).
func (p pageBuilder) hanging(head, text string) {
	indent := TextWidth(head)
	if indent > p.cols/2 {
		p.wrapped(head+text, 1)
		return
	}
	lines := wrap(p.br, text, p.cols-indent)
	for i, line := range lines {
		if i == 0 {
			p.Line(head + line)
		} else {
			p.Line(strings.Repeat(" ", indent) + line)
		}
	}
}

// end closes a slip: the QR code with its hint, the footer lines, and
// the feed past the cutter before a partial cut.
func (p pageBuilder) end(qr, hint string, footer []string) {
	if qr != "" {
		p.qr(qr)
		p.Align(Center)
		p.wrapped(hint, 1)
	}
	p.Align(Center)
	for _, f := range footer {
		p.wrapped(f, 1)
	}
	p.Feed(4).Cut(Partial)
}

func (p pageBuilder) rule() { p.Line(strings.Repeat("-", p.cols)) }

// labelSep is "：" after a Chinese label and ": " after a Latin one.
func labelSep(label string) string {
	r, _ := utf8.DecodeLastRuneInString(label)
	if r < 0x80 {
		return ": "
	}
	return "："
}

// qr prints a centred QR code whose module size fits the paper.
func (p pageBuilder) qr(data string) {
	if data == "" {
		return
	}
	size := 6
	if side := qrSideModules(&QRCode{Data: []byte(data), Level: LevelM}); side > 0 {
		// Keep 4 modules of quiet zone each side within the printable width.
		size = clamp(min(size, p.cols*12/(side+8)), 1, 6)
	}
	p.Align(Center).QR(data, LevelM, size).LF()
}

// Ticket lays out a queue ticket: hall, title, service, the big number,
// people ahead and estimated wait (or "联网后更新" when unknown), time,
// masked ID, counters, the material checklist, a QR code, the footer and a
// partial cut. Labels come from t.Labels, field by field, else Chinese.
func (l Layout) Ticket(t Ticket) *Builder {
	lb := mergeTicketLabels(t.Labels)
	p := newPage(l.cols(), t.Keep)
	p.Init().Align(Center)
	if t.Hall != "" {
		p.Bold(true).Size(1, 2)
		p.centered(t.Hall, 1)
		p.Size(1, 1).Bold(false)
	}
	p.Line(lb.Title)
	p.FeedDots(12)
	if t.Service != "" {
		p.Bold(true).Size(2, 2)
		p.centered(t.Service, 2)
		p.Size(1, 1).Bold(false)
	}
	var tags []string
	if t.Priority {
		tags = append(tags, "【"+lb.Priority+"】")
	}
	if t.Offline {
		tags = append(tags, "【"+lb.Offline+"】")
	}
	if len(tags) > 0 {
		p.wrapped(strings.Join(tags, " "), 1)
	}
	p.FeedDots(12)
	n := numberSize(t.Number, p.cols)
	p.Bold(true).Size(n, n).Line(t.Number).Size(1, 1).Bold(false)
	p.FeedDots(12)

	p.Align(Left)
	if t.PeopleAhead < 0 || t.Offline {
		p.field(lb.PeopleAhead, lb.Unknown)
	} else {
		ahead := t.PeopleAheadText
		if ahead == "" {
			ahead = withUnit(strconv.Itoa(t.PeopleAhead), lb.PeopleUnit)
		}
		p.field(lb.PeopleAhead, ahead)
		if t.EstWaitMinutes >= 0 {
			p.field(lb.EstWait, withUnit(strconv.Itoa(t.EstWaitMinutes), lb.Minutes))
		}
	}
	if !t.IssuedAt.IsZero() {
		p.field(lb.Time, t.IssuedAt.Format("2006-01-02 15:04"))
	}
	p.field(lb.ID, t.MaskedID)
	p.field(lb.Counters, t.Counters)
	if len(t.Materials) > 0 {
		p.rule()
		p.Bold(true).Line(lb.Materials + labelSep(lb.Materials)).Bold(false)
		numbered(p, t.Materials)
	}
	if t.QR != "" || len(t.Footer) > 0 {
		p.rule()
	}
	p.end(t.QR, lb.ScanHint, t.Footer)
	return p.Builder
}

// numbered prints a numbered list with continuation lines indented.
func numbered(p pageBuilder, items []string) {
	for i, m := range items {
		p.hanging(fmt.Sprintf("%d. ", i+1), m)
	}
}

// numberSize picks the largest magnification (4 down to 1) at which the
// queue number fits one line.
func numberSize(number string, cols int) int {
	w := max(TextWidth(number), 1)
	for s := 4; s > 1; s-- {
		if w*s <= cols {
			return s
		}
	}
	return 1
}

// withUnit joins a number and its unit: "5 人", "15 min".
func withUnit(n, unit string) string {
	if unit == "" {
		return n
	}
	return n + " " + unit
}

// pick is a label or, when it is blank, its default.
func pick(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

func mergeTicketLabels(l TicketLabels) TicketLabels {
	d := DefaultTicketLabels
	return TicketLabels{
		Title:       pick(l.Title, d.Title),
		PeopleAhead: pick(l.PeopleAhead, d.PeopleAhead),
		PeopleUnit:  pick(l.PeopleUnit, d.PeopleUnit),
		EstWait:     pick(l.EstWait, d.EstWait),
		Minutes:     pick(l.Minutes, d.Minutes),
		Unknown:     pick(l.Unknown, d.Unknown),
		Time:        pick(l.Time, d.Time),
		ID:          pick(l.ID, d.ID),
		Counters:    pick(l.Counters, d.Counters),
		Materials:   pick(l.Materials, d.Materials),
		Offline:     pick(l.Offline, d.Offline),
		Priority:    pick(l.Priority, d.Priority),
		ScanHint:    pick(l.ScanHint, d.ScanHint),
	}
}

func mergeChecklistLabels(l ChecklistLabels) ChecklistLabels {
	d := DefaultChecklistLabels
	return ChecklistLabels{
		Title:      pick(l.Title, d.Title),
		Conditions: pick(l.Conditions, d.Conditions),
		Materials:  pick(l.Materials, d.Materials),
		Fee:        pick(l.Fee, d.Fee),
		TimeLimit:  pick(l.TimeLimit, d.TimeLimit),
		Counters:   pick(l.Counters, d.Counters),
		LegalBasis: pick(l.LegalBasis, d.LegalBasis),
		Version:    pick(l.Version, d.Version),
		PrintedAt:  pick(l.PrintedAt, d.PrintedAt),
		ScanHint:   pick(l.ScanHint, d.ScanHint),
	}
}

// Checklist lays out a 一次性告知单: hall, title, service, conditions, the
// numbered materials, fee, time limit, counters, legal basis, the guide's
// version and date, the print time, a QR code to the full guide, the footer
// and a partial cut.
func (l Layout) Checklist(c Checklist) *Builder {
	lb := mergeChecklistLabels(c.Labels)
	p := newPage(l.cols(), c.Keep)
	p.Init().Align(Center)
	if c.Hall != "" {
		p.Bold(true).Size(1, 2)
		p.centered(c.Hall, 1)
		p.Size(1, 1).Bold(false)
	}
	p.Line(lb.Title)
	if c.Service != "" {
		p.FeedDots(12)
		p.Bold(true).Size(2, 2)
		p.centered(c.Service, 2)
		p.Size(1, 1).Bold(false)
	}
	p.Align(Left)
	p.rule()
	if c.Conditions != "" {
		p.Bold(true).Line(lb.Conditions + labelSep(lb.Conditions)).Bold(false)
		p.wrapped(c.Conditions, 1)
	}
	if len(c.Materials) > 0 {
		p.Bold(true).Line(lb.Materials + labelSep(lb.Materials)).Bold(false)
		numbered(p, c.Materials)
	}
	p.field(lb.Fee, c.Fee)
	p.field(lb.TimeLimit, c.TimeLimit)
	p.field(lb.Counters, c.Counters)
	p.field(lb.LegalBasis, c.LegalBasis)
	p.rule()
	p.field(lb.Version, c.Version)
	if !c.PrintedAt.IsZero() {
		p.field(lb.PrintedAt, c.PrintedAt.Format("2006-01-02 15:04"))
	}
	p.end(c.QR, lb.ScanHint, c.Footer)
	return p.Builder
}

// TestTicket is the technician's test page: Chinese text at several sizes,
// emphasis and underline, symbols that need the GB18030 2-byte table, a QR
// code and a CODE128 barcode with HRI digits, then a partial cut. at is
// printed and encoded in the QR so two test pages can be told apart.
func TestTicket(at time.Time) []byte {
	p := newPage(DefaultColumns, nil)
	stamp := at.Format("2006-01-02 15:04:05")
	p.Init().Align(Center)
	p.Bold(true).Size(2, 2).Line("打印测试").Size(1, 1).Bold(false)
	p.Line("Hall kiosk printer test")
	p.Line(stamp)
	p.Align(Left)
	p.rule()
	p.Line("中文：欢迎光临政务服务中心")
	p.Line("符号：￥12.50 · —— “引号” ①②③ ℃ №")
	p.Line("ASCII: 0123456789 ABCDEFGHIJ abcdefghij")
	p.Bold(true).Line("加粗 Bold").Bold(false)
	p.Underline(1).Line("下划线 Underline").Underline(0)
	for s := 1; s <= 3; s++ {
		p.Size(s, s).Line(fmt.Sprintf("%d×%d 号", s, s))
	}
	p.Size(1, 1)
	p.rule()
	p.Align(Center)
	p.QR("HALLKIOSK-TEST "+stamp, LevelM, 6).LF()
	p.BarcodeHeight(80).BarcodeWidth(2).HRI(HRIBelow).HRIFont(0)
	p.Code128(at.Format("20060102150405")).LF()
	p.Line("—— 测试结束 ——")
	p.Feed(4).Cut(Partial)
	return p.Bytes()
}
