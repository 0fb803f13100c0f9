// Package devices owns the kiosk's three serial devices as configured — the
// ticket printer, the ID card reader and the QR scanner — each on its real
// port or, when no port is configured, on its simulator. It hands the flows
// stable front objects whose driver underneath can be replaced while the
// kiosk runs: a device that was missing at start is opened when it appears,
// and a technician can move a device to another port, test it and keep the
// old one if the test fails.
//
// Subpackages hold the protocols (serial, idcard, escpos, scanner) and the
// simulators (sim/...).
package devices
