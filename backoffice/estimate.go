package backoffice

import (
	"math"
	"slices"
	"sync"
	"time"
)

// The wait estimate comes from the hall's own handling times: the time
// from a ticket's (last) call to its done, per service and hour of the
// day (docs/queue-pages.md).
const (
	// estimateWindow: only handling times of the last four weeks count, so
	// the estimate follows a change of staff or of procedure.
	estimateWindow = 28 * 24 * time.Hour
	// estimateSamples is the rolling window: the latest this many handling
	// times of the service in the same hour of the day (or any hour).
	estimateSamples = 50
	// estimateMinSamples: below this many in the hour, the service's
	// latest handling times at any hour are used; below it at any hour,
	// the catalog's avg_minutes.
	estimateMinSamples = 5
	// estimateFetch bounds the rows read per service.
	estimateFetch = 1000
	// maxHandling drops handling times longer than this: a ticket left
	// open over lunch says nothing about the pace.
	maxHandling = 3 * time.Hour
)

// estimator caches the minutes per ticket of each service for the current
// hour; a ticket marked done invalidates it once its transaction has
// committed. gen counts invalidations: a value read from the storage before
// one is not cached after it.
type estimator struct {
	mu    sync.Mutex
	cache map[estimateKey]float64
	gen   uint64
}

type estimateKey struct {
	service string
	hour    string // hall-local YYYY-MM-DD HH: the cache turns over every hour
}

func (e *estimator) invalidate() {
	e.mu.Lock()
	e.cache = nil
	e.gen++
	e.mu.Unlock()
}

// minutesPerTicket returns the median handling time of a service, in
// minutes, for the hall-local hour of now.
func (s *Server) minutesPerTicket(tx Tx, serviceID string, now time.Time) (float64, error) {
	local := now.In(s.loc)
	key := estimateKey{serviceID, local.Format("2006-01-02 15")}
	e := &s.est
	e.mu.Lock()
	v, ok := e.cache[key]
	gen := e.gen
	e.mu.Unlock()
	if ok {
		return v, nil
	}
	times, err := tx.ServiceTimes(serviceID, now.Add(-estimateWindow), estimateFetch)
	if err != nil {
		return 0, err
	}
	var sameHour, anyHour []time.Duration
	for _, st := range times {
		if st.Took <= 0 || st.Took > maxHandling {
			continue
		}
		if len(anyHour) < estimateSamples {
			anyHour = append(anyHour, st.Took)
		}
		if st.CalledAt.In(s.loc).Hour() == local.Hour() && len(sameHour) < estimateSamples {
			sameHour = append(sameHour, st.Took)
		}
	}
	switch {
	case len(sameHour) >= estimateMinSamples:
		v = median(sameHour).Minutes()
	case len(anyHour) >= estimateMinSamples:
		v = median(anyHour).Minutes()
	default:
		if svc := s.cat.services[serviceID]; svc != nil {
			v = float64(svc.AvgMinutes)
		}
	}
	e.mu.Lock()
	if e.gen == gen {
		if e.cache == nil {
			e.cache = map[estimateKey]float64{}
		}
		e.cache[key] = v
	}
	e.mu.Unlock()
	return v, nil
}

// median of a non-empty list (the mean of the middle two for an even count).
func median(d []time.Duration) time.Duration {
	d = slices.Clone(d)
	slices.Sort(d)
	n := len(d)
	if n%2 == 1 {
		return d[n/2]
	}
	return (d[n/2-1] + d[n/2]) / 2
}

// estWait is the estimate: the people ahead times the minutes per ticket,
// shared among the counters that serve the service, rounded up to whole
// minutes. It assumes every such counter is open and serves only this
// service, so it is optimistic when counters are shared; the kiosk prints
// it as an estimate ("约").
func (s *Server) estWait(tx Tx, serviceID string, ahead int, now time.Time) (int, error) {
	if ahead <= 0 || s.cat.services[serviceID] == nil {
		return 0, nil
	}
	per, err := s.minutesPerTicket(tx, serviceID, now)
	if err != nil {
		return 0, err
	}
	return waitMinutes(ahead, per, s.cat.counters(serviceID)), nil
}

// waitMinutes is ceil(ahead × per / counters); a tiny epsilon keeps
// 3 × 10.0 / 1 from becoming 31 through floating point.
func waitMinutes(ahead int, per float64, counters int) int {
	return int(math.Ceil(float64(ahead)*per/float64(counters) - 1e-9))
}
