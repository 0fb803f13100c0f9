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
	r := newAtRest(ctx, clk, 2*time.Second, func() { released.Add(1); done <- struct{}{} })

	r.screen("home")
	if !clk.WaitPending(1, 5*time.Second) {
		t.Fatal("no timer armed for the home screen")
	}
	clk.Advance(time.Second)
	r.screen("ticket/departments") // a citizen taps before the delay
	if !clk.WaitPending(0, 5*time.Second) {
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
	clk.Advance(time.Minute)
	if n := released.Load(); n != 1 {
		t.Fatalf("released %d times for one rest, want 1", n)
	}
}
