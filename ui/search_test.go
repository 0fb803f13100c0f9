package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"hallkiosk/flow"
)

// opening is the start of a text that wraps, as its first line shows it.
func opening(s string) string { return string([]rune(s)[:10]) }

// searchKeys returns the keys of the letter keypad on screen.
func (h *harness) searchKeys() []*key { return shown[*key](h.content()) }

// TestSearchToTicket: 找事项 on the home screen, S B K one key at a time
// with the results following each letter, then one tap on the result and
// the ID card on the reader: a printed ticket. The keys stay the same
// widgets while the citizen types: only the field and the results change.
func TestSearchToTicket(t *testing.T) {
	p := newParts(t)
	h := newHarness(t, p)
	var screens []string
	h.k.deps.OnScreen = func(name string) { screens = append(screens, name) }
	h.tapTile(h.tr("home.search.title"))
	h.settle("search", h.ticketIn(flow.TicketSearch))
	h.waitShows(opening(h.tr("search.hint")))
	keys := h.searchKeys()
	if len(keys) != 28 {
		t.Fatalf("%d keys on the letter keypad, want A–Z, delete and clear", len(keys))
	}
	found := []int{}
	for _, c := range "SBK" {
		h.tapKey(string(c))
		h.settle("results", h.caughtUp)
		found = append(found, h.k.ticket.s.Page.Total)
		if got := h.display(h.k.ticket.search.kp); !strings.HasSuffix(got, string(c)) {
			t.Fatalf("field shows %q after %c", got, c)
		}
	}
	if found[0] <= found[2] || found[2] != 1 {
		t.Errorf("results after S, SB, SBK: %v; want fewer with each letter, down to one", found)
	}
	if now := h.searchKeys(); len(now) != len(keys) || now[0] != keys[0] {
		t.Error("the keys were built anew while typing")
	}
	if n := len(tiles(h.content())); n != 1 {
		t.Fatalf("%d result tiles for SBK, want 1", n)
	}
	// What the search shows is reported with the screens, for the test
	// through the real window (e2e).
	if last := screens[len(screens)-1]; last != "ticket/search sb-card" {
		t.Errorf("screen reported after SBK: %q; all: %q", last, screens)
	}
	// From here: one tap, then the card.
	h.tapTile("社会保障卡补换")
	h.settle("card step", h.ticketIn(flow.TicketCard))
	p.place(cardWang)
	h.waitShows(h.tr("ticket.take_ticket"))
	tk := p.issued()
	if tk.ServiceID != "sb-card" {
		t.Errorf("issued %+v", tk)
	}
	if paper := p.printed(); !strings.Contains(paper, tk.Number) || !strings.Contains(paper, "社会保障卡补换") {
		t.Errorf("printed ticket:\n%s", paper)
	}
}

// TestSearchNothingFound: letters that find nothing say so and what to
// do; Delete brings the results back; Back leads to the departments.
func TestSearchNothingFound(t *testing.T) {
	h := newHarness(t, newParts(t))
	h.tapTile(h.tr("home.ticket.title"))
	h.settle("departments", h.ticketIn(flow.TicketDepartments))
	h.tapWhen(h.tr("search.open"))
	h.typeKeys("GJJQ")
	h.waitShows(opening(h.tr("search.none", "Query", "GJJQ")))
	h.tapKey(h.tr("keypad.delete"))
	h.waitShows("公积金提取")
	h.tapKey(h.tr("keypad.clear"))
	h.waitShows(opening(h.tr("search.hint")))
	h.tap(h.tr("nav.back"))
	h.settle("departments", h.ticketIn(flow.TicketDepartments))
}

// TestGuideSearchByLetters: the guide's search, then the service's guide.
func TestGuideSearchByLetters(t *testing.T) {
	h := newHarness(t, newParts(t))
	h.tapTile(h.tr("home.guide.title"))
	h.waitShows(h.tr("guide.step_department"))
	h.tapWhen(h.tr("search.open"))
	h.typeKeys("HKQY")
	h.tapTile("户口迁移")
	h.waitShows(h.tr("guide.print"))
	h.tap(h.tr("nav.back"))
	// Back at the results, with the letters still typed.
	h.settle("the results again", func() bool { return h.k.guide.s.State == flow.GuideSearch && h.caughtUp() })
	h.waitShows("户口迁移")
	if got := h.display(h.k.guide.search.kp); got != "HKQY" {
		t.Errorf("field shows %q after Back, want HKQY", got)
	}
}

// TestSearchKeysElder: elder mode's letter keys are at least as wide and
// as tall as normal mode's, and larger, on the small landscape panel, on
// the portrait totem and on a full-HD panel (适老化: larger targets).
func TestSearchKeysElder(t *testing.T) {
	app := test.NewTempApp(t)
	sizes := []fyne.Size{fyne.NewSize(1280, 800), fyne.NewSize(1080, 1920), fyne.NewSize(1920, 1080)}
	keyA := map[bool][]fyne.Size{}
	for _, elder := range []bool{false, true} {
		h := newHarnessOn(t, app, newParts(t))
		if elder {
			h.tap(h.tr("status.elder"))
		}
		h.tapTile(h.tr("home.search.title"))
		h.settle("search", h.ticketIn(flow.TicketSearch))
		for _, sz := range sizes {
			h.k.win.Resize(sz)
			var a *key
			for _, k := range h.searchKeys() {
				if k.label == "A" {
					a = k
				}
			}
			if a == nil {
				t.Fatalf("no key A: %q", texts(h.content()))
			}
			keyA[elder] = append(keyA[elder], a.Size())
			checkLayout(t, h.k.win.Canvas())
		}
	}
	for i, sz := range sizes {
		n, e := keyA[false][i], keyA[true][i]
		t.Logf("at %v: elder keys %v, normal keys %v", sz, e, n)
		if e.Width < n.Width || e.Height < n.Height || e.Width*e.Height <= n.Width*n.Height {
			t.Errorf("at %v elder keys are %v, normal keys %v: want at least as wide and tall, and larger", sz, e, n)
		}
	}
}
