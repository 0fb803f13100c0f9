package serial

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// PortInfo describes a serial port found on the machine, for the
// technician choosing which device is which.
type PortInfo struct {
	// Path is the device node, e.g. /dev/ttyUSB0.
	Path string
	// ByID is the /dev/serial/by-id symlink to Path, if udev made one. It
	// survives re-plugging and is the path to put in the configuration.
	ByID string
	// Driver is the kernel driver bound to the port (ch341-uart, cp210x,
	// ftdi_sio, cdc_acm, serial8250 ...).
	Driver string
	// USB identity, empty for on-board UARTs. VendorID and ProductID are
	// four lower-case hex digits as in lsusb.
	VendorID, ProductID           string
	Manufacturer, Product, Serial string
}

// ConfigPath returns the path to configure: ByID when there is one, since
// ttyUSB numbers change with plug order, else Path.
func (p PortInfo) ConfigPath() string {
	if p.ByID != "" {
		return p.ByID
	}
	return p.Path
}

// String is a one-line description:
// "/dev/ttyUSB0  1a86:7523 QinHeng USB Serial [ch341-uart] serial 5&2a  (/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0)".
func (p PortInfo) String() string {
	var b strings.Builder
	b.WriteString(p.Path)
	if p.VendorID != "" || p.ProductID != "" {
		fmt.Fprintf(&b, "  %s:%s", p.VendorID, p.ProductID)
	}
	for _, s := range []string{p.Manufacturer, p.Product} {
		if s != "" {
			b.WriteString(" " + s)
		}
	}
	if p.Driver != "" {
		fmt.Fprintf(&b, " [%s]", p.Driver)
	}
	if p.Serial != "" {
		fmt.Fprintf(&b, " serial %s", p.Serial)
	}
	if p.ByID != "" {
		fmt.Fprintf(&b, "  (%s)", p.ByID)
	}
	return b.String()
}

// Discover lists the serial ports of this machine: see DiscoverIn, with
// the roots /dev and /sys.
func Discover() ([]PortInfo, error) { return DiscoverIn("/dev", "/sys") }

// DiscoverIn lists serial ports under devRoot (normally /dev) using the
// kernel's view under sysRoot (normally /sys). tarm/serial cannot
// enumerate ports (docs/serial-notes.md), so this reads the same places udev
// and the kernel publish:
//
//   - every symlink in devRoot/serial/by-id, resolved to its device node;
//   - devRoot/ttyUSB* (USB-serial adapters) and devRoot/ttyACM* (CDC-ACM,
//     which many scanners present);
//   - devRoot/ttyS* only when the kernel found a UART behind it: the
//     port's sysfs directory has device/driver and its type file is not 0
//     (PORT_UNKNOWN). The 8250 driver registers ttyS0..ttyS31 whether or
//     not a chip exists, and opening one without a UART only times out.
//
// The USB identity comes from the first directory above
// sysRoot/class/tty/<name>/device that has an idVendor file (the USB
// device; the tty hangs off one of its interfaces). Ports on USB come
// first, then by name with numbers in numeric order.
func DiscoverIn(devRoot, sysRoot string) ([]PortInfo, error) {
	byID := map[string]string{} // device name → by-id link
	idDir := filepath.Join(devRoot, "serial", "by-id")
	links, err := os.ReadDir(idDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("discover serial ports: %w", err)
	}
	for _, l := range links {
		link := filepath.Join(idDir, l.Name())
		target, err := filepath.EvalSymlinks(link)
		if err != nil {
			continue // a dangling link: the device is leaving
		}
		name := filepath.Base(target)
		if old, ok := byID[name]; !ok || link < old {
			byID[name] = link
		}
	}

	names := map[string]bool{}
	for name := range byID {
		names[name] = true
	}
	for _, pat := range []string{"ttyUSB*", "ttyACM*", "ttyS*"} {
		matches, err := filepath.Glob(filepath.Join(devRoot, pat))
		if err != nil {
			return nil, fmt.Errorf("discover serial ports: %w", err)
		}
		for _, m := range matches {
			names[filepath.Base(m)] = true
		}
	}

	var out []PortInfo
	for name := range names {
		info := PortInfo{Path: filepath.Join(devRoot, name), ByID: byID[name]}
		sysTTY := filepath.Join(sysRoot, "class", "tty", name)
		dev, err := filepath.EvalSymlinks(filepath.Join(sysTTY, "device"))
		if err == nil {
			info.Driver = driverOf(dev, sysRoot)
			readUSB(&info, dev, sysRoot)
		}
		if strings.HasPrefix(name, "ttyS") && info.ByID == "" && !hasUART(sysTTY) {
			continue
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b PortInfo) int {
		if c := boolFirst(a.VendorID != "", b.VendorID != ""); c != 0 {
			return c
		}
		return compareNatural(filepath.Base(a.Path), filepath.Base(b.Path))
	})
	return out, nil
}

// boolFirst orders true before false.
func boolFirst(a, b bool) int {
	switch {
	case a && !b:
		return -1
	case b && !a:
		return 1
	}
	return 0
}

// hasUART applies the ttyS rule of DiscoverIn.
func hasUART(sysTTY string) bool {
	if _, err := os.Lstat(filepath.Join(sysTTY, "device", "driver")); err != nil {
		return false
	}
	t, err := os.ReadFile(filepath.Join(sysTTY, "type"))
	if err != nil {
		return true // no type file (old kernel): trust the driver
	}
	return strings.TrimSpace(string(t)) != "0"
}

// driverOf names the driver a technician recognises: the one bound to dev,
// or, on kernels (6.5+) that put a serial-base "port"/"ctrl" device between
// the tty and the UART, the first driver above them.
func driverOf(dev, sysRoot string) string {
	for d := range ancestors(dev, sysRoot) {
		drv, err := os.Readlink(filepath.Join(d, "driver"))
		if err != nil || strings.Contains(filepath.ToSlash(drv), "/serial-base/") {
			continue
		}
		return filepath.Base(drv)
	}
	return ""
}

// ancestors yields dev and its parents while they stay inside sysRoot.
func ancestors(dev, sysRoot string) func(yield func(string) bool) {
	root, err := filepath.EvalSymlinks(sysRoot)
	if err != nil {
		root = sysRoot
	}
	return func(yield func(string) bool) {
		for d := dev; strings.HasPrefix(d, root+string(filepath.Separator)); d = filepath.Dir(d) {
			if !yield(d) {
				return
			}
		}
	}
}

// readUSB fills the USB identity from the nearest ancestor of dev (inside
// sysRoot) that is a USB device.
func readUSB(info *PortInfo, dev, sysRoot string) {
	for d := range ancestors(dev, sysRoot) {
		if _, err := os.Stat(filepath.Join(d, "idVendor")); err != nil {
			continue
		}
		attr := func(name string) string {
			b, err := os.ReadFile(filepath.Join(d, name))
			if err != nil {
				return ""
			}
			return strings.TrimSpace(string(b))
		}
		info.VendorID = attr("idVendor")
		info.ProductID = attr("idProduct")
		info.Manufacturer = attr("manufacturer")
		info.Product = attr("product")
		info.Serial = attr("serial")
		return
	}
}

// compareNatural orders ttyS2 before ttyS10.
func compareNatural(a, b string) int {
	pa, na := splitNumber(a)
	pb, nb := splitNumber(b)
	if c := cmp.Compare(pa, pb); c != 0 {
		return c
	}
	if c := cmp.Compare(na, nb); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

func splitNumber(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, err := strconv.Atoi(s[i:])
	if err != nil {
		return s, -1
	}
	return s[:i], n
}
