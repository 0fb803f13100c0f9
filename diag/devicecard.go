package diag

import "hallkiosk/devices"

// DeviceCard is the model of one device's card on the devices page: the
// device's last view, or why it could not be read. The card is refreshed
// from every device's views at once; a read that has no view of this
// device leaves the card as it was.
type DeviceCard struct {
	Kind devices.Kind
	View DeviceView
	// Err is why the last read failed; the card shows it instead of the
	// view until a read succeeds.
	Err error
}

// Take takes a read of every device's views and reports whether the card
// changed: it did when the read failed or held this device's view.
func (c *DeviceCard) Take(views []DeviceView, err error) bool {
	if err != nil {
		c.Err = err
		return true
	}
	for _, v := range views {
		if v.Kind == c.Kind {
			c.Set(v)
			return true
		}
	}
	return false
}

// Set takes this device's view (a probe's), which clears any failed read.
func (c *DeviceCard) Set(v DeviceView) { c.View, c.Err = v, nil }

// PortState is how a device's port reads on its card.
type PortState int

// The port states, each worded on its own.
const (
	PortPlain     PortState = iota // a port of the kiosk
	PortSimulated                  // a simulator's port (a demo or a test bench)
	PortAbsent                     // the kiosk has no such device
)

// PortState says what the card says about the port: absent wins over
// simulated, which is a note after the port's path.
func (v DeviceView) PortState() PortState {
	switch {
	case v.Absent:
		return PortAbsent
	case v.Simulated:
		return PortSimulated
	}
	return PortPlain
}

// Flags are the printer's status bits worth a line on its card: only the
// set ones, because a healthy printer has a dozen clear ones, which say
// nothing a technician acts on. When no bit is set, Problems (the escpos
// words) stand in for them, so a fault known without its bits still shows.
func (p *PrinterView) Flags() (bits []StatusBit, problems []string) {
	for _, b := range p.Bits {
		if b.Set {
			bits = append(bits, b)
		}
	}
	if len(bits) == 0 {
		problems = p.Problems
	}
	return bits, problems
}
