package flow

import (
	"slices"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
)

func TestOpenAt(t *testing.T) {
	ix := newCatalogIndex(testCatalog())
	hall := ix.services["sb-01"]
	evening := ix.services["gjj-02"]
	tests := []struct {
		name     string
		svc      *api.Service
		now      time.Time
		open     bool
		nextOpen time.Time
	}{
		{"morning", hall, at("2026-05-14", "09:00"), true, time.Time{}},
		{"one minute before noon", hall, at("2026-05-14", "11:59"), true, time.Time{}},
		{"noon closes", hall, at("2026-05-14", "12:00"), false, at("2026-05-14", "13:30")},
		{"before opening", hall, at("2026-05-14", "07:10"), false, at("2026-05-14", "09:00")},
		{"friday evening to saturday", hall, at("2026-05-15", "17:00"), false, at("2026-05-16", "09:00")},
		{"saturday afternoon to monday", hall, at("2026-05-16", "12:30"), false, at("2026-05-18", "09:00")},
		{"service hours override the hall's", evening, at("2026-05-14", "10:00"), false, at("2026-05-14", "18:00")},
		{"evening service open", evening, at("2026-05-14", "19:59"), true, time.Time{}},
		{"UTC input is read in hall time", hall, at("2026-05-14", "09:30").UTC(), true, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open, next := ix.open(tt.svc, tt.now)
			if open != tt.open || !next.Equal(tt.nextOpen) {
				t.Errorf("open(%s) = %v, %v; want %v, %v", tt.now, open, next, tt.open, tt.nextOpen)
			}
		})
	}
}

func TestOpenAtEdgeCases(t *testing.T) {
	now := at("2026-05-14", "10:00")
	tests := []struct {
		name  string
		hours []api.OpenHours
		open  bool
	}{
		{"no hours configured means open", nil, true},
		{"malformed entries are skipped", []api.OpenHours{{Weekdays: []int{4}, Open: "9h", Close: "17:00"}}, false},
		{"close before open is skipped", []api.OpenHours{{Weekdays: []int{4}, Open: "17:00", Close: "09:00"}}, false},
		{"24:00 closes at midnight", []api.OpenHours{{Weekdays: []int{4}, Open: "00:00", Close: "24:00"}}, true},
		{"7 is also sunday", []api.OpenHours{{Weekdays: []int{7}, Open: "00:00", Close: "24:00"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if open, _ := openAt(tt.hours, now); open != tt.open {
				t.Errorf("open = %v, want %v", open, tt.open)
			}
		})
	}
	if open, next := openAt([]api.OpenHours{{Weekdays: []int{7}, Open: "10:00", Close: "11:00"}}, now); open || !next.Equal(at("2026-05-17", "10:00")) {
		t.Errorf("sunday-as-7 next opening = %v", next)
	}
}

func TestCatalogIndex(t *testing.T) {
	ix := newCatalogIndex(testCatalog())
	var ids []string
	for _, d := range ix.departmentItems() {
		ids = append(ids, d.ID)
	}
	if !slices.Equal(ids, []string{"shebao", "gjj"}) {
		t.Errorf("departments = %v; the empty one must not be a tile", ids)
	}
	if got := ix.counterText(ix.services["sb-01"], LangZh); got != "3号窗口\n4号窗口" {
		t.Errorf("counters zh = %q", got)
	}
	if got := ix.counterText(ix.services["sb-01"], LangEn); got != "Counter 3\nCounter 4" {
		t.Errorf("counters en = %q", got)
	}
	if got := ix.businessDate(time.Date(2026, 5, 13, 17, 0, 0, 0, time.UTC)); got != "2026-05-14" {
		t.Errorf("business date of 17:00 UTC = %s, want the next day in Shanghai", got)
	}
}

func TestSearch(t *testing.T) {
	ix := newCatalogIndex(testCatalog())
	tests := []struct {
		kw   string
		want []string
	}{
		{"社保卡", []string{"sb-01"}},
		{"  housing FUND ", []string{"gjj-01", "gjj-02"}},
		{"withdraw", []string{"gjj-01"}}, // keyword, case-insensitive
		{"TIQU", []string{"gjj-01"}},     // 提取: pinyin derived from the name
		{"card", []string{"sb-01"}},      // name and keyword both match: once
		{"公积金", []string{"gjj-01", "gjj-02"}},
		{"", nil},
		{"不存在", nil},
	}
	for _, tt := range tests {
		t.Run(tt.kw, func(t *testing.T) {
			var got []string
			for _, s := range ix.search(tt.kw) {
				got = append(got, s.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("search(%q) = %v, want %v", tt.kw, got, tt.want)
			}
		})
	}
	// Names rank before keyword-only matches.
	cat := testCatalog()
	cat.Services[1].Keywords = []string{"申领"}
	got := newCatalogIndex(cat).search("申领")
	if len(got) != 2 || got[0].ID != "sb-01" || got[1].ID != "sb-02" {
		t.Errorf("ranking: %v", got)
	}
}

func TestMaterialLines(t *testing.T) {
	ms := testCatalog().Services[0].Materials
	got := materialLines(ms, LangZh, PrintWords{Original: "原件", Copies: "复印件", IfAny: "(如有)"})
	want := []string{"居民身份证 (原件 1, 复印件 1)", "近期免冠照片 (复印件 2) — 白底", "户口簿 (原件 1) (如有)"}
	if !slices.Equal(got, want) {
		t.Errorf("zh lines\n got %q\nwant %q", got, want)
	}
	got = materialLines(ms, LangEn, PrintWords{})
	want = []string{"Resident ID card", "Recent photo — white background", "Household register"}
	if !slices.Equal(got, want) {
		t.Errorf("lines without words\n got %q\nwant %q", got, want)
	}
}
