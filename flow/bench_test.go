package flow

import (
	"testing"
	"time"
)

// BenchmarkTicketFlow measures a walk-in ticket from the tap on the
// service tile to the printer simulator having the cut: rules, the status
// check over the pseudo-terminal, the commit (SQLite, synchronous=FULL),
// the hall-wide number from the back office over HTTP, the layout, the
// bytes, and the driver's status check after the job (whose answer comes
// only once the simulator has taken in the cut). The service needs no card
// and no card reader is wired, so the card step does not show.
func BenchmarkTicketFlow(b *testing.B) {
	for _, mode := range []struct {
		name    string
		offline bool
	}{{"online", false}, {"offline", true}} {
		b.Run(mode.name, func(b *testing.B) {
			r := newRig(b, rigOpts{offline: mode.offline, noDevices: true})
			r.startPrinter()
			w := newWatcher[TicketSnapshot](b)
			f := NewTicketFlow(r.env, TicketOptions{OnChange: w.fn, Print: PrintOptions{Text: testText}})
			var total time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				f.Start()
				w.until("departments", ticketIn(TicketDepartments))
				f.SelectDepartment("shebao")
				w.until("services", ticketIn(TicketServices))
				b.StartTimer()
				start := time.Now()
				f.SelectService("sb-02")
				s := w.until("done", ticketIn(TicketDone))
				total += time.Since(start)
				if !s.Result.Printed {
					b.Fatalf("not printed: %+v", s.Result.PrintProblem)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms/ticket")
			// Every ticket reached the simulator as a cut piece of paper.
			for i := 0; i < b.N; i++ {
				r.nextTicket()
			}
		})
	}
}
