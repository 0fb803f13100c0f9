// Package sim provides pseudo-terminal pairs on which the device simulators
// (subpackages idcardsim, printersim and scannersim) speak the same bytes as
// the real hardware, so the kiosk opens them through tarm/serial exactly as
// it opens a USB-serial adapter.
package sim
