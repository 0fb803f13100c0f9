package flow

import (
	"context"
	"fmt"
	"slices"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/devices/escpos"
	"hallkiosk/offline"
)

// PrintText is what the UI's translations give a printout in one language:
// the ticket's fixed words, the few words of material lines, and the closing
// lines (e.g. "过号请重新取号", the hotline).
type PrintText struct {
	Labels    escpos.TicketLabels
	Checklist escpos.ChecklistLabels
	Words     PrintWords
	Footer    []string
	// PeopleAhead words a count of people ahead ("3 人", "3"); nil: the
	// number and Labels.PeopleUnit.
	PeopleAhead func(n int) string
}

// PrintOptions configure the printouts of the ticket and check-in flows.
type PrintOptions struct {
	// Text returns the printout words in lang; nil prints the printer's
	// Chinese defaults and bare material names.
	Text func(lang string) PrintText
	// QRBase is the hall's public site for ticket links (EncodeTicketQR);
	// empty prints the compact payload.
	QRBase string
	// Timeout bounds a print (status check, bytes, cut); default 45 s.
	Timeout time.Duration
}

func (o PrintOptions) text(lang string) PrintText {
	if o.Text == nil {
		return PrintText{}
	}
	return o.Text(lang)
}

func (o PrintOptions) timeout() time.Duration {
	if o.Timeout <= 0 {
		return 45 * time.Second
	}
	return o.Timeout
}

// TicketResult is an issued ticket as the done screen shows it.
type TicketResult struct {
	Number       string
	ServiceID    string
	ServiceName  api.Text
	BusinessDate string
	IssuedAt     time.Time
	// PeopleAhead is -1 when unknown (numbered offline).
	PeopleAhead    int
	EstWaitMinutes int
	Offline        bool
	Priority       bool
	Late           bool       // a late check-in's normal ticket
	Counters       []api.Text // the counters that serve the service
	// CounterIDs are the same counters' ids, which a hall numbers (1, 2 …):
	// what a spoken call names as windows.
	CounterIDs []string
	MaskedID   string // 110101********1234 when a card was used
	QR         string // the ticket QR payload
	// Printed is true once the ticket came out of the printer. When false
	// and PrintProblem is set, the screen shows the number large and the
	// citizen keeps it (or asks staff for a reprint).
	Printed      bool
	PrintProblem *Problem
}

// newTicketResult is the done screen's view of the committed ticket t, with
// its QR payload on qrBase (EncodeTicketQR).
func newTicketResult(ix *catalogIndex, svc *api.Service, t *offline.Ticket, maskedID, qrBase string) *TicketResult {
	qr := EncodeTicketQR(qrBase, TicketRef{Date: t.BusinessDate, Number: t.Number, ServiceID: t.ServiceID, Token: t.PageToken})
	r := &TicketResult{
		Number: t.Number, ServiceID: t.ServiceID, BusinessDate: t.BusinessDate, IssuedAt: t.IssuedAt,
		PeopleAhead: t.PeopleAhead, EstWaitMinutes: t.EstWaitMinutes, Offline: t.Offline,
		Priority: t.Priority, MaskedID: maskedID, QR: qr,
	}
	if svc != nil {
		r.ServiceName = svc.Name
		r.CounterIDs = slices.Clone(svc.Counters)
		for _, id := range svc.Counters {
			if c, ok := ix.counters[id]; ok {
				r.Counters = append(r.Counters, c.Name)
			} else {
				r.Counters = append(r.Counters, api.Text{Zh: id, En: id})
			}
		}
		// A store that knows the queue but not the service's pace leaves
		// the estimate at 0; the catalog's average fills it in.
		if r.EstWaitMinutes == 0 && r.PeopleAhead > 0 && svc.AvgMinutes > 0 {
			r.EstWaitMinutes = r.PeopleAhead * svc.AvgMinutes
		}
	}
	if t.Offline {
		r.PeopleAhead = -1
	}
	return r
}

// withPrint returns a copy of r with the print outcome p (nil: printed).
// The snapshot already handed to the UI keeps pointing at r, so r itself
// is left as it was.
func (r *TicketResult) withPrint(p *Problem) *TicketResult {
	c := *r
	c.Printed, c.PrintProblem = p == nil, p
	return &c
}

// ticketJob lays out the escpos.Ticket for r in lang. Every personal field
// arrives masked.
func ticketJob(ix *catalogIndex, svc *api.Service, r *TicketResult, lang string, po PrintOptions) escpos.Ticket {
	txt := po.text(lang)
	job := escpos.Ticket{
		Hall:           ix.cat.Hall.Name.In(lang),
		Service:        r.ServiceName.In(lang),
		Number:         r.Number,
		Offline:        r.Offline,
		Priority:       r.Priority,
		PeopleAhead:    r.PeopleAhead,
		EstWaitMinutes: r.EstWaitMinutes,
		IssuedAt:       r.IssuedAt.In(ix.loc),
		MaskedID:       r.MaskedID,
		QR:             r.QR,
		Footer:         txt.Footer,
		Labels:         txt.Labels,
		Keep:           ix.keep,
	}
	if txt.PeopleAhead != nil && r.PeopleAhead >= 0 {
		job.PeopleAheadText = txt.PeopleAhead(r.PeopleAhead)
	}
	if svc != nil {
		job.Counters = ix.counterText(svc, lang)
		job.Materials = materialLines(svc.Materials, lang, txt.Words)
	}
	return job
}

// printAfterCommit prints a committed ticket and, when that fails, records
// the failure in the store so the back office knows a number exists that
// nobody holds on paper. It runs on a context detached from the flow's:
// once the record is committed, a citizen pressing "home" must not leave a
// ticket that is neither printed nor recorded as unprinted.
func printAfterCommit(ctx context.Context, env Env, po PrintOptions, t *offline.Ticket, job escpos.Ticket) *Problem {
	pctx, cancel := withClockTimeout(context.WithoutCancel(ctx), env.clock(), po.timeout())
	defer cancel(nil)
	err := env.Printer.PrintTicket(pctx, job)
	if err == nil {
		return nil
	}
	err = causeErr(pctx, err)
	p := problem(printerReason(err), fmt.Errorf("print ticket %s: %w", t.Number, err))
	if rerr := env.Store.RecordPrintFailure(pctx, t, p.Reason.String()); rerr != nil {
		// The ticket itself is committed; losing the failure note costs a
		// statistic, not a citizen's place. Keep it in the logged error.
		p.Err = fmt.Errorf("%w; record print failure: %v", p.Err, rerr)
	}
	return p
}

// reprintLocked prints job for the committed ticket t again in the
// background, holding the session, and hands the outcome to done under the
// lock.
func (m *machine) reprintLocked(po PrintOptions, t *offline.Ticket, job escpos.Ticket, done func(*Problem)) {
	m.runLocked(0, true, func(ctx context.Context, _ func(func()) bool) func() {
		p := printAfterCommit(ctx, m.env, po, t, job)
		return func() { done(p) }
	})
}

// checkPrinter asks the printer whether a ticket could come out now. Flows
// ask before committing: a number that cannot be printed is worse than
// none (market.md: block the ticket when the printer reports paper out).
func checkPrinter(ctx context.Context, env Env) *Problem {
	if env.Printer == nil {
		return problem(ReasonPrinterFailed, fmt.Errorf("no printer configured"))
	}
	if err := env.Printer.Ready(ctx); err != nil {
		err = causeErr(ctx, err)
		return problem(printerReason(err), fmt.Errorf("printer not ready: %w", err))
	}
	return nil
}
