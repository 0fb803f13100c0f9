//go:build e2e

package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"hallkiosk/assets"
	"hallkiosk/backoffice/api"
)

// The footprint benchmark measures what a hall gets: the real kiosk binary
// under Xvfb, its first frame timed from exec and its proportional set size
// (PSS, /proc/PID/smaps_rollup) after real taps through real ticket flows,
// against a Fyne hello world that the benchmark builds and measures in the
// same run. Two set-ups:
//
//   - production: a configuration file, the back office in a process of its
//     own (bin/backoffice), the devices' simulators in another (`kiosk sim`)
//     on pseudo-terminals, so the kiosk process is what runs in a hall;
//   - demo: `kiosk run` with no configuration, as `make run` starts it.
//
// FOOTPRINT_FLOWS (default 1000) sets the number of ticket flows; PSS is
// read at start, after flow 200 and after the last, and logged with its
// breakdown by mapping every FOOTPRINT_EVERY flows (default 100).
// FOOTPRINT_STARTS (default 7) sets how many starts the first-frame medians
// take; the hello world's, the production kiosk's and the demo's starts
// take turns.

// pss reads a process's proportional set size in bytes.
func pss(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "Pss:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no Pss line in smaps_rollup of %d", pid)
}

// proc is a started program whose stderr lines are followed.
type proc struct {
	cmd    *exec.Cmd
	lines  chan string
	exited chan error

	mu   sync.Mutex
	tail []string // the last lines on stderr, for a failed stop
}

// lastLines is what the process printed last on stderr.
func (p *proc) lastLines() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.tail, "\n")
}

// startProc starts cmd and returns once it has printed "kiosk: ready",
// with the time from exec to that line.
func startProc(tb testing.TB, cmd *exec.Cmd) (*proc, time.Duration) {
	tb.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	p := &proc{cmd: cmd, lines: make(chan string, 4096), exited: make(chan error, 1)}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	ready := make(chan time.Duration, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			if p.tail = append(p.tail, line); len(p.tail) > 20 {
				p.tail = p.tail[1:]
			}
			p.mu.Unlock()
			if !sent && strings.HasPrefix(line, "kiosk: ready") {
				ready <- time.Since(began)
				sent = true
			}
			if strings.HasPrefix(line, "kiosk: screen ") {
				select {
				case p.lines <- strings.TrimPrefix(line, "kiosk: screen "):
				default: // nobody follows the screens now
				}
			}
		}
	}()
	go func() { p.exited <- cmd.Wait() }()
	select {
	case took := <-ready:
		return p, took
	case err := <-p.exited:
		tb.Fatalf("%s exited before its first frame: %v", cmd.Path, err)
	case <-time.After(60 * time.Second):
		p.stop()
		tb.Fatalf("%s: no first frame within 60 s", cmd.Path)
	}
	return nil, 0
}

// stop sends SIGTERM and waits for the exit. The hello world has no
// handler for it, so being ended by the signal counts as a clean stop.
func (p *proc) stop() error {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM {
				return nil
			}
		}
		return err
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		return fmt.Errorf("%s did not stop within 30 s of SIGTERM", p.cmd.Path)
	}
}

// drain forgets the screens seen so far.
func (p *proc) drain() {
	for {
		select {
		case <-p.lines:
		default:
			return
		}
	}
}

// waitScreen waits until the kiosk builds the screen named want.
func (p *proc) waitScreen(tb testing.TB, want string) {
	tb.Helper()
	limit := time.After(20 * time.Second)
	var seen []string
	for {
		select {
		case name := <-p.lines:
			if name == want {
				return
			}
			seen = append(seen, name)
		case err := <-p.exited:
			tb.Fatalf("kiosk exited waiting for screen %s: %v", want, err)
		case <-limit:
			tb.Fatalf("screen %s did not come within 20 s; screens seen: %v", want, seen)
		}
	}
}

// xvfb is a private X display.
type xvfb struct {
	display string
	cmd     *exec.Cmd
	// exited, when set, is closed when the server has exited.
	exited <-chan struct{}
}

func startXvfb(tb testing.TB) *xvfb {
	tb.Helper()
	x := &xvfb{display: freeDisplay()}
	x.cmd = exec.Command("Xvfb", x.display, "-screen", "0", "1760x800x24", "-nolisten", "tcp")
	if err := x.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	sock := "/tmp/.X11-unix/X" + strings.TrimPrefix(x.display, ":")
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Cleanup(x.shutdown)
	return x
}

func (x *xvfb) env(extra ...string) []string {
	return append(append(os.Environ(), "DISPLAY="+x.display, "KIOSK_READY_STDERR=1", "LANG=zh_CN.UTF-8"), extra...)
}

// unitEnv is the Fyne settings of the kiosk's systemd unit
// (deploy/hallkiosk.service Environment=FYNE_…), which scripts/run.sh
// applies too: both set-ups run the kiosk as a hall and make run do.
func unitEnv(tb testing.TB) []string {
	b, err := os.ReadFile("../deploy/hallkiosk.service")
	if err != nil {
		tb.Fatal(err)
	}
	var env []string
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Environment=FYNE_"); ok {
			env = append(env, "FYNE_"+v)
		}
	}
	if len(env) == 0 {
		tb.Fatal("deploy/hallkiosk.service sets no FYNE_ environment")
	}
	return env
}

func (x *xvfb) tap(tb testing.TB, name string) {
	tb.Helper()
	pos, ok := tap[name]
	if !ok {
		tb.Fatalf("no position for %q", name)
	}
	cmd := exec.Command("xdotool", "mousemove", strconv.Itoa(pos[0]), strconv.Itoa(pos[1]), "click", "1")
	cmd.Env = x.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("xdotool: %v %s", err, out)
	}
}

// moveAside moves the window named name to the right of the kiosk's.
func (x *xvfb) moveAside(tb testing.TB, name string) {
	tb.Helper()
	for i := 0; i < 100; i++ {
		cmd := exec.Command("xdotool", "search", "--name", name)
		cmd.Env = x.env()
		out, _ := cmd.Output()
		if w := strings.Fields(string(out)); len(w) > 0 {
			mv := exec.Command("xdotool", "windowmove", w[0], "1285", "0")
			mv.Env = x.env()
			if b, err := mv.CombinedOutput(); err != nil {
				tb.Fatalf("xdotool windowmove: %v %s", err, b)
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatalf("no %s window", name)
}

// ticketFlow takes one ticket through the real window: 取号, 社会保险,
// a service, "no ID card", and back home from the number. Flows alternate
// between the department's first two services, so that a thousand of them
// stay inside each service's 999 numbers a day.
func ticketFlow(tb testing.TB, x *xvfb, k *proc, i int) {
	tb.Helper()
	svc := "svc.first"
	if i%2 == 1 {
		svc = "svc.second"
	}
	k.drain()
	x.tap(tb, "home.ticket")
	k.waitScreen(tb, "ticket/departments")
	x.tap(tb, "dept.shebao")
	k.waitScreen(tb, "ticket/services")
	x.tap(tb, svc)
	k.waitScreen(tb, "ticket/card")
	x.tap(tb, "card.skip")
	k.waitScreen(tb, "ticket/done")
	x.tap(tb, "done")
	k.waitScreen(tb, "home")
}

// footprint is one set-up's figures.
type footprint struct {
	firstFrame        time.Duration // median over the starts
	start, at200, end int64         // PSS in bytes
	flows             int
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// settle lets the process finish what the last tap started before its PSS
// is read: a kiosk at rest on its home screen, which gives memory back after
// two seconds there (cmd/kiosk restDelay).
const settle = 5 * time.Second

// atRest is how long the kiosk stands on its home screen before the PSS
// of a flow checkpoint is read: past its second release of memory, which
// follows Fyne's cache lifetime (10 s in the unit) by 12 s
// (cmd/kiosk restDelays), so the figure is what the kiosk holds between
// citizens, not what the last visit left in Fyne's caches.
const atRest = 27 * time.Second

// measureStarts starts each command n times, in turns (the first, the
// second, …, the first again), so that the load of a shared machine falls
// on each alike, and returns each one's median time to the first frame and
// its PSS 5 s after the first frame of its last start.
func measureStarts(tb testing.TB, n int, cmds ...func() *exec.Cmd) ([]time.Duration, []int64) {
	all := make([][]time.Duration, len(cmds))
	mems := make([]int64, len(cmds))
	for i := 0; i < n; i++ {
		for c, cmd := range cmds {
			p, took := startProc(tb, cmd())
			all[c] = append(all[c], took)
			if i == n-1 {
				time.Sleep(settle)
				m, err := pss(p.cmd.Process.Pid)
				if err != nil {
					tb.Fatal(err)
				}
				mems[c] = m
			}
			if err := p.stop(); err != nil {
				tb.Fatalf("stop: %v; its last lines on stderr:\n%s", err, p.lastLines())
			}
		}
	}
	medians := make([]time.Duration, len(cmds))
	for c := range all {
		medians[c] = median(all[c])
	}
	return medians, mems
}

// pssByMapping groups a process's PSS by what is mapped (/proc/PID/smaps):
// anonymous memory (the Go heap and stacks, and large C allocations such as
// Mesa's textures), the glibc heap, the executable's own pages, llvmpipe's
// libLLVM and Mesa's driver, the other shared libraries, and the rest.
func pssByMapping(pid int) (map[string]int64, error) {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	group := "other"
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			path := ""
			if len(f) >= 6 {
				path = strings.Join(f[5:], " ")
			}
			switch {
			case path == "":
				group = "anonymous"
			case path == "[heap]":
				group = "glibc heap"
			case path == exe:
				group = "executable"
			case strings.Contains(path, "libLLVM") || strings.Contains(path, "_dri.so") || strings.Contains(path, "libgallium"):
				group = "llvmpipe"
			case strings.Contains(path, ".so"):
				group = "other libraries"
			default:
				group = "other"
			}
			continue
		}
		if len(f) >= 2 && f[0] == "Pss:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("smaps of %d: %q: %w", pid, line, err)
			}
			out[group] += kb << 10
		}
	}
	return out, nil
}

// breakdown is pssByMapping as one log line, largest first.
func breakdown(pid int) string {
	m, err := pssByMapping(pid)
	if err != nil {
		return err.Error()
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return m[names[i]] > m[names[j]] })
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %.1f", k, mb(m[k]))
	}
	return strings.Join(parts, ", ") + " (MB)"
}

// runFlows starts the kiosk once more, reads its PSS at rest after its
// first frame, after flow 200 and after the last flow.
func runFlows(tb testing.TB, x *xvfb, flows int, cmd *exec.Cmd, demo bool, fp *footprint) {
	k, _ := startProc(tb, cmd)
	defer k.stop()
	// Xvfb has no window manager: the demo's simulator control opens over
	// the kiosk's window and is moved beside it, as make run does.
	if demo {
		x.moveAside(tb, "Simulators")
	}
	time.Sleep(atRest)
	read := func() int64 {
		m, err := pss(k.cmd.Process.Pid)
		if err != nil {
			tb.Fatal(err)
		}
		return m
	}
	fp.start = read()
	fp.flows = flows
	name := "production"
	if demo {
		name = "demo"
	}
	every := envInt("FOOTPRINT_EVERY", 100)
	tb.Logf("%s: PSS at start: %.1f MB: %s", name, mb(fp.start), breakdown(k.cmd.Process.Pid))
	for i := 1; i <= flows; i++ {
		ticketFlow(tb, x, k, i)
		if i == 200 || i == flows || i%every == 0 {
			time.Sleep(atRest)
			m := read()
			if i == 200 || (i == flows && flows < 200) {
				fp.at200 = m
			}
			if i == flows {
				fp.end = m
			}
			tb.Logf("%s: PSS after %d flows: %.1f MB: %s", name, i, mb(m), breakdown(k.cmd.Process.Pid))
		}
	}
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// productionSetup starts the back office and the simulators as processes
// of their own and writes the kiosk's configuration file; it returns the
// kiosk's command line.
//
// tweak, when given, changes the configuration before it is written.
func productionSetup(tb testing.TB, x *xvfb, kiosk, backoffice string, tweak ...func(cfg map[string]any)) func() *exec.Cmd {
	dir := tb.TempDir()
	var cat api.Catalog
	if err := json.Unmarshal(assets.SeedCatalog(), &cat); err != nil {
		tb.Fatal(err)
	}
	cat.OpenAllDay()
	catFile := filepath.Join(dir, "catalog.json")
	writeJSON(tb, catFile, cat)
	tokens := filepath.Join(dir, "tokens.json")
	writeJSON(tb, tokens, map[string]string{"footprint-token-0123456789": "K01"})
	os.Chmod(tokens, 0o600)
	boAddr := freeAddr(tb)
	bo := exec.Command(backoffice, "-listen", boAddr, "-db", filepath.Join(dir, "backoffice.db"),
		"-tokens", tokens, "-catalog", catFile, "-log-level", "warn",
		// The flows are scripted: faster than a printer, so faster than the
		// flood limit of a kiosk token.
		"-ticket-rate", "100000")
	bo.Stderr = os.Stderr
	if err := bo.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { bo.Process.Signal(syscall.SIGTERM); bo.Wait() })

	sim := exec.Command(kiosk, "sim", "--data-dir", filepath.Join(dir, "sim"))
	sim.Stderr = os.Stderr
	out, err := sim.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	simIn, _ := sim.StdinPipe()
	if err := sim.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { simIn.Close(); sim.Process.Signal(syscall.SIGTERM); sim.Wait() })
	var ready struct{ Printer, IDCard, Scanner string }
	if err := json.NewDecoder(out).Decode(&ready); err != nil {
		tb.Fatalf("kiosk sim: no ready line: %v", err)
	}
	waitTCP(tb, boAddr)

	cfg := map[string]any{
		"kiosk_id": "K01", "kiosk_number": 1, "data_dir": filepath.Join(dir, "kiosk"),
		"backoffice": map[string]any{"url": "http://" + boAddr, "token": "footprint-token-0123456789", "allow_insecure_http": true},
		"devices": map[string]any{
			"printer": map[string]any{"port": ready.Printer, "baud": 9600},
			"idcard":  map[string]any{"port": ready.IDCard, "baud": 115200},
			"scanner": map[string]any{"port": ready.Scanner, "baud": 9600},
		},
		"ui":   map[string]any{"fullscreen": false, "width": 1280, "height": 800},
		"diag": map[string]any{"health_addr": freeAddr(tb)},
	}
	for _, f := range tweak {
		f(cfg)
	}
	cfgFile := filepath.Join(dir, "kiosk.json")
	writeJSON(tb, cfgFile, cfg)
	return func() *exec.Cmd {
		c := exec.Command(kiosk, "run", "--config", cfgFile)
		c.Env = x.env(unitEnv(tb)...)
		return c
	}
}

func writeJSON(tb testing.TB, path string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

func freeAddr(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitTCP(tb testing.TB, addr string) {
	for i := 0; i < 300; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Fatalf("nothing listens on %s", addr)
}

// buildHello builds the Fyne hello world anchor with the kiosk's build tags
// (KIOSK_TAGS, which make bench passes from the Makefile).
func buildHello(tb testing.TB) string {
	out := filepath.Join(tb.TempDir(), "fynehello")
	cmd := exec.Command("go", "build", "-tags", os.Getenv("KIOSK_TAGS"), "-o", out, "./testdata/fynehello")
	cmd.Env = os.Environ()
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("building the hello world: %v\n%s", err, b)
	}
	return out
}

// BenchmarkFootprint: first frame and PSS of the real kiosk against a Fyne
// hello world, in production and demo set-ups (issue goals: production
// ≤ 180 MB after 1,000 flows and within 5 % of flow 200; demo ≤ 250 MB;
// first frame ≤ 1.5× the hello world's).
func BenchmarkFootprint(b *testing.B) {
	kiosk := os.Getenv("KIOSK_BIN")
	if kiosk == "" {
		b.Fatal("KIOSK_BIN must name the kiosk binary")
	}
	backoffice := filepath.Join(filepath.Dir(kiosk), "backoffice")
	if _, err := os.Stat(backoffice); err != nil {
		b.Fatalf("the back office binary is expected beside the kiosk: %v", err)
	}
	flows, starts := envInt("FOOTPRINT_FLOWS", 1000), envInt("FOOTPRINT_STARTS", 7)
	hello := buildHello(b)
	for i := 0; i < b.N; i++ {
		x := startXvfb(b)
		helloCmd := func() *exec.Cmd {
			c := exec.Command(hello)
			c.Env = x.env()
			return c
		}
		prodCmd := productionSetup(b, x, kiosk, backoffice)
		demoData := filepath.Join(b.TempDir(), "demo")
		demoCmd := func() *exec.Cmd {
			c := exec.Command(kiosk, "run", "--data-dir", demoData, "--window", "1280x800")
			c.Env = x.env(unitEnv(b)...)
			return c
		}
		frames, mems := measureStarts(b, starts, helloCmd, prodCmd, demoCmd)
		helloFrame, helloPSS := frames[0], mems[0]
		var prod, demo footprint
		prod.firstFrame, demo.firstFrame = frames[1], frames[2]
		runFlows(b, x, flows, prodCmd(), false, &prod)
		runFlows(b, x, flows, demoCmd(), true, &demo)

		b.Logf("hello world: first frame %v, PSS %.1f MB", helloFrame, mb(helloPSS))
		for _, s := range []struct {
			name string
			fp   footprint
		}{{"production", prod}, {"demo", demo}} {
			b.Logf("%s: first frame %v (%.2f× hello); PSS start %.1f MB (%.2f× hello), after 200 flows %.1f MB, after %d flows %.1f MB (%.3f× flow 200)",
				s.name, s.fp.firstFrame, float64(s.fp.firstFrame)/float64(helloFrame), mb(s.fp.start), float64(s.fp.start)/float64(helloPSS),
				mb(s.fp.at200), s.fp.flows, mb(s.fp.end), float64(s.fp.end)/float64(s.fp.at200))
		}
		b.ReportMetric(float64(helloFrame.Milliseconds()), "ms-hello-frame")
		b.ReportMetric(mb(helloPSS), "MB-hello-pss")
		b.ReportMetric(float64(prod.firstFrame.Milliseconds()), "ms-prod-frame")
		b.ReportMetric(float64(prod.firstFrame)/float64(helloFrame), "x-prod-frame/hello")
		b.ReportMetric(mb(prod.start), "MB-prod-pss-start")
		b.ReportMetric(mb(prod.at200), "MB-prod-pss-200")
		b.ReportMetric(mb(prod.end), "MB-prod-pss-end")
		b.ReportMetric(float64(prod.end)/float64(prod.at200), "x-prod-end/200")
		b.ReportMetric(float64(prod.end)/float64(helloPSS), "x-prod-end/hello")
		b.ReportMetric(float64(demo.firstFrame.Milliseconds()), "ms-demo-frame")
		b.ReportMetric(float64(demo.firstFrame)/float64(helloFrame), "x-demo-frame/hello")
		b.ReportMetric(mb(demo.start), "MB-demo-pss-start")
		b.ReportMetric(mb(demo.at200), "MB-demo-pss-200")
		b.ReportMetric(mb(demo.end), "MB-demo-pss-end")
		b.ReportMetric(float64(demo.end)/float64(demo.at200), "x-demo-end/200")
	}
}
