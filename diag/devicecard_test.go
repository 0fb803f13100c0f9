package diag

import (
	"errors"
	"slices"
	"testing"

	"hallkiosk/devices"
)

// TestDeviceCard: a card takes its own device's view out of a read, shows
// a failed read until the next good one, and stays as it was when a read
// has no view of its device.
func TestDeviceCard(t *testing.T) {
	c := DeviceCard{Kind: devices.Scanner}
	views := []DeviceView{{Kind: devices.Printer, Port: "/dev/ttyUSB0"}, {Kind: devices.Scanner, Port: "/dev/ttyACM0"}}
	if !c.Take(views, nil) || c.View.Port != "/dev/ttyACM0" || c.Err != nil {
		t.Fatalf("after a read: changed, card %+v", c)
	}
	failed := errors.New("session closed")
	if !c.Take(nil, failed) || !errors.Is(c.Err, failed) {
		t.Fatalf("a failed read: card %+v", c)
	}
	if c.Take(views[:1], nil) || !errors.Is(c.Err, failed) {
		t.Fatalf("a read without the scanner changed the card: %+v", c)
	}
	c.Set(DeviceView{Kind: devices.Scanner, Port: "/dev/ttyACM1"})
	if c.Err != nil || c.View.Port != "/dev/ttyACM1" {
		t.Fatalf("a probe's view: card %+v", c)
	}
}

func TestPortState(t *testing.T) {
	tests := []struct {
		v    DeviceView
		want PortState
	}{
		{DeviceView{Port: "/dev/ttyUSB0"}, PortPlain},
		{DeviceView{Port: "/tmp/sim/printer", Simulated: true}, PortSimulated},
		{DeviceView{Absent: true}, PortAbsent},
		{DeviceView{Absent: true, Simulated: true}, PortAbsent},
	}
	for _, tt := range tests {
		if got := tt.v.PortState(); got != tt.want {
			t.Errorf("%+v: %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestPrinterFlags: the set bits only; the problems only when no bit is set.
func TestPrinterFlags(t *testing.T) {
	paperEnd := StatusBit{Request: 4, Name: "paper end", Set: true, Severity: "fault"}
	p := &PrinterView{Problems: []string{"paper end"}, Bits: []StatusBit{{Request: 1, Name: "drawer"}, paperEnd}}
	bits, problems := p.Flags()
	if !slices.Equal(bits, []StatusBit{paperEnd}) || problems != nil {
		t.Fatalf("with a set bit: %v, %v", bits, problems)
	}
	p.Bits = p.Bits[:1]
	bits, problems = p.Flags()
	if bits != nil || !slices.Equal(problems, []string{"paper end"}) {
		t.Fatalf("no bit set: %v, %v", bits, problems)
	}
}
