package clock

import (
	"testing"
	"time"
)

func TestFakeFiresInOrderOnlyWhenDue(t *testing.T) {
	f := NewFake(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	a := f.NewTimer(2 * time.Second)
	b := f.NewTimer(1 * time.Second)
	f.Advance(500 * time.Millisecond)
	select {
	case <-a.C():
		t.Fatal("timer a fired early")
	case <-b.C():
		t.Fatal("timer b fired early")
	default:
	}
	f.Advance(time.Second)
	select {
	case <-b.C():
	default:
		t.Fatal("timer b did not fire at 1.5s")
	}
	if a.Stop() != true {
		t.Fatal("a should still be active")
	}
	f.Advance(time.Hour)
	select {
	case <-a.C():
		t.Fatal("stopped timer fired")
	default:
	}
	if f.Pending() != 0 {
		t.Fatalf("pending = %d, want 0", f.Pending())
	}
}

func TestFakeReset(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	tm := f.NewTimer(time.Second)
	f.Advance(900 * time.Millisecond)
	tm.Reset(time.Second)
	f.Advance(900 * time.Millisecond)
	select {
	case <-tm.C():
		t.Fatal("reset timer fired before its new deadline")
	default:
	}
	f.Advance(200 * time.Millisecond)
	select {
	case <-tm.C():
	default:
		t.Fatal("reset timer did not fire")
	}
}

// TestResetAtIsAbsolute: a deadline set with ResetAt holds however far the
// clock has moved since it was computed, on the fake and the real clock.
func TestResetAtIsAbsolute(t *testing.T) {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	f := NewFake(start)
	tm := f.NewTimer(time.Hour)
	deadline := start.Add(60 * time.Second)
	f.Advance(59 * time.Second) // the clock moves before the re-arm
	tm.ResetAt(deadline)
	select {
	case <-tm.C():
		t.Fatal("fired before its deadline")
	default:
	}
	f.Advance(time.Second)
	select {
	case at := <-tm.C():
		if !at.Equal(deadline) {
			t.Fatalf("fired at %v, want %v", at, deadline)
		}
	default:
		t.Fatal("did not fire at its deadline")
	}
	tm.ResetAt(start) // already past: fires at once
	select {
	case <-tm.C():
	default:
		t.Fatal("a passed deadline did not fire at once")
	}

	r := Real{}.NewTimer(time.Hour)
	r.ResetAt(time.Now().Add(-time.Second))
	select {
	case <-r.C():
	case <-time.After(5 * time.Second):
		t.Fatal("real timer with a passed deadline did not fire")
	}
}
