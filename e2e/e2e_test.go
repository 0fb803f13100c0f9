//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
)

// Where things are on the 1280×800 kiosk window (the simulator control is
// moved to x = 1285 beside it). Taken from the screens at that size; if a
// layout changes, the screenshots that the test leaves on failure show
// where the taps went.
var tap = map[string][2]int{
	"home.ticket":  {228, 330},
	"home.checkin": {640, 330},
	"dept.shebao":  {486, 350},
	"svc.first":    {178, 350},
	"svc.second":   {482, 350},
	"card.skip":    {894, 466},
	"done":         {1206, 156},
	"checkin.card": {219, 494},
	"sim.place":    {1461, 109},
	// The search (找事项 beside the greeting): its letter keys, and the
	// first result in the column at the left.
	"home.search":  {1048, 164},
	"key.S":        {1089, 584},
	"key.B":        {874, 358},
	"key.K":        {1017, 471},
	"search.first": {385, 270},
}

type desk struct {
	t       testing.TB
	display string
	dir     string
	shots   int
	// kiosk is the kiosk's process, which names the screens it builds.
	kiosk *proc
}

func (d *desk) xdo(args ...string) {
	d.t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+d.display)
	if out, err := cmd.CombinedOutput(); err != nil {
		d.t.Fatalf("xdotool %v: %v %s", args, err, out)
	}
}

func (d *desk) tap(name string) {
	d.t.Helper()
	p, ok := tap[name]
	if !ok {
		d.t.Fatalf("no position for %q", name)
	}
	d.xdo("mousemove", fmt.Sprint(p[0]), fmt.Sprint(p[1]), "sleep", "0.2", "click", "1")
	// Let the frame after the tap be drawn before the next one.
	time.Sleep(1200 * time.Millisecond)
}

func (d *desk) screenshot(name string) string {
	d.shots++
	path := filepath.Join(d.dir, fmt.Sprintf("%02d-%s.png", d.shots, name))
	cmd := exec.Command("import", "-window", "root", path)
	cmd.Env = append(os.Environ(), "DISPLAY="+d.display)
	cmd.Run()
	return path
}

// waitFile waits for path to exist with content, while the kiosk works.
func (d *desk) waitFile(path string, limit time.Duration) string {
	d.t.Helper()
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	shot := d.screenshot("timeout")
	d.t.Fatalf("%s did not appear within %s; the screen is in %s", path, limit, shot)
	return ""
}

// freeDisplay is the first display number from 80 without a running X
// server. A lock file whose server is gone (one killed outright) counts as
// free: X servers take such a stale lock over themselves.
func freeDisplay() string {
	for n := 80; n < 200; n++ {
		b, err := os.ReadFile(fmt.Sprintf("/tmp/.X%d-lock", n))
		if os.IsNotExist(err) {
			return fmt.Sprintf(":%d", n)
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && syscall.Kill(pid, 0) == syscall.ESRCH {
			return fmt.Sprintf(":%d", n)
		}
	}
	return ":199"
}

// shutdown ends the X server the way its unit would (SIGTERM, which
// removes its lock file and socket), and kills it if it does not stop.
func (x *xvfb) shutdown() {
	x.cmd.Process.Signal(syscall.SIGTERM)
	stopped := make(chan struct{})
	go func() {
		if x.exited != nil {
			<-x.exited
		} else {
			x.cmd.Wait()
		}
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		x.cmd.Process.Kill()
		<-stopped
	}
}

// openDesk starts the kiosk on an Xvfb of its own with a fresh data
// folder, which E2E_SHOTS (its sub-folder sub) keeps with the screenshots;
// stop ends the kiosk once, and the test's end does if it has not.
func openDesk(t *testing.T, bin, sub string) (d *desk, data string, stop func() error) {
	t.Helper()
	data = filepath.Join(t.TempDir(), "data")
	shots := t.TempDir()
	if keep := os.Getenv("E2E_SHOTS"); keep != "" {
		shots = filepath.Join(keep, sub)
		data = filepath.Join(shots, "data")
		os.MkdirAll(shots, 0o755)
	}
	d, _, end := startKiosk(t, bin, data)
	d.dir = shots
	var once sync.Once
	var err error
	stop = func() error { once.Do(func() { err = end() }); return err }
	t.Cleanup(func() { stop() })
	return d, data, stop
}

func TestTicketAndCheckInThroughTheRealWindow(t *testing.T) {
	bin := os.Getenv("KIOSK_BIN")
	if bin == "" {
		t.Fatal("KIOSK_BIN must name the kiosk binary (make smoke sets it)")
	}
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (scripts/deps.sh test installs it): %v", tool, err)
		}
	}
	d, data, stop := openDesk(t, bin, "")
	d.screenshot("home")

	// 取号: 社会保险 → the first service → no ID card → ticket.
	d.tap("home.ticket")
	d.tap("dept.shebao")
	d.tap("svc.first")
	d.screenshot("card-step")
	d.tap("card.skip")
	first := d.waitFile(filepath.Join(data, "printed", "ticket-0001.txt"), 20*time.Second)
	d.screenshot("ticket-done")
	num := regexp.MustCompile(`(?m)^\s*([A-Z]\d{3}|[A-Z]\d{2}-\d{3})\s*$`).FindStringSubmatch(first)
	if num == nil {
		t.Fatalf("printed ticket has no queue number:\n%s", first)
	}
	if !strings.Contains(first, "排队取号凭条") || !strings.Contains(first, "请备齐以下材料") {
		t.Fatalf("printed ticket lacks its title or checklist:\n%s", first)
	}
	d.tap("done")

	// 预约签到 by ID card: 王喆 has an appointment booked around now.
	d.tap("home.checkin")
	d.tap("checkin.card")
	d.tap("sim.place")
	second := d.waitFile(filepath.Join(data, "printed", "ticket-0002.txt"), 20*time.Second)
	d.screenshot("checkin-done")
	if !strings.Contains(second, "预约优先") || !strings.Contains(second, "110101********001X") {
		t.Fatalf("check-in ticket is not a masked priority ticket:\n%s", second)
	}
	num2 := regexp.MustCompile(`(?m)^\s*(G\d{3})\s*$`).FindStringSubmatch(second)
	if num2 == nil {
		t.Fatalf("check-in ticket has no 社保卡 (G) number:\n%s", second)
	}

	// The records reach the back office: wait for the sync, then stop the
	// kiosk (SIGTERM must end it cleanly) and read the back office's store.
	time.Sleep(3 * time.Second)
	if err := stop(); err != nil {
		t.Fatalf("kiosk exit after SIGTERM: %v", err)
	}
	recs := syncedRecords(t, data)
	var tickets, checkins []string
	for _, r := range recs {
		switch r.Kind {
		case api.KindTicketIssued:
			var p api.TicketIssued
			json.Unmarshal(r.Payload, &p)
			tickets = append(tickets, p.Number)
		case api.KindCheckIn:
			var p api.CheckIn
			json.Unmarshal(r.Payload, &p)
			checkins = append(checkins, p.Number)
		}
	}
	if !contains(tickets, num[1]) {
		t.Errorf("back office tickets %v lack %s", tickets, num[1])
	}
	if !contains(checkins, num2[1]) {
		t.Errorf("back office check-ins %v lack %s", checkins, num2[1])
	}
	for i, r := range recs {
		if r.Seq != int64(i+1) {
			t.Fatalf("back office holds seq %d at position %d: a gap or a duplicate", r.Seq, i)
		}
	}
}

// syncedRecords reads the records of kiosk K01 from the store of the back
// office the stopped kiosk ran beside.
func syncedRecords(t *testing.T, data string) []api.Record {
	t.Helper()
	bo, err := backoffice.Open(backoffice.Options{DBPath: filepath.Join(data, "backoffice.db"), Tokens: map[string]string{"e2e": "K01"}})
	if err != nil {
		t.Fatal(err)
	}
	defer bo.Close()
	recs, err := bo.Records("K01")
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// TestSearchToTicketThroughTheRealWindow: 找事项, S B K on the letter
// keypad, the one result (社会保障卡申领、补领、换领, which needs the ID
// card), 王喆's card on the reader: the printer simulator cuts a 社保卡
// ticket with the masked ID, and the back office holds it. From the last
// letter to the ticket the citizen taps the kiosk once and places the card.
func TestSearchToTicketThroughTheRealWindow(t *testing.T) {
	bin := os.Getenv("KIOSK_BIN")
	if bin == "" {
		t.Fatal("KIOSK_BIN must name the kiosk binary (make smoke sets it)")
	}
	d, data, stop := openDesk(t, bin, "search")
	d.tap("home.search")
	for _, k := range []string{"key.S", "key.B", "key.K"} {
		d.tap(k)
	}
	d.screenshot("search-sbk")
	// The taps went to S, B and K: the search shows the 社保卡 service
	// alone, before its result is tapped.
	d.kiosk.waitScreen(t, "ticket/search sb-card")
	taps := 0
	d.tap("search.first")
	taps++
	d.screenshot("card-step")
	d.tap("sim.place") // the card on the reader, in the simulator's window
	tk := d.waitFile(filepath.Join(data, "printed", "ticket-0001.txt"), 20*time.Second)
	d.screenshot("ticket-done")
	if _, err := os.Stat(filepath.Join(data, "printed", "ticket-0001.png")); err != nil {
		t.Errorf("the printer simulator rendered no PNG: %v", err)
	}
	num := regexp.MustCompile(`(?m)^\s*(G\d{3})\s*$`).FindStringSubmatch(tk)
	if num == nil || !strings.Contains(tk, "社会保障卡申领") || !strings.Contains(tk, "110101********001X") {
		t.Fatalf("printed ticket is not a 社保卡 (G) ticket with the masked ID:\n%s", tk)
	}
	t.Logf("from the last letter to the printed ticket: %d tap on the kiosk and the ID card on the reader", taps)

	time.Sleep(3 * time.Second) // the sync
	if err := stop(); err != nil {
		t.Fatalf("kiosk exit after SIGTERM: %v", err)
	}
	recs := syncedRecords(t, data)
	var got []string
	for _, r := range recs {
		if r.Kind == api.KindTicketIssued {
			var p api.TicketIssued
			json.Unmarshal(r.Payload, &p)
			got = append(got, p.ServiceID+" "+p.Number)
		}
	}
	if want := "sb-card " + num[1]; !contains(got, want) {
		t.Errorf("back office tickets %v lack %s", got, want)
	}
}
