package flow

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"hallkiosk/backoffice/api"
)

// Errors of the parsers. They wrap into Problems with the matching Reason.
var (
	ErrBadTicketNumber = errors.New("malformed ticket number")
	ErrBadTicketQR     = errors.New("malformed ticket QR")
	ErrBadReceipt      = errors.New("malformed receipt number")
	ErrBadPhone        = errors.New("not a mainland mobile number")
	ErrBadIDLast4      = errors.New("malformed ID number tail")
	ErrBadCode         = errors.New("malformed appointment code")
)

// maxInput bounds every typed or scanned input before it is parsed: a
// scanner in continuous mode can glue many codes into one line.
const maxInput = 256

// normalize trims, maps full-width ASCII (a scanner or IME may send ＡＢ１２)
// to half-width, upper-cases, and drops the spaces a citizen may type
// between groups.
func normalize(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～': // U+FF01…U+FF5E mirror U+0021…U+007E
			r = r - '！' + '!'
		case r == '\u3000':
			r = ' '
		}
		if r == ' ' || r == '\t' {
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Ticket numbers: a service prefix of one to three letters and a counter
// (A023, as the back office numbers them), or, when the kiosk numbered the
// ticket offline, prefix, the kiosk's two-digit number and the counter
// (A07-015).
var ticketNumberRE = regexp.MustCompile(`^[A-Z]{1,3}(?:[0-9]{2}-)?[0-9]{1,4}$`)

// ParseTicketNumber validates a typed or scanned ticket number and returns
// it normalized (upper case, half-width).
func ParseTicketNumber(s string) (string, error) {
	if len(s) > maxInput {
		return "", fmt.Errorf("%w: too long", ErrBadTicketNumber)
	}
	n := normalize(s)
	if !ticketNumberRE.MatchString(n) {
		return "", fmt.Errorf("%w: %q", ErrBadTicketNumber, n)
	}
	return n, nil
}

// offlineKiosk returns the kiosk number inside an offline ticket number
// ("07" of A07-015), or "" for a back-office number.
func offlineKiosk(number string) string {
	head, _, ok := strings.Cut(number, "-")
	if !ok || len(head) < 2 {
		return ""
	}
	return head[len(head)-2:]
}

// TicketRef is what a ticket's QR code carries: enough for the rating flow
// to find the ticket again, nothing personal.
type TicketRef struct {
	Date      string // business date, YYYY-MM-DD
	Number    string
	ServiceID string // optional
	// Token is the ticket's page token (api.PageToken), when it has one.
	Token string
}

// ticketQRTag starts the compact ticket payload. The version lets a later
// kiosk release change the layout while still reading old tickets of the day.
const ticketQRTag = "HK1"

// EncodeTicketQR returns the payload of a ticket's QR code. With a base URL
// (e.g. https://zwfw.example.gov.cn) and a page token it is the link to the
// ticket's live page, <base>/t/<token>?d=<date>&n=<number>&s=<service>: the
// back office serves the page under the token alone, and the query lets a
// kiosk's scanner read the ticket back (ratings) without asking anyone.
// With a base and no token (a ticket of an older build) it is
// <base>/t/<date>/<number>?s=<service>; without a base, the compact
// HK1|<date>|<number>|<service>.
func EncodeTicketQR(base string, ref TicketRef) string {
	if base != "" && ref.Token != "" {
		q := url.Values{"d": {ref.Date}, "n": {ref.Number}}
		if ref.ServiceID != "" {
			q.Set("s", ref.ServiceID)
		}
		return strings.TrimRight(base, "/") + "/t/" + ref.Token + "?" + q.Encode()
	}
	if base != "" {
		u := strings.TrimRight(base, "/") + "/t/" + ref.Date + "/" + url.PathEscape(ref.Number)
		if ref.ServiceID != "" {
			u += "?s=" + url.QueryEscape(ref.ServiceID)
		}
		return u
	}
	p := ticketQRTag + "|" + ref.Date + "|" + ref.Number
	if ref.ServiceID != "" {
		p += "|" + ref.ServiceID
	}
	return p
}

var serviceIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ParseTicketQR reads a ticket QR payload in either form EncodeTicketQR
// writes. The URL form is accepted from any host: a kiosk whose base URL
// was changed must still read the tickets printed before.
func ParseTicketQR(s string) (TicketRef, error) {
	if len(s) > maxInput {
		return TicketRef{}, fmt.Errorf("%w: too long", ErrBadTicketQR)
	}
	s = strings.TrimSpace(s)
	var ref TicketRef
	switch {
	case strings.HasPrefix(s, ticketQRTag+"|"):
		f := strings.Split(s, "|")
		if len(f) != 3 && len(f) != 4 {
			return TicketRef{}, fmt.Errorf("%w: %d fields", ErrBadTicketQR, len(f))
		}
		ref.Date, ref.Number = f[1], f[2]
		if len(f) == 4 {
			ref.ServiceID = f[3]
		}
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		u, err := url.Parse(s)
		if err != nil {
			return TicketRef{}, fmt.Errorf("%w: %v", ErrBadTicketQR, err)
		}
		parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
		if len(parts) >= 2 && parts[len(parts)-2] == "t" && api.ValidPageToken(parts[len(parts)-1]) {
			q := u.Query()
			ref = TicketRef{Date: q.Get("d"), Number: q.Get("n"), ServiceID: q.Get("s"), Token: parts[len(parts)-1]}
			break
		}
		if len(parts) < 3 || parts[len(parts)-3] != "t" {
			return TicketRef{}, fmt.Errorf("%w: not a ticket link", ErrBadTicketQR)
		}
		ref.Date = parts[len(parts)-2]
		num, err := url.PathUnescape(parts[len(parts)-1])
		if err != nil {
			return TicketRef{}, fmt.Errorf("%w: %v", ErrBadTicketQR, err)
		}
		ref.Number = num
		ref.ServiceID = u.Query().Get("s")
	default:
		return TicketRef{}, fmt.Errorf("%w: unknown payload", ErrBadTicketQR)
	}
	if _, err := time.Parse(time.DateOnly, ref.Date); err != nil {
		return TicketRef{}, fmt.Errorf("%w: date %q", ErrBadTicketQR, ref.Date)
	}
	if ref.ServiceID != "" && !serviceIDRE.MatchString(ref.ServiceID) {
		return TicketRef{}, fmt.Errorf("%w: service %q", ErrBadTicketQR, ref.ServiceID)
	}
	// The number must be canonical already: a printed code is machine-made.
	if !ticketNumberRE.MatchString(ref.Number) {
		return TicketRef{}, fmt.Errorf("%w: number %q", ErrBadTicketQR, ref.Number)
	}
	return ref, nil
}

// ParseTicketInput reads what the rating flow got from the scanner or the
// keypad: a ticket QR payload, or a bare ticket number (Date then empty:
// "today").
func ParseTicketInput(s string) (TicketRef, error) {
	if ref, err := ParseTicketQR(s); err == nil {
		return ref, nil
	}
	n, err := ParseTicketNumber(s)
	if err != nil {
		return TicketRef{}, err
	}
	return TicketRef{Number: n}, nil
}

// Receipt (办件) numbers as halls print them: letters, digits and inner
// hyphens, 6 to 32 characters, at least four digits (e.g. SB20260514000123,
// 2026-GJJ-00017).
var receiptRE = regexp.MustCompile(`^[A-Z0-9](?:[A-Z0-9-]{4,30})[A-Z0-9]$`)

// ParseReceipt validates a receipt number and returns it normalized.
func ParseReceipt(s string) (string, error) {
	if len(s) > maxInput {
		return "", fmt.Errorf("%w: too long", ErrBadReceipt)
	}
	n := normalize(s)
	if !receiptRE.MatchString(n) || strings.Contains(n, "--") || countDigits(n) < 4 {
		return "", fmt.Errorf("%w: %q", ErrBadReceipt, n)
	}
	return n, nil
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

var mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// ParsePhone validates a mainland mobile number (11 digits, 1[3-9]…) for a
// callback. Hyphens and a +86 / 0086 country prefix are dropped.
func ParsePhone(s string) (string, error) {
	if len(s) > maxInput {
		return "", fmt.Errorf("%w: too long", ErrBadPhone)
	}
	n := strings.ReplaceAll(normalize(s), "-", "")
	switch {
	case strings.HasPrefix(n, "+86"):
		n = n[3:]
	case strings.HasPrefix(n, "0086"):
		n = n[4:]
	case len(n) == 13 && strings.HasPrefix(n, "86"):
		n = n[2:]
	}
	if !mobileRE.MatchString(n) {
		return "", fmt.Errorf("%w", ErrBadPhone)
	}
	return n, nil
}

var idLast4RE = regexp.MustCompile(`^[0-9]{3}[0-9X]$`)

// ParseIDLast4 validates the last four characters of an ID number: three
// digits and a digit or the check character X.
func ParseIDLast4(s string) (string, error) {
	if len(s) > maxInput {
		return "", fmt.Errorf("%w: too long", ErrBadIDLast4)
	}
	n := normalize(s)
	if !idLast4RE.MatchString(n) {
		return "", fmt.Errorf("%w", ErrBadIDLast4)
	}
	return n, nil
}

// IDLast4 returns the last four characters of an ID number, upper-cased, or
// "" when the number is shorter than that.
func IDLast4(id string) string {
	if len(id) < 4 {
		return ""
	}
	return strings.ToUpper(id[len(id)-4:])
}

// Appointment codes as the booking system issues them: 4 to 24 letters,
// digits and hyphens.
var apptCodeRE = regexp.MustCompile(`^[A-Z0-9](?:[A-Z0-9-]{2,22})[A-Z0-9]$`)

// ParseAppointmentCode reads an appointment code typed on the keypad or
// scanned from a booking QR. A scanned QR may be the bare code, "HKA1|code",
// or a link whose last path segment or "code" parameter is the code.
func ParseAppointmentCode(s string) (string, error) {
	if len(s) > maxInput {
		return "", fmt.Errorf("%w: too long", ErrBadCode)
	}
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "HKA1|"):
		s = strings.TrimPrefix(s, "HKA1|")
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		u, err := url.Parse(s)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrBadCode, err)
		}
		if c := u.Query().Get("code"); c != "" {
			s = c
		} else {
			p := strings.Trim(u.Path, "/")
			s = p[strings.LastIndex(p, "/")+1:]
		}
	}
	n := normalize(s)
	if !apptCodeRE.MatchString(n) {
		return "", fmt.Errorf("%w: %q", ErrBadCode, n)
	}
	return n, nil
}
