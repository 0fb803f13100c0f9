package main

import (
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"hallkiosk/demo"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/ui"
)

// showControl opens the demo's simulator control window, wired to the
// simulators of this `kiosk sim` and to the network switch in front of its
// back office.
func (h *simHost) showControl(a fyne.App) {
	c := ui.SimControl{Note: "打印的凭条 Printed tickets: " + filepath.Join(h.dataDir, "printed")}
	if h.idcard != nil {
		for _, p := range h.idcard.Profiles() {
			c.Cards = append(c.Cards, ui.SimChoice{ID: p.ID, Label: fmt.Sprintf("%s (%s)", p.Card.Name, p.Card.Type)})
		}
		c.PlaceCard = h.idcard.Place
		c.RemoveCard = h.idcard.Remove
	}
	if h.printer != nil {
		c.SetPrinter = func(state string) {
			var st printersim.State
			switch state {
			case "near_end":
				st.NearEnd = true
			case "paper_out":
				st.PaperOut = true
			case "cover_open":
				st.CoverOpen = true
			case "off":
				st.NoReply = true
			}
			h.printer.SetState(st)
		}
	}
	if h.scanner != nil {
		c.Scan = h.scanner.Scan
		// The embedded back office's demo appointments are numbered by
		// today's date (hall time) and slot.
		codes, err := demo.ScanCodes(time.Now())
		if err != nil {
			h.log.Warn("demo codes not offered", "err", err)
		}
		for _, d := range codes {
			c.Codes = append(c.Codes, ui.SimChoice{ID: d.Code, Label: d.Label})
		}
	}
	if h.net != nil {
		c.SetNetwork = h.net.SetUp
	}
	ui.ShowSimControl(a, c)
}
