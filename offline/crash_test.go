package offline

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/internal/testexec"
)

// crashChildEnv names the database a re-executed test binary writes to as
// the crash test's child (docs/offline-sync.md §3.1: re-exec, as os/exec's own
// tests do).
const crashChildEnv = "OFFLINE_CRASH_CHILD_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		os.Exit(crashChild(path))
	}
	os.Exit(m.Run())
}

// crashChild commits records through the real Store API in a loop until it
// is killed. A ticket's id, seq and number are printed only after
// IssueTicket has returned, i.e. after COMMIT: each printed line is a
// promise the parent checks. Every line is one write(2), so a kill never
// leaves half a line.
func crashChild(path string) int {
	cat, err := catalogJSON()
	if err != nil {
		fmt.Println("E", err)
		return 3
	}
	s, err := Open(Options{Path: path, KioskID: testKioskID, KioskNumber: 7, Location: hall,
		Logger: discardLogger(), SeedCatalog: cat})
	if err != nil {
		fmt.Println("E open:", err)
		return 3
	}
	fmt.Println("ready")
	ctx := context.Background()
	var last *Ticket
	for i := 0; ; i++ {
		switch i % 4 {
		case 0, 1:
			tk, err := s.IssueTicket(ctx, TicketRequest{ServiceID: "svc-a"})
			if err != nil {
				fmt.Println("E ticket:", err)
				return 3
			}
			last = tk
			os.Stdout.WriteString(fmt.Sprintf("T %d %s %s %s\n", tk.Seq, tk.RecordID, tk.Number, tk.BusinessDate))
		case 2:
			if err := s.RecordPrintFailure(ctx, last, "paper end"); err != nil {
				fmt.Println("E print failure:", err)
				return 3
			}
		case 3:
			if err := s.RecordRating(ctx, api.Rating{Overall: 1 + i%5, Phone: "13900000000"}); err != nil {
				fmt.Println("E rating:", err)
				return 3
			}
		}
	}
}

type promise struct {
	seq          int64
	number, date string
}

// TestCrashKillLoop is the acceptance test for atomicity: SIGKILL a child
// that commits records at random moments, ≥ 200 times (SOAK_KILLS for make
// soak), then check that every record the child reported is there, seqs
// have no gap, business rows match outbox rows, the file is intact — and
// that a real back office ends up with each record exactly once.
//
// It proves atomicity and recovery, not power-loss durability: the page
// cache survives a process kill (docs/offline-sync.md §0.6, §3.2).
func TestCrashKillLoop(t *testing.T) {
	kills := 200
	if v := os.Getenv("SOAK_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SOAK_KILLS=%q", v)
		}
		kills = n
	}
	if testing.Short() {
		kills = 20
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 7))
	t.Logf("%d kills, seed %d", kills, seed)
	path := testOptions(t, nil).Path
	promised := map[string]promise{}
	var duringOpen int
	start := time.Now()
	for i := 0; i < kills; i++ {
		lines, ready := runAndKill(t, path, rng)
		if !ready {
			duringOpen++
		}
		for _, l := range lines {
			f := strings.Fields(l)
			switch {
			case len(f) > 0 && f[0] == "E":
				t.Fatalf("child failed: %s", l)
			case len(f) == 5 && f[0] == "T":
				seq, _ := strconv.ParseInt(f[1], 10, 64)
				promised[f[2]] = promise{seq, f[3], f[4]}
			}
		}
	}
	elapsed := time.Since(start)
	t.Logf("%d kills in %v (%.0f ms/cycle, %d during Open), %d tickets promised",
		kills, elapsed.Round(time.Millisecond), float64(elapsed.Milliseconds())/float64(kills), duringOpen, len(promised))
	if len(promised) == 0 {
		t.Fatal("the child never committed anything")
	}

	bo := newBackOffice(t)
	o := testOptions(t, nil)
	o.Path = path
	o.SeedCatalog = testCatalog(t)
	o.Client = newTestClient(t, bo.url, nil)
	s := openStore(t, o)
	ctx := context.Background()
	if h := s.Health(ctx); !h.IntegrityOK {
		t.Fatalf("integrity_check after %d kills: %s", kills, h.IntegrityCheck)
	}
	total := queryInt(t, s, `SELECT count(*) FROM outbox`)
	if lo, hi := queryInt(t, s, `SELECT min(seq) FROM outbox`), queryInt(t, s, `SELECT max(seq) FROM outbox`); lo != 1 || hi != total {
		t.Errorf("seqs %d..%d for %d records: a gap", lo, hi, total)
	}
	for id, p := range promised {
		var seq int64
		var number, date string
		err := s.db.QueryRow(`SELECT o.seq, t.number, t.business_date FROM outbox o JOIN tickets t ON t.record_id = o.id
			WHERE o.id = ?`, id).Scan(&seq, &number, &date)
		if err != nil || seq != p.seq || number != p.number || date != p.date {
			t.Errorf("promised ticket %s (seq %d, %s) lost or changed: seq %d %s, %v", id, p.seq, p.number, seq, number, err)
		}
	}
	for kind, table := range map[string]string{
		api.KindTicketIssued:    "tickets",
		api.KindTicketPrintFail: "print_failures",
		api.KindRating:          "ratings",
	} {
		records := queryInt(t, s, `SELECT count(*) FROM outbox WHERE kind = ?`, kind)
		rows := queryInt(t, s, `SELECT count(*) FROM `+table)
		if records != rows {
			t.Errorf("%d %s records but %d %s rows", records, kind, rows, table)
		}
	}
	// The kiosk series is dense: every drawn number belongs to a ticket.
	rows, err := s.db.Query(`SELECT c.business_date, c.last, (SELECT count(*) FROM tickets t
		WHERE t.service_id = c.service_id AND t.business_date = c.business_date) FROM ticket_counters c`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var date string
		var last, n int
		rows.Scan(&date, &last, &n)
		if last != n {
			t.Errorf("%s: counter at %d but %d tickets", date, last, n)
		}
	}
	rows.Close()

	syncAll(t, s)
	recs, err := bo.srv.Records(testKioskID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		if seen[r.ID] {
			t.Errorf("back office holds %s twice", r.ID)
		}
		seen[r.ID] = true
	}
	if len(recs) != total || queryInt(t, s, `SELECT count(*) FROM outbox WHERE state = 'acknowledged'`) != total {
		t.Errorf("back office holds %d records, kiosk committed %d", len(recs), total)
	}
	for id := range promised {
		if !seen[id] {
			t.Errorf("promised ticket %s never reached the back office", id)
		}
	}
}

// runAndKill starts the child, lets it run a random while — sometimes from
// the start, so kills also land in Open and migrations, mostly after it is
// ready, so they land in commits — then SIGKILLs it and returns its lines.
func runAndKill(t *testing.T, path string, rng *rand.Rand) (lines []string, ready bool) {
	t.Helper()
	self := testexec.Self()
	cmd := exec.Command(self[0], append(self[1:], "-test.run=^$")...)
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	readyCh := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			l := sc.Text()
			if l == "ready" {
				close(readyCh)
				continue
			}
			lines = append(lines, l)
		}
	}()
	if rng.IntN(4) == 0 {
		time.Sleep(time.Duration(rng.IntN(15_000)) * time.Microsecond)
	} else {
		select {
		case <-readyCh:
		case <-done:
		}
		time.Sleep(time.Duration(rng.IntN(30_000)) * time.Microsecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	cmd.Wait()
	select {
	case <-readyCh:
		ready = true
	default:
	}
	return lines, ready
}
