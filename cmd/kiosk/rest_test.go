package main

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"hallkiosk/clock"
)

// Memory goes back once the home screen has stood for the delay, not while
// a citizen moves through the screens, and once per rest.
func TestAtRestReleasesAfterTheHomeScreenStands(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clk := clock.NewFake(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	var released atomic.Int32
	done := make(chan struct{}, 8)
	r := newAtRest(ctx, clk, []time.Duration{2 * time.Second, 24 * time.Second}, func() { released.Add(1); done <- struct{}{} })

	r.screen("home")
	if !clk.WaitPending(1, 5*time.Second) {
		t.Fatal("no timer armed for the home screen")
	}
	clk.Advance(time.Second)
	r.screen("ticket/departments") // a citizen taps before the delay
	if !noTimer(clk) {
		t.Fatal("the timer is still armed on another screen")
	}
	clk.Advance(5 * time.Second)
	if n := released.Load(); n != 0 {
		t.Fatalf("released %d times during a visit", n)
	}

	r.screen("home")
	if !clk.WaitPending(1, 5*time.Second) {
		t.Fatal("no timer armed when the visit ended")
	}
	clk.Advance(2 * time.Second)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("memory not released after the home screen stood 2 s")
	}
	// The second release, once Fyne dropped the visit's screens: 24 s
	// after the home screen came, not 24 s after the first release.
	if !clk.WaitPending(1, 5*time.Second) {
		t.Fatal("no timer armed for the second release")
	}
	clk.Advance(21 * time.Second)
	if n := released.Load(); n != 1 {
		t.Fatalf("released %d times 23 s into the rest, want 1", n)
	}
	clk.Advance(time.Second)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("memory not released again 24 s into the rest")
	}
	clk.Advance(time.Hour)
	if n := released.Load(); n != 2 {
		t.Fatalf("released %d times for one rest, want 2", n)
	}

	// A citizen who comes between the two releases cancels the second.
	r.screen("ticket/departments")
	r.screen("home")
	if !clk.WaitPending(1, 5*time.Second) {
		t.Fatal("no timer armed for the next rest")
	}
	clk.Advance(2 * time.Second)
	<-done
	r.screen("guide/departments")
	if !noTimer(clk) {
		t.Fatal("the second release is still armed during a visit")
	}
	clk.Advance(time.Hour)
	if n := released.Load(); n != 3 {
		t.Fatalf("released %d times, want 3: the visit cancels the second release", n)
	}
}

// noTimer waits until no timer is armed on clk (WaitPending(0) holds at
// once), for at most five seconds.
func noTimer(clk *clock.Fake) bool {
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if clk.Pending() == 0 {
			return true
		}
	}
	return false
}

// The second release waits for Fyne's cache lifetime, as FYNE_CACHE sets it.
func TestRestDelaysFollowFyneCache(t *testing.T) {
	t.Setenv("FYNE_CACHE", "10s")
	if got := restDelays(); len(got) != 2 || got[0] != restDelay || got[1] != restDelay+22*time.Second {
		t.Errorf("with FYNE_CACHE=10s: %v", got)
	}
	t.Setenv("FYNE_CACHE", "")
	if got := restDelays(); got[1] != restDelay+72*time.Second {
		t.Errorf("with Fyne's default of one minute: %v", got)
	}
}
