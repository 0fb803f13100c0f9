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
