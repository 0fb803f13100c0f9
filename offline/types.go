package offline

import (
	"errors"
	"time"
)

// TicketRequest asks the store for a queue ticket. IDNumber is the raw
// number when the citizen used a card; the store keeps only a keyed hash of
// it (fair use) and never writes the number itself.
type TicketRequest struct {
	ServiceID       string
	IDNumber        string
	Priority        bool
	AppointmentCode string
}

// Ticket is an issued, committed ticket.
type Ticket struct {
	RecordID     string // UUIDv7 of the outbox record
	Seq          int64  // the kiosk's sequence number of that record
	Number       string // A023 online; A07-015 (prefix, kiosk number, counter) offline
	ServiceID    string
	BusinessDate string // YYYY-MM-DD in the hall's time zone
	IssuedAt     time.Time
	Offline      bool // numbered by the kiosk's own series
	Priority     bool
	// PeopleAhead is -1 when unknown (offline).
	PeopleAhead    int
	EstWaitMinutes int
	// PageToken names the ticket's live page on the hall's site
	// (api.PageToken): made here when the ticket is issued, online or
	// offline, and sent with its record. Empty for tickets of older builds.
	PageToken string
}

// AppointmentQuery finds one of today's appointments, by ID number (hashed
// before lookup) or by appointment code.
type AppointmentQuery struct {
	IDNumber string
	Code     string
	At       time.Time
}

// Appointment is a cached appointment of today; no raw ID number is kept.
type Appointment struct {
	Code       string
	ServiceID  string
	Start      time.Time
	End        time.Time
	NameMasked string
	CheckedIn  bool
}

// CheckInRequest checks an appointment in and issues its priority ticket in
// the same transaction.
type CheckInRequest struct {
	Code     string
	Method   string // id_card, qr, code
	IDNumber string // when Method is id_card
	Late     bool
}

// Health is what diagnostics and alarms read about the store.
type Health struct {
	Pending        int
	DeadLetters    int
	OldestPending  time.Duration // 0 when nothing is pending
	LastSync       time.Time     // last batch the back office acknowledged
	LastSyncError  string
	DBBytes        int64
	DiskBudget     int64
	IntegrityOK    bool
	IntegrityCheck string
	Online         bool
	// SyncStopped is true after the back office refused the token (401/403)
	// or presented an untrusted certificate; Alarms says which.
	SyncStopped bool
	Alarms      []string // e.g. "oldest_unsynced_24h", "pending_5000", "disk_80"
}

// Errors the flows tell apart. Wrapped errors carry context; test with errors.Is.
var (
	// ErrDailyCapReached: the service issued its daily number of tickets.
	ErrDailyCapReached = errors.New("daily ticket cap reached")
	// ErrAlreadyHasTicket: this ID already holds an active ticket for the service today.
	ErrAlreadyHasTicket = errors.New("an active ticket for this service already exists today")
	// ErrNotFound: no such appointment, ticket or application.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyCheckedIn: the appointment was checked in before.
	ErrAlreadyCheckedIn = errors.New("appointment already checked in")
	// ErrTooManyTries: the back office throttles lookups (429); the
	// HTTPError in the chain carries RetryAfter.
	ErrTooManyTries = errors.New("too many lookups, wait before the next")
	// ErrOffline: the back office is needed and cannot be reached.
	ErrOffline = errors.New("back office unreachable")
	// ErrStorageFull: the database or disk is full; nothing was committed.
	ErrStorageFull = errors.New("storage full")
	// ErrStorageBroken: the database failed its integrity check or cannot be written.
	ErrStorageBroken = errors.New("storage unusable")
	// ErrClosed: the service does not issue tickets now (opening hours of
	// the catalog, or the back office's "closed" answer).
	ErrClosed = errors.New("service not open for tickets now")
	// ErrUnauthorized: the back office refused the kiosk's token (401/403).
	// Syncing stops until a technician fixes the token and kicks it.
	ErrUnauthorized = errors.New("back office refused the kiosk token")
	// ErrBadCertificate: the back office's TLS certificate is not trusted
	// (wrong CA, wrong host, expired). Like ErrUnauthorized it stops syncing:
	// a wrong certificate does not fix itself. Wrapped together with ErrOffline.
	ErrBadCertificate = errors.New("back office certificate not trusted")
	// ErrWrongKey: the database's personal data was sealed with another
	// key than the one Open was given; Open refuses rather than turn every
	// sealed record into a dead letter.
	ErrWrongKey = errors.New("wrong database key")
)
