// Package config reads, validates and atomically saves the kiosk's
// configuration file: which serial ports the devices hang on, where the back
// office is, the kiosk's identity, idle timeouts and languages. A missing
// file means "demo": simulators and an embedded back office. A corrupted file
// is a clear error naming the file and the problem, never a half-read
// configuration.
package config
