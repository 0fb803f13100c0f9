package diag

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// ProbeMaxAge is how long Poll.Health reuses the last back-office check.
// A screen refreshing every two seconds must not send the back office a
// /healthz every two seconds, nor wait up to ProbeTimeout each time.
const ProbeMaxAge = 30 * time.Second

// Poll is a session's read-only views for a screen that refreshes itself
// while it is shown. Unlike the Session methods they are not technician
// activity: they check that the session is open but do not push its idle
// expiry back, so a page left on screen does not keep a session open for
// ever. They never talk to a device.
type Poll struct{ s *Session }

// Poll returns the session's views for periodic refreshes.
func (s *Session) Poll() Poll { return Poll{s: s} }

// view checks that the session is open and past the factory PIN, without
// counting as a touch.
func (p Poll) view() error {
	if err := p.s.open(); err != nil {
		return err
	}
	if p.s.MustChangePIN() {
		return ErrMustChangePIN
	}
	return nil
}

// Devices is Session.Devices without the touch.
func (p Poll) Devices() ([]DeviceView, error) {
	if err := p.view(); err != nil {
		return nil, err
	}
	return deviceViews(p.s.g.o.Devices), nil
}

// Sync is Session.Sync without the touch.
func (p Poll) Sync(ctx context.Context) (SyncView, error) {
	if err := p.view(); err != nil {
		return SyncView{}, err
	}
	return syncView(ctx, p.s.g.o.Store)
}

// Health is Session.Health without the touch, with the back-office check
// of the last ProbeMaxAge reused (a fresh one when it is older).
func (p Poll) Health(ctx context.Context) (HealthView, error) {
	if err := p.view(); err != nil {
		return HealthView{}, err
	}
	return p.s.g.healthCached(ctx), nil
}

// Logs is Session.Logs without the touch.
func (p Poll) Logs(n int, min slog.Level) ([]LogLine, error) {
	if err := p.view(); err != nil {
		return nil, err
	}
	return p.s.g.logs(n, min), nil
}

// probeCache keeps the last back-office check for Poll.Health.
type probeCache struct {
	mu sync.Mutex
	at time.Time
	r  Reachability
}

func (c *probeCache) store(at time.Time, r Reachability) {
	c.mu.Lock()
	c.at, c.r = at, r
	c.mu.Unlock()
}

// fresh returns the cached check if it is younger than ProbeMaxAge at now.
func (c *probeCache) fresh(now time.Time) (Reachability, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() || now.Sub(c.at) >= ProbeMaxAge || now.Before(c.at) {
		return Reachability{}, false
	}
	return c.r, true
}

// healthCached is health with the back-office check taken from the cache
// when it is fresh enough, and stored there when it is not.
func (g *Gate) healthCached(ctx context.Context) HealthView {
	if r, ok := g.probes.fresh(g.clk.Now()); ok {
		return g.healthWith(ctx, r)
	}
	h := g.health(ctx, true)
	g.probes.store(g.clk.Now(), h.BackOffice)
	return h
}
