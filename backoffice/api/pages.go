package api

import "time"

// PageTokenLen is the length of a ticket's page token: 16 random bytes in
// unpadded base64url. 128 bits cannot be guessed, and the token says
// nothing about the ticket or its holder.
const PageTokenLen = 22

// ValidPageToken reports whether s has the form of a page token. It says
// nothing about whether a ticket holds it.
func ValidPageToken(s string) bool {
	if len(s) != PageTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Ticket statuses as the ticket page and the counter page show them.
const (
	TicketStatusWaiting = "waiting"
	TicketStatusCalled  = "called"
	TicketStatusDone    = "done"
	TicketStatusNoShow  = "no_show"
)

// TicketView is what a ticket's page shows. Known is false while the back
// office has no ticket under the token: a ticket printed offline whose
// record has not synced yet. Nothing in it is personal.
type TicketView struct {
	Known        bool   `json:"known"`
	Number       string `json:"number,omitempty"`
	ServiceID    string `json:"service_id,omitempty"`
	Service      Text   `json:"service"`
	BusinessDate string `json:"business_date,omitempty"`
	Status       string `json:"status,omitempty"`
	// Counter names the window the ticket was called to.
	Counter     Text `json:"counter"`
	PeopleAhead int  `json:"people_ahead"`
	// EstWaitMinutes is the same estimate the kiosk printed online.
	EstWaitMinutes int  `json:"est_wait_minutes"`
	Offline        bool `json:"offline,omitempty"`
}

// Call is one call of a ticket to a counter, as the hall display shows
// it. Key changes when the same ticket is called again (a recall), so the
// display announces it again.
type Call struct {
	Key       string    `json:"key"`
	Number    string    `json:"number"`
	ServiceID string    `json:"service_id"`
	CounterID string    `json:"counter_id"`
	Counter   Text      `json:"counter"`
	At        time.Time `json:"at"`
	// Current is true while the counter is still serving this ticket.
	Current bool `json:"current"`
}

// DisplayRecentCalls is how many of the latest calls the hall display
// lists.
const DisplayRecentCalls = 10

// DisplayView is the hall display: the latest DisplayRecentCalls calls,
// newest first, then the older calls that counters are still serving
// (newest first), and how many wait for each service.
type DisplayView struct {
	Hall     Text           `json:"hall"`
	Calls    []Call         `json:"calls"`
	Services []ServiceCount `json:"services"`
}

// ServiceCount is one service's waiting count on the hall display.
type ServiceCount struct {
	ServiceID string `json:"service_id"`
	Name      Text   `json:"name"`
	Waiting   int    `json:"waiting"`
}
