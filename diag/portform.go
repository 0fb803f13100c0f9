package diag

import (
	"errors"
	"slices"
	"strings"

	"hallkiosk/devices"
)

// ErrNoPort and ErrNoBaud are why a PortForm cannot be applied yet: no
// path typed or chosen, no baud chosen.
var (
	ErrNoPort = errors.New("diag: no serial port chosen")
	ErrNoBaud = errors.New("diag: no baud chosen")
)

// PortForm is the model of the configuration page, which moves a device
// to another serial port: the ports found, the path and baud being chosen,
// and the check before ApplyDevice. The path may also be typed (on a USB
// keyboard as well as on screen), so the screen tells the form each change.
type PortForm struct {
	// Choices are the serial ports found, for the picker.
	Choices []PortChoice
	// Path and Baud are what Apply would configure.
	Path string
	Baud int
}

// Load takes what the page read for device k: the ports found and every
// device's view. The path and baud start as k's own, whose view it
// returns (ok false when k has none).
func (f *PortForm) Load(k devices.Kind, found []PortChoice, views []DeviceView) (cur DeviceView, ok bool) {
	f.Choices = found
	for _, v := range views {
		if v.Kind == k {
			cur, ok = v, true
			f.Path, f.Baud = v.Port, v.Baud
		}
	}
	return cur, ok
}

// Choose takes the path of choice i, if there is one.
func (f *PortForm) Choose(i int) {
	if i >= 0 && i < len(f.Choices) {
		f.Path = f.Choices[i].Path
	}
}

// Chosen reports whether c is the port the path names.
func (f *PortForm) Chosen(c PortChoice) bool { return c.Path == f.Path }

// BaudIndex is the chosen baud's place in Bauds, or -1.
func (f *PortForm) BaudIndex() int { return slices.Index(Bauds, f.Baud) }

// Check returns the path (without the spaces around it) and baud to hand
// to ApplyDevice, or ErrNoPort or ErrNoBaud. ApplyDevice checks again;
// this is so the technician hears what is missing before any port is
// touched.
func (f *PortForm) Check() (path string, baud int, err error) {
	path = strings.TrimSpace(f.Path)
	switch {
	case path == "":
		return "", 0, ErrNoPort
	case !slices.Contains(Bauds, f.Baud):
		return "", 0, ErrNoBaud
	}
	return path, f.Baud, nil
}
