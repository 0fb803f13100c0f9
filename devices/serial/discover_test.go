package serial

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTree builds a /dev and /sys as the kernel and udev lay them out for a
// CH340 adapter (ttyUSB0), a CDC-ACM scanner (ttyACM0), two on-board
// UARTs (ttyS0, ttyS10), an 8250 slot without a chip (ttyS1, type 0) and a
// ttyS2 with no device behind it.
func fakeTree(t *testing.T) (dev, sys string) {
	t.Helper()
	root := t.TempDir()
	dev, sys = filepath.Join(root, "dev"), filepath.Join(root, "sys")
	mkdir := func(p string) {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	file := func(p, content string) {
		mkdir(filepath.Dir(p))
		if err := os.WriteFile(p, []byte(content+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	symlink := func(target, p string) {
		mkdir(filepath.Dir(p))
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	// ttyClass makes /sys/class/tty/<name> point into devDir/tty/<name>
	// and gives that a device link back to devDir, as the kernel does.
	ttyClass := func(name, devDir string) {
		classDir := filepath.Join(devDir, "tty", name)
		mkdir(classDir)
		symlink("../..", filepath.Join(classDir, "device"))
		rel, err := filepath.Rel(filepath.Join(sys, "class", "tty"), classDir)
		if err != nil {
			t.Fatal(err)
		}
		symlink(rel, filepath.Join(sys, "class", "tty", name))
	}
	driver := func(devDir, bus, name string) {
		d := filepath.Join(sys, "bus", bus, "drivers", name)
		mkdir(d)
		rel, err := filepath.Rel(devDir, d)
		if err != nil {
			t.Fatal(err)
		}
		symlink(rel, filepath.Join(devDir, "driver"))
	}

	usb := filepath.Join(sys, "devices", "pci0000:00", "0000:00:14.0", "usb1")
	// CH340: no manufacturer or serial string, as shipped.
	ch340 := filepath.Join(usb, "1-2")
	file(filepath.Join(ch340, "idVendor"), "1a86")
	file(filepath.Join(ch340, "idProduct"), "7523")
	file(filepath.Join(ch340, "product"), "USB Serial")
	port := filepath.Join(ch340, "1-2:1.0", "ttyUSB0")
	mkdir(port)
	driver(port, "usb-serial", "ch341-uart")
	ttyClass("ttyUSB0", port)

	hw := filepath.Join(usb, "1-3")
	file(filepath.Join(hw, "idVendor"), "0c2e")
	file(filepath.Join(hw, "idProduct"), "0b61")
	file(filepath.Join(hw, "manufacturer"), "Honeywell")
	file(filepath.Join(hw, "product"), "Honeywell Scanning and Mobility Scanner")
	file(filepath.Join(hw, "serial"), "18060B4C2C")
	intf := filepath.Join(hw, "1-3:1.0")
	mkdir(intf)
	driver(intf, "usb", "cdc_acm")
	ttyClass("ttyACM0", intf)

	// On-board UARTs behind the serial-base layer of newer kernels.
	for _, u := range []struct{ name, ctrl, typ string }{
		{"ttyS0", "00:00", "4"},
		{"ttyS10", "00:0a", "4"},
		{"ttyS1", "00:01", "0"},
	} {
		pnp := filepath.Join(sys, "devices", "pnp0", u.ctrl)
		mkdir(pnp)
		driver(pnp, "pnp", "serial")
		ctrl := filepath.Join(pnp, u.ctrl+":0")
		mkdir(ctrl)
		driver(ctrl, "serial-base", "ctrl")
		p := filepath.Join(ctrl, u.ctrl+":0.0")
		mkdir(p)
		driver(p, "serial-base", "port")
		ttyClass(u.name, p)
		file(filepath.Join(p, "tty", u.name, "type"), u.typ)
	}
	mkdir(filepath.Join(sys, "class", "tty", "ttyS2")) // no device link

	for _, n := range []string{"ttyUSB0", "ttyACM0", "ttyS0", "ttyS1", "ttyS2", "ttyS10", "tty0", "null"} {
		file(filepath.Join(dev, n), "")
	}
	byID := filepath.Join(dev, "serial", "by-id")
	symlink("../../ttyUSB0", filepath.Join(byID, "usb-1a86_USB_Serial-if00-port0"))
	symlink("../../ttyACM0", filepath.Join(byID, "usb-Honeywell_Scanning_and_Mobility_Scanner_18060B4C2C-if00"))
	symlink("../../ttyUSB7", filepath.Join(byID, "usb-FTDI_gone-if00-port0")) // unplugged a moment ago
	return dev, sys
}

func TestDiscoverIn(t *testing.T) {
	dev, sys := fakeTree(t)
	got, err := DiscoverIn(dev, sys)
	if err != nil {
		t.Fatal(err)
	}
	want := []PortInfo{
		{Path: filepath.Join(dev, "ttyACM0"), ByID: filepath.Join(dev, "serial/by-id/usb-Honeywell_Scanning_and_Mobility_Scanner_18060B4C2C-if00"),
			Driver: "cdc_acm", VendorID: "0c2e", ProductID: "0b61", Manufacturer: "Honeywell",
			Product: "Honeywell Scanning and Mobility Scanner", Serial: "18060B4C2C"},
		{Path: filepath.Join(dev, "ttyUSB0"), ByID: filepath.Join(dev, "serial/by-id/usb-1a86_USB_Serial-if00-port0"),
			Driver: "ch341-uart", VendorID: "1a86", ProductID: "7523", Product: "USB Serial"},
		{Path: filepath.Join(dev, "ttyS0"), Driver: "serial"},
		{Path: filepath.Join(dev, "ttyS10"), Driver: "serial"},
	}
	if len(got) != len(want) {
		t.Fatalf("found %d ports, want %d:\n%v", len(got), len(want), got)
	}
	for i, w := range want {
		t.Run(filepath.Base(w.Path), func(t *testing.T) {
			if got[i] != w {
				t.Fatalf("port %d =\n %+v\nwant\n %+v", i, got[i], w)
			}
		})
	}
}

func TestDiscoverInEmptyMachine(t *testing.T) {
	root := t.TempDir()
	got, err := DiscoverIn(filepath.Join(root, "dev"), filepath.Join(root, "sys"))
	if err != nil || len(got) != 0 {
		t.Fatalf("DiscoverIn on an empty tree = %v, %v", got, err)
	}
}

func TestDiscoverOnThisMachine(t *testing.T) {
	ports, err := Discover()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ports {
		t.Log(p)
	}
}

func TestPortInfoString(t *testing.T) {
	tests := []struct {
		name string
		in   PortInfo
		want string
		cfg  string
	}{
		{"usb", PortInfo{Path: "/dev/ttyUSB0", ByID: "/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0", Driver: "ch341-uart",
			VendorID: "1a86", ProductID: "7523", Product: "USB Serial"},
			"/dev/ttyUSB0  1a86:7523 USB Serial [ch341-uart]  (/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0)",
			"/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0"},
		{"with serial number", PortInfo{Path: "/dev/ttyACM0", Driver: "cdc_acm", VendorID: "0c2e", ProductID: "0b61",
			Manufacturer: "Honeywell", Product: "Scanner", Serial: "18060B4C2C"},
			"/dev/ttyACM0  0c2e:0b61 Honeywell Scanner [cdc_acm] serial 18060B4C2C", "/dev/ttyACM0"},
		{"on-board", PortInfo{Path: "/dev/ttyS0", Driver: "serial8250"}, "/dev/ttyS0 [serial8250]", "/dev/ttyS0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("String() = %q\nwant       %q", got, tt.want)
			}
			if strings.Contains(tt.in.String(), "\n") {
				t.Error("String() is not one line")
			}
			if got := tt.in.ConfigPath(); got != tt.cfg {
				t.Errorf("ConfigPath() = %q, want %q", got, tt.cfg)
			}
		})
	}
}
