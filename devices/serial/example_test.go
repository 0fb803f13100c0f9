package serial_test

import (
	"errors"
	"fmt"
	"log"

	"hallkiosk/devices/serial"
)

// A protocol driver's read loop: a timeout means "nothing yet", a
// disconnect means "try again later" (the port reopens by itself), and
// only ErrClosed ends the loop.
func ExampleOpen() {
	p, err := serial.Open(serial.Config{
		Name: "scanner",
		Path: "/dev/serial/by-id/usb-Newland_NLS-FR40-if00",
		Baud: 9600,
	})
	if err != nil {
		log.Print(err)
		return
	}
	defer p.Close()
	buf := make([]byte, 256)
	for {
		n, err := p.Read(buf)
		switch {
		case errors.Is(err, serial.ErrTimeout), errors.Is(err, serial.ErrDisconnected):
			continue
		case err != nil:
			return
		}
		fmt.Printf("%q\n", buf[:n])
	}
}

// The technician's port list.
func ExampleDiscover() {
	ports, err := serial.Discover()
	if err != nil {
		log.Print(err)
		return
	}
	for _, p := range ports {
		fmt.Println(p) // configure p.ConfigPath()
	}
}
