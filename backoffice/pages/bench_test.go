package pages_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
)

// loadHall is a back office on a real loopback listener with the
// production HTTP server settings, 20 kiosk tokens and an admin token.
type loadHall struct {
	bo     *backoffice.Server
	url    string
	dbPath string
	client *http.Client
	stop   func()
}

func startLoadHall(b *testing.B) *loadHall {
	b.Helper()
	tokens := map[string]string{}
	for i := 1; i <= 20; i++ {
		tokens[fmt.Sprintf("tok-k%02d", i)] = fmt.Sprintf("K%02d", i)
	}
	dbPath := filepath.Join(b.TempDir(), "bo.db")
	bo, err := backoffice.Open(backoffice.Options{
		DBPath: dbPath, Tokens: tokens,
		Principals: map[string]backoffice.Principal{adminTok: {Role: backoffice.RoleAdmin, Name: "ops"}},
		Clock:      clock.NewFake(monday10), IgnoreHours: true, Logger: slog.New(slog.DiscardHandler),
		// The 2,000 pages' tickets are taken in one go on a fake clock,
		// far past a kiosk token's flood limit.
		TicketsPerMinute: 1_000_000,
	})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		bo.Serve(ctx, ln, backoffice.ListenConfig{ShutdownTimeout: time.Second})
		close(done)
	}()
	h := &loadHall{bo: bo, url: "http://" + ln.Addr().String(), dbPath: dbPath,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			cancel()
			<-done
			bo.Close()
		})
	}
	return h
}

func (h *loadHall) post(path, token string, body any, out any) error {
	var buf bytes.Buffer
	if body != nil {
		json.NewEncoder(&buf).Encode(body)
	}
	req, _ := http.NewRequest("POST", h.url+path, &buf)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		var eb api.ErrorBody
		json.NewDecoder(resp.Body).Decode(&eb)
		return fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, eb.Error.Code)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}

// dayTickets counts the tickets of the benchmark's day in the stopped back
// office's database.
func (h *loadHall) dayTickets(b *testing.B) int {
	db, err := sql.Open("sqlite3", h.dbPath)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM tickets WHERE business_date = '2026-11-30' AND status <> 'void'`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// page is one open ticket page: its ticket and when each view arrived.
type page struct {
	service string
	ahead   int // people ahead when the page opened
	mu      sync.Mutex
	seen    map[int]time.Time // people ahead → first arrival; -1 = called
}

// open reads the page's event stream until ctx ends.
func (p *page) open(ctx context.Context, client *http.Client, url string, ready *sync.WaitGroup) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := client.Do(req)
	if err != nil {
		ready.Done()
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	first := true
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		now := time.Now()
		var v api.TicketView
		if json.Unmarshal([]byte(line), &v) != nil {
			continue
		}
		if first {
			first = false
			ready.Done()
		}
		key := v.PeopleAhead
		switch v.Status {
		case api.TicketStatusCalled:
			key = -1
		case api.TicketStatusWaiting:
		default:
			continue
		}
		p.mu.Lock()
		if _, dup := p.seen[key]; !dup {
			p.seen[key] = now
		}
		p.mu.Unlock()
	}
	return nil
}

// loadResult is what one run measured.
type loadResult struct {
	p50, p99, max  time.Duration // call → updated page, every page a call changed
	calledP99      time.Duration // call → the called ticket's page says "called"
	samples, calls int
	records        int // records the kiosks synced meanwhile
	syncSeconds    float64
	dayTickets     int // the day's tickets at the end: the pages' and the kiosks' offline ones
}

// runLoad opens pages ticket pages (spread over four services), lets
// kiosks kiosks sync records without pause (offline tickets, ratings,
// suggestions, technician actions: benchRecord), and has counters
// call calls tickets one after another; it measures each call to every
// page it changed.
func runLoad(b *testing.B, pages, kiosks, calls int) loadResult {
	h := startLoadHall(b)
	defer h.stop()
	services := []string{"qykb-setup", "sb-enroll", "gjj-withdraw", "hj-idcard"}
	all := make([]*page, 0, pages)
	tokens := make([]string, 0, pages)
	ahead := map[string]int{}
	for i := 0; i < pages; i++ {
		svc := services[i%len(services)]
		tok := fmt.Sprintf("%022d", i)
		tok = "p" + tok[1:]
		var r api.TicketResponse
		if err := h.post("/v1/tickets", "tok-k01", api.TicketRequest{RecordID: benchUUID(i), KioskID: "K01", ServiceID: svc, PageToken: tok}, &r); err != nil {
			b.Fatal(err)
		}
		all = append(all, &page{service: svc, ahead: ahead[svc], seen: map[int]time.Time{}})
		ahead[svc]++
		tokens = append(tokens, tok)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	streams := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: pages + 10}}
	var ready, readers sync.WaitGroup
	ready.Add(pages)
	for i, p := range all {
		readers.Add(1)
		go func() {
			defer readers.Done()
			p.open(ctx, streams, h.url+"/t/"+tokens[i]+"/events", &ready)
		}()
	}
	ready.Wait()

	// The kiosks sync while the counters call. Each syncs its day's
	// offline tickets (offlinePerKiosk) spread over the calls, so the day
	// grows while the pages are measured, and ratings, suggestions and
	// technician actions without pause.
	var syncers sync.WaitGroup
	var recMu sync.Mutex
	records := 0
	syncCtx, stopSync := context.WithCancel(context.Background())
	syncStart := time.Now()
	spread := time.Duration(calls) * 100 * time.Millisecond
	for k := 1; k <= kiosks; k++ {
		syncers.Add(1)
		go func() {
			defer syncers.Done()
			kiosk, tok := fmt.Sprintf("K%02d", k), fmt.Sprintf("tok-k%02d", k)
			issued := 0 // offline tickets this kiosk has sent
			for seq := int64(1); syncCtx.Err() == nil; {
				due := min(offlinePerKiosk, 1+int(offlinePerKiosk*time.Since(syncStart).Seconds()/spread.Seconds()))
				recs := make([]api.Record, 100)
				for i := range recs {
					recs[i] = benchRecord(k, seq, &issued, due)
					seq++
				}
				var resp api.SyncResponse
				if err := h.post("/v1/sync", tok, api.SyncRequest{KioskID: kiosk, SentAt: monday10, Records: recs}, &resp); err != nil {
					if syncCtx.Err() == nil {
						b.Error(err)
					}
					return
				}
				for _, r := range resp.Results {
					if r.Status != api.StatusCreated {
						b.Errorf("kiosk %s: record %d %s: %s", kiosk, r.Seq, r.Status, r.Reason)
						return
					}
				}
				recMu.Lock()
				records += len(recs)
				recMu.Unlock()
			}
		}()
	}

	calledAt := map[string][]time.Time{} // per service, the time of its 1st, 2nd … call
	var calledTicket []struct {
		p  *page
		at time.Time
	}
	byNumber := map[string]int{}
	for i := range all {
		byNumber[fmt.Sprintf("%s#%d", all[i].service, all[i].ahead)] = i
	}
	for c, made := 0, 0; made < calls; c++ {
		// Every counter in turn; one that serves none of the open pages'
		// services answers queue_empty and changes nothing.
		counter := fmt.Sprint(c%20 + 1)
		t0 := time.Now()
		var res api.CallResult
		if err := h.post("/v1/counters/"+counter+"/call-next", adminTok, nil, &res); err != nil {
			if strings.Contains(err.Error(), "queue_empty") && c < 20*calls {
				continue
			}
			b.Fatal(err)
		}
		made++
		n := len(calledAt[res.ServiceID])
		calledAt[res.ServiceID] = append(calledAt[res.ServiceID], t0)
		if i, ok := byNumber[fmt.Sprintf("%s#%d", res.ServiceID, n)]; ok {
			calledTicket = append(calledTicket, struct {
				p  *page
				at time.Time
			}{all[i], t0})
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Let the last updates arrive, then stop everything.
	time.Sleep(2 * time.Second)
	stopSync()
	syncers.Wait()
	syncSecs := time.Since(syncStart).Seconds()
	cancel()
	readers.Wait()
	h.stop()
	dayTickets := h.dayTickets(b)

	var lat, called []time.Duration
	for _, p := range all {
		p.mu.Lock()
		for k, at := range calledAt[p.service] {
			// The (k+1)th call of the service left p.ahead-k-1 ahead, or
			// called p itself.
			want := p.ahead - k - 1
			if want < -1 {
				break
			}
			// Two calls close together may reach a page as one update:
			// the first view at or past want answers both.
			var got time.Time
			ok := false
			for ahead, t := range p.seen {
				if ahead <= want && (!ok || t.Before(got)) {
					got, ok = t, true
				}
			}
			if !ok {
				b.Errorf("a page of %s never showed %d ahead after call %d", p.service, want, k+1)
				continue
			}
			lat = append(lat, got.Sub(at))
		}
		p.mu.Unlock()
	}
	for _, c := range calledTicket {
		c.p.mu.Lock()
		if at, ok := c.p.seen[-1]; ok {
			called = append(called, at.Sub(c.at))
		}
		c.p.mu.Unlock()
	}
	slices.Sort(lat)
	slices.Sort(called)
	pct := func(d []time.Duration, q float64) time.Duration {
		if len(d) == 0 {
			return 0
		}
		return d[min(len(d)-1, int(q*float64(len(d))))]
	}
	return loadResult{p50: pct(lat, .5), p99: pct(lat, .99), max: pct(lat, 1), calledP99: pct(called, .99),
		samples: len(lat), calls: calls, records: records, syncSeconds: syncSecs, dayTickets: dayTickets}
}

func benchUUID(i int) string {
	return fmt.Sprintf("01900000-0000-7000-8000-%012d", i)
}

// benchServices are the services of the kiosks' offline tickets: the four
// of the open pages and two others.
var benchServices = []struct{ id, prefix string }{
	{"qykb-setup", "A"}, {"sb-enroll", "D"}, {"gjj-withdraw", "L"}, {"hj-idcard", "S"}, {"sb-card", "G"}, {"bdc-transfer", "P"},
}

// offlinePerKiosk is how many tickets each kiosk numbers offline in the
// benchmark's day: 300 a kiosk, 6,000 for the 20, 50 in each of a kiosk's
// six series. With the pages' 2,000 the day holds 8,000 tickets, more than
// a busy hall issues (a few thousand) and far inside what the numbering
// allows (999 a series a day).
const offlinePerKiosk = 300

// benchRecord is a kiosk's record seq as a busy hall's kiosk sends them:
// of every ten, four tickets it numbered offline (its own series, a page
// token each, issued after the open pages' tickets so they join the queues
// behind them), three ratings, two suggestions and a technician action.
// *issued counts the kiosk's tickets so far; once it reaches due, the
// tickets' places go to ratings.
func benchRecord(kiosk int, seq int64, issued *int, due int) api.Record {
	var kind string
	var payload any
	at := monday10.Add(time.Hour + time.Duration(seq)*time.Millisecond)
	slot := seq % 10
	if (slot == 0 || slot == 3 || slot == 6 || slot == 8) && *issued >= due {
		slot = 1
	}
	switch slot {
	case 0, 3, 6, 8:
		n := int64(*issued) // the kiosk's nth ticket
		*issued++
		svc := benchServices[n%int64(len(benchServices))]
		kind = api.KindTicketIssued
		payload = api.TicketIssued{Number: fmt.Sprintf("%s%02d-%03d", svc.prefix, kiosk, n/int64(len(benchServices))+1),
			ServiceID: svc.id, BusinessDate: "2026-11-30", IssuedAt: at, Offline: true,
			PageToken: fmt.Sprintf("k%02d%019d", kiosk, seq)}
	case 1, 4, 7:
		kind = api.KindRating
		payload = api.Rating{TicketNumber: fmt.Sprintf("A%03d", seq%500+1), BusinessDate: "2026-11-30", ServiceID: "qykb-setup",
			Overall: int(seq%5) + 1, Indicators: map[string]int{"efficiency": 5, "skill": 4, "attitude": 5}, At: at}
	case 2, 5:
		kind = api.KindSuggestion
		payload = api.Suggestion{Category: "环境", Reasons: []string{"座椅不足"}, At: at}
	default:
		kind = api.KindTechnicianAction
		payload = api.TechnicianAction{Action: "printer.test", At: at}
	}
	b, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	return api.Record{ID: fmt.Sprintf("01900000-%04d-7000-8000-%012d", kiosk, seq), Seq: seq, Kind: kind,
		OccurredAt: at, Payload: b, PayloadSHA256: sha256Hex(b)}
}

// raiseFileLimit lets one process hold both ends of 2,000 connections.
func raiseFileLimit(b *testing.B) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		b.Fatal(err)
	}
	if l.Cur < 8192 && l.Max > l.Cur {
		l.Cur = min(l.Max, 16384)
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTicketPagesUnderLoad: one back office on loopback serves 2,000
// open ticket pages (event streams) while 20 kiosks sync without pause and
// the counters call 120 tickets; it reports the p99 from a call to each
// page it changed (goal ≤ 1 s), and the same measured with one open page
// and no kiosks (the anchor) as a ratio.
func BenchmarkTicketPagesUnderLoad(b *testing.B) {
	raiseFileLimit(b)
	for b.Loop() {
		anchor := runLoad(b, 8, 0, 4)
		r := runLoad(b, 2000, 20, 120)
		b.ReportMetric(float64(r.p99.Microseconds())/1000, "p99-call-to-page-ms")
		b.ReportMetric(float64(r.p50.Microseconds())/1000, "p50-call-to-page-ms")
		b.ReportMetric(float64(r.max.Microseconds())/1000, "max-call-to-page-ms")
		b.ReportMetric(float64(r.calledP99.Microseconds())/1000, "p99-call-to-called-page-ms")
		b.ReportMetric(float64(anchor.p99.Microseconds())/1000, "anchor-p99-ms")
		b.ReportMetric(float64(r.p99)/float64(max(anchor.p99, time.Microsecond)), "p99/anchor")
		b.ReportMetric(float64(r.records)/r.syncSeconds, "synced-records/s")
		b.ReportMetric(float64(r.samples), "page-updates")
		b.ReportMetric(float64(r.dayTickets), "day-tickets")
		b.Logf("2,000 pages, 20 kiosks: p50 %v p99 %v max %v (called page p99 %v) over %d page updates of %d calls; anchor p99 %v; %d records synced; %d tickets in the day",
			r.p50, r.p99, r.max, r.calledP99, r.samples, r.calls, anchor.p99, r.records, r.dayTickets)
		if r.p99 > time.Second {
			b.Errorf("p99 from a call to the updated page %v, goal ≤ 1 s", r.p99)
		}
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
