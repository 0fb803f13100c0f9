// Package e2e drives the real kiosk binary in a real X window (Xvfb) with
// xdotool, the way a citizen's finger would: a ticket and an appointment
// check-in, with the device simulators and the embedded back office of the
// demo. Build tag e2e; `make smoke` runs it with the binary `make build`
// made (KIOSK_BIN).
package e2e
