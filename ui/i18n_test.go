package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"text/template"

	"hallkiosk/assets"
	"hallkiosk/flow"
)

// TestTranslationFiles: both files have the same keys, no empty text, and
// every template parses and runs.
func TestTranslationFiles(t *testing.T) {
	tr, err := LoadTranslations(assets.I18n)
	if err != nil {
		t.Fatal(err)
	}
	zh, en := tr.Keys(Chinese), tr.Keys(English)
	slices.Sort(zh)
	slices.Sort(en)
	if len(zh) == 0 {
		t.Fatal("no translations")
	}
	for _, k := range zh {
		if !tr.Has(English, k) {
			t.Errorf("en.json lacks %q", k)
		}
	}
	for _, k := range en {
		if !tr.Has(Chinese, k) {
			t.Errorf("zh_Hans.json lacks %q", k)
		}
	}
	for _, l := range []Lang{Chinese, English} {
		for _, k := range tr.Keys(l) {
			raw := tr.msgs[l][k]
			if strings.TrimSpace(raw) == "" {
				t.Errorf("%s %q is empty", l, k)
			}
			if _, err := template.New(k).Parse(raw); err != nil {
				t.Errorf("%s %q: %v", l, k, err)
			}
		}
	}
	// Both languages fill in the same fields.
	field := regexp.MustCompile(`{{[^}]*\.([A-Za-z]+)[^}]*}}`)
	fields := func(s string) []string {
		var out []string
		for _, m := range field.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	for _, k := range zh {
		if f1, f2 := fields(tr.msgs[Chinese][k]), fields(tr.msgs[English][k]); !slices.Equal(f1, f2) {
			t.Errorf("%q: zh fills %v, en fills %v", k, f1, f2)
		}
	}
}

// TestTranslationKeysUsed: every literal key the Go code asks for exists.
// Keys built at run time (reason.<code>, advice.<code>) are checked against
// flow's codes in the wiring tests.
func TestTranslationKeysUsed(t *testing.T) {
	tr := bundledTranslations()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\bt\("([a-z0-9_.]*[a-z0-9_])"`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			found++
			if !tr.Has(Chinese, m[1]) {
				t.Errorf("%s asks for %q, which zh_Hans.json lacks", f, m[1])
			}
		}
	}
	if found < 20 {
		t.Errorf("found only %d keys in the code; is the pattern stale?", found)
	}
}

// TestNoHardCodedChinese: Go code (not tests) holds no Han characters
// outside comments; every text a citizen sees comes from the translation
// files. simcontrol.go is exempt: it is the demo's developer window, with
// labels bilingual in place by design.
func TestNoHardCodedChinese(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "simcontrol.go" {
			continue
		}
		b, _ := os.ReadFile(f)
		for i, line := range strings.Split(string(b), "\n") {
			code := line
			if j := strings.Index(code, "//"); j >= 0 {
				code = code[:j]
			}
			for _, r := range code {
				if r >= 0x3400 && r <= 0x9FFF {
					t.Errorf("%s:%d has Chinese text in code: %s", f, i+1, strings.TrimSpace(line))
					break
				}
			}
		}
	}
}

func TestTranslate(t *testing.T) {
	fsys := fstest.MapFS{
		"i18n/zh_Hans.json": {Data: []byte(`{"a": "甲", "n": "前面 {{.N}} 人", "only.zh": "只有中文"}`)},
		"i18n/en.json":      {Data: []byte(`{"a": "A", "n": "{{.N}} ahead"}`)},
	}
	tr, err := LoadTranslations(fsys)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang Lang
		key  string
		kv   []any
		want string
	}{
		{Chinese, "a", nil, "甲"},
		{English, "a", nil, "A"},
		{Chinese, "n", []any{"N", 3}, "前面 3 人"},
		{English, "n", []any{"N", 3}, "3 ahead"},
		{English, "only.zh", nil, "只有中文"},    // falls back to Chinese
		{English, "missing", nil, "missing"}, // shows the key
	}
	for _, c := range cases {
		if got := tr.T(c.lang, c.key, c.kv...); got != c.want {
			t.Errorf("T(%s, %q) = %q, want %q", c.lang, c.key, got, c.want)
		}
	}
	if _, err := LoadTranslations(fstest.MapFS{"i18n/en.json": {Data: []byte(`{}`)}}); err == nil {
		t.Error("a missing zh_Hans.json must fail")
	}
	if _, err := LoadTranslations(fstest.MapFS{
		"i18n/zh_Hans.json": {Data: []byte(`{`)}, "i18n/en.json": {Data: []byte(`{}`)},
	}); err == nil {
		t.Error("bad JSON must fail")
	}
}

// TestLanguageSwitch: the toggle on the status bar switches every text of
// the screen at once, tells the session, and switches back.
func TestLanguageSwitch(t *testing.T) {
	h := newHarness(t, newParts(t))
	tr := bundledTranslations()
	if !h.shows(tr.T(Chinese, "home.welcome")) {
		t.Fatalf("home is not in Chinese: %q", texts(h.content()))
	}
	h.tap(tr.T(Chinese, "lang.en"))
	if h.k.lang != English || !h.shows(tr.T(English, "home.welcome")) {
		t.Fatalf("not switched to English: %q", texts(h.content()))
	}
	if h.shows(tr.T(Chinese, "home.welcome")) {
		t.Error("Chinese text left on screen after switching")
	}
	if got := h.k.Session().Language(); got != "en" {
		t.Errorf("session language = %q, want en", got)
	}
	if got := h.tile(tr.T(English, "home.ticket.title")); got == nil {
		t.Error("tile titles not switched")
	}
	h.tap(tr.T(English, "lang.zh"))
	if h.k.lang != Chinese || !h.shows(tr.T(Chinese, "home.welcome")) {
		t.Fatalf("not switched back: %q", texts(h.content()))
	}
}

// TestTranslationsCoverFlowCodes: every code flow can hand the UI has its
// words in both files (the keys the code builds at run time).
func TestTranslationsCoverFlowCodes(t *testing.T) {
	tr := bundledTranslations()
	var keys []string
	for r := flow.ReasonNone; !strings.HasPrefix(r.String(), "reason("); r++ {
		keys = append(keys, "reason."+r.String())
	}
	for a := flow.AdviceNone; !strings.HasPrefix(a.String(), "advice("); a++ {
		keys = append(keys, "advice."+a.String())
	}
	for _, tl := range flow.Tiles {
		keys = append(keys, "home."+tileID(tl)+".title", "home."+tileID(tl)+".sub")
	}
	keys = append(keys, "limited."+tileTicket, "limited."+tileCheckIn, "limited."+tileGuide)
	for _, c := range flow.RatingReasons {
		keys = append(keys, "rating.reason."+c)
	}
	for _, q := range ratingQuestions {
		keys = append(keys, "rating.q."+q)
	}
	for _, lv := range ratingLevels {
		keys = append(keys, "rating.level."+itoa(lv))
	}
	for _, c := range flow.SuggestionCategories {
		keys = append(keys, "suggest.cat."+c.Code, "suggest.cat."+c.Code+".sub")
		for _, r := range c.Reasons {
			keys = append(keys, "suggest.reason."+r)
		}
	}
	// api.Progress.Status values.
	for _, s := range []string{"accepted", "in_review", "approved", "ready", "rejected", "completed"} {
		keys = append(keys, "progress.status."+s)
	}
	if len(keys) < 60 {
		t.Fatalf("only %d keys: did flow's codes change?", len(keys))
	}
	for _, k := range keys {
		for _, l := range []Lang{Chinese, English} {
			if !tr.Has(l, k) {
				t.Errorf("%s lacks %q", langFiles[l], k)
			}
		}
	}
}

// TestTranslationPlurals: English counts agree with their nouns.
func TestTranslationPlurals(t *testing.T) {
	tr := bundledTranslations()
	cases := []struct {
		key  string
		n    int
		want string
	}{
		{"guide.copies", 1, "1 copy"},
		{"guide.copies", 2, "2 copies"},
		{"ticket.ahead", 1, "1 person ahead"},
		{"ticket.ahead", 3, "3 people ahead"},
	}
	for _, c := range cases {
		if got := tr.T(English, c.key, "N", c.n); got != c.want {
			t.Errorf("%s(%d) = %q, want %q", c.key, c.n, got, c.want)
		}
	}
	if got := tr.T(Chinese, "guide.copies", "N", 2); got != "复印件 2 份" {
		t.Errorf("zh copies = %q", got)
	}
}
