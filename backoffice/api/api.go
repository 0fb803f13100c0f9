package api

import (
	"encoding/json"
	"time"
)

// Text is a string in the kiosk's two languages.
//
// Keep marks the words of Zh and En that no line may break inside, on the
// kiosk's screens and on its printed slips: names ("综合窗口·绿色通道",
// "社会保障卡"), numbered windows ("20号窗口", "Window 20"), verbs that
// belong together ("申领"). Each entry is a run of characters as it occurs in
// Zh or En. The kiosk breaks lines by the Chinese rules anyway (no closing
// punctuation at a line start, no opening punctuation at a line end, Latin
// words and numbers whole); Keep adds what only the catalog knows. A word
// wider than a whole line still breaks. Optional: kiosks that predate the
// field ignore it.
type Text struct {
	Zh   string   `json:"zh"`
	En   string   `json:"en"`
	Keep []string `json:"keep,omitempty"`
}

// In returns the text for lang ("zh" or "en"), falling back to Chinese.
func (t Text) In(lang string) string {
	if lang == "en" && t.En != "" {
		return t.En
	}
	return t.Zh
}

// ErrorBody is the JSON body of every non-2xx answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong in a machine code and in words.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Record kinds carried by the sync protocol.
const (
	KindTicketIssued     = "ticket.issued"
	KindTicketPrintFail  = "ticket.print_failed"
	KindCheckIn          = "appointment.checked_in"
	KindRating           = "rating"
	KindSuggestion       = "suggestion"
	KindTechnicianAction = "technician.action"
)

// Record is one committed kiosk transaction. ID is a UUIDv7 made by the kiosk
// inside the transaction that created the record; Seq is the kiosk's gap-free
// sequence, starting at 1. The back office keeps a permanent unique index on
// ID and on (KioskID, Seq), so sending a record twice can never store it twice.
type Record struct {
	ID         string          `json:"id"`
	Seq        int64           `json:"seq"`
	Kind       string          `json:"kind"`
	OccurredAt time.Time       `json:"occurred_at"`
	Payload    json.RawMessage `json:"payload"`
	// PayloadSHA256 is the hex SHA-256 of Payload's bytes. A record that
	// arrives again with the same ID but another hash is rejected, not
	// silently taken as a duplicate.
	PayloadSHA256 string `json:"payload_sha256"`
}

// SyncRequest is one batch, records in Seq order.
type SyncRequest struct {
	KioskID string    `json:"kiosk_id"`
	BootID  string    `json:"boot_id,omitempty"`
	SentAt  time.Time `json:"sent_at"`
	Records []Record  `json:"records"`
}

// Per-record answers.
const (
	StatusCreated   = "created"
	StatusDuplicate = "duplicate"
	StatusRejected  = "rejected"
)

// RecordResult answers one record of a batch.
type RecordResult struct {
	ID     string `json:"id"`
	Seq    int64  `json:"seq"`
	Status string `json:"status"`
	// Reason says why a record was rejected (unknown kind, bad payload,
	// hash mismatch, sequence taken by another record).
	Reason string `json:"reason,omitempty"`
}

// SyncResponse answers a batch with one result per record, in request order.
type SyncResponse struct {
	Results []RecordResult `json:"results"`
	// AckedThroughSeq is the highest seq such that every record of this
	// kiosk up to it is stored.
	AckedThroughSeq int64 `json:"acked_through_seq"`
	// Gaps lists [from, to] ranges of seqs not yet received below the
	// highest seq received, so a lost record shows up as an alarm.
	Gaps       [][2]int64 `json:"gaps,omitempty"`
	ServerTime time.Time  `json:"server_time"`
}

// Catalog is the hall's service catalog: what the kiosk offers, what each
// service needs (一次性告知), and the rules for taking tickets.
type Catalog struct {
	Version     string       `json:"version"`
	Updated     time.Time    `json:"updated"`
	Hall        Hall         `json:"hall"`
	Departments []Department `json:"departments"`
	Services    []Service    `json:"services"`
	Counters    []Counter    `json:"counters"`
	// Readings marks the words of the catalog's Chinese texts that are not
	// read with their characters' most frequent readings, for the kiosk's
	// pinyin search: word → one syllable per character, tone marks or
	// digits optional ("调整": "tiáo zhěng", "银行": "yin2 hang2"). Each
	// syllable must be one of the character's readings. Optional.
	Readings map[string]string `json:"readings,omitempty"`
}

// OpenAllDay opens the hall and every service with hours of its own around
// the clock, every day of the week: the demo hall and the benchmarks take
// tickets at night and at weekends with it.
func (c *Catalog) OpenAllDay() {
	allDay := []OpenHours{{Weekdays: []int{0, 1, 2, 3, 4, 5, 6}, Open: "00:00", Close: "24:00"}}
	c.Hall.OpenHours = allDay
	for i := range c.Services {
		if len(c.Services[i].OpenHours) > 0 {
			c.Services[i].OpenHours = allDay
		}
	}
}

// Hall is the service hall the kiosk stands in.
type Hall struct {
	ID        string      `json:"id"`
	Name      Text        `json:"name"`
	Address   Text        `json:"address"`
	Phone     string      `json:"phone"`
	OpenHours []OpenHours `json:"open_hours"`
	// Timezone is an IANA name; halls in mainland China use Asia/Shanghai.
	Timezone string `json:"timezone"`
}

// OpenHours is one opening interval on some weekdays (0 = Sunday), in the
// hall's local time, "HH:MM".
type OpenHours struct {
	Weekdays []int  `json:"weekdays"`
	Open     string `json:"open"`
	Close    string `json:"close"`
}

// Department groups services on the kiosk's first page (社保, 医保, 公积金 …).
type Department struct {
	ID   string `json:"id"`
	Name Text   `json:"name"`
	// Icon names an icon in assets (e.g. "shebao").
	Icon string `json:"icon,omitempty"`
}

// Service is one thing a citizen can come to the hall for.
type Service struct {
	ID           string `json:"id"`
	DepartmentID string `json:"department_id"`
	Name         Text   `json:"name"`
	// Prefix is the ticket letter(s) of this service's queue, e.g. "A".
	Prefix         string `json:"prefix"`
	RequiresIDCard bool   `json:"requires_id_card"`
	// DailyCap is the most tickets issued per business day; 0 = no cap.
	DailyCap int `json:"daily_cap"`
	// OpenHours overrides the hall's hours for ticketing; empty = hall's.
	OpenHours []OpenHours `json:"open_hours,omitempty"`
	// AvgMinutes is the average handling time per ticket, for wait estimates.
	AvgMinutes int `json:"avg_minutes"`
	// Appointment check-in window around the slot start.
	CheckInEarlyMinutes int `json:"checkin_early_minutes"`
	CheckInLateMinutes  int `json:"checkin_late_minutes"`

	Materials  []Material `json:"materials"`
	Fee        Text       `json:"fee"`
	TimeLimit  Text       `json:"time_limit"`
	Counters   []string   `json:"counters"`
	LegalBasis Text       `json:"legal_basis"`
	Conditions Text       `json:"conditions,omitempty"`
	GuideURL   string     `json:"guide_url"`
	// GuideVersion and GuideDate are printed on the 一次性告知单.
	GuideVersion string   `json:"guide_version"`
	GuideDate    string   `json:"guide_date"`
	Keywords     []string `json:"keywords,omitempty"`
}

// Material is one item of a service's checklist.
type Material struct {
	Name     Text `json:"name"`
	Original int  `json:"original"` // originals to show
	Copies   int  `json:"copies"`   // photocopies to hand in
	Required bool `json:"required"`
	Note     Text `json:"note,omitempty"`
}

// Counter is a service window (窗口).
type Counter struct {
	ID       string   `json:"id"`
	Name     Text     `json:"name"`
	Services []string `json:"services"`
}

// TicketRequest asks the back office for the next number of a service's
// hall-wide series. RecordID is the UUIDv7 of the kiosk's ticket record, so
// the later sync of that record is matched to this number and a retried
// request returns the same number.
type TicketRequest struct {
	RecordID        string `json:"record_id"`
	KioskID         string `json:"kiosk_id"`
	ServiceID       string `json:"service_id"`
	Priority        bool   `json:"priority,omitempty"`
	AppointmentCode string `json:"appointment_code,omitempty"`
	// IDHash is the hall-keyed hash (HallKey) of the ID number of a
	// citizen who took the ticket with an ID card: the back office refuses
	// a second ticket of the same service and day from any kiosk. A
	// request carrying it is refused over plain HTTP from another machine
	// (403 tls_required).
	IDHash string `json:"id_hash,omitempty"`
	// PageToken is the ticket's page token (see PageToken): the back
	// office serves the ticket's live page under it from now on.
	PageToken string `json:"page_token,omitempty"`
}

// HallKey is the hall's key for hashing ID numbers (HMAC-SHA256 of the
// normalised number, hex): every kiosk of the hall hashes alike, so fair
// use holds across kiosks without an ID number leaving a kiosk. It is a
// secret: kiosks keep it sealed and it travels only to authenticated
// kiosks.
type HallKey struct {
	Key string `json:"key"` // hex, 32 bytes
}

// TicketResponse is the number the back office assigned.
type TicketResponse struct {
	Number         string    `json:"number"`
	BusinessDate   string    `json:"business_date"` // YYYY-MM-DD, hall time
	IssuedAt       time.Time `json:"issued_at"`
	PeopleAhead    int       `json:"people_ahead"`
	EstWaitMinutes int       `json:"est_wait_minutes"`
}

// QueueStatus is the hall's queue right now.
type QueueStatus struct {
	BusinessDate string         `json:"business_date"`
	Services     []ServiceQueue `json:"services"`
}

// ServiceQueue is one service's queue.
type ServiceQueue struct {
	ServiceID      string `json:"service_id"`
	Waiting        int    `json:"waiting"`
	IssuedToday    int    `json:"issued_today"`
	EstWaitMinutes int    `json:"est_wait_minutes"`
	LastCalled     string `json:"last_called,omitempty"`
}

// Appointment is one booked slot of today.
//
// In the back office's own store it holds the citizen's ID number and name.
// What GET /v1/appointments sends a kiosk holds neither: IDHash is the
// hall-keyed hash of the number (HallIDHash), the one a kiosk computes from
// the card to find the booking, and NameMasked the name as the kiosk shows
// it (MaskName). A kiosk token taken from a public kiosk therefore cannot
// download the day's ID numbers and names. A kiosk still accepts IDNumber
// and Name from a back office that sends them, and hashes and masks them
// itself.
type Appointment struct {
	Code       string    `json:"code"`
	ServiceID  string    `json:"service_id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	IDNumber   string    `json:"id_number,omitempty"`
	Name       string    `json:"name,omitempty"`
	IDHash     string    `json:"id_hash,omitempty"`
	NameMasked string    `json:"name_masked,omitempty"`
	Status     string    `json:"status"` // booked, checked_in, cancelled
}

// AppointmentList is a day's appointments of the hall.
type AppointmentList struct {
	Date         string        `json:"date"`
	Appointments []Appointment `json:"appointments"`
}

// Progress is where a citizen's application stands.
type Progress struct {
	Receipt   string         `json:"receipt"`
	ServiceID string         `json:"service_id"`
	Service   Text           `json:"service"`
	Status    string         `json:"status"` // accepted, in_review, approved, ready, rejected, completed
	StatusMsg Text           `json:"status_msg"`
	Steps     []ProgressStep `json:"steps"`
	Updated   time.Time      `json:"updated"`
	// Pickup says where and how to collect the result, when ready.
	Pickup Text `json:"pickup,omitempty"`
}

// ProgressStep is one step of an application's processing.
type ProgressStep struct {
	Name Text       `json:"name"`
	Done bool       `json:"done"`
	At   *time.Time `json:"at,omitempty"`
}

// CallResult is the ticket a counter called (or recalled, or closed).
type CallResult struct {
	Counter   string `json:"counter"`
	Number    string `json:"number"`
	ServiceID string `json:"service_id"`
	// Status is the ticket's status after the action: called, done or
	// no_show (empty from a back office that predates it: called).
	Status string `json:"status,omitempty"`
}

// CounterState is a counter as its staff page shows it: the ticket it is
// serving, if any, and how many wait for the services it serves.
type CounterState struct {
	Counter string      `json:"counter"`
	Name    Text        `json:"name"`
	Current *CallResult `json:"current,omitempty"`
	Waiting int         `json:"waiting"`
}
