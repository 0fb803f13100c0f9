// Package scannersim is a QR/barcode scanner on a pseudo-terminal. It
// sends what a serial scanner in sense mode sends, each code as one burst
// ending in CR (docs/protocols.md C.2), so the real
// devices/scanner driver is tested over a real devices/serial port. Faults
// are injected with ScanRaw (fragments, noise, GBK bytes) and by unplugging
// and plugging the simulated scanner (Close, Restart).
package scannersim
