package escpos

import "time"

// Ticket is what a queue ticket shows. Layout turns it into ESC/POS bytes;
// every personal field arrives here already masked.
type Ticket struct {
	Hall     string // hall name, printed at the top
	Service  string // service name
	Number   string // the big queue number, e.g. A023 or A07-015
	Offline  bool   // numbered by the kiosk while the back office was unreachable
	Priority bool   // appointment / priority ticket
	// PeopleAhead < 0 means unknown (offline).
	PeopleAhead int
	// PeopleAheadText is PeopleAhead as the ticket's language words it
	// ("3 人", "3"); empty: the number and Labels.PeopleUnit.
	PeopleAheadText string
	EstWaitMinutes  int
	IssuedAt        time.Time
	MaskedID        string // e.g. 110101********1234, or empty
	// Counters names the windows that serve the service, one a line
	// ('\n' between them): "6号窗口 社保卡服务\n20号窗口 综合窗口·绿色通道".
	Counters  string
	Materials []string // the checklist, one line per material
	QR        string   // payload of the ticket QR (rating / progress link)
	Footer    []string // closing lines (opening hours, hotline)
	// Labels are the fixed words in the kiosk's language (people ahead, wait,
	// time, materials …); Layout uses Chinese ones when empty.
	Labels TicketLabels
	// Keep lists words no line may break inside (the catalog's marked
	// names, api.Text.Keep): "综合窗口·绿色通道", "社会保障卡".
	Keep []string
}

// TicketLabels are the fixed words printed on a ticket.
type TicketLabels struct {
	Title       string // 排队取号凭条
	PeopleAhead string // 前面等候
	PeopleUnit  string // 人
	EstWait     string // 预计等候
	Minutes     string // 分钟
	Unknown     string // 联网后更新
	Time        string // 取号时间
	ID          string // 证件号码
	Counters    string // 办理窗口
	Materials   string // 请备齐以下材料
	Offline     string // 离线取号
	Priority    string // 预约优先
	ScanHint    string // 手机扫码看排队，办完扫码评价
}

// Checklist is a printed 一次性告知单: what to bring for one service.
type Checklist struct {
	Hall       string
	Service    string
	Conditions string
	Materials  []string
	Fee        string
	TimeLimit  string
	Counters   string // one window a line, as Ticket.Counters
	LegalBasis string
	Version    string // guide version and date, printed so the citizen can quote it
	QR         string // link to the full guide
	PrintedAt  time.Time
	Footer     []string
	// Labels are the fixed words in the kiosk's language; Layout uses
	// Chinese ones for the empty fields.
	Labels ChecklistLabels
	// Keep lists words no line may break inside, as Ticket.Keep.
	Keep []string
}
