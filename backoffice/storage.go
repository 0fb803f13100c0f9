package backoffice

import (
	"context"
	"errors"
	"time"

	"hallkiosk/backoffice/api"
)

// Storage is where the back office keeps its state. The server holds no
// business state in memory, so a fleet deployment can put PostgreSQL behind
// this interface (UNIQUE indexes and INSERT … ON CONFLICT, docs/offline-sync.md
// §5.1) while small halls keep the SQLite default of OpenSQLite.
//
// Every change happens inside Update, and the server relies on two
// properties an implementation must give: transactions that write are
// serialized (ticket numbering reads then writes), and a transaction that
// returns without error is durable before Update returns (a sync answer is
// an acknowledgement; docs/offline-sync.md §1.10 "commit before responding").
type Storage interface {
	// Update runs fn in one write transaction and commits it when fn
	// returns nil; any error from fn rolls everything back and is returned
	// as is.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction that sees one snapshot.
	View(ctx context.Context, fn func(Tx) error) error
	// Ping reports whether the storage can answer.
	Ping(ctx context.Context) error
	// Close releases the storage.
	Close() error
}

// Tx is the set of primitives the server composes inside one transaction.
// Lookups return found=false (or a nil pointer) rather than an error for a
// missing row. Methods that write may only be called inside Update.
type Tx interface {
	// RecordKeys returns the keys of the stored records that share an id
	// with ids or sit at one of seqs of kioskID, in no particular order.
	// A sync batch asks once for all its records instead of twice per
	// record: the lookups were most of the cost of ingesting a batch.
	RecordKeys(kioskID string, ids []string, seqs []int64) ([]RecordKey, error)
	// InsertRecord stores a record. The storage must keep permanent unique
	// indexes on ID and on (KioskID, Seq); a violation is an error wrapping
	// ErrConflict.
	InsertRecord(r StoredRecord) error
	// KioskRecords returns every stored record of a kiosk in seq order.
	KioskRecords(kioskID string) ([]StoredRecord, error)
	// CountRecords returns how many records of a kiosk are stored.
	CountRecords(kioskID string) (int, error)
	// Watermark advances and returns the kiosk's acknowledged-through seq
	// (every seq from 1 to it is stored) and at most maxGaps [from, to]
	// ranges of seqs missing above it, below the highest stored seq.
	Watermark(kioskID string, maxGaps int) (acked int64, gaps [][2]int64, err error)

	// NextTicketSerial increments and returns the serial of a service's
	// series on a business date; the first call of a day returns 1.
	NextTicketSerial(date, serviceID string) (int, error)
	// BumpTicketSerial raises the series to at least n (restoring a series
	// by hand; synced records never move it), so a number that
	// arrived from elsewhere is never issued again.
	BumpTicketSerial(date, serviceID string, n int) error
	// InsertTicket stores a ticket and sets t.ID. (BusinessDate, Number)
	// and RecordID are unique; a violation wraps ErrConflict.
	InsertTicket(t *Ticket) error
	// UpdateTicket writes the mutable fields of a ticket (Number, Source,
	// Offline, IssuedAt, Status, CalledAt, Counter, Priority,
	// AppointmentCode, PrintFailed, IDHash, PageToken, DoneAt). PageToken is
	// unique where set; a violation wraps ErrConflict. A new Number must stay unique on its
	// BusinessDate; a violation wraps ErrConflict.
	UpdateTicket(t *Ticket) error
	// TicketByRecord returns the ticket reserved or created for a record id.
	TicketByRecord(recordID string) (*Ticket, error)
	// TicketByNumber returns the ticket with this number on a business date.
	TicketByNumber(date, number string) (*Ticket, error)
	// CountIssued returns how many tickets of a service a business date has.
	CountIssued(date, serviceID string) (int, error)
	// WaitingAhead counts the waiting tickets of t's service and date that
	// are called before t, in call order: priority tickets first, then by
	// IssuedAt, then by ID.
	WaitingAhead(t *Ticket) (int, error)
	// NextWaiting returns the first waiting ticket of any of the services in
	// call order, or nil.
	NextWaiting(date string, serviceIDs []string) (*Ticket, error)
	// QueueCounts returns per service the waiting and issued tickets of a
	// business date and the number called last.
	QueueCounts(date string) (map[string]QueueCount, error)

	// PutAppointment inserts or replaces an appointment of a date.
	PutAppointment(date string, a api.Appointment) error
	// Appointments returns a date's appointments by start time.
	Appointments(date string) ([]api.Appointment, error)
	// AppointmentByCode returns an appointment.
	AppointmentByCode(code string) (a api.Appointment, found bool, err error)
	// SetAppointmentStatus changes an appointment's status.
	SetAppointmentStatus(code, status string, at time.Time) error

	// PutProgress inserts or replaces an application's progress, with the
	// last four characters of the applicant's ID number that unlock it.
	PutProgress(p api.Progress, idLast4 string) error
	// Progress returns an application's progress and its unlocking tail.
	Progress(receipt string) (p api.Progress, idLast4 string, found bool, err error)

	// InsertRating keeps a rating for statistics (the phone number stays
	// only in the raw record).
	InsertRating(recordID string, r api.Rating) error

	// TicketByIDHash returns a ticket of a business date and service held
	// by the citizen whose hall-keyed ID hash is idHash (void ones aside).
	TicketByIDHash(date, serviceID, idHash string) (*Ticket, error)
	// Secret returns the random secret stored under key, creating one of
	// size bytes on first use inside Update (inside View it returns nil
	// when there is none yet).
	Secret(key string, size int) ([]byte, error)

	// ClaimOfflineSeries binds an offline ticket series (the 07 of
	// A07-015) to kioskID unless another kiosk holds it or kioskID holds
	// another series (a kiosk prints one series), and reports whether
	// kioskID holds it now.
	ClaimOfflineSeries(number int, kioskID string) (held bool, err error)

	// CurrentAt returns the ticket a counter is serving on a business
	// date: the latest it called that is still called, or nil.
	CurrentAt(date, counter string) (*Ticket, error)
	// TicketByToken returns the ticket whose page token is token, or nil.
	TicketByToken(token string) (*Ticket, error)
	// DayQueue returns every ticket of a business date but the void ones,
	// in call order (priority first, then by IssuedAt, then by ID), with
	// only what the live pages show of them.
	DayQueue(date string) ([]QueueTicket, error)
	// ServiceTimes returns the handling times (call to done) of the latest
	// done tickets of a service called at or after since, newest first, at
	// most limit, each with the time of its call.
	ServiceTimes(serviceID string, since time.Time, limit int) ([]ServiceTime, error)

	// Once records key and reports whether it was new; the server uses it
	// to load demo data once per day.
	Once(key string) (bool, error)
}

// RecordKey is what deciding a resent record needs of the stored one.
type RecordKey struct {
	ID            string
	KioskID       string
	Seq           int64
	Kind          string
	PayloadSHA256 string
}

// StoredRecord is a sync record as the back office keeps it.
type StoredRecord struct {
	api.Record
	KioskID    string
	ReceivedAt time.Time
}

// Ticket sources say how a ticket reached the queue.
const (
	SourceReserved = "reserved" // numbered by POST /v1/tickets
	SourceRecord   = "record"   // arrived as a ticket.issued record (offline numbering)
	SourceCheckIn  = "checkin"  // arrived with an appointment.checked_in record
)

// Ticket statuses.
const (
	TicketWaiting = "waiting"
	TicketCalled  = "called"
	// TicketVoid is a reserved number the kiosk never printed (its answer
	// was lost), whose citizen is queued under another number.
	TicketVoid = "void"
	// TicketDone: the counter finished with the citizen.
	TicketDone = "done"
	// TicketNoShow: called, and nobody came.
	TicketNoShow = "no_show"
)

// QueueTicket is a ticket as the live pages show it (DayQueue). The
// snapshot reads the whole day after every change, so it reads only these.
type QueueTicket struct {
	ID           int64
	BusinessDate string
	Number       string
	ServiceID    string
	Offline      bool
	Status       string
	CalledAt     time.Time
	Counter      string
	PageToken    string
}

// ServiceTime is one ticket's handling time: from its (last) call to done.
type ServiceTime struct {
	CalledAt time.Time
	Took     time.Duration
}

// Ticket is one queue ticket of a business day.
type Ticket struct {
	ID           int64
	BusinessDate string
	Number       string
	ServiceID    string
	RecordID     string
	KioskID      string
	Source       string
	Offline      bool
	// Priority is set for priority (绿色通道) and appointment tickets, which
	// are called first.
	Priority        bool
	AppointmentCode string
	IssuedAt        time.Time
	Status          string
	CalledAt        time.Time
	Counter         string
	PrintFailed     bool
	// IDHash is the hall-keyed hash of the holder's ID number, when the
	// ticket was taken with an ID card.
	IDHash string
	// PageToken is the token of the ticket's live page (api.PageToken),
	// made by the kiosk; empty for tickets of older kiosks.
	PageToken string
	// DoneAt is when the counter marked the ticket done or a no-show.
	DoneAt time.Time
}

// QueueCount is one service's queue on a business date.
type QueueCount struct {
	Waiting    int
	Issued     int
	LastCalled string
}

// Storage errors the server tells apart.
var (
	// ErrConflict: a unique index refused the write.
	ErrConflict = errors.New("storage: unique constraint")
	// ErrBusy: the storage is locked or overloaded; retry later (503).
	ErrBusy = errors.New("storage: busy")
	// ErrFull: the disk or database is full; nothing was written (503).
	ErrFull = errors.New("storage: full")
)
