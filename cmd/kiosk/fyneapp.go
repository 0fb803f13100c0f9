package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
)

// newApp is app.NewWithID without the stop hook Fyne installs for its
// preferences, which the kiosk does not use.
//
// Fyne v2.7.1 runs that hook as a lifecycle event when its main loop
// ends: the event goroutine hands it to the main loop's queue while the
// loop drains and closes that queue, and when the hand-over comes after
// the close the process panics with "send on closed channel" and exits
// with status 2 instead of 0. A SIGTERM shortly after the first frame
// met it (docs/fyne-notes.md 1.12). With no stop hook and no OnStopped
// callback, nothing is queued at the end and the race cannot happen.
func newApp(id string) fyne.App {
	a := app.NewWithID(id)
	if l, ok := a.Lifecycle().(interface{ SetOnStoppedHookExecuted(func()) }); ok {
		l.SetOnStoppedHookExecuted(nil)
	}
	return a
}
