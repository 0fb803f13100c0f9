package ui

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"hallkiosk/assets"
	"hallkiosk/backoffice/api"
	"hallkiosk/config"
	"hallkiosk/devices"
	"hallkiosk/devices/escpos"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/flow"
	"hallkiosk/offline"

	"hallkiosk/internal/uiqueue"
)

// Flow counts of BenchmarkResidentMemoryThousandTicketFlows.
const (
	memWarmupFlows   = 100
	memMeasuredFlows = 1000
)

// BenchmarkResidentMemoryThousandTicketFlows checks the acceptance item
// "resident memory after 1,000 flows stays flat". Run it as
//
//	go test -tags ci -run '^$' -bench ResidentMemory -benchtime 2x ./ui/
//
// (make bench runs it so.) With two or more ops memory is also sampled
// after the first thousand flows, and the *_after_first_1000_ratio metrics
// compare the end with that point: caches fill during the first thousand,
// so growth after it is what would keep accumulating on a kiosk.
//
// One op is 1,000 complete walk-in ticket
// flows, tapped through the real kiosk UI exactly as TestTicketWithoutCard
// does (取号 tile, 社会保险, a service that needs no ID card, "no ID card",
// wait for the number and the "take your ticket" line, 完成, back home), on
// the real parts: an offline.Store on SQLite in a temporary directory (no back office, so kiosk-series numbers
// D01-001 …) and the devices package with its printer, ID-reader and
// scanner simulators on pseudo-terminals. Every ticket goes over the serial
// line as ESC/POS and the printer simulator renders it to a PNG.
//
// Memory is sampled twice: after 100 warm-up flows (caches, fonts, SQLite's
// page cache and the statement cache are then populated) and after the
// further 1,000 × b.N flows.
//
// Before each sample the kiosk stands idle for Fyne's cache lifetime (one
// minute, or FYNE_CACHE if set) and the canvas is painted once. Fyne keeps
// every widget's renderer in a global cache; the real driver's paint loop
// destroys those not painted for that lifetime, but Fyne's test driver never
// paints, so without this every screen of every flow would stay cached and
// the benchmark would report the test driver's retention, not the kiosk's.
// A kiosk left standing for a minute gets the same clean-up from the real
// driver. The two idle minutes are outside the timer; set FYNE_CACHE=5s to
// shorten them (the screens of the last seconds' flows then count as live).
// Each sample then runs a full GC and debug.FreeOSMemory, so resident
// memory (VmRSS in /proc/self/status) and the Go heap (HeapAlloc) reflect
// what is live, not garbage not yet returned. Reported metrics:
//
//	rss_start_MB, rss_end_MB  VmRSS after warm-up and at the end
//	rss_growth_ratio          rss_end / rss_start; flat is about 1.0
//	rss_anon_growth_MB, rss_file_growth_MB  the growth split into anonymous
//	                          memory (heaps, stacks) and mapped files
//	go_runtime_growth_MB      growth of what the Go runtime holds from the OS
//	                          (runtime.MemStats Sys − HeapReleased); anonymous
//	                          growth beyond it is C memory: cgo SQLite's page
//	                          caches and statements, malloc arenas
//	heap_inuse_growth_MB      growth of the heap's in-use spans; above the
//	                          live heap's growth it is fragmentation
//	heap_start_MB, heap_end_MB, heap_growth_ratio  the same for the Go heap
//	sim_retained_MB           heap the printer simulator keeps by design at
//	                          the end (its latest tickets raw, decoded and as
//	                          text, and its latest received bytes; bounded by
//	                          printersim.Opts): simulator memory in the same
//	                          process, not the kiosk's
//	stack_growth_MB, goroutines_start, goroutines_end  a leaked goroutine
//	                          per flow would show here
//	kiosk_heap_growth_ratio   heap_growth_ratio without the simulator's share
//	flows                     measured flows (1,000 × b.N)
//
// It is a benchmark, not a test with a threshold: the numbers are for a
// person to read against the acceptance item, never a timed assertion that
// fails on a loaded machine. ns/op is the time of 1,000 flows (the idle
// waits excluded), ms/flow the same per flow.
func BenchmarkResidentMemoryThousandTicketFlows(b *testing.B) {
	d := newRealKiosk(b)
	for i := 0; i < memWarmupFlows; i++ {
		d.ticketFlow()
	}
	start := d.sample()
	b.ResetTimer()
	var mid memSample
	for n := 0; n < b.N; n++ {
		for i := 0; i < memMeasuredFlows; i++ {
			d.ticketFlow()
		}
		if n == 0 && b.N > 1 {
			b.StopTimer()
			mid = d.sample()
			b.StartTimer()
		}
	}
	b.StopTimer()
	end := d.sample()
	flows := memMeasuredFlows * b.N
	d.waitPrinted(memWarmupFlows + flows)
	const mb = 1 << 20
	b.ReportMetric(float64(start.rss)/mb, "rss_start_MB")
	b.ReportMetric(float64(end.rss)/mb, "rss_end_MB")
	b.ReportMetric(float64(end.rss)/float64(start.rss), "rss_growth_ratio")
	if b.N > 1 {
		// After the first thousand flows every cache has its working set;
		// the thousands after it show whether anything still accumulates.
		b.ReportMetric(float64(mid.rss)/mb, "rss_after_first_1000_MB")
		b.ReportMetric(float64(end.rss)/float64(mid.rss), "rss_growth_after_first_1000_ratio")
		b.ReportMetric(float64(end.heap)/float64(mid.heap), "heap_growth_after_first_1000_ratio")
	}
	b.ReportMetric((float64(end.anon)-float64(start.anon))/mb, "rss_anon_growth_MB")
	b.ReportMetric((float64(end.file)-float64(start.file))/mb, "rss_file_growth_MB")
	b.ReportMetric((float64(end.goMapped)-float64(start.goMapped))/mb, "go_runtime_growth_MB")
	b.ReportMetric((float64(end.stack)-float64(start.stack))/mb, "stack_growth_MB")
	b.ReportMetric((float64(end.inuse)-float64(start.inuse))/mb, "heap_inuse_growth_MB")
	b.ReportMetric(float64(start.heap)/mb, "heap_start_MB")
	b.ReportMetric(float64(end.heap)/mb, "heap_end_MB")
	b.ReportMetric(float64(end.heap)/float64(start.heap), "heap_growth_ratio")
	b.ReportMetric(float64(end.sim)/mb, "sim_retained_MB")
	b.ReportMetric(float64(end.heap-end.sim)/float64(start.heap-start.sim), "kiosk_heap_growth_ratio")
	b.ReportMetric(float64(start.goroutines), "goroutines_start")
	b.ReportMetric(float64(end.goroutines), "goroutines_end")
	b.ReportMetric(float64(flows), "flows")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(flows), "ms/flow")
}

// memSample is one reading of the process's memory after standing idle.
type memSample struct {
	rss, anon, file              uint64 // VmRSS, RssAnon, RssFile
	heap, inuse, goMapped, stack uint64 // HeapAlloc, HeapInuse, Sys−HeapReleased, StackInuse
	sim                          uint64 // the printer simulator's share of heap
	goroutines                   int
}

func (r *realKiosk) sample() memSample {
	r.standIdle()
	var m memSample
	m.rss, m.heap, m.inuse, m.goMapped, m.stack = sampleMemory(r.t)
	m.anon, m.file = procStatus(r.t, "RssAnon"), procStatus(r.t, "RssFile")
	m.goroutines = runtime.NumGoroutine()
	m.sim = r.simRetained()
	return m
}

// realKiosk is the tests' harness on a kiosk whose flows run on the real
// offline store and the simulated devices, with the wall clock and no back
// office: what a kiosk keeps in memory, without a back office's growth in
// the same process.
type realKiosk struct {
	*harness
	set     *devices.Set
	painted time.Time // last standIdle paint
}

// allDayCatalog is the embedded seed catalog with the hall and every service
// that has hours open around the clock, as cmd/kiosk's demo catalog, so the
// benchmark takes tickets whatever the time and day it runs.
func allDayCatalog(tb testing.TB) []byte {
	tb.Helper()
	var c api.Catalog
	if err := json.Unmarshal(assets.SeedCatalog(), &c); err != nil {
		tb.Fatalf("seed catalog: %v", err)
	}
	allDay := []api.OpenHours{{Weekdays: []int{0, 1, 2, 3, 4, 5, 6}, Open: "00:00", Close: "24:00"}}
	c.Hall.OpenHours = allDay
	for i := range c.Services {
		if len(c.Services[i].OpenHours) > 0 {
			c.Services[i].OpenHours = allDay
		}
	}
	c.Version += "-bench"
	out, err := json.Marshal(c)
	if err != nil {
		tb.Fatalf("catalog: %v", err)
	}
	return out
}

// newRealKiosk opens the store and the devices in tb's temporary
// directories and builds the kiosk on them; all is closed at cleanup.
func newRealKiosk(tb testing.TB) *realKiosk {
	tb.Helper()
	quiet := slog.New(slog.DiscardHandler)
	store, err := offline.Open(offline.Options{
		Path: filepath.Join(tb.TempDir(), "kiosk.db"), KioskID: "K01", KioskNumber: 1,
		Logger: quiet, SeedCatalog: allDayCatalog(tb),
	})
	if err != nil {
		tb.Fatalf("offline.Open: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	set, err := devices.Open(devices.Options{Config: config.Default().Devices, DataDir: tb.TempDir(), Logger: quiet})
	if err != nil {
		tb.Fatalf("devices.Open: %v", err)
	}
	tb.Cleanup(func() { set.Close() })
	h := &harness{t: tb, app: test.NewTempApp(tb), q: &uiqueue.Queue{}}
	env := flow.Env{Store: store, Printer: set.PrinterFront(), Cards: set.CardFront(), Scanner: set.ScannerFront()}
	h.k = newKiosk(h.app, Deps{Env: env, KioskNumber: 1}, h.q.Do)
	h.k.win.Resize(fyne.NewSize(1280, 800))
	tb.Cleanup(func() {
		h.k.Close()
		h.q.Drain()
	})
	h.q.Drain()
	return &realKiosk{harness: h, set: set}
}

// ticketFlow takes one walk-in ticket without an ID card and returns home.
func (r *realKiosk) ticketFlow() {
	r.t.Helper()
	r.tapTile(r.k.t("home.ticket.title"))
	r.waitShows(r.k.t("ticket.step_department"))
	r.tapTile("社会保险")
	r.tapTile("灵活就业人员社会保险参保登记")
	r.tapWhen(r.k.t("ticket.skip_card"))
	r.settle("the ticket printed", func() bool {
		if r.shows(r.k.t("ticket.print_failed")) {
			r.t.Fatalf("printing failed: %q", texts(r.content()))
		}
		return r.shows("D01-") && r.shows(r.k.t("ticket.take_ticket"))
	})
	r.tapWhen(r.k.t("action.finish"))
	r.waitShows(r.k.t("home.welcome"))
}

// fyneCacheLifetime is how long Fyne keeps a renderer nobody painted: its
// default, or FYNE_CACHE as Fyne's internal/cache reads it at start-up.
func fyneCacheLifetime() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("FYNE_CACHE")); err == nil {
		return d
	}
	return time.Minute
}

// standIdle lets the kiosk stand on its current screen, delivering what the
// flows post, until every renderer of earlier screens has outlived Fyne's
// cache lifetime, then paints the canvas once. Painting runs Fyne's cache
// clean-up (at most every 10 s), which destroys the expired renderers, as
// the real driver's paint loop does; the current screen is touched first so
// that only earlier screens expire, as on a real display.
func (r *realKiosk) standIdle() {
	r.t.Helper()
	until := time.Now().Add(fyneCacheLifetime() + time.Second)
	if t := r.painted.Add(11 * time.Second); t.After(until) {
		until = t
	}
	for time.Now().Before(until) {
		r.q.Drain()
		time.Sleep(100 * time.Millisecond)
	}
	r.q.Drain()
	texts(r.content()) // touches the current screen's renderers
	r.k.win.Canvas().Capture()
	r.painted = time.Now()
	r.q.Drain()
}

// waitPrinted waits until the printer simulator has rendered n tickets, so a
// run whose tickets did not all come out is not reported as a pass.
func (r *realKiosk) waitPrinted(n int) {
	r.t.Helper()
	sim := r.set.Sims().Printer
	if sim == nil {
		r.t.Fatal("no printer simulator")
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := sim.Printed()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("printer simulator rendered %d tickets, want %d", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// simRetained estimates the heap the printer simulator holds on purpose:
// every byte it received and every ticket it printed, raw, decoded and as
// text (printersim.Sim keeps them all for its tests and the demo). It
// rebuilds the same data and measures the live heap it takes.
func (r *realKiosk) simRetained() uint64 {
	r.t.Helper()
	sim := r.set.Sims().Printer
	if sim == nil {
		return 0
	}
	tickets := sim.Tickets()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	received := sim.Received()
	kept := make([]printersim.Ticket, len(tickets))
	for i, t := range tickets {
		kept[i].Data = bytes.Clone(t.Data)
		kept[i].Doc, _ = escpos.Decode(kept[i].Data)
		kept[i].Text = kept[i].Doc.Text()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(received)
	runtime.KeepAlive(kept)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

// sampleMemory returns VmRSS, the live Go heap and what the Go runtime holds
// from the OS (heap, stacks, its own structures) after a full GC that also
// returns free pages to the OS.
func sampleMemory(tb testing.TB) (rss, heap, heapInuse, goMapped, stack uint64) {
	tb.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return procStatus(tb, "VmRSS"), ms.HeapAlloc, ms.HeapInuse, ms.Sys - ms.HeapReleased, ms.StackInuse
}

// procStatus reads a size field of /proc/self/status (VmRSS, RssAnon,
// RssFile …) in bytes.
func procStatus(tb testing.TB, field string) uint64 {
	tb.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, field+":") {
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(line, field+":"))
		if len(fields) != 2 || fields[1] != "kB" {
			tb.Fatalf("unexpected %s line %q", field, line)
		}
		kb, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil {
			tb.Fatalf("%s: %v", field, err)
		}
		return kb << 10
	}
	tb.Fatalf("no %s in /proc/self/status", field)
	return 0
}
