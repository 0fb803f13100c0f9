package diag

import (
	"runtime/debug"
	"sync"
	"time"
)

// buildIdentity fills in the version and build date from the binary's
// build information when the linker did not set them: the module version of
// a `go install`, or the VCS revision and commit time of a build in a
// checkout. The commit time stands in for the build date in the clock check
// (a kiosk cannot be running before its own code was committed).
func buildIdentity(version string, built time.Time) (string, time.Time) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		if version == "" {
			version = "unknown"
		}
		return version, built
	}
	var rev string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		case "vcs.time":
			if built.IsZero() {
				built, _ = time.Parse(time.RFC3339, s.Value)
			}
		}
	}
	if version == "" {
		switch {
		case bi.Main.Version != "" && bi.Main.Version != "(devel)":
			version = bi.Main.Version
		case rev != "":
			version = rev[:min(12, len(rev))]
			if modified {
				version += "+dirty"
			}
		default:
			version = "dev"
		}
	}
	return version, built
}

// toolState is what the technician's tools remember between sessions of
// one process: the recent test results (for the bundle) and the codes of
// the last test ticket (so a scan of it can be recognised).
type toolState struct {
	mu          sync.Mutex
	results     []TestResult
	ticketCodes []string
}

const keepResults = 20

func (t *toolState) addResult(r TestResult) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.results = append(t.results, r)
	if len(t.results) > keepResults {
		t.results = t.results[len(t.results)-keepResults:]
	}
}

func (t *toolState) recent() []TestResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]TestResult(nil), t.results...)
}

func (t *toolState) setTicketCodes(codes []string) {
	t.mu.Lock()
	t.ticketCodes = codes
	t.mu.Unlock()
}

func (t *toolState) isTicketCode(code string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.ticketCodes {
		if c == code {
			return true
		}
	}
	return false
}
