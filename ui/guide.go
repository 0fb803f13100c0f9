package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/skip2/go-qrcode"

	"hallkiosk/backoffice/api"
	"hallkiosk/flow"
)

// guideScreen is 办事指南: department → service → the service's guide (what
// to bring, fee, time limit, counters) with 打印一次性告知单 and a way to take
// a ticket for it, driven by flow.GuideFlow. The kiosk has no Chinese text
// input (docs/fyne-notes.md 1.5): its search takes letters (pinyin, initials,
// English words) on the letter keypad.
type guideScreen struct {
	k *Kiosk
	f *flow.GuideFlow
	s flow.GuideSnapshot

	search searchView

	// deptPage and detailPage page what flow hands over whole.
	deptPage   int
	detailPage int
}

func (s *guideScreen) start() {
	s.s, s.deptPage, s.detailPage = flow.GuideSnapshot{}, 0, 0
	s.f.Start()
}

// startSearch opens the guide at its search (找事项 while 取号 cannot work).
func (s *guideScreen) startSearch() {
	s.s, s.deptPage, s.detailPage = flow.GuideSnapshot{}, 0, 0
	s.f.StartSearch()
}

func (s *guideScreen) refresh() { s.f.Refresh() }

// update shows a new snapshot of the flow.
func (s *guideScreen) update(snap flow.GuideSnapshot) {
	if snap.Detail == nil || s.s.Detail == nil || snap.Detail.ID != s.s.Detail.ID {
		s.detailPage = 0
	}
	typing := s.k.current == s && s.search.kp != nil && s.s.State == flow.GuideSearch && snap.State == flow.GuideSearch
	s.s = snap
	if typing {
		s.search.show(snap.Query.Value, s.searchResults())
		return
	}
	s.k.refreshScreen(s)
}

func (s *guideScreen) searchResults() fyne.CanvasObject {
	snap := s.s
	return s.k.searchResults(snap.Query.Value, snap.Services, snap.Page, false, s.f.SelectService, s.f.PrevPage, s.f.NextPage)
}

func (s *guideScreen) buildUI() fyne.CanvasObject {
	k, snap := s.k, s.s
	title := k.t("guide.title")
	back := when(snap.CanBack, s.f.Back)
	s.search = searchView{}
	switch snap.State {
	case flow.GuideDepartments:
		// The guide pages its departments itself: flow hands them over whole.
		size := flow.DefaultPageSize
		if k.elder {
			size = flow.DefaultElderPageSize
		}
		items := k.departmentTiles(snap.Departments, s.f.SelectDepartment)
		grid := k.ownPager(items, size, &s.deptPage, func() { k.refreshScreen(s) })
		return k.pageWith(title, k.t("guide.step_department"), grid, k.navBar(back, k.searchButton(s.f.OpenSearch)))

	case flow.GuideSearch, flow.GuideServices:
		if snap.State == flow.GuideSearch && snap.Query.Kind == flow.InputLetters {
			body := k.searchBody(&s.search, snap.Query, s.f.SearchKey, s.f.SearchBackspace)
			s.search.show(snap.Query.Value, s.searchResults())
			return k.page(title, k.t("search.step"), body, back)
		}
		items := k.serviceTiles(snap.Services, false, s.f.SelectService)
		step := k.servicesStep(snap.Department.Name, "guide.step_service")
		bar := k.navBar(back)
		if snap.State == flow.GuideServices {
			bar = k.navBar(back, k.searchButton(s.f.OpenSearch))
		}
		return k.pageWith(title, step, k.pager(items, snap.Page, s.f.PrevPage, s.f.NextPage), bar)

	case flow.GuideDetail:
		if snap.Detail != nil {
			// How the print went is said beside the title, so that no
			// button moves under a finger when the print status changes.
			return k.pageStep(k.text(snap.Detail.Name), s.printStatus(), s.detail(*snap.Detail), k.navBar(back))
		}

	case flow.GuideFailed:
		return k.failedPage(title, "", snap.Problem, nil, back)
	}
	return k.busyPage(title, k.t("common.loading"), "", nil)
}

// detail lays out one service's guide as one paged column: the facts
// first (fee, time limit, counters), then the conditions and the materials.
// Pages rather than a scroll list, since drag scrolling does not work on
// desktop Fyne (docs/fyne-notes.md 0.3); full-width rows wrap least.
func (s *guideScreen) detail(d flow.ServiceDetail) fyne.CanvasObject {
	k := s.k
	needsID := ""
	if d.RequiresIDCard {
		needsID = k.t("guide.needs_id")
	}
	// Two short rows rather than one long one: the column pages whole rows.
	rows := []fyne.CanvasObject{
		block(fyne.TextAlignLeading,
			k.factPara("guide.fee", k.text(d.Fee)),
			k.factPara("guide.time_limit", k.text(d.TimeLimit))),
		block(fyne.TextAlignLeading,
			k.factPara("guide.counters", k.lines(d.Counters)),
			para{text: needsID, bold: true}),
	}
	if c := k.text(d.Conditions); c != "" {
		rows = append(rows, block(fyne.TextAlignLeading, para{text: k.t("guide.conditions"), bold: true}, para{text: c}))
	}
	heading := len(rows)
	rows = append(rows, block(fyne.TextAlignLeading,
		para{text: k.t("guide.materials", "N", len(d.Materials)), size: theme.SizeNameSubHeadingText, bold: true}))
	for i, m := range d.Materials {
		rows = append(rows, k.materialRow(i+1, m))
	}
	if len(d.Materials) == 0 {
		rows = append(rows, block(fyne.TextAlignLeading, para{text: k.t("guide.no_materials")}))
	}
	if v := strings.TrimSpace(d.GuideVersion + " " + d.GuideDate); v != "" {
		rows = append(rows, block(fyne.TextAlignLeading, para{text: k.t("guide.version", "Version", v), size: theme.SizeNameCaptionText}))
	}
	if qr := guideQR(d.GuideURL); qr != nil {
		rows = append(rows, container.NewBorder(nil, nil, qr, nil,
			block(fyne.TextAlignLeading, para{text: k.t("guide.scan_full"), bold: true},
				para{text: d.GuideURL, size: theme.SizeNameCaptionText})))
	}
	id := d.ID
	take := k.button(k.t("guide.take_ticket"), iconTicket, widget.MediumImportance, func() { k.startTicketFor(id) })
	// After a copy has come out, the same place offers another one in so
	// many words: a tap meant for something else must not print a second
	// copy unannounced.
	label := k.t("guide.print")
	if s.s.Printed > 0 {
		label = k.t("guide.print_again")
	}
	print := k.button(label, theme.DocumentPrintIcon(), widget.HighImportance, s.f.PrintChecklist)
	if s.s.PrintStatus == flow.PrintBusy {
		print.Disable()
	}
	// The buttons keep their places in every print state: the status is
	// in the step line beside the title (printStatus).
	col := k.newPagedColumn(rows, &s.detailPage)
	col.heading = map[int]bool{heading: true}
	return container.NewBorder(nil, actionRow(print, take), nil, nil, col)
}

// factPara is "label: value" as one paragraph; empty when there is no value.
func (k *Kiosk) factPara(labelKey, value string) para {
	if value == "" {
		return para{}
	}
	return para{
		text: k.t("guide.fact", "Label", k.t(labelKey), "Value", value),
		hang: k.t("guide.fact", "Label", k.t(labelKey), "Value", ""),
	}
}

// printStatus says how the checklist print went, for the step line: which
// copy came out, or why none did.
func (s *guideScreen) printStatus() para {
	k := s.k
	switch s.s.PrintStatus {
	case flow.PrintBusy:
		return para{text: k.t("guide.printing"), bold: true}
	case flow.PrintDone:
		if s.s.Printed > 1 {
			return para{text: k.t("guide.printed_again", "N", s.s.Printed), bold: true, color: theme.ColorNamePrimary}
		}
		return para{text: k.t("guide.printed"), bold: true, color: theme.ColorNamePrimary}
	case flow.PrintFailed:
		p, _ := problemOf(s.s.PrintProblem)
		return para{text: k.t("guide.print_failed_why", "Reason", k.t("reason."+p.Reason), "Advice", k.t("guide.print_failed")),
			bold: true, color: colorNameNoticeForeground}
	}
	return para{}
}

// materialRow is one material: its name, originals and copies, whether it
// is needed only if the citizen has it, and the note.
func (k *Kiosk) materialRow(n int, m api.Material) fyne.CanvasObject {
	var parts []string
	if m.Original > 0 {
		parts = append(parts, k.t("guide.originals", "N", m.Original))
	}
	if m.Copies > 0 {
		parts = append(parts, k.t("guide.copies", "N", m.Copies))
	}
	if !m.Required {
		parts = append(parts, k.t("guide.if_any"))
	}
	if note := k.text(m.Note); note != "" {
		parts = append(parts, note)
	}
	// The details go on beside the name when they fit: in elder mode a
	// row saved per material is another material on the page.
	detail := strings.Join(parts, k.t("list.sep"))
	if detail != "" {
		detail = "\u3000" + detail
	}
	return block(fyne.TextAlignLeading,
		para{text: k.t("guide.material_name", "N", n, "Name", k.text(m.Name)), bold: true, inline: detail != ""},
		para{text: detail},
	)
}

// startTicketFor takes a ticket for one service straight from its guide.
func (k *Kiosk) startTicketFor(serviceID string) {
	k.show(k.ticket)
	k.ticket.s = flow.TicketSnapshot{}
	k.ticket.f.StartService(serviceID)
}

// guideQRSize is the on-screen side of the full guide's QR code: large
// enough for a phone held at arm's length, small enough for one row.
const guideQRSize = 150

// guideQR draws a QR code of the full guide's address, so a citizen can
// take the guide away on a phone instead of printing it; nil without an
// address or when it does not fit a QR code.
func guideQR(url string) fyne.CanvasObject {
	if url == "" {
		return nil
	}
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil
	}
	img := canvas.NewImageFromImage(q.Image(-4))
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSquareSize(guideQRSize))
	return img
}
