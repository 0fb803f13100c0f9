package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// Technician entry: five taps on the hall's name within three seconds. A
// citizen does not find it by accident, a technician without a keyboard
// does not need one, and nothing on screen gives it away.
const (
	secretTaps   = 5
	secretWithin = 3 * time.Second
)

// secretTapper counts taps and fires when enough come close together.
type secretTapper struct {
	now  func() time.Time
	fire func()
	taps []time.Time
}

// tap records one tap and fires on the fifth within the window.
func (s *secretTapper) tap() {
	t := s.now()
	keep := s.taps[:0]
	for _, at := range s.taps {
		if t.Sub(at) < secretWithin && !t.Before(at) {
			keep = append(keep, at)
		}
	}
	s.taps = append(keep, t)
	if len(s.taps) >= secretTaps {
		s.taps = s.taps[:0]
		if s.fire != nil {
			s.fire()
		}
	}
}

// tapCatcher is an invisible widget laid over the hall's name that catches
// taps for the secretTapper.
type tapCatcher struct {
	widget.BaseWidget
	onTap func()
}

func newTapCatcher(onTap func()) *tapCatcher {
	c := &tapCatcher{onTap: onTap}
	c.ExtendBaseWidget(c)
	return c
}

// Tapped implements fyne.Tappable.
func (c *tapCatcher) Tapped(*fyne.PointEvent) {
	if c.onTap != nil {
		c.onTap()
	}
}

// CreateRenderer draws nothing: the hall's name under it stays as it is.
func (c *tapCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(nil))
}
