package main

import (
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

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
		now := time.Now()
		for _, a := range nowAppointments {
			code := nowAppointmentCode(now, a.slot)
			c.Codes = append(c.Codes, ui.SimChoice{ID: code, Label: fmt.Sprintf("预约 appointment %s (%s)", code, a.name)})
		}
		day := now.In(hallZone()).Format("060102")
		for slot := 1; slot <= 6; slot++ {
			code := fmt.Sprintf("%s%02d", day, slot)
			c.Codes = append(c.Codes, ui.SimChoice{ID: code, Label: "预约 appointment " + code + " (09:00–)"})
		}
		c.Codes = append(c.Codes,
			ui.SimChoice{ID: "SB2026112900012", Label: "办件回执 receipt SB2026112900012 (0866)"},
			ui.SimChoice{ID: "HJ2026112500046", Label: "办件回执 receipt HJ2026112500046 (002X)"})
	}
	if h.net != nil {
		c.SetNetwork = h.net.SetUp
	}
	ui.ShowSimControl(a, c)
}

// hallZone is the demo hall's time zone (mainland China, UTC+8, no DST).
func hallZone() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}
