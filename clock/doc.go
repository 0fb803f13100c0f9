// Package clock is the kiosk's source of time. Everything with a timeout, a
// back-off or an idle timer takes a Clock, so tests move time forward by hand
// instead of sleeping (ARCHITECTURE.md, "Time").
package clock
