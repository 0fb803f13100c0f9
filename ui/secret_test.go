package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"hallkiosk/clock"

	"hallkiosk/internal/uiqueue"
)

func TestSecretTapper(t *testing.T) {
	start := time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		gaps []time.Duration // before each tap
		want int
	}{
		{"five quick taps", []time.Duration{0, 300 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond}, 1},
		{"four taps", []time.Duration{0, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}, 0},
		{"too slow", []time.Duration{0, time.Second, time.Second, time.Second, time.Second}, 0},
		{"slow start, then five quick", []time.Duration{0, 5 * time.Second, 200 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond}, 1},
		{"ten quick taps fire twice", []time.Duration{0, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := clock.NewFake(start)
			fired := 0
			s := &secretTapper{now: clk.Now, fire: func() { fired++ }}
			for _, g := range tc.gaps {
				clk.Advance(g)
				s.tap()
			}
			if fired != tc.want {
				t.Fatalf("fired %d times, want %d", fired, tc.want)
			}
		})
	}
}

// Five taps on the hall's name in the status bar open technician entry;
// without a Technician callback the name is not tappable at all.
func TestHallNameOpensTechnicianEntry(t *testing.T) {
	opened := 0
	app := test.NewTempApp(t)
	q := &uiqueue.Queue{}
	k := newKiosk(app, Deps{Hall: testCatalog().Hall.Name, Technician: func() { opened++ }}, q.Do)
	t.Cleanup(k.Close)
	q.Drain()
	var catcher *tapCatcher
	walk(k.win.Canvas().Content(), func(o fyne.CanvasObject, _ fyne.Position, _ []fyne.CanvasObject) {
		if c, ok := o.(*tapCatcher); ok {
			catcher = c
		}
	})
	if catcher == nil {
		t.Fatal("no tap catcher over the hall's name")
	}
	for i := 0; i < 5; i++ {
		test.Tap(catcher)
	}
	if opened != 1 {
		t.Fatalf("technician entry opened %d times after five taps", opened)
	}
}
