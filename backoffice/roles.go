package backoffice

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
)

// Role says what a token may do.
type Role string

// The roles of a token.
const (
	// RoleKiosk syncs its own records, takes ticket numbers and reads
	// appointments, progress and the hall key for the citizens at it.
	RoleKiosk Role = "kiosk"
	// RoleCounter calls the next citizen at the counters it is bound to.
	RoleCounter Role = "counter"
	// RoleAdmin calls at any counter. It is not a kiosk: it cannot sync.
	RoleAdmin Role = "admin"
)

// Principal is who a token authenticates.
type Principal struct {
	Role Role
	// Kiosk is a kiosk token's kiosk id (RoleKiosk only).
	Kiosk string
	// Number is the kiosk's number as printed in its offline tickets (7 in
	// A07-015), 1–99. 0 binds the kiosk to the first series it reports.
	Number int
	// Counters are the counter ids a counter token may call for.
	Counters []string
	// Name names a counter or admin token in the log.
	Name string
}

// logName is how the access log names the principal: the kiosk id, or the
// role and name of a counter or admin token.
func (p *Principal) logName() string {
	if p.Role == RoleKiosk {
		return p.Kiosk
	}
	return string(p.Role) + ":" + p.Name
}

// check validates a principal against the catalog's counters.
func (p *Principal) check(counters map[string][]string) error {
	switch p.Role {
	case RoleKiosk:
		if p.Kiosk == "" {
			return errors.New("kiosk token without a kiosk id")
		}
		if p.Number < 0 || p.Number > 99 {
			return fmt.Errorf("kiosk %s: number %d outside 1–99", p.Kiosk, p.Number)
		}
	case RoleCounter:
		if len(p.Counters) == 0 {
			return fmt.Errorf("counter token %q bound to no counter", p.Name)
		}
		for _, c := range p.Counters {
			if _, ok := counters[c]; !ok {
				return fmt.Errorf("counter token %q: no counter %q in the catalog", p.Name, c)
			}
		}
	case RoleAdmin:
	default:
		return fmt.Errorf("unknown role %q (kiosk, counter or admin)", p.Role)
	}
	return nil
}

// access decides whether a principal may call an endpoint.
type access func(p *Principal, r *http.Request) bool

// kioskOnly: endpoints that act for a kiosk and the citizen at it.
func kioskOnly(p *Principal, _ *http.Request) bool { return p.Role == RoleKiosk }

// anyRole: hall-wide information every token may read.
func anyRole(*Principal, *http.Request) bool { return true }

// counterOf: the counter in the path must be one the token is bound to;
// an admin may call at any counter. A kiosk token may not: it is on a
// public kiosk, and calling would let its holder skip waiting citizens.
func counterOf(p *Principal, r *http.Request) bool {
	switch p.Role {
	case RoleAdmin:
		return true
	case RoleCounter:
		return slices.Contains(p.Counters, r.PathValue("counter"))
	}
	return false
}

// privateTransport reports whether a request came over TLS or from the
// loopback interface (a demo on one machine, or a TLS-terminating proxy on
// the same host). Answers carrying personal data (ID numbers, names,
// application progress, the key of the ID hashes) go nowhere else: on a
// plain-HTTP listener anyone on the hall's network could read them.
func privateTransport(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// private wraps an endpoint whose answer carries personal data: over plain
// HTTP from another machine it answers 403 "tls_required" instead.
func private(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, kiosk string) error {
		if !privateTransport(r) {
			return errTLSRequired()
		}
		return h(w, r, kiosk)
	}
}

// errTLSRequired is the answer to personal data asked for, or sent, over
// plain HTTP from another machine.
func errTLSRequired() *apiError {
	return errorf(http.StatusForbidden, "tls_required", "personal data is served only over TLS (or to this machine)")
}
