package flow

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"hallkiosk/assets"
	"hallkiosk/backoffice/api"
	"hallkiosk/readings"
)

func seedCatalog(t testing.TB) *api.Catalog {
	t.Helper()
	var cat api.Catalog
	if err := json.Unmarshal(assets.SeedCatalog(), &cat); err != nil {
		t.Fatalf("seed catalog: %v", err)
	}
	return &cat
}

func ids(ss []*api.Service) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.ID
	}
	return out
}

func TestNormalizeQuery(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"SBK", "sbk"},
		{"  she bao'ka ", "shebaoka"},
		{"ＳＢＫ", "sbk"},                  // full-width letters
		{"shè bǎo kǎ", "shebaoka"},      // tone marks
		{"lü", "lv"},                    // ü is typed v
		{"LǙ", "lv"},                    // with its tone, upper case
		{"社保卡 SB", "社保卡sb"},             // characters kept
		{"café-au-lait!", "cafeaulait"}, // accents and punctuation go
		{"", ""},
		{"\xff\xfeabc", "abc"}, // not UTF-8
		{strings.Repeat("a", 100), strings.Repeat("a", MaxQuery)},
	} {
		if got := normalizeQuery(tt.in); got != tt.want {
			t.Errorf("normalizeQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzNormalizeQuery: whatever is typed or read, the query is short, holds
// only what the search compares, and normalising it again changes nothing.
func FuzzNormalizeQuery(f *testing.F) {
	for _, s := range []string{"SBK", "shè bǎo kǎ", "lü", "ＳＢＫ", "社保卡 SB", "\xff", "ǘǚǜ", "Ⅻ", "ﬁ", "İ", strings.Repeat("ü", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := normalizeQuery(s)
		if !utf8.ValidString(q) {
			t.Fatalf("%q → %q: not UTF-8", s, q)
		}
		if n := utf8.RuneCountInString(q); n > MaxQuery {
			t.Fatalf("%q → %q: %d characters", s, q, n)
		}
		for _, r := range q {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || unicode.Is(unicode.Han, r) || unicode.IsLetter(r) && r < 0x250 && !unicode.IsUpper(r)) {
				t.Fatalf("%q → %q holds %q", s, q, r)
			}
		}
		if again := normalizeQuery(q); again != q {
			t.Fatalf("not idempotent: %q → %q → %q", s, q, again)
		}
		// Matching never panics, whatever the query.
		newSearchIndex(testCatalog()).find(s)
	})
}

func TestTokensMatch(t *testing.T) {
	shebaoka := []string{"she", "bao", "ka"}
	for _, tt := range []struct {
		q    string
		want bool
	}{
		{"sbk", true}, {"shebaoka", true}, {"shebk", true}, {"sbaok", true}, {"s", true}, {"sheb", true},
		{"sk", false},        // not consecutive
		{"shebaokaa", false}, // longer than the text
		{"hbk", false},       // from the first token only: match tries each start
		{"", false},
	} {
		if got := tokensMatch(shebaoka, tt.q); got != tt.want {
			t.Errorf("tokensMatch(%v, %q) = %v", shebaoka, tt.q, got)
		}
	}
	// A token typed with more letters than the next could start with is
	// tried both ways: "xian" is 西安 (xi an) or 先 (xian).
	if !tokensMatch([]string{"xi", "an"}, "xian") || !tokensMatch([]string{"xian", "gang"}, "xiang") {
		t.Error("ambiguous split not found")
	}
}

// TestSearchSeedCatalog searches the seed catalog the way citizens type.
func TestSearchSeedCatalog(t *testing.T) {
	ix := newCatalogIndex(seedCatalog(t))
	first := func(q string) string {
		got := ix.search(q)
		if len(got) == 0 {
			return ""
		}
		return got[0].ID
	}
	for _, tt := range []struct{ q, want string }{
		{"SBK", "sb-card"},      // 社保卡, a keyword's initials
		{"shebaoka", "sb-card"}, // its full pinyin
		{"SHBZK", "sb-card"},    // the name's initials: 社会保障卡
		{"shehuibaozhangka", "sb-card"},
		{"HZ", "crj-passport"},       // 护照
		{"passport", "crj-passport"}, // English name
		{"GJJTQ", "gjj-withdraw"},    // 公积金提取
		{"tiaozheng", "sw-invoice"},  // 调整, a marked polyphone
		{"SFZ", "hj-idcard"},         // 身份证: the name before every material
		{"mortgage", "bdc-mortgage"}, // English, a word inside the name
		{"gangao", "crj-hkmo"},       // 港澳
		{"yidijiuyi", "yb-remote"},   // 异地就医
	} {
		if got := first(tt.q); got != tt.want {
			t.Errorf("search(%q) first = %q, want %q (all: %v)", tt.q, got, tt.want, ids(ix.search(tt.q)))
		}
	}
	// Polyphones in materials read as marked: 银行卡 is yinhangka, not
	// yinxingka; 长期 is changqi.
	if got := ids(ix.search("yinhangka")); !slices.Equal(got, []string{"yb-reimburse", "gjj-withdraw", "gjj-loan", "sw-iit"}) {
		t.Errorf("yinhangka = %v", got)
	}
	for _, wrong := range []string{"yinxingka", "diaozheng", "zhangqi"} {
		if got := ix.search(wrong); len(got) != 0 {
			t.Errorf("%s (a misread polyphone) finds %v", wrong, ids(got))
		}
	}
	if got := ids(ix.search("changqi")); !slices.Equal(got, []string{"yb-remote"}) {
		t.Errorf("changqi = %v", got)
	}
	// SBK finds the 社保卡 service alone: nothing else reads s-b-k.
	if got := ids(ix.search("SBK")); !slices.Equal(got, []string{"sb-card"}) {
		t.Errorf("SBK = %v", got)
	}
}

// TestSearchRanking: a name before a keyword before a material; at the
// start of a text before further in; then catalog order.
func TestSearchRanking(t *testing.T) {
	cat := &api.Catalog{Services: []api.Service{
		{ID: "material", Name: api.Text{Zh: "户口迁移"}, Materials: []api.Material{{Name: api.Text{Zh: "社保卡"}}}},
		{ID: "keyword", Name: api.Text{Zh: "养老金"}, Keywords: []string{"社保卡"}},
		{ID: "infix", Name: api.Text{Zh: "申领社保卡"}},
		{ID: "prefix", Name: api.Text{Zh: "社保卡挂失"}},
		{ID: "english", Name: api.Text{Zh: "护照", En: "Social Bank Kard"}}, // English initials: a name's start
		{ID: "none", Name: api.Text{Zh: "护照"}},
	}}
	ix := newCatalogIndex(cat)
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"sbk", []string{"prefix", "english", "infix", "keyword", "material"}},
		{"SBKA", []string{"prefix", "english", "infix", "keyword", "material"}},
		{"shebaoka", []string{"prefix", "infix", "keyword", "material"}},
	} {
		if got := ids(ix.search(tt.q)); !slices.Equal(got, tt.want) {
			t.Errorf("search(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
	// Characters match characters: the guide's keyword search.
	if got := ids(ix.search("社保卡")); !slices.Equal(got, []string{"prefix", "infix", "keyword", "material"}) {
		t.Errorf("search(社保卡) = %v", got)
	}
}

// TestSeedPolyphones reads every service name of the seed catalog and
// compares each character that has more than one reading with the reading
// the name needs. A service added to the catalog fails here until its
// name's reading is written down below, so a new polyphone is looked at
// by a person before citizens search for it.
func TestSeedPolyphones(t *testing.T) {
	cat := seedCatalog(t)
	want := map[string]string{
		"qykb-setup":   "qi ye she li deng ji kai ban qi ye yi chuang tong ban",
		"qykb-change":  "qi ye bian geng bei an deng ji",
		"qykb-cancel":  "qi ye zhu xiao deng ji han jian yi zhu xiao",
		"sb-enroll":    "ling huo jiu ye ren yuan she hui bao xian can bao deng ji",
		"sb-transfer":  "qi ye zhi gong ji ben yang lao bao xian guan xi zhuan yi jie xu",
		"sb-retire":    "zhi gong ji ben yang lao jin shen ling tui xiu dai yu he ding",
		"sb-card":      "she hui bao zhang ka shen ling bu ling huan ling",
		"yb-enroll":    "cheng xiang ju min ji ben yi liao bao xian can bao deng ji",
		"yb-reimburse": "yi liao fei yong shou gong ling xing bao xiao",
		"yb-remote":    "kua sheng yi di jiu yi bei an",
		"gjj-withdraw": "zhu fang gong ji jin ti qu gou fang zu fang tui xiu",
		"gjj-transfer": "zhu fang gong ji jin yi di zhuan yi jie xu",
		"gjj-loan":     "zhu fang gong ji jin ge ren zhu fang dai kuan",
		"bdc-transfer": "bu dong chan zhuan yi deng ji cun liang fang mai mai",
		"bdc-mortgage": "bu dong chan di ya quan deng ji han dai ya guo hu",
		"bdc-query":    "bu dong chan deng ji zi liao cha xun quan shu zheng ming da yin",
		"hj-idcard":    "ju min shen fen zheng shen ling huan ling bu ling",
		"hj-move":      "hu kou qian yi qian ru qian chu",
		"crj-passport": "pu tong hu zhao shen ling shou ci huan fa bu fa",
		"crj-hkmo":     "wang lai gang ao tong xing zheng ji qian zhu",
		"sw-invoice":   "fa piao ling yong shu dian fa piao e du tiao zheng", // 调整 tiáo, marked
		"sw-iit":       "ge ren suo de shui zong he suo de nian du hui suan xian chang fu dao",
		"sw-house":     "cun liang fang jiao yi shui fei shen bao",
	}
	marks, err := readings.Parse(cat.Readings)
	if err != nil {
		t.Fatalf("the seed catalog's reading marks: %v", err)
	}
	polyphones := 0
	for _, s := range cat.Services {
		w, ok := want[s.ID]
		if !ok {
			t.Errorf("service %s (%s) is new: write down its name's reading here", s.ID, s.Name.Zh)
			continue
		}
		got := marks.Tokens(s.Name.Zh)
		exp := strings.Fields(w)
		if len(got) != len(exp) {
			t.Errorf("%s %s: %d syllables %v, want %d", s.ID, s.Name.Zh, len(got), got, len(exp))
			continue
		}
		i := 0
		for _, r := range s.Name.Zh {
			if !unicode.Is(unicode.Han, r) {
				continue
			}
			if rd := readings.Of(r); len(rd) > 1 {
				polyphones++
				if got[i] != exp[i] {
					t.Errorf("%s %s: %c read %q, want %q (readings %v)", s.ID, s.Name.Zh, r, got[i], exp[i], rd)
				}
			} else if got[i] != exp[i] {
				t.Errorf("%s %s: %c read %q, want %q", s.ID, s.Name.Zh, r, got[i], exp[i])
			}
			i++
		}
	}
	if polyphones < 20 {
		t.Errorf("only %d polyphones in the seed's service names: the dictionary changed?", polyphones)
	}
	t.Logf("%d polyphone occurrences in %d service names checked", polyphones, len(cat.Services))
}

// TestTicketSearch: from home, S B K typed one letter at a time, the
// result chosen, no card: a printed ticket. The results follow every
// letter; Back from the card step returns to the results.
func TestTicketSearch(t *testing.T) {
	r := newRig(t, rigOpts{})
	f, w := r.ticketFlow(TicketOptions{})
	f.StartSearch()
	s := w.until("search", ticketIn(TicketSearch))
	if s.Query.Kind != InputLetters || s.Query.Value != "" || len(s.Services) != 0 || !s.CanBack {
		t.Fatalf("empty search %+v", s)
	}
	f.SearchKey("s")
	s = w.until("S", func(s TicketSnapshot) bool { return s.Query.Value == "S" })
	if len(s.Services) != SearchPageSize || s.Page.Total != 10 || !s.Page.HasNext {
		t.Fatalf("S finds %d on the page, %d in all; want the ten 社保 services, %d a page", len(s.Services), s.Page.Total, SearchPageSize)
	}
	f.SearchKey("B")
	f.SearchKey("1") // the search takes letters only
	f.SearchKey("K")
	s = w.until("SBK", func(s TicketSnapshot) bool { return s.Query.Value == "SBK" })
	if len(s.Services) != 1 || s.Services[0].ID != "sb-01" {
		t.Fatalf("SBK results %+v", s.Services)
	}
	f.SelectService("gjj-01") // not among the results
	f.SelectService("sb-01")
	s = w.until("card step", ticketIn(TicketCard))
	if s.Service.ID != "sb-01" || s.Department.ID != "shebao" || !s.CanSkipCard {
		t.Fatalf("card step %+v", s)
	}
	f.Back()
	s = w.until("results again", ticketIn(TicketSearch))
	if s.Query.Value != "SBK" || len(s.Services) != 1 {
		t.Fatalf("back lost the search %+v", s)
	}
	f.SearchBackspace()
	s = w.until("SB", func(s TicketSnapshot) bool { return s.Query.Value == "SB" })
	f.SearchKey("K")
	w.until("SBK again", func(s TicketSnapshot) bool { return s.Query.Value == "SBK" })
	f.SelectService("sb-01")
	w.until("card step", ticketIn(TicketCard))
	f.SkipCard()
	s = w.until("done", ticketIn(TicketDone))
	if !s.Result.Printed || s.Result.Number != "A001" {
		t.Fatalf("result %+v", s.Result)
	}
	if paper := r.nextTicket(); !strings.Contains(paper.Text, "A001") || !strings.Contains(paper.Text, "社保卡申领") {
		t.Fatalf("printed ticket:\n%s", paper.Text)
	}
	// Back from the search goes to the departments, where browsing
	// starts; the search is forgotten.
	f.Start()
	w.until("departments", ticketIn(TicketDepartments))
	f.OpenSearch()
	f.SearchKey("GJJ")
	s = w.until("GJJ", func(s TicketSnapshot) bool { return s.Query.Value == "GJJ" })
	if got := len(s.Services); got != 2 {
		t.Fatalf("GJJ finds %d", got)
	}
	f.Back()
	s = w.until("departments", ticketIn(TicketDepartments))
	if s.Query.Kind != InputNone {
		t.Fatalf("the query outlived the search: %+v", s.Query)
	}
}

// TestGuideLetterSearch: the guide's search on the letter keypad, and
// back from a detail to the results.
func TestGuideLetterSearch(t *testing.T) {
	r := newRig(t, rigOpts{offline: true, noDevices: true})
	f, w := r.guideFlow()
	f.Start()
	w.until("categories", guideIn(GuideDepartments))
	f.OpenSearch()
	s := w.until("search", guideIn(GuideSearch))
	if s.Query.Kind != InputLetters || len(s.Services) != 0 {
		t.Fatalf("search %+v", s)
	}
	for _, c := range "GJJTQ" {
		f.SearchKey(string(c))
	}
	s = w.until("GJJTQ", func(s GuideSnapshot) bool { return s.Query.Value == "GJJTQ" })
	if len(s.Services) != 1 || s.Services[0].ID != "gjj-01" || s.Keyword != "GJJTQ" {
		t.Fatalf("results %+v", s)
	}
	f.SelectService("gjj-01")
	w.until("detail", guideIn(GuideDetail))
	f.Back()
	s = w.until("results again", guideIn(GuideSearch))
	if s.Query.Value != "GJJTQ" || len(s.Services) != 1 {
		t.Fatalf("back lost the search %+v", s)
	}
	for range 5 {
		f.SearchBackspace()
	}
	s = w.until("empty", func(s GuideSnapshot) bool { return s.Query.Value == "" })
	if len(s.Services) != 0 {
		t.Fatalf("no letters, %d results", len(s.Services))
	}
	f.Back()
	w.until("categories", guideIn(GuideDepartments))
	// Opened at the search (the home screen's 找事项 while 取号 cannot
	// work).
	f.StartSearch()
	s = w.until("search first", func(s GuideSnapshot) bool { return s.State == GuideSearch && s.Query.Kind == InputLetters })
	if len(s.Services) != 0 || s.Query.Value != "" {
		t.Fatalf("a fresh search %+v", s)
	}
}

// BenchmarkSearch: deriving the search index of the seed catalog (every
// name, keyword and material through the pinyin dictionary), and one
// keystroke's search over it, each as a ratio to the anchor, a JSON decode
// of the same catalog measured in the same run: the index is built once per
// catalog read, and a keystroke must cost far less than a frame.
func BenchmarkSearch(b *testing.B) {
	raw := assets.SeedCatalog()
	cat := seedCatalog(b)
	var anchor time.Duration
	b.Run("anchor_decode", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			var c api.Catalog
			if err := json.Unmarshal(raw, &c); err != nil {
				b.Fatal(err)
			}
		}
		anchor = time.Since(start) / time.Duration(b.N)
	})
	b.Run("index", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			newSearchIndex(cat)
		}
		per := time.Since(start) / time.Duration(b.N)
		b.ReportMetric(float64(per)/float64(anchor), "x-decode")
	})
	ix := newSearchIndex(cat)
	for _, q := range []string{"S", "SBK", "SHEHUIBAOZHANGKA"} {
		b.Run("keystroke_"+q, func(b *testing.B) {
			start := time.Now()
			for i := 0; i < b.N; i++ {
				ix.find(q)
			}
			per := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(per)/float64(anchor), "x-decode")
			b.ReportMetric(float64(per.Microseconds()), "µs")
		})
	}
}
