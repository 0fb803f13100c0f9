package diag

import (
	"log/slog"
	"slices"
	"time"

	"hallkiosk/devices"
)

// LogLevels are the levels the health page filters the log tail by, from
// the most to the least said.
var LogLevels = []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}

// LogFilter is the health page's choice of log level. It starts at warn:
// what a technician called to a kiosk looks for first.
type LogFilter struct{ Level slog.Level }

// NewLogFilter returns the filter the health page opens with.
func NewLogFilter() LogFilter { return LogFilter{Level: slog.LevelWarn} }

// Index is the chosen level's place in LogLevels, or -1.
func (f LogFilter) Index() int { return slices.Index(LogLevels, f.Level) }

// Choose takes level i of LogLevels, if there is one.
func (f *LogFilter) Choose(i int) {
	if i >= 0 && i < len(LogLevels) {
		f.Level = LogLevels[i]
	}
}

// Current reports whether logs read at level asked still answer the
// filter: a refresh that began before the technician chose another level
// must not put the old level's lines back.
func (f LogFilter) Current(asked slog.Level) bool { return asked == f.Level }

// FaultSpan is a device fault as the health summary words it: when it
// began and how long it lasted, or has lasted so far.
type FaultSpan struct {
	devices.Incident
	// Ongoing: the fault has not ended; Lasted runs to now.
	Ongoing bool
	Lasted  time.Duration
}

// RecentFaults picks the latest n of the incidents (oldest first, as the
// device set keeps them), newest first, and says how many older ones are
// left out; the bundle's health.json has them all.
func RecentFaults(in []devices.Incident, now time.Time, n int) (spans []FaultSpan, more int) {
	for i := len(in) - 1; i >= 0 && len(spans) < n; i-- {
		f := FaultSpan{Incident: in[i], Ongoing: in[i].End.IsZero()}
		if f.Ongoing {
			f.Lasted = now.Sub(f.Start)
		} else {
			f.Lasted = f.End.Sub(f.Start)
		}
		spans = append(spans, f)
	}
	return spans, len(in) - len(spans)
}

// Explained is what a traffic line means, the Chinese words first where
// the protocol has them.
func (l TrafficLine) Explained() string {
	if l.MeaningZh != "" {
		return l.MeaningZh + "  " + l.Meaning
	}
	return l.Meaning
}
