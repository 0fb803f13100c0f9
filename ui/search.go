package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/flow"
)

// searchView is the search on the letter keypad, in 取号 (also opened by
// the home screen's 找事项 tile) and in 办事指南: the letters typed and the
// services they find, beside the keys in landscape and above them in
// portrait. After each letter only the field and the results change, so
// the keys under the citizen's finger stay where they are.
type searchView struct {
	kp   *keypad
	list *fyne.Container // the results, swapped after every letter
}

// searchBody builds the search for the flow's field q; key and backspace
// go to the flow. show fills in the results.
func (k *Kiosk) searchBody(v *searchView, q flow.Input, key func(string), backspace func()) fyne.CanvasObject {
	v.kp = k.newKeypad(q, k.t("search.placeholder"), key, backspace, nil)
	// The results get the wider side and the whole height: service names
	// are long, in English especially. The letters typed sit over the
	// keys, where the eyes are while typing; in portrait both stay at the
	// bottom, within reach, and the results take most of the spare height.
	// In elder mode the keys get the wider side in landscape: room for
	// rows of nine keys, which on a small panel are taller than four rows
	// of seven could be (lettersUI).
	in := &flex{weights: []float32{3, 2}, tall: []float32{3, 1}}
	if k.elder {
		in.weights = []float32{4, 5}
	}
	field, keys := v.kp.lettersUI(k.elder, in)
	v.list = container.NewStack()
	typing := container.NewBorder(container.NewVBox(field, vspace(1)), nil, nil, nil, keys)
	return container.New(in, v.list, typing)
}

// searchResults is one page of the services found (a column, paged,
// best first), the hint while nothing is typed, or what to do when nothing is found.
func (k *Kiosk) searchResults(query string, svcs []flow.ServiceItem, p flow.PageInfo, ticketing bool, choose func(id string), prev, next func()) fyne.CanvasObject {
	switch {
	case query == "":
		return container.NewVBox(block(fyne.TextAlignLeading, para{text: k.t("search.hint")}))
	case len(svcs) == 0:
		return container.NewVBox(block(fyne.TextAlignLeading, para{text: k.t("search.none", "Query", query), bold: true}))
	}
	return k.pagerOf(k.serviceTiles(svcs, ticketing, choose), p, true, prev, next)
}

// show puts the flow's letters and results on screen.
func (v *searchView) show(value string, results fyne.CanvasObject) {
	v.kp.setValue(value)
	v.list.Objects = []fyne.CanvasObject{results}
	v.list.Refresh()
}

// searchButton opens a flow's search from its lists.
func (k *Kiosk) searchButton(open func()) fyne.CanvasObject {
	return k.button(k.t("search.open"), theme.SearchIcon(), widget.MediumImportance, open)
}
