package diag

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"hallkiosk/config"
	"hallkiosk/devices"
	"hallkiosk/voice"
)

// Bauds are the line speeds the configuration accepts, for the baud picker.
var Bauds = []int{9600, 19200, 38400, 57600, 115200}

// PortChoice is a serial port found on the machine, for choosing which
// device sits where.
type PortChoice struct {
	// Path is what to configure: the /dev/serial/by-id link when udev made
	// one (it survives re-plugging), else the device node.
	Path string `json:"path"`
	// Node is the device node, e.g. /dev/ttyUSB0.
	Node string `json:"node"`
	// Label is one line for the picker: node, USB vendor:product,
	// manufacturer, product, driver, serial.
	Label string `json:"label"`
	// USB identity, empty for on-board UARTs.
	VendorID     string `json:"vendor_id,omitempty"`
	ProductID    string `json:"product_id,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Product      string `json:"product,omitempty"`
	Serial       string `json:"serial,omitempty"`
	Driver       string `json:"driver,omitempty"`
	// InUseBy names the device configured on this port, if any.
	InUseBy devices.Kind `json:"in_use_by,omitempty"`
}

// Ports lists the serial ports of the machine (Options.Discover, by default
// serial.Discover) with their USB identity and which device, if any, is
// configured on each.
func (s *Session) Ports() ([]PortChoice, error) {
	if err := s.begin(); err != nil {
		return nil, err
	}
	found, err := s.g.o.Discover()
	if err != nil {
		return nil, fmt.Errorf("list serial ports: %w", err)
	}
	cfg := s.g.cfg.live().Devices
	used := map[string]devices.Kind{}
	for k, d := range map[devices.Kind]config.Device{devices.Printer: cfg.Printer, devices.IDCard: cfg.IDCard, devices.Scanner: cfg.Scanner} {
		if d.Port != "" && !d.Absent() {
			used[d.Port] = k
		}
	}
	out := make([]PortChoice, 0, len(found))
	for _, p := range found {
		c := PortChoice{Path: p.ConfigPath(), Node: p.Path, Label: p.String(), VendorID: p.VendorID, ProductID: p.ProductID,
			Manufacturer: p.Manufacturer, Product: p.Product, Serial: p.Serial, Driver: p.Driver}
		if k, ok := used[p.ByID]; ok && p.ByID != "" {
			c.InUseBy = k
		} else if k, ok := used[p.Path]; ok {
			c.InUseBy = k
		}
		out = append(out, c)
	}
	return out, nil
}

func deviceConfig(c *config.Config, k devices.Kind) (*config.Device, error) {
	switch k {
	case devices.Printer:
		return &c.Devices.Printer, nil
	case devices.IDCard:
		return &c.Devices.IDCard, nil
	case devices.Scanner:
		return &c.Devices.Scanner, nil
	}
	return nil, fmt.Errorf("diag: unknown device %q", k)
}

// ApplyDevice moves a device to port at baud. The order keeps the kiosk
// working whatever fails:
//
//  1. devices.Set.Reconfigure opens and tests the new port (printer status,
//     reader SAM); on failure the old device keeps running and the test's
//     error is returned;
//  2. the configuration file is saved atomically;
//  3. if saving fails, the device is moved back to its previous port
//     (Reconfigure again) and the save error is returned, joined with the
//     move-back's error if that failed too — the running kiosk and its file
//     never disagree silently.
//
// A simulated device's previous "port" is its simulator's pseudo-terminal,
// which a move back reopens.
func (s *Session) ApplyDevice(ctx context.Context, k devices.Kind, port string, baud int) error {
	if err := s.begin(); err != nil {
		return err
	}
	set := s.g.o.Devices
	if set == nil {
		return errNoDevices
	}
	port = strings.TrimSpace(port)
	if port == "" || port == "none" {
		return fmt.Errorf("diag: choose a serial port for the %s", k)
	}
	if !slices.Contains(Bauds, baud) {
		return fmt.Errorf("diag: baud %d: choose one of %v", baud, Bauds)
	}
	s.g.change.Lock()
	defer s.g.change.Unlock()
	live := s.g.cfg.live()
	cur, err := deviceConfig(&live, k)
	if err != nil {
		return err
	}
	before := set.Info(k) // where it runs now (a simulator's pty too)
	next := config.Device{Port: port, Baud: baud}
	change := fmt.Sprintf("%s: %s → %s", k, describePort(*cur), describePort(next))

	if err := set.Reconfigure(ctx, k, next); err != nil {
		s.g.audit.record(ctx, ActionDeviceChange, "refused, test failed: "+change+": "+err.Error())
		return err
	}
	saved, err := s.g.cfg.update(func(c *config.Config) {
		d, _ := deviceConfig(c, k)
		*d = next
	})
	if err != nil {
		back := config.Device{Port: before.Port, Baud: before.Baud}
		var backErr error
		switch {
		case before.Absent || before.Port == "":
			backErr = fmt.Errorf("the %s had no port before; it stays on %s until the kiosk restarts", k, port)
		default:
			if backErr = set.Reconfigure(context.WithoutCancel(ctx), k, back); backErr != nil {
				backErr = fmt.Errorf("moving the %s back to %s failed: %w", k, before.Port, backErr)
			}
		}
		s.g.audit.record(ctx, ActionDeviceChange, "rolled back, configuration not saved: "+change)
		s.g.log.Error("device change not saved", "device", k, "err", err, "rollback_err", backErr)
		return errors.Join(fmt.Errorf("save configuration: %w", err), backErr)
	}
	if !saved {
		change += " (in memory only: no configuration file)"
	}
	s.g.audit.record(ctx, ActionDeviceChange, change)
	return nil
}

func describePort(d config.Device) string {
	switch {
	case d.Absent():
		return "none"
	case d.Simulated():
		return "simulator"
	}
	return d.Port + "@" + strconv.Itoa(d.Baud)
}

// Settings are the kiosk settings a technician may change on site.
type Settings struct {
	// HallName overrides the catalog's hall name on the citizen screens;
	// empty means "follow the catalog" (CatalogHallName), which is how a
	// kiosk normally runs: the back office names the hall, in Chinese.
	HallName string `json:"hall_name"`
	// CatalogHallName is the hall's name in the current catalog, read-only:
	// what the kiosk shows while HallName is empty.
	CatalogHallName string `json:"catalog_hall_name,omitempty"`
	KioskID         string `json:"kiosk_id"`
	KioskNumber     int    `json:"kiosk_number"`
	BackOfficeURL   string `json:"backoffice_url"`
	// Token is the back-office token. Settings() shows "(set)" or ""
	// instead of the value; ApplySettings keeps the current token when
	// Token is "" or "(set)", and replaces it otherwise. ClearToken
	// removes it (a kiosk on the embedded back office needs none).
	Token      string `json:"token"`
	ClearToken bool   `json:"-"`
	CAFile     string `json:"ca_file"`
	// Citizen screens: idle seconds, on guide pages, and the countdown.
	IdleSeconds      int `json:"idle_seconds"`
	GuideIdleSeconds int `json:"guide_idle_seconds"`
	CountdownSeconds int `json:"countdown_seconds"`
	// DiagIdleMinutes ends a technician session without input.
	DiagIdleMinutes int `json:"diag_idle_minutes"`
	// Language is the start language; Languages those offered (zh, en).
	Language  string   `json:"language"`
	Languages []string `json:"languages"`
	// VoiceMode is when screens speak their prompts (config.VoiceElder,
	// VoiceAlways, VoiceOff); VoiceVolume is in percent, 1–100.
	VoiceMode   string `json:"voice_mode"`
	VoiceVolume int    `json:"voice_volume"`
}

// TokenSet is what Settings shows for a configured token.
const TokenSet = "(set)"

// Bounds of the settings a technician enters on the touch screen. The
// lower bounds are config.Validate's; the upper ones are diag's own and
// catch a digit too many on the keypad: a citizen screen that waits 6,000
// instead of 600 seconds to go home leaves the last citizen's ticket and
// name on show for an hour and a half. Upper bounds apply to values a
// technician changes, so a value an installer wrote into the file on
// purpose is not refused when another setting is saved.
const (
	MinKioskNumber      = 1
	MaxKioskNumber      = 99
	MinIdleSeconds      = 15
	MaxIdleSeconds      = 600
	MaxGuideIdleSeconds = 1800 // and at least IdleSeconds
	MinCountdownSeconds = 3
	MaxCountdownSeconds = 60
	MinDiagIdleMinutes  = 1
	MaxDiagIdleMinutes  = 60
	// Voice volume in percent: 0 would be voice off in disguise, which
	// voice.mode says openly.
	MinVoiceVolume = 1
	MaxVoiceVolume = 100
	// MaxHallNameRunes fits the citizen status bar at 1280 px.
	MaxHallNameRunes = 40
)

func settingsOf(c config.Config) Settings {
	st := Settings{
		HallName: c.UI.HallName, KioskID: c.KioskID, KioskNumber: c.KioskNumber,
		BackOfficeURL: c.BackOffice.URL, CAFile: c.BackOffice.CAFile,
		IdleSeconds: c.UI.IdleSeconds, GuideIdleSeconds: c.UI.GuideIdleSeconds, CountdownSeconds: c.UI.CountdownSeconds,
		DiagIdleMinutes: c.Diag.IdleMinutes, Language: c.UI.Language, Languages: slices.Clone(c.UI.Languages),
		VoiceMode: c.Voice.Mode, VoiceVolume: c.Voice.Volume,
	}
	if c.BackOffice.Token != "" {
		st.Token = TokenSet
	}
	return st
}

// Settings returns the current settings, the token shown as "(set)", and
// the catalog's hall name.
func (s *Session) Settings() (Settings, error) {
	if err := s.begin(); err != nil {
		return Settings{}, err
	}
	st := settingsOf(s.g.cfg.live())
	if store := s.g.o.Store; store != nil {
		if cat, err := store.Catalog(context.Background()); err == nil && cat != nil {
			st.CatalogHallName = cat.Hall.Name.Zh
			if st.CatalogHallName == "" {
				st.CatalogHallName = cat.Hall.Name.En
			}
		}
	}
	return st, nil
}

// Audio returns the voice player's view of the audio output: ready, or why
// the kiosk is silent (no sound card, no aplay, no clips in the build,
// voice switched off).
func (s *Session) Audio() (voice.Status, error) {
	if err := s.begin(); err != nil {
		return voice.Status{}, err
	}
	if s.g.o.Audio == nil {
		v := s.g.cfg.live().Voice
		return voice.Status{State: voice.StateOff, Device: v.Device, Volume: v.Volume}, nil
	}
	return s.g.o.Audio(), nil
}

// Change is one changed setting. Secrets show as "(set)".
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
	// Restart is true when the running kiosk reads the setting only at
	// start: it takes effect after a restart (Session.ExitProgram, which
	// the service manager follows with a start).
	Restart bool `json:"restart"`
}

// ApplyResult says what ApplySettings changed.
type ApplyResult struct {
	Changes []Change `json:"changes"`
	// Restart: at least one change needs a restart.
	Restart bool `json:"restart"`
	// Saved is false when the kiosk runs without a configuration file
	// (demo): the changes hold until the program ends.
	Saved bool `json:"saved"`
	// Warnings are consequences worth a second look, in English for logs
	// and the command line; PendingUnderOldID and ConnectionChanged say the
	// same for a screen that words them itself.
	Warnings []string `json:"warnings,omitempty"`
	// PendingUnderOldID counts the records still waiting to be sent under
	// the kiosk id that was just changed: they must sync before a restart.
	PendingUnderOldID int `json:"pending_under_old_id,omitempty"`
	// ConnectionChanged: the back-office URL, token or CA file changed;
	// check reachability after the restart.
	ConnectionChanged bool `json:"connection_changed,omitempty"`
}

// ApplySettings validates st (the bounds above, a readable CA file, then
// config.Validate), saves it atomically and reports what changed and which
// changes need a restart. Nothing is saved, and the running configuration
// is untouched, when validation or the save fails; a validation error is a
// *config.Error naming the field. The change is audited with old and new
// values, the token only as set/replaced/removed.
func (s *Session) ApplySettings(ctx context.Context, st Settings) (ApplyResult, error) {
	if err := s.begin(); err != nil {
		return ApplyResult{}, err
	}
	s.g.change.Lock()
	defer s.g.change.Unlock()
	old := s.g.cfg.live()
	apply := func(c *config.Config) {
		c.UI.HallName = strings.TrimSpace(st.HallName)
		c.KioskID = strings.TrimSpace(st.KioskID)
		c.KioskNumber = st.KioskNumber
		c.BackOffice.URL = strings.TrimSpace(st.BackOfficeURL)
		switch {
		case st.ClearToken:
			c.BackOffice.Token = ""
		case st.Token != "" && st.Token != TokenSet:
			c.BackOffice.Token = strings.TrimSpace(st.Token)
		}
		c.BackOffice.CAFile = strings.TrimSpace(st.CAFile)
		c.UI.IdleSeconds, c.UI.GuideIdleSeconds, c.UI.CountdownSeconds = st.IdleSeconds, st.GuideIdleSeconds, st.CountdownSeconds
		c.Diag.IdleMinutes = st.DiagIdleMinutes
		c.UI.Language = st.Language
		c.UI.Languages = slices.Clone(st.Languages)
		c.Voice.Mode, c.Voice.Volume = st.VoiceMode, st.VoiceVolume
	}
	next := clone(old)
	apply(&next)
	res := ApplyResult{Changes: diffSettings(old, next)}
	if len(res.Changes) == 0 {
		return res, nil
	}
	if err := checkSettings(old, next); err != nil {
		s.g.audit.record(ctx, ActionSettingsChange, "refused: "+err.Error())
		return ApplyResult{}, err
	}
	saved, err := s.g.cfg.update(apply)
	if err != nil {
		s.g.audit.record(ctx, ActionSettingsChange, "refused: "+err.Error())
		return ApplyResult{}, err
	}
	res.Saved = saved
	var changes []string
	for _, c := range res.Changes {
		res.Restart = res.Restart || c.Restart
		changes = append(changes, auditChange(c, old.BackOffice.Token, next.BackOffice.Token))
	}
	if old.KioskID != next.KioskID && s.g.o.Store != nil {
		if h := s.g.o.Store.Health(ctx); h.Pending > 0 {
			res.PendingUnderOldID = h.Pending
			res.Warnings = append(res.Warnings, fmt.Sprintf("%d records are still waiting to be sent under kiosk id %s; sync them before restarting", h.Pending, old.KioskID))
		}
	}
	if old.BackOffice.URL != next.BackOffice.URL || old.BackOffice.Token != next.BackOffice.Token || old.BackOffice.CAFile != next.BackOffice.CAFile {
		res.ConnectionChanged = true
		res.Warnings = append(res.Warnings, "back-office connection changes apply after a restart; check reachability afterwards")
	}
	detail := "changed " + strings.Join(changes, "; ")
	if !saved {
		detail += " (in memory only: no configuration file)"
	}
	s.g.audit.record(ctx, ActionSettingsChange, detail)
	return res, nil
}

// checkSettings applies the bounds above to the settings that change
// between old and next, and checks a changed CA file the way the sync
// client will read it. config.Validate then applies the kiosk's own rules.
func checkSettings(old, next config.Config) error {
	bad := func(field, format string, a ...any) error {
		return &config.Error{Field: field, Err: fmt.Errorf(format, a...)}
	}
	if n := utf8.RuneCountInString(next.UI.HallName); n > MaxHallNameRunes && next.UI.HallName != old.UI.HallName {
		return bad("ui.hall_name", "at most %d characters, got %d", MaxHallNameRunes, n)
	}
	if next.KioskID == "" {
		return bad("kiosk_id", "must not be empty")
	}
	if n := next.KioskNumber; n < MinKioskNumber || n > MaxKioskNumber {
		return bad("kiosk_number", "must be %d–%d, got %d", MinKioskNumber, MaxKioskNumber, n)
	}
	type bound struct {
		field    string
		old, new int
		lo, hi   int
		unit     string
	}
	for _, b := range []bound{
		{"ui.idle_seconds", old.UI.IdleSeconds, next.UI.IdleSeconds, MinIdleSeconds, MaxIdleSeconds, "s"},
		{"ui.guide_idle_seconds", old.UI.GuideIdleSeconds, next.UI.GuideIdleSeconds, max(MinIdleSeconds, next.UI.IdleSeconds), MaxGuideIdleSeconds, "s"},
		{"ui.countdown_seconds", old.UI.CountdownSeconds, next.UI.CountdownSeconds, MinCountdownSeconds, MaxCountdownSeconds, "s"},
		{"diag.idle_minutes", old.Diag.IdleMinutes, next.Diag.IdleMinutes, MinDiagIdleMinutes, MaxDiagIdleMinutes, "min"},
	} {
		if b.new < b.lo || (b.new > b.hi && b.new != b.old) {
			return bad(b.field, "must be %d–%d %s, got %d", b.lo, b.hi, b.unit, b.new)
		}
	}
	if len(next.UI.Languages) > 0 && !slices.Contains(next.UI.Languages, next.UI.Language) {
		return bad("ui.language", "start language %q is not among the offered %v", next.UI.Language, next.UI.Languages)
	}
	if ca := next.BackOffice.CAFile; ca != "" && ca != old.BackOffice.CAFile {
		if _, err := httpClient(ca); err != nil {
			return bad("backoffice.ca_file", "%v", err)
		}
	}
	return nil
}

// auditChange words one change for the audit trail: old and new values,
// except the token, of which only the fact is kept, and a URL's user
// information, which can carry a password or a second token.
func auditChange(c Change, oldToken, newToken string) string {
	switch c.Field {
	case "backoffice.token":
		switch {
		case oldToken == "":
			return c.Field + " set"
		case newToken == "":
			return c.Field + " removed"
		}
		return c.Field + " replaced"
	case "backoffice.url":
		return fmt.Sprintf("%s %q → %q", c.Field, redactURL(c.Old), redactURL(c.New))
	}
	return fmt.Sprintf("%s %q → %q", c.Field, c.Old, c.New)
}

func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = url.User("xxxxx")
		return u.String()
	}
	return s
}

// diffSettings lists the settings that differ between a and b. Only
// diag.idle_minutes is read live (by this package, at every touch); the
// rest is wired into the store, the client and the screens at start.
func diffSettings(a, b config.Config) []Change {
	var out []Change
	add := func(field, old, new string, restart bool) {
		if old != new {
			out = append(out, Change{Field: field, Old: old, New: new, Restart: restart})
		}
	}
	secret := func(v string) string {
		if v == "" {
			return ""
		}
		return TokenSet
	}
	itoa := strconv.Itoa
	add("ui.hall_name", a.UI.HallName, b.UI.HallName, true)
	add("kiosk_id", a.KioskID, b.KioskID, true)
	add("kiosk_number", itoa(a.KioskNumber), itoa(b.KioskNumber), true)
	add("backoffice.url", a.BackOffice.URL, b.BackOffice.URL, true)
	if a.BackOffice.Token != b.BackOffice.Token {
		out = append(out, Change{Field: "backoffice.token", Old: secret(a.BackOffice.Token), New: secret(b.BackOffice.Token), Restart: true})
	}
	add("backoffice.ca_file", a.BackOffice.CAFile, b.BackOffice.CAFile, true)
	add("ui.idle_seconds", itoa(a.UI.IdleSeconds), itoa(b.UI.IdleSeconds), true)
	add("ui.guide_idle_seconds", itoa(a.UI.GuideIdleSeconds), itoa(b.UI.GuideIdleSeconds), true)
	add("ui.countdown_seconds", itoa(a.UI.CountdownSeconds), itoa(b.UI.CountdownSeconds), true)
	add("diag.idle_minutes", itoa(a.Diag.IdleMinutes), itoa(b.Diag.IdleMinutes), false)
	add("ui.language", a.UI.Language, b.UI.Language, true)
	add("ui.languages", strings.Join(a.UI.Languages, ","), strings.Join(b.UI.Languages, ","), true)
	add("voice.mode", a.Voice.Mode, b.Voice.Mode, true)
	add("voice.volume", itoa(a.Voice.Volume), itoa(b.Voice.Volume), true)
	return out
}
