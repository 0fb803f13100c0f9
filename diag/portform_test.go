package diag

import (
	"errors"
	"testing"

	"hallkiosk/devices"
)

// TestPortForm: the form starts at the device's own port, takes a choice
// or a typed path, and names what is missing before anything is applied.
func TestPortForm(t *testing.T) {
	found := []PortChoice{{Path: "/dev/serial/by-id/usb-A"}, {Path: "/dev/ttyS0"}}
	views := []DeviceView{
		{Kind: devices.Printer, Port: "/dev/ttyUSB0", Baud: 9600},
		{Kind: devices.Scanner, Port: "/dev/ttyACM0", Baud: 115200},
	}
	var f PortForm
	cur, ok := f.Load(devices.Scanner, found, views)
	if !ok || cur.Port != "/dev/ttyACM0" || f.Path != "/dev/ttyACM0" || f.Baud != 115200 || f.BaudIndex() != 4 {
		t.Fatalf("loaded %+v, %v: form %+v", cur, ok, f)
	}
	if len(f.Choices) != 2 || f.Chosen(found[0]) {
		t.Fatalf("choices %+v, first chosen %v", f.Choices, f.Chosen(found[0]))
	}
	f.Choose(0)
	if !f.Chosen(found[0]) || f.Chosen(found[1]) {
		t.Fatalf("after choosing the first: path %q", f.Path)
	}
	f.Choose(5) // a row past the list: nothing
	if f.Path != found[0].Path {
		t.Fatalf("a missing choice changed the path to %q", f.Path)
	}
	f.Path = "  /dev/ttyUSB1 "
	if p, b, err := f.Check(); err != nil || p != "/dev/ttyUSB1" || b != 115200 {
		t.Fatalf("Check = %q, %d, %v", p, b, err)
	}

	tests := []struct {
		name string
		path string
		baud int
		want error
	}{
		{"no path", "  ", 9600, ErrNoPort},
		{"no baud", "/dev/ttyS0", 0, ErrNoBaud},
		{"a baud the kiosk does not use", "/dev/ttyS0", 4800, ErrNoBaud},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := PortForm{Path: tt.path, Baud: tt.baud}
			if _, _, err := f.Check(); !errors.Is(err, tt.want) {
				t.Errorf("Check = %v, want %v", err, tt.want)
			}
		})
	}

	var none PortForm
	if _, ok := none.Load(devices.IDCard, found, views); ok || none.Path != "" || none.BaudIndex() != -1 {
		t.Fatalf("a device without a view: ok %v, form %+v", ok, none)
	}
}
