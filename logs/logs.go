package logs

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Options configures Open.
type Options struct {
	// Dir holds kiosk.log and its rotated predecessors kiosk.log.1 … .N.
	// Empty = no file, only the tail (and Extra).
	Dir string
	// Name is the file name; default "kiosk.log".
	Name string
	// Level is the lowest level written.
	Level slog.Level
	// MaxSize rotates the file when it would grow past this many bytes
	// (default 10 MiB); MaxFiles rotated files are kept (default 5).
	MaxSize  int64
	MaxFiles int
	// TailSize is how many recent entries Tail can return (default 500).
	TailSize int
	// Extra receives a copy of every line (e.g. os.Stderr when run by hand).
	Extra io.Writer
	// Location is the zone of the timestamps; default UTC. It is fixed
	// for the log's life, whatever time.Local is or becomes, so the lines
	// of one run never change offset.
	Location *time.Location
}

// Entry is one recent log entry, for the diagnostics screen.
type Entry struct {
	Time    time.Time
	Level   slog.Level
	Message string
	// Line is the whole JSON line as written.
	Line string
}

// Log owns the file, the rotation and the tail.
type Log struct {
	opts   Options
	mu     sync.Mutex
	f      *os.File
	size   int64
	tail   []Entry
	next   int
	filled bool
	logger *slog.Logger
	level  *slog.LevelVar
}

// Open creates the directory if needed and opens (appends to) the log file.
func Open(o Options) (*Log, error) {
	if o.Name == "" {
		o.Name = "kiosk.log"
	}
	if o.MaxSize <= 0 {
		o.MaxSize = 10 << 20
	}
	if o.MaxFiles <= 0 {
		o.MaxFiles = 5
	}
	if o.TailSize <= 0 {
		o.TailSize = 500
	}
	l := &Log{opts: o, tail: make([]Entry, o.TailSize), level: new(slog.LevelVar)}
	l.level.Set(o.Level)
	if o.Dir != "" {
		if err := os.MkdirAll(o.Dir, 0o750); err != nil {
			return nil, fmt.Errorf("log dir: %w", err)
		}
		if err := l.openFile(); err != nil {
			return nil, err
		}
	}
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	l.logger = slog.New(slog.NewJSONHandler(writerFunc(l.write), &slog.HandlerOptions{Level: l.level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
				a.Value = slog.TimeValue(a.Value.Time().In(loc))
			}
			return a
		}}))
	return l, nil
}

// Logger returns the structured logger writing here.
func (l *Log) Logger() *slog.Logger { return l.logger }

// SetLevel changes the lowest level written, e.g. from diagnostics.
func (l *Log) SetLevel(v slog.Level) { l.level.Set(v) }

// Path returns the current log file's path ("" without a file).
func (l *Log) Path() string {
	if l.opts.Dir == "" {
		return ""
	}
	return filepath.Join(l.opts.Dir, l.opts.Name)
}

// Files returns the current and rotated log files that exist, newest first.
func (l *Log) Files() []string {
	if l.opts.Dir == "" {
		return nil
	}
	var out []string
	for i := 0; i <= l.opts.MaxFiles; i++ {
		p := l.Path()
		if i > 0 {
			p = fmt.Sprintf("%s.%d", p, i)
		}
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// Tail returns up to n recent entries at or above min, oldest first.
func (l *Log) Tail(n int, min slog.Level) []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var all []Entry
	if l.filled {
		all = append(all, l.tail[l.next:]...)
	}
	all = append(all, l.tail[:l.next]...)
	var out []Entry
	for _, e := range all {
		if e.Level >= min {
			out = append(out, e)
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

// Close closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

func (l *Log) openFile() error {
	f, err := os.OpenFile(l.Path(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log: %w", err)
	}
	l.f, l.size = f, st.Size()
	return nil
}

// rotate shifts kiosk.log.N-1 → .N … kiosk.log → .1 and starts a new file.
// Must be called with l.mu held.
func (l *Log) rotate() error {
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
	base := l.Path()
	os.Remove(fmt.Sprintf("%s.%d", base, l.opts.MaxFiles))
	for i := l.opts.MaxFiles - 1; i >= 1; i-- {
		os.Rename(fmt.Sprintf("%s.%d", base, i), fmt.Sprintf("%s.%d", base, i+1))
	}
	os.Rename(base, base+".1")
	return l.openFile()
}

func (l *Log) write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var rec struct {
		Time  time.Time `json:"time"`
		Level string    `json:"level"`
		Msg   string    `json:"msg"`
	}
	_ = json.Unmarshal(p, &rec)
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(rec.Level))
	l.tail[l.next] = Entry{Time: rec.Time, Level: lv, Message: rec.Msg, Line: string(p[:len(p)-trailingNewline(p)])}
	l.next = (l.next + 1) % len(l.tail)
	if l.next == 0 {
		l.filled = true
	}
	if l.opts.Extra != nil {
		l.opts.Extra.Write(p)
	}
	if l.opts.Dir == "" {
		return len(p), nil
	}
	if l.f == nil || l.size+int64(len(p)) > l.opts.MaxSize {
		if err := l.rotate(); err != nil {
			// Logging must never stop the kiosk: drop to the tail only.
			return len(p), nil
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	if err != nil {
		return len(p), nil
	}
	return len(p), nil
}

func trailingNewline(p []byte) int {
	if len(p) > 0 && p[len(p)-1] == '\n' {
		return 1
	}
	return 0
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// Discard returns a logger that writes nothing, for tests and tools.
func Discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// ParseLevel turns "debug", "info", "warn" or "error" into a level.
func ParseLevel(s string) (slog.Level, error) {
	var lv slog.Level
	err := lv.UnmarshalText([]byte(s))
	return lv, err
}
