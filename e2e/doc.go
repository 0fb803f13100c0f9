// Package e2e drives the real kiosk binary in a real X window (Xvfb) with
// xdotool, the way a citizen's finger would: a ticket and an appointment
// check-in, with the device simulators and the embedded back office of the
// demo. It also plays an intruder with a USB keyboard and mouse on the
// hall's own X session (Xorg with deploy/xorg-kiosk.conf and the dummy
// driver): escape keys, Ctrl+Alt+Backspace, PIN guessing. Build tag e2e; `make smoke` runs it with the binary `make build`
// made (KIOSK_BIN).
package e2e
