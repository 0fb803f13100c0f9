// Command fynehello is the anchor of the kiosk's real-process benchmark: the
// smallest Fyne program that shows a window with a label. It reports its
// first frame the way the kiosk does (KIOSK_READY_STDERR), so both are
// timed and measured alike in the same run.
package main

import (
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	start := time.Now()
	a := app.NewWithID("cn.gov.hallkiosk.hello")
	w := a.NewWindow("Hello")
	w.SetContent(widget.NewLabel("Hello World"))
	w.Resize(fyne.NewSize(1280, 800))
	w.Show()
	a.Lifecycle().SetOnStarted(func() {
		fyne.Do(func() {
			if os.Getenv("KIOSK_READY_STDERR") != "" {
				fmt.Fprintf(os.Stderr, "kiosk: ready %d ms\n", time.Since(start).Milliseconds())
			}
		})
	})
	a.Run()
}
