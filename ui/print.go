package ui

import "hallkiosk/flow"

// printText gives flow the fixed words of a printout in lang, from the same
// translation files as the screen (flow holds no display text). Flows call
// it on their own goroutines while laying out a ticket, so it reads nothing
// but the translations, which are safe for concurrent use.
func (k *Kiosk) printText(lang string) flow.PrintText {
	l := Chinese
	if Lang(lang) == English {
		l = English
	}
	t := func(key string) string { return k.tr.T(l, key) }
	var p flow.PrintText
	// The label structs are escpos types; setting their fields one by one
	// keeps ui free of a devices/ import (ARCHITECTURE.md).
	p.Labels.Title = t("print.title")
	p.Labels.PeopleAhead = t("print.people_ahead")
	p.Labels.PeopleUnit = t("print.people_unit")
	p.Labels.EstWait = t("print.est_wait")
	p.Labels.Minutes = t("print.minutes")
	p.Labels.Unknown = t("print.unknown")
	p.Labels.Time = t("print.time")
	p.Labels.ID = t("print.id")
	p.Labels.Counters = t("print.counters")
	p.Labels.Materials = t("print.materials")
	p.Labels.Offline = t("print.offline")
	p.Labels.Priority = t("print.priority")
	p.Labels.ScanHint = t("print.scan_hint")

	p.Checklist.Title = t("print.checklist.title")
	p.Checklist.Conditions = t("print.checklist.conditions")
	p.Checklist.Materials = t("print.checklist.materials")
	p.Checklist.Fee = t("print.checklist.fee")
	p.Checklist.TimeLimit = t("print.checklist.time_limit")
	p.Checklist.Counters = t("print.checklist.counters")
	p.Checklist.LegalBasis = t("print.checklist.legal_basis")
	p.Checklist.Version = t("print.checklist.version")
	p.Checklist.PrintedAt = t("print.checklist.printed_at")
	p.Checklist.ScanHint = t("print.checklist.scan_hint")

	p.Words.Original = t("print.original")
	p.Words.Copies = t("print.copies")
	p.Words.IfAny = t("print.if_any")
	// Counts go through the same plural-aware texts as the screen's
	// ("1 copy", "复印件 2 份"), never "copies 1".
	p.Words.Quantity = func(copies bool, n int) string {
		if copies {
			return k.tr.T(l, "guide.copies", "N", n)
		}
		return k.tr.T(l, "guide.originals", "N", n)
	}
	p.PeopleAhead = func(n int) string { return k.tr.T(l, "print.people_count", "N", n) }
	p.Footer = []string{t("print.footer")}
	return p
}
