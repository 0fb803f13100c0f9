package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is the kiosk's configuration file (JSON). Every field has a default
// (see Default); an integrator sets only what differs. docs/config.md and
// deploy/kiosk.json document each field.
type Config struct {
	// KioskID names this kiosk to the back office (and in its token).
	KioskID string `json:"kiosk_id"`
	// KioskNumber (1–99) is printed inside numbers the kiosk issues while
	// offline (A07-015), which keeps them unique hall-wide.
	KioskNumber int `json:"kiosk_number"`
	// DataDir holds the database, the data key, the paper counter and logs.
	DataDir string `json:"data_dir"`
	// RetentionHours keeps personal data this long after the back office
	// acknowledged it, then purges it.
	RetentionHours int `json:"retention_hours"`
	// DiskBudgetMB is the database size that raises the 80 % alarm.
	DiskBudgetMB int `json:"disk_budget_mb"`
	// MemoryLimitMB is the Go runtime's soft memory limit
	// (runtime/debug.SetMemoryLimit): the garbage collector works harder as
	// the kiosk's Go memory nears it instead of letting the heap double its
	// live size. 0 leaves the runtime's default (no limit). It is not a
	// hard cap: the systemd unit's MemoryMax is.
	MemoryLimitMB int `json:"memory_limit_mb"`

	BackOffice BackOffice `json:"backoffice"`
	Devices    Devices    `json:"devices"`
	UI         UI         `json:"ui"`
	Voice      Voice      `json:"voice"`
	Diag       Diag       `json:"diag"`
	Log        Log        `json:"log"`
}

// BackOffice says where the back office is. An empty URL starts the
// embedded reference back office (demo and single-kiosk halls).
type BackOffice struct {
	URL   string `json:"url"`
	Token string `json:"token"`
	// CAFile is a PEM bundle of the back office's CA; empty = system roots.
	CAFile string `json:"ca_file"`
	// AllowInsecureHTTP permits a plain http:// URL, for local demos only.
	AllowInsecureHTTP bool `json:"allow_insecure_http"`
	// TicketPageBase is the hall's public site, where the back office
	// serves the ticket pages: the QR on every ticket opens
	// <ticket_page_base>/t/<token>. Empty prints the compact QR payload
	// (no page); the demo uses the embedded back office's address.
	TicketPageBase string `json:"ticket_page_base"`
}

// Devices configures the three serial devices.
type Devices struct {
	Printer Device `json:"printer"`
	IDCard  Device `json:"idcard"`
	Scanner Device `json:"scanner"`
}

// Device is one serial device. An empty Port starts the device's simulator
// on a pseudo-terminal instead; "none" means the kiosk has no such device.
type Device struct {
	Port string `json:"port"`
	Baud int    `json:"baud"`
}

// Simulated reports whether the device runs on its simulator.
func (d Device) Simulated() bool { return d.Port == "" }

// Absent reports whether the kiosk has no such device.
func (d Device) Absent() bool { return d.Port == "none" }

// UI configures the citizen screens.
type UI struct {
	// FullScreen is the default on a kiosk; `make run` uses a 1280×800 window.
	FullScreen bool `json:"fullscreen"`
	Width      int  `json:"width"`
	Height     int  `json:"height"`
	// Language is the start language: "zh" or "en".
	Language string `json:"language"`
	// Languages offered by the language toggle.
	Languages []string `json:"languages"`
	// IdleSeconds before the countdown; GuideIdleSeconds on guide pages.
	// Elder mode doubles both.
	IdleSeconds      int `json:"idle_seconds"`
	GuideIdleSeconds int `json:"guide_idle_seconds"`
	CountdownSeconds int `json:"countdown_seconds"`
	// HallName overrides the hall name of the catalog on the status line.
	HallName string `json:"hall_name"`
}

// Voice configures the spoken prompts (hallkiosk/voice).
type Voice struct {
	// Mode says when a screen's prompt is spoken as it appears: VoiceElder
	// (the default) in elder mode only, VoiceAlways on every screen,
	// VoiceOff never. Except with VoiceOff, the speaker button on every
	// citizen screen speaks the prompt whenever it is tapped.
	Mode string `json:"mode"`
	// Volume in percent, 1–100.
	Volume int `json:"volume"`
	// Device is the ALSA PCM to play on; empty = ALSA's default.
	Device string `json:"device"`
}

// The voice modes.
const (
	VoiceElder  = "elder"
	VoiceAlways = "always"
	VoiceOff    = "off"
)

// Diag configures the technician mode and the local health endpoint.
type Diag struct {
	// PINHash is the technician PIN as an argon2id hash ($argon2id$…).
	// Empty = the default PIN, which must be changed on first entry.
	PINHash string `json:"pin_hash"`
	// HealthAddr is the local health/metrics endpoint; keep it on loopback.
	HealthAddr string `json:"health_addr"`
	// IdleMinutes leaves diagnostics after this long without a touch.
	IdleMinutes int `json:"idle_minutes"`
}

// Log configures the structured log.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `json:"level"`
	// MaxSizeMB rotates the log file at this size; MaxFiles are kept.
	MaxSizeMB int `json:"max_size_mb"`
	MaxFiles  int `json:"max_files"`
}

// DefaultMemoryLimitMB is the Go runtime's soft limit on a kiosk: the live
// heap at rest is about 55 MB (most of it the two parsed CJK faces), so
// 96 MB leaves the collector room without the heap growing to twice its
// live size (docs/footprint.md).
const DefaultMemoryLimitMB = 96

// Default returns the configuration used for every field the file leaves out.
func Default() Config {
	return Config{
		KioskID:        "K01",
		KioskNumber:    1,
		DataDir:        defaultDataDir(),
		RetentionHours: 24,
		DiskBudgetMB:   512,
		MemoryLimitMB:  DefaultMemoryLimitMB,
		Devices: Devices{
			Printer: Device{Baud: 9600},
			IDCard:  Device{Baud: 115200},
			Scanner: Device{Baud: 9600},
		},
		UI: UI{
			FullScreen:       true,
			Width:            1280,
			Height:           800,
			Language:         "zh",
			Languages:        []string{"zh", "en"},
			IdleSeconds:      60,
			GuideIdleSeconds: 120,
			CountdownSeconds: 10,
		},
		Voice: Voice{Mode: VoiceElder, Volume: 80},
		Diag:  Diag{HealthAddr: "127.0.0.1:9180", IdleMinutes: 5},
		Log:   Log{Level: "info", MaxSizeMB: 10, MaxFiles: 5},
	}
}

func defaultDataDir() string {
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "hallkiosk")
	}
	return "hallkiosk-data"
}

// Error is a configuration problem, naming the file and the field.
type Error struct {
	Path  string
	Field string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.Path != "" {
		b.WriteString(" " + e.Path)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrNotExist reports that no configuration file exists at the path.
var ErrNotExist = errors.New("no configuration file")

// Load reads path over the defaults. A missing file returns the defaults and
// an error wrapping ErrNotExist, so the caller decides whether that is fine
// (demo) or not. Unknown fields are an error: a misspelt key must not be
// silently ignored on a kiosk nobody watches.
func Load(path string) (Config, error) {
	c := Default()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, &Error{Path: path, Err: ErrNotExist}
	}
	if err != nil {
		return c, &Error{Path: path, Err: err}
	}
	if err := Parse(b, &c); err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			ce.Path = path
			return Default(), ce
		}
		return Default(), &Error{Path: path, Err: err}
	}
	return c, nil
}

// Parse decodes a configuration file's bytes over c and validates the result.
func Parse(b []byte, c *Config) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := position(b, se.Offset)
			return &Error{Err: fmt.Errorf("not valid JSON at line %d, column %d: %v", line, col, se)}
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &Error{Field: te.Field, Err: fmt.Errorf("wrong type: want %s", te.Type)}
		}
		return &Error{Err: err}
	}
	if dec.More() {
		return &Error{Err: errors.New("trailing data after the configuration object")}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &Error{Err: errors.New("trailing data after the configuration object")}
	}
	return c.Validate()
}

func position(b []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(b)); i++ {
		if b[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// Validate checks every field's range and form.
func (c *Config) Validate() error {
	bad := func(field, format string, a ...any) error {
		return &Error{Field: field, Err: fmt.Errorf(format, a...)}
	}
	if c.KioskID == "" || len(c.KioskID) > 32 || strings.ContainsAny(c.KioskID, " /\\\t\n") {
		return bad("kiosk_id", "must be 1–32 characters without spaces or slashes, got %q", c.KioskID)
	}
	if c.KioskNumber < 1 || c.KioskNumber > 99 {
		return bad("kiosk_number", "must be 1–99, got %d", c.KioskNumber)
	}
	if c.DataDir == "" {
		return bad("data_dir", "must not be empty")
	}
	if c.RetentionHours < 1 || c.RetentionHours > 24*30 {
		return bad("retention_hours", "must be 1–720, got %d", c.RetentionHours)
	}
	if c.MemoryLimitMB != 0 && (c.MemoryLimitMB < 48 || c.MemoryLimitMB > 8192) {
		return bad("memory_limit_mb", "must be 0 (no limit) or 48–8192, got %d", c.MemoryLimitMB)
	}
	if c.DiskBudgetMB < 16 {
		return bad("disk_budget_mb", "must be at least 16, got %d", c.DiskBudgetMB)
	}
	if c.BackOffice.URL != "" {
		u, err := url.Parse(c.BackOffice.URL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return bad("backoffice.url", "must be an https:// URL, got %q", c.BackOffice.URL)
		}
		if u.Scheme == "http" && !c.BackOffice.AllowInsecureHTTP {
			return bad("backoffice.url", "plain http:// needs backoffice.allow_insecure_http (local demos only)")
		}
		if tok, _ := Credential(CredentialToken); c.BackOffice.Token == "" && tok == nil {
			return bad("backoffice.token", "is required with a back-office URL")
		}
	}
	if b := c.BackOffice.TicketPageBase; b != "" {
		u, err := url.Parse(b)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" {
			return bad("backoffice.ticket_page_base", "must be an https:// URL without query or fragment, got %q", b)
		}
	}
	for name, d := range map[string]Device{"devices.printer": c.Devices.Printer, "devices.idcard": c.Devices.IDCard, "devices.scanner": c.Devices.Scanner} {
		switch d.Baud {
		case 9600, 19200, 38400, 57600, 115200:
		default:
			return bad(name+".baud", "must be 9600, 19200, 38400, 57600 or 115200, got %d", d.Baud)
		}
	}
	if c.UI.Width < 320 || c.UI.Height < 320 {
		return bad("ui.width/height", "window must be at least 320×320, got %d×%d", c.UI.Width, c.UI.Height)
	}
	if len(c.UI.Languages) == 0 {
		return bad("ui.languages", "must offer at least one of zh, en")
	}
	for _, l := range c.UI.Languages {
		if l != "zh" && l != "en" {
			return bad("ui.languages", "unknown language %q (zh, en)", l)
		}
	}
	if c.UI.Language != "zh" && c.UI.Language != "en" {
		return bad("ui.language", "must be zh or en, got %q", c.UI.Language)
	}
	if c.UI.IdleSeconds < 15 || c.UI.GuideIdleSeconds < c.UI.IdleSeconds {
		return bad("ui.idle_seconds", "must be ≥ 15 and guide_idle_seconds ≥ idle_seconds")
	}
	if c.UI.CountdownSeconds < 3 || c.UI.CountdownSeconds > 60 {
		return bad("ui.countdown_seconds", "must be 3–60, got %d", c.UI.CountdownSeconds)
	}
	switch c.Voice.Mode {
	case VoiceElder, VoiceAlways, VoiceOff:
	default:
		return bad("voice.mode", "must be elder, always or off, got %q", c.Voice.Mode)
	}
	if c.Voice.Volume < 1 || c.Voice.Volume > 100 {
		return bad("voice.volume", "must be 1–100, got %d", c.Voice.Volume)
	}
	if strings.ContainsAny(c.Voice.Device, " \t\n") {
		return bad("voice.device", "must be an ALSA PCM name without spaces, got %q", c.Voice.Device)
	}
	if c.Diag.HealthAddr != "" && !strings.HasPrefix(c.Diag.HealthAddr, "127.0.0.1:") && !strings.HasPrefix(c.Diag.HealthAddr, "[::1]:") && !strings.HasPrefix(c.Diag.HealthAddr, "localhost:") {
		return bad("diag.health_addr", "must stay on loopback (127.0.0.1:PORT), got %q", c.Diag.HealthAddr)
	}
	if c.Diag.IdleMinutes < 1 || c.Diag.IdleMinutes > 60 {
		return bad("diag.idle_minutes", "must be 1–60, got %d", c.Diag.IdleMinutes)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return bad("log.level", "must be debug, info, warn or error, got %q", c.Log.Level)
	}
	return nil
}

// Retention returns RetentionHours as a duration.
func (c *Config) Retention() time.Duration { return time.Duration(c.RetentionHours) * time.Hour }

// Save writes c to path atomically: a temporary file in the same directory
// is written, synced and renamed over the old file, and the directory is
// synced, so a power cut leaves either the old or the new file, never half of
// one. The file is 0600 because it holds the back-office token.
func Save(path string, c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	b = append(b, '\n')
	return WriteFileAtomic(path, b, 0o600)
}

// WriteFileAtomic replaces path with data via write-temp-sync-rename.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Redacted returns a copy with secrets removed, for diagnostics bundles and logs.
func (c Config) Redacted() Config {
	if c.BackOffice.Token != "" {
		c.BackOffice.Token = "(set)"
	}
	if c.Diag.PINHash != "" {
		c.Diag.PINHash = "(set)"
	}
	return c
}
