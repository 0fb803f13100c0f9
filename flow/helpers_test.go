package flow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
)

func fmtSscan(s string, v *int) { fmt.Sscan(s, v) }

var shanghai = hallLocation("Asia/Shanghai")

// at returns a wall time in the hall's zone. 2026-05-14 is a Thursday.
func at(date, hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+hhmm, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// testCatalog is a small hall: 社保 with 10 services (two pages of 8),
// 公积金 with 2 (one needs an ID card, one has its own evening hours), and
// an empty department that must not become a tile.
func testCatalog() *api.Catalog {
	weekdays := []int{1, 2, 3, 4, 5}
	c := &api.Catalog{
		Version: "test-1",
		Hall: api.Hall{
			ID: "hall-1", Name: api.Text{Zh: "市民服务中心", En: "Citizen Service Centre"},
			Timezone: "Asia/Shanghai",
			OpenHours: []api.OpenHours{
				{Weekdays: weekdays, Open: "09:00", Close: "12:00"},
				{Weekdays: weekdays, Open: "13:30", Close: "17:00"},
				{Weekdays: []int{6}, Open: "09:00", Close: "12:00"},
			},
		},
		Departments: []api.Department{
			{ID: "shebao", Name: api.Text{Zh: "社保", En: "Social Security"}, Icon: "shebao"},
			{ID: "gjj", Name: api.Text{Zh: "公积金", En: "Housing Fund"}, Icon: "gjj"},
			{ID: "empty", Name: api.Text{Zh: "空", En: "Empty"}},
		},
		Counters: []api.Counter{
			{ID: "c3", Name: api.Text{Zh: "3号窗口", En: "Counter 3"}, Services: []string{"sb-01"}},
			{ID: "c4", Name: api.Text{Zh: "4号窗口", En: "Counter 4"}, Services: []string{"sb-01", "gjj-01"}},
		},
	}
	// Prefixes are unique per hall: A for sb-01, K…T for sb-02…sb-10.
	prefixes := []string{"A", "K", "L", "M", "N", "P", "Q", "R", "S", "T"}
	for i := 1; i <= 10; i++ {
		c.Services = append(c.Services, api.Service{
			ID: fmt.Sprintf("sb-%02d", i), DepartmentID: "shebao",
			Name:   api.Text{Zh: fmt.Sprintf("社保业务%d", i), En: fmt.Sprintf("Social security %d", i)},
			Prefix: prefixes[i-1], AvgMinutes: 5, Counters: []string{"c3", "c4"},
			CheckInEarlyMinutes: 30, CheckInLateMinutes: 15,
		})
	}
	c.Services[0].Name = api.Text{Zh: "社保卡申领", En: "Social Security Card Application"}
	c.Services[0].Keywords = []string{"shebaoka", "card"}
	c.Services[0].Materials = []api.Material{
		{Name: api.Text{Zh: "居民身份证", En: "Resident ID card"}, Original: 1, Copies: 1, Required: true},
		{Name: api.Text{Zh: "近期免冠照片", En: "Recent photo"}, Copies: 2, Required: true, Note: api.Text{Zh: "白底", En: "white background"}},
		{Name: api.Text{Zh: "户口簿", En: "Household register"}, Original: 1},
	}
	c.Services[0].Fee = api.Text{Zh: "免费", En: "Free"}
	c.Services[0].TimeLimit = api.Text{Zh: "即办", En: "Same day"}
	c.Services[0].LegalBasis = api.Text{Zh: "《社会保险法》", En: "Social Insurance Law"}
	c.Services[0].GuideURL = "https://zwfw.example.gov.cn/g/sb-01"
	c.Services[0].GuideVersion = "v3"
	c.Services[0].GuideDate = "2026-03-01"
	c.Services = append(c.Services,
		api.Service{
			ID: "gjj-01", DepartmentID: "gjj", Name: api.Text{Zh: "公积金提取", En: "Housing Fund Withdrawal"},
			Prefix: "G", RequiresIDCard: true, DailyCap: 2, AvgMinutes: 10, Counters: []string{"c4"},
			Keywords: []string{"Withdraw", "tiqu"},
		},
		api.Service{
			ID: "gjj-02", DepartmentID: "gjj", Name: api.Text{Zh: "公积金夜间服务", En: "Housing Fund Evening Desk"},
			Prefix: "H", OpenHours: []api.OpenHours{{Weekdays: weekdays, Open: "18:00", Close: "20:00"}},
		},
	)
	return c
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// logBook keeps the JSON lines a flow logs, for tests that read them.
type logBook struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBook) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records returns the logged lines decoded.
func (b *logBook) records(t testing.TB) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b.buf.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}
