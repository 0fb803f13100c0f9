package api

import "time"

// Payloads of the record kinds. Personal data (name, ID number, phone, free
// text) appears only where the back office needs it; the kiosk seals these
// payloads at rest and purges them after acknowledgement and retention.

// TicketIssued is the payload of KindTicketIssued.
type TicketIssued struct {
	Number       string    `json:"number"`
	ServiceID    string    `json:"service_id"`
	BusinessDate string    `json:"business_date"`
	IssuedAt     time.Time `json:"issued_at"`
	// Offline is true when the kiosk numbered the ticket from its own series.
	Offline         bool   `json:"offline"`
	Priority        bool   `json:"priority,omitempty"`
	AppointmentCode string `json:"appointment_code,omitempty"`
	// IDHash is the hall-keyed hash (HallKey) of the citizen's ID number
	// (fair-use checks across kiosks); the number itself is not sent with a
	// ticket. Empty when the kiosk had no hall key yet.
	IDHash string `json:"id_hash,omitempty"`
	// PageToken is the token of the ticket's live page, made by the kiosk
	// when it issued the ticket, online or offline (see PageToken).
	PageToken string `json:"page_token,omitempty"`
}

// TicketPrintFailed is the payload of KindTicketPrintFail.
type TicketPrintFailed struct {
	Number       string `json:"number"`
	BusinessDate string `json:"business_date"`
	Reason       string `json:"reason"`
}

// CheckIn is the payload of KindCheckIn.
type CheckIn struct {
	AppointmentCode string    `json:"appointment_code"`
	ServiceID       string    `json:"service_id"`
	Number          string    `json:"number"`
	BusinessDate    string    `json:"business_date"`
	Method          string    `json:"method"` // id_card, qr, code
	At              time.Time `json:"at"`
	Late            bool      `json:"late,omitempty"`
}

// Rating is the payload of KindRating (好差评): level 5 = 非常满意 … 1 = 非常不满意.
type Rating struct {
	TicketNumber string         `json:"ticket_number"`
	BusinessDate string         `json:"business_date"`
	ServiceID    string         `json:"service_id,omitempty"`
	Overall      int            `json:"overall"`
	Indicators   map[string]int `json:"indicators,omitempty"` // efficiency, skill, attitude
	Reasons      []string       `json:"reasons,omitempty"`
	Phone        string         `json:"phone,omitempty"`
	At           time.Time      `json:"at"`
}

// Suggestion is the payload of KindSuggestion (投诉建议).
type Suggestion struct {
	Category string    `json:"category"`
	Reasons  []string  `json:"reasons"`
	Phone    string    `json:"phone,omitempty"`
	At       time.Time `json:"at"`
}

// TechnicianAction is the payload of KindTechnicianAction (audit trail).
type TechnicianAction struct {
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}
