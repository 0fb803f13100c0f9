package escpos

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"hallkiosk/clock"
)

// Paper-roll defaults: a common 80 mm kiosk roll holds about 80 m; warn
// staff with 5 m left, which is a few hundred tickets of margin.
const (
	DefaultRollMM    = 80_000
	DefaultNearEndMM = 5_000
)

// DotsPerMM converts printer dots to millimetres at 203 dpi.
const DotsPerMM = 8

// ErrCounterCorrupt: the paper counter file could not be read back. The
// counter then starts from a fresh roll and the bad file is kept beside it
// as FILE.corrupt for a technician to look at.
var ErrCounterCorrupt = errors.New("paper counter file corrupt")

// CounterOpts configures a PaperCounter. Zero fields take the defaults.
type CounterOpts struct {
	RollMM    float64     // length of a full roll; default DefaultRollMM
	NearEndMM float64     // warn when this much or less is left; default DefaultNearEndMM
	Clock     clock.Clock // for the roll-change time; default clock.Real
}

// CounterState is what the counter persists: paper used since the last
// roll change.
type CounterState struct {
	Version   int       `json:"version"`
	RollMM    float64   `json:"roll_mm"`
	UsedMM    float64   `json:"used_mm"`
	Tickets   int       `json:"tickets"`
	ChangedAt time.Time `json:"changed_at"` // when the roll was changed (Reset)
}

// PaperCounter counts tickets and paper length printed since the last roll
// change and keeps the count in a small JSON file, written atomically
// (temporary file, fsync, rename, fsync of the directory), so a power cut
// leaves either the old or the new count. The printer's near-end sensor
// (DLE EOT 4, docs/protocols.md B.5) stays the authority; the counter gives the
// technician screen a "metres left" figure and an earlier warning on
// printers whose sensor is missing or misadjusted. Safe for concurrent use.
type PaperCounter struct {
	mu    sync.Mutex
	path  string
	opts  CounterOpts
	clock clock.Clock
	st    CounterState
	err   error // last save error
}

// OpenPaperCounter loads the counter kept at path, creating it for a fresh
// roll when the file does not exist. A corrupt file never stops the kiosk:
// the counter returned is usable (fresh roll) and the error wraps
// ErrCounterCorrupt. A failed first save is returned too, with a usable
// counter.
func OpenPaperCounter(path string, opts CounterOpts) (*PaperCounter, error) {
	if opts.RollMM <= 0 {
		opts.RollMM = DefaultRollMM
	}
	if opts.NearEndMM <= 0 {
		opts.NearEndMM = DefaultNearEndMM
	}
	c := &PaperCounter{path: path, opts: opts, clock: clock.Or(opts.Clock)}
	c.st = c.fresh()
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := c.saveLocked(); err != nil {
			return c, err
		}
		return c, nil
	case err != nil:
		return c, fmt.Errorf("paper counter %s: %w", path, err)
	}
	var st CounterState
	if err := json.Unmarshal(b, &st); err != nil {
		return c, c.quarantine(fmt.Sprintf("decode: %v", err))
	}
	if st.Version != 1 || !(st.RollMM > 0) || !(st.UsedMM >= 0) || st.Tickets < 0 ||
		math.IsInf(st.UsedMM, 0) || math.IsInf(st.RollMM, 0) {
		return c, c.quarantine(fmt.Sprintf("implausible values %+v", st))
	}
	c.st = st
	return c, nil
}

func (c *PaperCounter) fresh() CounterState {
	return CounterState{Version: 1, RollMM: c.opts.RollMM, ChangedAt: c.clock.Now()}
}

// quarantine keeps the bad file as path.corrupt and starts a fresh roll.
func (c *PaperCounter) quarantine(why string) error {
	err := fmt.Errorf("paper counter %s: %w (%s); counting from a full roll", c.path, ErrCounterCorrupt, why)
	if rerr := os.Rename(c.path, c.path+".corrupt"); rerr != nil {
		err = errors.Join(err, fmt.Errorf("keep corrupt file: %w", rerr))
	}
	if serr := c.saveLocked(); serr != nil {
		err = errors.Join(err, serr)
	}
	return err
}

// Add records tickets printed using lengthMM of paper and saves the count.
// The count in memory is kept even when the save fails; Err tells.
func (c *PaperCounter) Add(lengthMM float64, tickets int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if lengthMM > 0 && !math.IsInf(lengthMM, 0) {
		c.st.UsedMM += lengthMM
	}
	if tickets > 0 {
		c.st.Tickets += tickets
	}
	return c.saveLocked()
}

// Reset starts counting a new full roll (after a roll change).
func (c *PaperCounter) Reset() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st = c.fresh()
	return c.saveLocked()
}

// Left returns the paper left on the roll in mm (never negative).
func (c *PaperCounter) Left() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return math.Max(0, c.st.RollMM-c.st.UsedMM)
}

// NearEnd reports whether Left is at or below the near-end threshold.
func (c *PaperCounter) NearEnd() bool { return c.Left() <= c.opts.NearEndMM }

// State returns a copy of the counted state.
func (c *PaperCounter) State() CounterState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

// Err returns the error of the last save, nil when it succeeded.
func (c *PaperCounter) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// saveLocked writes the state atomically: temp file in the same directory,
// fsync, rename over the old file, fsync of the directory.
func (c *PaperCounter) saveLocked() (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("save paper counter %s: %w", c.path, err)
		}
		c.err = err
	}()
	b, err := json.MarshalIndent(c.st, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(c.path)
	f, err := os.CreateTemp(dir, filepath.Base(c.path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, c.path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
