package ui

import (
	"fyne.io/fyne/v2"

	"hallkiosk/backoffice/api"
	"hallkiosk/flow"
)

// The catalog's departments and services as tiles, as 取号 and 办事指南 both
// offer them.

// departmentTiles are departments with their number of services.
func (k *Kiosk) departmentTiles(ds []flow.DepartmentItem, choose func(id string)) []fyne.CanvasObject {
	items := make([]fyne.CanvasObject, 0, len(ds))
	for _, d := range ds {
		id := d.ID
		items = append(items, NewTile(nil, k.text(d.Name), k.t("ticket.dept_services", "N", d.Services),
			k.tap(func() { choose(id) })))
	}
	return items
}

// serviceTiles are services with "needs ID card" where they do. For a
// ticket, a service outside its ticketing hours is disabled with the hour
// it opens; its guide can be read at any hour.
func (k *Kiosk) serviceTiles(svcs []flow.ServiceItem, ticketing bool, choose func(id string)) []fyne.CanvasObject {
	items := make([]fyne.CanvasObject, 0, len(svcs))
	for _, sv := range svcs {
		id := sv.ID
		sub := ""
		if sv.RequiresIDCard {
			sub = k.t("ticket.needs_id")
		}
		t := NewTile(nil, k.text(sv.Name), sub, k.tap(func() { choose(id) }))
		t.KeepSubtitle = sv.RequiresIDCard
		if ticketing && !sv.Open {
			p := problemView{Reason: flow.ReasonHallClosed.String(), Advice: flow.ReasonHallClosed.Advice().String(), At: sv.OpensAt}
			t.Reason = k.t("reason." + p.Reason)
			t.Hint = k.adviceText(p)
			t.Disable()
		}
		items = append(items, t)
	}
	return items
}

// servicesStep is the step line over a department's services: its name,
// or the plain step (key) when there is none.
func (k *Kiosk) servicesStep(dept api.Text, key string) string {
	if n := k.text(dept); n != "" {
		return k.t("ticket.step_service_in", "Department", n)
	}
	return k.t(key)
}
