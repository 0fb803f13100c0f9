package diag

import (
	"errors"
	"slices"
	"sync"

	"hallkiosk/config"
)

// configFile owns the technician's changes to the configuration. It keeps
// two copies: what the file says, which is what gets saved, and what the
// kiosk runs with (the file plus command-line overrides such as --window or
// --data-dir), which is what the views show. A change is applied to both,
// so an override is never written into the file by a PIN change.
type configFile struct {
	path string

	mu      sync.Mutex
	file    config.Config
	running config.Config
}

func openConfigFile(path string, running config.Config) (*configFile, error) {
	c := &configFile{path: path, file: clone(running), running: clone(running)}
	if path == "" {
		return c, nil
	}
	f, err := config.Load(path)
	switch {
	case errors.Is(err, config.ErrNotExist):
		// The kiosk started from defaults; the first change creates the
		// file from what it runs with.
	case err != nil:
		return nil, err
	default:
		c.file = f
	}
	return c, nil
}

// live returns a copy of the configuration the kiosk runs with.
func (c *configFile) live() config.Config {
	c.mu.Lock()
	defer c.mu.Unlock()
	return clone(c.running)
}

// update applies change to the file's configuration, validates and saves it
// atomically (config.Save: temp file, fsync, rename), and only then applies
// it to the running copy. saved is false when there is no file to save to.
// On any error nothing changes.
func (c *configFile) update(change func(*config.Config)) (saved bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	next := clone(c.file)
	change(&next)
	if err := next.Validate(); err != nil {
		return false, err
	}
	run := clone(c.running)
	change(&run)
	if err := run.Validate(); err != nil {
		return false, err
	}
	if c.path != "" {
		if err := config.Save(c.path, next); err != nil {
			return false, err
		}
	}
	c.file, c.running = next, run
	return c.path != "", nil
}

// clone copies the slices of a Config so that copies never share them.
func clone(c config.Config) config.Config {
	c.UI.Languages = slices.Clone(c.UI.Languages)
	return c
}
