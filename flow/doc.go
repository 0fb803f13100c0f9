// Package flow holds the kiosk's transactions as plain Go state machines —
// take a ticket, check in an appointment, read a service guide, rate the
// service, leave a suggestion, ask for an application's progress — and the
// idle session that wipes personal data. It imports no Fyne package: every
// flow is tested without a window, against the real drivers on simulators.
package flow
