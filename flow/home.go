package flow

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"hallkiosk/clock"
	"hallkiosk/offline"
)

// Tile is one of the six transactions on the home screen.
type Tile int

// Tiles, in home-screen order.
const (
	TileTicket     Tile = iota // 取号
	TileCheckIn                // 预约签到
	TileGuide                  // 办事指南
	TileRating                 // 好差评
	TileSuggestion             // 投诉建议
	TileProgress               // 办件进度
)

// Tiles lists every tile in home-screen order.
var Tiles = []Tile{TileTicket, TileCheckIn, TileGuide, TileRating, TileSuggestion, TileProgress}

// String returns the tile's code.
func (t Tile) String() string {
	names := [...]string{"ticket", "check_in", "guide", "rating", "suggestion", "progress"}
	if t < 0 || int(t) >= len(names) {
		return fmt.Sprintf("Tile(%d)", int(t))
	}
	return names[t]
}

// TileStatus says whether a tile works now.
type TileStatus struct {
	Tile    Tile
	Enabled bool
	// Reason says why the tile is disabled, or, when Enabled and Limited,
	// what is limited (ReasonOffline on the ticket tile: numbers from the
	// kiosk's own series, people ahead unknown; a printer reason on the
	// guide tile: reading works, printing does not).
	Reason  Reason
	Limited bool
}

// storageReason reads the store's health: a failed integrity check is a
// broken store; the store's storage_full alarm (its last write met a full
// disk) turns away everything that commits. The other alarms
// (oldest_unsynced_24h, pending_5000, disk_80 …) are for technicians, not
// reasons to turn citizens away.
func storageReason(h offline.Health) Reason {
	if !h.IntegrityOK || slices.Contains(h.Alarms, offline.AlarmStorageBroken) {
		return ReasonStorageBroken
	}
	if slices.Contains(h.Alarms, offline.AlarmStorageFull) {
		return ReasonStorageFull
	}
	return ReasonNone
}

// Availability checks the printer, the back office and the store and says
// which tiles work. It does I/O (the printer's status), so the UI calls it
// off its goroutine — or uses Home, which does.
//
// Rules: ticket and check-in need a ready printer and a usable store
// (tickets are committed before printing); the guide reads without the
// printer, only its checklist print needs it; ratings and suggestions need
// only the store (they queue offline); progress needs the back office.
func Availability(ctx context.Context, env Env) []TileStatus {
	printer := ReasonNone
	if env.Printer == nil {
		printer = ReasonPrinterFailed
	} else if err := env.Printer.Ready(ctx); err != nil {
		printer = printerReason(err)
	}
	online := env.BackOffice != nil && env.BackOffice.Online()
	store := ReasonStorageBroken
	if env.Store != nil {
		store = storageReason(env.Store.Health(ctx))
	}

	out := make([]TileStatus, 0, len(Tiles))
	for _, t := range Tiles {
		s := TileStatus{Tile: t, Enabled: true}
		switch t {
		case TileTicket, TileCheckIn:
			switch {
			case store != ReasonNone:
				s.Enabled, s.Reason = false, store
			case printer != ReasonNone:
				s.Enabled, s.Reason = false, printer
			case !online:
				// Tickets are numbered by the kiosk; check-in works from
				// the appointment cache.
				s.Limited, s.Reason = true, ReasonOffline
			}
			if t == TileCheckIn && s.Enabled && env.Cards == nil && env.Scanner == nil {
				s.Limited = true // keypad only
			}
		case TileGuide:
			if printer != ReasonNone {
				s.Limited, s.Reason = true, printer
			}
		case TileRating, TileSuggestion:
			if store != ReasonNone {
				s.Enabled, s.Reason = false, store
			}
		case TileProgress:
			if !online {
				s.Enabled, s.Reason = false, ReasonOffline
			}
		}
		out = append(out, s)
	}
	return out
}

// HomeOptions configures Home.
type HomeOptions struct {
	// Interval between checks (default 15 s).
	Interval time.Duration
	// Timeout bounds one check (default 5 s): a printer that does not
	// answer must not freeze the home screen's state.
	Timeout  time.Duration
	OnChange func([]TileStatus)
}

// Home keeps the home screen's tiles current: it runs Availability on its
// own goroutine every Interval and when asked (Refresh), and reports each
// change through OnChange.
type Home struct {
	env  Env
	opts HomeOptions
	clk  clock.Clock
	out  notifier[[]TileStatus]

	mu      sync.Mutex
	last    []TileStatus
	kick    chan struct{}
	stop    chan struct{}
	running bool
}

// NewHome returns a stopped Home; Run starts it.
func NewHome(env Env, opts HomeOptions) *Home {
	if opts.Interval <= 0 {
		opts.Interval = 15 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	h := &Home{env: env, opts: opts, clk: env.clock()}
	h.out.fn = opts.OnChange
	return h
}

// Tiles returns the last known statuses (nil before the first check).
func (h *Home) Tiles() []TileStatus {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.last)
}

// Run starts checking; Stop ends it.
func (h *Home) Run() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running {
		return
	}
	h.running = true
	h.kick = make(chan struct{}, 1)
	h.stop = make(chan struct{})
	h.kick <- struct{}{} // check at once
	go h.loop(h.kick, h.stop)
}

// Refresh asks for a check now (e.g. when the home screen is shown again).
func (h *Home) Refresh() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running {
		select {
		case h.kick <- struct{}{}:
		default:
		}
	}
}

// Stop ends the checks.
func (h *Home) Stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running {
		close(h.stop)
		h.running = false
	}
}

func (h *Home) loop(kick, stop chan struct{}) {
	t := h.clk.NewTimer(h.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-kick:
		case <-t.C():
		}
		ctx, cancel := withClockTimeout(context.Background(), h.clk, h.opts.Timeout)
		st := Availability(ctx, h.env)
		cancel(nil)
		h.mu.Lock()
		select {
		case <-stop:
			h.mu.Unlock()
			return
		default:
		}
		t.Reset(h.opts.Interval)
		changed := !slices.Equal(st, h.last)
		h.last = st
		if changed {
			h.out.push(slices.Clone(st))
		}
		h.mu.Unlock()
	}
}
