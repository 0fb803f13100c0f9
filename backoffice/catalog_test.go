package backoffice

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"hallkiosk/assets"
	"hallkiosk/backoffice/api"
)

// TestSeedCatalog holds the seed to what citizens need to read on the
// kiosk: every text in both languages, a full checklist, fee, time limit,
// legal basis and guide for every service, distinct ticket letters, and
// every counter 1–20 staffed.
func TestSeedCatalog(t *testing.T) {
	cat, err := parseCatalog(assets.SeedCatalog())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loadLocation(cat.Hall.Timezone); err != nil {
		t.Fatal(err)
	}
	walkTexts(t, reflect.ValueOf(cat.Catalog), "catalog")
	if len(cat.Departments) != 7 || len(cat.Services) < 18 {
		t.Fatalf("%d departments, %d services", len(cat.Departments), len(cat.Services))
	}
	perDept := map[string]int{}
	caps := 0
	for _, s := range cat.Services {
		perDept[s.DepartmentID]++
		if s.DailyCap > 0 {
			caps++
		}
		t.Run(s.ID, func(t *testing.T) {
			switch {
			case len(s.Materials) == 0:
				t.Error("no materials")
			case s.Fee.Zh == "" || s.TimeLimit.Zh == "" || !strings.Contains(s.LegalBasis.Zh, "《"):
				t.Error("fee, time limit or legal basis (《…》) missing")
			case !strings.HasPrefix(s.GuideURL, "https://zwfw.example.gov.cn/"):
				t.Errorf("guide URL %q", s.GuideURL)
			case s.GuideVersion == "" || s.GuideDate == "":
				t.Error("guide version or date missing")
			case s.AvgMinutes <= 0 || len(s.Counters) == 0:
				t.Error("no average time or counters")
			case s.CheckInEarlyMinutes != 30 || s.CheckInLateMinutes != 15:
				t.Error("check-in window")
			case strings.ContainsAny(s.Prefix, "IO"):
				t.Error("prefix I or O reads as 1 or 0 on a ticket")
			}
			if _, err := time.Parse(time.DateOnly, s.GuideDate); err != nil {
				t.Errorf("guide date: %v", err)
			}
			required := 0
			for _, m := range s.Materials {
				if m.Required {
					required++
				}
				if m.Original < 0 || m.Copies < 0 {
					t.Errorf("%s: negative counts", m.Name.Zh)
				}
			}
			if required == 0 {
				t.Error("no required material")
			}
		})
	}
	for _, d := range cat.Departments {
		if n := perDept[d.ID]; n < 2 || n > 4 {
			t.Errorf("department %s has %d services", d.ID, n)
		}
	}
	if caps < 2 {
		t.Errorf("%d services with a daily cap", caps)
	}
	for i := 1; i <= 20; i++ {
		if len(cat.counterSvcs[strconv.Itoa(i)]) == 0 {
			t.Errorf("counter %d serves nothing", i)
		}
	}
	idCard := map[string]bool{}
	for _, s := range cat.Services {
		idCard[s.DepartmentID] = idCard[s.DepartmentID] || s.RequiresIDCard
	}
	if !idCard["huji"] || !idCard["bdc"] {
		t.Errorf("户籍/出入境 and 不动产 must require the ID card somewhere: %v", idCard)
	}
}

// walkTexts fails on an api.Text with one language missing; a text empty
// in both is an optional field left out.
func walkTexts(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkTexts(t, v.Elem(), path)
		}
	case reflect.Struct:
		if txt, ok := v.Interface().(api.Text); ok {
			if (txt.Zh == "") != (txt.En == "") {
				t.Errorf("%s: %q / %q has one language only", path, txt.Zh, txt.En)
			}
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkTexts(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkTexts(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// TestSeedIDMaterialsForForeigners: a foreign national reading a checklist
// in English learns what to bring instead of a resident identity card,
// which only citizens have.
func TestSeedIDMaterialsForForeigners(t *testing.T) {
	cat, err := parseCatalog(assets.SeedCatalog())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, svc := range cat.Services {
		for _, m := range svc.Materials {
			if !strings.Contains(m.Name.Zh, "居民身份证") || strings.Contains(m.Name.Zh, "户口簿") {
				continue // a household register is a citizen's document anyway
			}
			n++
			if en := m.Name.En + " " + m.Note.En; !strings.Contains(strings.ToLower(en), "passport") {
				t.Errorf("%s: %q asks a foreign national for a resident identity card only: %q", svc.ID, m.Name.Zh, en)
			}
			if !strings.Contains(m.Name.Zh+m.Note.Zh, "护照") {
				t.Errorf("%s: %q names no document for foreign nationals in Chinese", svc.ID, m.Name.Zh)
			}
		}
	}
	if n == 0 {
		t.Fatal("the seed asks for no resident identity card at all")
	}
}

func TestSeedTextsRequired(t *testing.T) {
	var cat api.Catalog
	if err := json.Unmarshal(assets.SeedCatalog(), &cat); err != nil {
		t.Fatal(err)
	}
	for _, s := range cat.Services {
		for _, txt := range []api.Text{s.Name, s.Fee, s.TimeLimit, s.LegalBasis} {
			if txt.Zh == "" || txt.En == "" {
				t.Errorf("%s: a required text is empty", s.ID)
			}
		}
		for _, m := range s.Materials {
			if m.Name.Zh == "" || m.Name.En == "" {
				t.Errorf("%s: material without a name", s.ID)
			}
		}
	}
}

func TestDemoFile(t *testing.T) {
	b, err := assets.Catalog.ReadFile("catalog/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := parseCatalog(assets.SeedCatalog())
	if err != nil {
		t.Fatal(err)
	}
	var f demoFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	d, err := parseDemo(b, cat, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.appointments) != len(f.Appointments) {
		t.Fatalf("%d of %d demo appointments kept: a service is missing from the seed", len(d.appointments), len(f.Appointments))
	}
	statuses := map[string]bool{}
	for _, p := range d.progress {
		statuses[p.Status] = true
		if cat.services[p.ServiceID] == nil || p.Service.Zh == "" || len(p.Steps) == 0 {
			t.Errorf("progress %s: service %q or steps missing", p.Receipt, p.ServiceID)
		}
	}
	for _, s := range []string{"accepted", "in_review", "approved", "ready", "rejected", "completed"} {
		if !statuses[s] {
			t.Errorf("no demo progress in status %s", s)
		}
	}
	people := map[string]bool{}
	for _, a := range d.appointments {
		people[a.IDNumber] = true
	}
	if !people["11010519491231002X"] {
		t.Error("the GB 11643 example cardholder has no appointment")
	}
}

func TestValidIDNumber(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"11010519491231002X", true},
		{"110105194912310021", false}, // wrong check character
		{"11010519491231002x", false}, // the check character is a capital X
		{"1101051949123100", false},
		{"11010519491231002XX", false},
		{"A1010519491231002X", false},
		{"330106197503081319", true},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			if got := ValidIDNumber(tc.id); got != tc.want {
				t.Fatalf("got %v", got)
			}
		})
	}
}

func TestParseCatalogErrors(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"no version", `"version": "test-1"`, `"version": ""`, "no version"},
		{"shared prefix", `"prefix": "B"`, `"prefix": "A"`, "share ticket prefix"},
		{"lower-case prefix", `"prefix": "B"`, `"prefix": "b"`, "capital letters"},
		{"unknown department", `"department_id": "d", "name": {"zh": "乙"`, `"department_id": "x", "name": {"zh": "乙"`, "unknown department"},
		{"counter lists unknown service", `"services": ["c"]`, `"services": ["zz"]`, "unknown service"},
		{"service lists unknown counter", `"counters": ["1"]`, `"counters": ["77"]`, "unknown counter"},
		{"bad hours", `"close": "17:00"`, `"close": "5pm"`, "HH:MM"},
		{"closes before opening", `"close": "17:00"`, `"close": "08:00"`, "before it opens"},
		{"weekday 7", `"weekdays": [6]`, `"weekdays": [7]`, "weekday"},
		{"repeated service", `"id": "b"`, `"id": "a"`, "repeated"},
		{"misread polyphone", `"version": "test-1"`, `"version": "test-1", "readings": {"银行": "yin xiang"}`, `reading of "银行": 行 is not read "xiang"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(testCatalog, tc.from, tc.to, 1)
			if src == testCatalog {
				t.Fatalf("test edit %q not applied", tc.from)
			}
			_, err := parseCatalog([]byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
}
