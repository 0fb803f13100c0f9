package scanner_test

import (
	"context"
	"fmt"
	"log"

	"hallkiosk/devices/scanner"
	"hallkiosk/devices/serial"
)

// Wiring as cmd/kiosk does it: the port at the scanner's 9600 baud, the
// scanner over it, Run in the background, WaitCode in a flow.
func ExampleScanner_WaitCode() {
	port, err := serial.Open(serial.Config{Name: "scanner", Path: "/dev/serial/by-id/usb-Newland_NLS-FR40-if00", Baud: 9600})
	if err != nil {
		log.Print(err)
		return
	}
	defer port.Close()
	sc := scanner.New(port, scanner.Opts{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go sc.Run(ctx)

	code, err := sc.WaitCode(ctx)
	if err != nil {
		log.Print(err)
		return
	}
	fmt.Println(len(code), "characters scanned")
}
