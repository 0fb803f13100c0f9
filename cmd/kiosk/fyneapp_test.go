package main

import "testing"

// TestNewAppQueuesNothingAtStop: the app the kiosk runs has no stop
// callback, so Fyne's main loop queues no lifecycle event when it ends
// (docs/fyne-notes.md 1.12). A Fyne upgrade that renames the hook's setter
// fails here instead of bringing the shutdown panic back unnoticed.
func TestNewAppQueuesNothingAtStop(t *testing.T) {
	a := newApp("cn.gov.hallkiosk.test")
	l, ok := a.Lifecycle().(interface{ OnStopped() func() })
	if !ok {
		t.Fatalf("the lifecycle %T has no OnStopped", a.Lifecycle())
	}
	if l.OnStopped() != nil {
		t.Fatal("a stop callback is set: Fyne queues it as the main loop closes its queue")
	}
	if _, ok := a.Lifecycle().(interface{ SetOnStoppedHookExecuted(func()) }); !ok {
		t.Fatalf("the lifecycle %T has no SetOnStoppedHookExecuted any more", a.Lifecycle())
	}
}
