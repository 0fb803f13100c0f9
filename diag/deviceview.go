package diag

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"hallkiosk/devices"
	"hallkiosk/devices/escpos"
)

// DeviceView is what the device screen shows about one device. It holds no
// personal data (the traffic, which can, is a separate, masked view).
type DeviceView struct {
	Kind      devices.Kind `json:"kind"`
	Port      string       `json:"port"`
	Baud      int          `json:"baud"`
	Simulated bool         `json:"simulated"`
	Absent    bool         `json:"absent"`
	Connected bool         `json:"connected"`
	// LastError is the port's or driver's last failure; LastOK the last
	// time bytes moved (the port) or the device was used successfully.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	LastOK      time.Time `json:"last_ok,omitzero"`

	// Exactly one of these is set, by Kind, unless the device is absent
	// or its driver is not running (then Unavailable says why).
	Printer     *PrinterView `json:"printer,omitempty"`
	Reader      *ReaderView  `json:"reader,omitempty"`
	Scanner     *ScannerView `json:"scanner,omitempty"`
	Unavailable string       `json:"unavailable,omitempty"`
}

// PrinterView is the printer's last real-time status, decoded, and the paper
// roll counter.
type PrinterView struct {
	// Checked is when the status was last asked (zero: not yet).
	Checked time.Time `json:"checked,omitzero"`
	// Raw is the status replies as the wire carried them, e.g.
	// "DLE EOT 1=16 2=12 4=12".
	Raw   string `json:"raw,omitempty"`
	Ready bool   `json:"ready"`
	// Problems are the escpos words for what is wrong ("paper end", …).
	Problems []string `json:"problems,omitempty"`
	// Bits lists every status bit of the replies received, set or not.
	Bits []StatusBit `json:"bits,omitempty"`
	// Err is the last status exchange's error (not responding …).
	Err     string     `json:"error,omitempty"`
	NearEnd bool       `json:"near_end"`
	Paper   *PaperView `json:"paper,omitempty"`
}

// PaperView is the software paper-roll counter (escpos.PaperCounter): the
// near-end sensor stays the authority, the counter gives metres left.
type PaperView struct {
	LeftMM    float64   `json:"left_mm"`
	RollMM    float64   `json:"roll_mm"`
	Percent   int       `json:"percent_left"`
	Tickets   int       `json:"tickets"`
	ChangedAt time.Time `json:"changed_at,omitzero"`
	NearEnd   bool      `json:"near_end"`
	SaveError string    `json:"save_error,omitempty"`
}

// ReaderView is the ID reader's SAM and driver state.
type ReaderView struct {
	SAMChecked time.Time `json:"sam_checked,omitzero"`
	SAMOK      bool      `json:"sam_ok"`
	SAMError   string    `json:"sam_error,omitempty"`
	// SAMID is the SAM's management number as displayed
	// (05.01-20260101-…); SAMIDHex its raw 16 bytes.
	SAMID     string    `json:"sam_id,omitempty"`
	SAMIDHex  string    `json:"sam_id_hex,omitempty"`
	CardsRead int       `json:"cards_read"`
	LastRead  time.Time `json:"last_read,omitzero"`
	LastError string    `json:"last_error,omitempty"`
	BadFrames int       `json:"bad_frames"`
	Noise     int       `json:"noise_bytes"`
	Stray     int       `json:"stray_replies"`
}

// ScannerView is the scanner driver's counters. Codes are never kept.
type ScannerView struct {
	Codes       int       `json:"codes"`
	LastCodeAt  time.Time `json:"last_code_at,omitzero"`
	Errors      int       `json:"errors"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// StatusBit is one bit of a DLE EOT status reply in words.
type StatusBit struct {
	Request int    `json:"request"` // n of DLE EOT n
	Name    string `json:"name"`
	NameZh  string `json:"name_zh"`
	Set     bool   `json:"set"`
	// Severity of the bit when set: "info", "warning" or "fault".
	Severity string `json:"severity"`
}

// DecodeStatusByte lists the bits of the reply b to DLE EOT n in words.
// A byte without the fixed bits of a status reply gives nil.
func DecodeStatusByte(n escpos.StatusKind, b byte) []StatusBit {
	if !escpos.ValidStatusByte(b) {
		return nil
	}
	var out []StatusBit
	for _, d := range escpos.StatusBitDefs(n) {
		out = append(out, StatusBit{Request: int(n), Name: d.Name, NameZh: d.NameZh, Set: b&d.Mask != 0, Severity: d.Severity})
	}
	return out
}

// statusBitsOf lists the bits of every reply s holds.
func statusBitsOf(s escpos.Status) []StatusBit {
	var out []StatusBit
	for n := escpos.StatusPrinter; n <= escpos.StatusPaper; n++ {
		if s.Known(n) {
			out = append(out, DecodeStatusByte(n, s.Raw[n-1])...)
		}
	}
	return out
}

// deviceViews builds the views of every device without any I/O: what the
// drivers last saw.
func deviceViews(set *devices.Set) []DeviceView {
	if set == nil {
		return nil
	}
	out := make([]DeviceView, 0, len(devices.Kinds))
	for _, k := range devices.Kinds {
		out = append(out, deviceView(set, k))
	}
	return out
}

func deviceView(set *devices.Set, k devices.Kind) DeviceView {
	in := set.Info(k)
	v := DeviceView{Kind: k, Port: in.Port, Baud: in.Baud, Simulated: in.Simulated, Absent: in.Absent,
		Connected: in.Connected, LastError: in.LastError, LastErrorAt: in.LastErrAt, LastOK: in.LastOK}
	unavailable := func(err error) {
		if errors.Is(err, devices.ErrAbsent) {
			v.Unavailable = "not installed"
		} else {
			v.Unavailable = err.Error()
		}
	}
	switch k {
	case devices.Printer:
		p, err := set.PrinterDriver()
		if err != nil {
			unavailable(err)
			break
		}
		v.Printer = printerView(p, set.Paper())
	case devices.IDCard:
		r, err := set.Reader()
		if err != nil {
			unavailable(err)
			break
		}
		st := r.Status()
		rv := &ReaderView{SAMChecked: st.SAMChecked, SAMOK: !st.SAMChecked.IsZero() && st.SAMErr == nil,
			CardsRead: st.CardsRead, LastRead: st.LastRead, BadFrames: st.BadFrames, Noise: st.Noise, Stray: st.Stray}
		if st.SAMErr != nil {
			rv.SAMError = st.SAMErr.Error()
		}
		if !st.SAMID.IsZero() {
			rv.SAMID, rv.SAMIDHex = st.SAMID.String(), st.SAMID.Hex()
		}
		if st.LastErr != nil {
			rv.LastError = st.LastErr.Error()
			if st.LastErrAt.After(v.LastErrorAt) {
				v.LastError, v.LastErrorAt = rv.LastError, st.LastErrAt
			}
		}
		if st.LastRead.After(v.LastOK) {
			v.LastOK = st.LastRead
		}
		v.Reader = rv
	case devices.Scanner:
		sc, err := set.ScannerDriver()
		if err != nil {
			unavailable(err)
			break
		}
		st := sc.Status()
		v.Scanner = &ScannerView{Codes: st.Codes, LastCodeAt: st.LastCodeAt, Errors: st.Errors,
			LastError: st.LastError, LastErrorAt: st.LastErrorAt}
		if st.LastCodeAt.After(v.LastOK) {
			v.LastOK = st.LastCodeAt
		}
	}
	return v
}

func printerView(p *escpos.Printer, paper *escpos.PaperCounter) *PrinterView {
	st, at, err := p.LastStatus()
	pv := &PrinterView{Checked: at, Raw: st.RawString(), Problems: st.Problems(), Bits: statusBitsOf(st), NearEnd: p.NearEnd()}
	pv.Ready = !at.IsZero() && err == nil && st.Err() == nil
	if err != nil {
		pv.Err = err.Error()
	}
	pv.Paper = paperView(paper)
	return pv
}

func paperView(c *escpos.PaperCounter) *PaperView {
	if c == nil {
		return nil
	}
	st := c.State()
	v := &PaperView{LeftMM: math.Round(c.Left()), RollMM: st.RollMM, Tickets: st.Tickets, ChangedAt: st.ChangedAt, NearEnd: c.NearEnd()}
	if st.RollMM > 0 {
		v.Percent = int(math.Round(100 * c.Left() / st.RollMM))
	}
	if err := c.Err(); err != nil {
		v.SaveError = err.Error()
	}
	return v
}

// Devices returns the view of every device from what the drivers last saw,
// without talking to them (fast; call Probe for a live check).
func (s *Session) Devices() ([]DeviceView, error) {
	if err := s.begin(); err != nil {
		return nil, err
	}
	return deviceViews(s.g.o.Devices), nil
}

// Probe talks to one device now — the printer's status (DLE EOT), the
// reader's SAM status and SAM ID — and returns its fresh view. A scanner
// only speaks when it scans, so its view is what the driver last saw. The
// error says why the device cannot work now (no answer, paper end, SAM
// self-test failed); the view shows the details.
func (s *Session) Probe(ctx context.Context, k devices.Kind) (DeviceView, error) {
	if err := s.begin(); err != nil {
		return DeviceView{}, err
	}
	set := s.g.o.Devices
	if set == nil {
		return DeviceView{Kind: k, Unavailable: "no devices"}, errNoDevices
	}
	var err error
	switch k {
	case devices.Printer:
		var p *escpos.Printer
		if p, err = set.PrinterDriver(); err == nil {
			var st escpos.Status
			if st, err = p.Status(ctx); err == nil {
				err = st.Err() // not ready: paper end, cover open …
			}
		}
	case devices.IDCard:
		r, rerr := set.Reader()
		if err = rerr; err == nil {
			if err = r.SAMStatus(ctx); err == nil {
				_, err = r.SAMID(ctx)
			}
		}
	case devices.Scanner:
		_, err = set.ScannerDriver()
	default:
		return DeviceView{}, fmt.Errorf("diag: unknown device %q", k)
	}
	return deviceView(set, k), err
}

var errNoDevices = errors.New("diag: the kiosk has no device set")

// ResetPaper tells the paper counter that a new roll was put in. It is
// audited with what the counter showed before, so the back office sees roll
// changes and how much paper was left on the old roll.
func (s *Session) ResetPaper(ctx context.Context) error {
	if err := s.begin(); err != nil {
		return err
	}
	set := s.g.o.Devices
	if set == nil || set.Paper() == nil {
		return errors.New("diag: no paper counter")
	}
	c := set.Paper()
	before := c.State()
	left := c.Left()
	if err := c.Reset(); err != nil {
		s.g.audit.record(ctx, ActionPaperReset, "paper counter reset failed: "+err.Error())
		return fmt.Errorf("reset paper counter: %w", err)
	}
	s.g.audit.record(ctx, ActionPaperReset, fmt.Sprintf("new roll; the old roll had %.1f m left after %d tickets", left/1000, before.Tickets))
	return nil
}
