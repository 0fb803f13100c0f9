package diag

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/config"
	"hallkiosk/devices"
	"hallkiosk/logs"
	"hallkiosk/offline"
)

const (
	testKioskID = "K07"
	testToken   = "token-K07"
)

// hall is the tests' time zone; t0 is a Monday, 10:00 in the hall.
var (
	hall = time.FixedZone("CST", 8*3600)
	t0   = time.Date(2026, 3, 2, 10, 0, 0, 0, hall)
)

// recorder is an Auditor that keeps what it is told, for tests that look at
// the audit trail without a store (the store's own audit path is tested
// through a real back office in TestAuditTrailReachesBackOffice).
type recorder struct {
	mu      sync.Mutex
	actions []api.TechnicianAction
}

func (r *recorder) RecordTechnicianAction(_ context.Context, a api.TechnicianAction) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.actions = append(r.actions, a)
	return nil
}

func (r *recorder) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, a := range r.actions {
		out = append(out, a.Action)
	}
	return out
}

func (r *recorder) has(action string) bool { return slices.Contains(r.names(), action) }

func (r *recorder) details(action string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, a := range r.actions {
		if a.Action == action {
			out = append(out, a.Detail)
		}
	}
	return out
}

// testConfig is a valid configuration with its data dir in a fresh
// temporary directory.
func testConfig(t testing.TB) config.Config {
	c := config.Default()
	c.KioskID = testKioskID
	c.KioskNumber = 7
	c.DataDir = t.TempDir()
	return c
}

// writeConfig saves c as the kiosk's configuration file and returns its path.
func writeConfig(t testing.TB, c config.Config) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kiosk.json")
	if err := config.Save(path, c); err != nil {
		t.Fatal(err)
	}
	return path
}

func openGate(t testing.TB, o Options) *Gate {
	t.Helper()
	if o.Logger == nil {
		o.Logger = logs.Discard()
	}
	g, err := Open(o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

// enter opens a session with pin, failing the test otherwise.
func enter(t testing.TB, g *Gate, pin string) *Session {
	t.Helper()
	s, err := g.Enter(context.Background(), pin)
	if err != nil {
		t.Fatalf("Enter(%q): %v", pin, err)
	}
	return s
}

// catalogJSON is a small hall open around the clock.
func catalogJSON(t testing.TB) []byte {
	allDay := []api.OpenHours{{Weekdays: []int{0, 1, 2, 3, 4, 5, 6}, Open: "00:00", Close: "24:00"}}
	c := api.Catalog{
		Version: "test-1",
		Hall: api.Hall{ID: "hall-1", Name: api.Text{Zh: "测试大厅", En: "Test hall"},
			Timezone: "Asia/Shanghai", OpenHours: allDay},
		Departments: []api.Department{{ID: "d1", Name: api.Text{Zh: "社保", En: "Social security"}}},
		Services: []api.Service{
			{ID: "svc-a", DepartmentID: "d1", Name: api.Text{Zh: "甲"}, Prefix: "A", AvgMinutes: 5},
			{ID: "svc-b", DepartmentID: "d1", Name: api.Text{Zh: "乙"}, Prefix: "B", AvgMinutes: 5},
		},
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hallEnv is a kiosk's real parts: a back office on loopback, the SQLite
// store syncing to it, the log with its files, and the device set on its
// simulators.
type hallEnv struct {
	clk   *clock.Fake // the store's and the back office's clock
	bo    *backoffice.Server
	http  *httptest.Server
	store *offline.Store
	log   *logs.Log
	set   *devices.Set
	cfg   config.Config
}

type envOptions struct {
	reject        func(api.Record) string
	maxRejections int
	onSync        func(offline.SyncEvent)
	noDevices     bool
	devices       config.Devices
}

func newHallEnv(t testing.TB, eo envOptions) *hallEnv {
	t.Helper()
	e := &hallEnv{clk: clock.NewFake(t0), cfg: testConfig(t)}
	bo, err := backoffice.Open(backoffice.Options{
		DBPath: filepath.Join(t.TempDir(), "backoffice.db"), Tokens: map[string]string{testToken: testKioskID},
		Catalog: catalogJSON(t), Clock: e.clk, Location: hall, Reject: eo.reject,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.bo = bo
	e.http = httptest.NewServer(bo.Handler())
	t.Cleanup(func() { e.http.Close(); bo.Close() })
	e.cfg.BackOffice = config.BackOffice{URL: e.http.URL, Token: testToken, AllowInsecureHTTP: true}

	e.log, err = logs.Open(logs.Options{Dir: filepath.Join(e.cfg.DataDir, "logs"), Level: slog.LevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.log.Close() })
	client, err := offline.NewClient(offline.ClientOptions{BaseURL: e.http.URL, AllowInsecureHTTP: true,
		Token: testToken, KioskID: testKioskID, Clock: e.clk, Logger: e.log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	e.store, err = offline.Open(offline.Options{
		Path: filepath.Join(e.cfg.DataDir, "kiosk.db"), KioskID: testKioskID, KioskNumber: 7,
		Location: hall, Clock: e.clk, Logger: e.log.Logger(), SeedCatalog: catalogJSON(t), Client: client,
		Sync: offline.SyncOptions{MaxRejections: eo.maxRejections, OnEvent: eo.onSync},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Close() })
	if !eo.noDevices {
		e.cfg.Devices = eo.devices
		if e.cfg.Devices == (config.Devices{}) {
			e.cfg.Devices = config.Default().Devices // every port empty: simulators
		}
		e.set, err = devices.Open(devices.Options{Config: e.cfg.Devices, DataDir: e.cfg.DataDir,
			Logger: e.log.Logger(), RetryOpen: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.set.Close() })
	}
	return e
}

// options wires a gate to the environment, with its own fake clock (the
// technician's lockout, idle timer and test waits).
func (e *hallEnv) options(t testing.TB, clk clock.Clock, configPath string) Options {
	return Options{ConfigPath: configPath, Config: e.cfg, Devices: e.set, Store: e.store, Log: e.log,
		Clock: clk, Logger: e.log.Logger(), Version: "test-1.0", BuildDate: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// configuredSession opens a gate on env with a configured PIN and enters it.
func (e *hallEnv) session(t testing.TB, clk clock.Clock) (*Gate, *Session) {
	t.Helper()
	e.cfg.Diag.PINHash = testHash()
	path := writeConfig(t, e.cfg)
	g := openGate(t, e.options(t, clk, path))
	return g, enter(t, g, testPIN)
}

// ctxT is a context that ends with the test, as a guard against hangs: no
// assertion depends on it.
func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls cond until it holds or the guard expires. It waits for
// another goroutine to reach a state (a scanner waiting for a code), never
// for time to pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func jsonOf(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
