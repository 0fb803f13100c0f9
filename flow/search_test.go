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

// TestSearchSeedMaterialsInEnglish: an English word that only a material
// has finds the services that ask for it, as citizens reading the English
// screens type what they have in hand.
func TestSearchSeedMaterialsInEnglish(t *testing.T) {
	ix := newCatalogIndex(seedCatalog(t))
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"lease", []string{"qykb-setup"}},             // Proof of the right to use the address (… or lease)
		{"marriage", []string{"gjj-loan", "hj-move"}}, // Marital status proof (marriage …); Grounds for moving in (… marriage certificate …)
		{"diploma", []string{"hj-move"}},              // … diploma or labour contract
		{"DIVORCE CERTIFICATE", []string{"gjj-loan"}}, // two words, as typed on a keyboard
	} {
		if got := ids(ix.search(tt.q)); !slices.Equal(got, tt.want) {
			t.Errorf("search(%q) = %v, want %v", tt.q, got, tt.want)
		}
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

// TestSeedPolyphones reads every service name, keyword and material of the
// seed catalog and compares each character that has more than one reading
// with the reading the text needs. A service added to the catalog fails
// here until its name's reading is written down below, and so does a
// keyword or material with such a character, so a new polyphone is looked
// at by a person before citizens search for it.
func TestSeedPolyphones(t *testing.T) {
	cat := seedCatalog(t)
	names := map[string]string{
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
	// The keywords and materials with a character of more than one
	// reading, and how they read.
	texts := map[string]string{
		"开公司":  "kai gong si",
		"注册公司": "zhu ce gong si",
		"个体户":  "ge ti hu",
		"刻章":   "ke zhang",
		"《公司登记（备案）申请书》": "gong si deng ji bei an shen qing shu",
		"公司章程":     "gong si zhang cheng",
		"股东主体资格证明": "gu dong zhu ti zi ge zheng ming",
		"法定代表人、董事、监事、经理的任职文件及身份证": "fa ding dai biao ren dong shi jian shi jing li de ren zhi wen jian ji shen fen zheng",
		"住所使用证明（不动产权证书或租赁合同）":     "zhu suo shi yong zheng ming bu dong chan quan zheng shu huo zu lin he tong",
		"授权委托书及受托人身份证":            "shou quan wei tuo shu ji shou tuo ren shen fen zheng",
		"改名称":                     "gai ming cheng",
		"《公司变更登记（备案）申请书》":         "gong si bian geng deng ji bei an shen qing shu",
		"股东会决议或股东决定":              "gu dong hui jue yi huo gu dong jue ding",
		"章程修正案或修改后的公司章程":          "zhang cheng xiu zheng an huo xiu gai hou de gong si zhang cheng",
		"营业执照正本、副本":               "ying ye zhi zhao zheng ben fu ben",
		"新住所使用证明":                 "xin zhu suo shi yong zheng ming",
		"注销":                      "zhu xiao",
		"关闭公司":                    "guan bi gong si",
		"简易注销":                    "jian yi zhu xiao",
		"《公司注销登记申请书》":             "gong si zhu xiao deng ji shen qing shu",
		"清算报告（股东会确认）或《全体投资人承诺书》（简易注销）": "qing suan bao gao gu dong hui que ren huo quan ti tou zi ren cheng nuo shu jian yi zhu xiao",
		"清税证明":  "qing shui zheng ming",
		"参保":    "can bao",
		"灵活就业":  "ling huo jiu ye",
		"个体":    "ge ti",
		"居民身份证": "ju min shen fen zheng",
		"《灵活就业人员参保登记表》": "ling huo jiu ye ren yuan can bao deng ji biao",
		"社会保障卡":         "she hui bao zhang ka",
		"本市居住证":         "ben shi ju zhu zheng",
		"转移":            "zhuan yi",
		"转社保":           "zhuan she bao",
		"跨省":            "kua sheng",
		"《基本养老保险参保缴费凭证》":    "ji ben yang lao bao xian can bao jiao fei ping zheng",
		"《基本养老保险关系转移接续申请表》": "ji ben yang lao bao xian guan xi zhuan yi jie xu shen qing biao",
		"退休":   "tui xiu",
		"待遇核定": "dai yu he ding",
		"《职工基本养老保险待遇申领表》": "zhi gong ji ben yang lao bao xian dai yu shen ling biao",
		"本人人事档案":          "ben ren ren shi dang an",
		"近期一寸白底免冠彩色照片":    "jin qi yi cun bai di mian guan cai se zhao pian",
		"社保卡":             "she bao ka",
		"补卡":              "bu ka",
		"换卡":              "huan ka",
		"挂失":              "gua shi",
		"制卡":              "zhi ka",
		"证件照片":            "zheng jian zhao pian",
		"原社会保障卡":          "yuan she hui bao zhang ka",
		"居民医保":            "ju min yi bao",
		"新生儿":             "xin sheng er",
		"居民身份证或居民户口簿":     "ju min shen fen zheng huo ju min hu kou bu",
		"零星报销":            "ling xing bao xiao",
		"社会保障卡或居民身份证":     "she hui bao zhang ka huo ju min shen fen zheng",
		"费用明细清单":          "fei yong ming xi qing dan",
		"出院记录或门（急）诊病历":    "chu yuan ji lu huo men ji zhen bing li",
		"急诊证明":            "ji zhen zheng ming",
		"本人银行卡":           "ben ren yin hang ka",
		"异地就医":            "yi di jiu yi",
		"外地看病":            "wai di kan bing",
		"《跨省异地就医登记备案表》":   "kua sheng yi di jiu yi deng ji bei an biao",
		"异地长期居住证明或个人承诺书": "yi di chang qi ju zhu zheng ming huo ge ren cheng nuo shu",
		"公积金":         "gong ji jin",
		"提取":          "ti qu",
		"取公积金":        "qu gong ji jin",
		"租房提取":        "zu fang ti qu",
		"本人银行卡（一类账户）": "ben ren yin hang ka yi lei zhang hu",
		"购房合同、不动产权证书或契税完税凭证": "gou fang he tong bu dong chan quan zheng shu huo qi shui wan shui ping zheng",
		"退休证明": "tui xiu zheng ming",
		"异地转入": "yi di zhuan ru",
		"《住房公积金异地转移接续申请表》": "zhu fang gong ji jin yi di zhuan yi jie xu shen qing biao",
		"公积金贷款":       "gong ji jin dai kuan",
		"买房贷款":        "mai fang dai kuan",
		"房贷":          "fang dai",
		"借款人及配偶居民身份证": "jie kuan ren ji pei ou ju min shen fen zheng",
		"居民户口簿":       "ju min hu kou bu",
		"婚姻状况证明（结婚证、离婚证或单身声明）": "hun yin zhuang kuang zheng ming jie hun zheng li hun zheng huo dan shen sheng ming",
		"购房合同":       "gou fang he tong",
		"首付款发票或收据":   "shou fu kuan fa piao huo shou ju",
		"二手房":        "er shou fang",
		"买房":         "mai fang",
		"房产证":        "fang chan zheng",
		"转移登记":       "zhuan yi deng ji",
		"《不动产登记申请书》": "bu dong chan deng ji shen qing shu",
		"买卖双方居民身份证":  "mai mai shuang fang ju min shen fen zheng",
		"不动产权证书（或房屋所有权证、国有土地使用证）": "bu dong chan quan zheng shu huo fang wu suo you quan zheng guo you tu di shi yong zheng",
		"存量房买卖合同（网签）":             "cun liang fang mai mai he tong wang qian",
		"婚姻状况证明":                  "hun yin zhuang kuang zheng ming",
		"完税凭证":                    "wan shui ping zheng",
		"抵押":                      "di ya",
		"贷款":                      "dai kuan",
		"带押过户":                    "dai ya guo hu",
		"注销抵押":                    "zhu xiao di ya",
		"抵押人、抵押权人身份证明":            "di ya ren di ya quan ren shen fen zheng ming",
		"不动产权证书":                  "bu dong chan quan zheng shu",
		"主债权合同及抵押合同":              "zhu zhai quan he tong ji di ya he tong",
		"查房产":                     "cha fang chan",
		"无房证明":                    "wu fang zheng ming",
		"权属证明":                    "quan shu zheng ming",
		"查档":                      "cha dang",
		"利害关系证明材料":                "li hai guan xi zheng ming cai liao",
		"身份证":                     "shen fen zheng",
		"补办身份证":                   "bu ban shen fen zheng",
		"换身份证":                    "huan shen fen zheng",
		"临时身份证":                   "lin shi shen fen zheng",
		"居民户口簿或原居民身份证":            "ju min hu kou bu huo yuan ju min shen fen zheng",
		"落户":                      "luo hu",
		"迁入依据材料（不动产权证书、结婚证、毕业证书或劳动合同等）": "qian ru yi ju cai liao bu dong chan quan zheng shu jie hun zheng bi ye zheng shu huo lao dong he tong deng",
		"《准予迁入证明》":  "zhun yu qian ru zheng ming",
		"所在单位出具的意见": "suo zai dan wei chu ju de yi jian",
		"港澳通行证":     "gang ao tong xing zheng",
		"签注":        "qian zhu",
		"去香港":       "qu xiang gang",
		"去澳门":       "qu ao men",
		"原往来港澳通行证":  "yuan wang lai gang ao tong xing zheng",
		"数电发票":      "shu dian fa piao",
		"额度":        "e du",
		"经办人居民身份证":  "jing ban ren ju min shen fen zheng",
		"营业执照副本":    "ying ye zhi zhao fu ben",
		"《发票领用（额度调整）申请表》": "fa piao ling yong e du tiao zheng shen qing biao",
		"个税":           "ge shui",
		"退税":           "tui shui",
		"个人所得税":        "ge ren suo de shui",
		"收入及专项附加扣除凭证":  "shou ru ji zhuan xiang fu jia kou chu ping zheng",
		"契税":           "qi shui",
		"房产交易税":        "fang chan jiao yi shui",
		"二手房税":         "er shou fang shui",
		"过户税":          "guo hu shui",
		"原不动产权证书":      "yuan bu dong chan quan zheng shu",
		"原购房发票或契税完税凭证": "yuan gou fang fa piao huo qi shui wan shui ping zheng",
	}
	marks, err := readings.Parse(cat.Readings)
	if err != nil {
		t.Fatalf("the seed catalog's reading marks: %v", err)
	}
	// check compares text's reading with want and returns how many of its
	// characters have more than one reading.
	check := func(where, text, want string) (polyphones int) {
		got := marks.Tokens(text)
		exp := strings.Fields(want)
		if len(got) != len(exp) {
			t.Errorf("%s %s: %d syllables %v, want %d", where, text, len(got), got, len(exp))
			return 0
		}
		i := 0
		for _, r := range text {
			if !unicode.Is(unicode.Han, r) {
				continue
			}
			if rd := readings.Of(r); len(rd) > 1 {
				polyphones++
				if got[i] != exp[i] {
					t.Errorf("%s %s: %c read %q, want %q (readings %v)", where, text, r, got[i], exp[i], rd)
				}
			} else if got[i] != exp[i] {
				t.Errorf("%s %s: %c read %q, want %q", where, text, r, got[i], exp[i])
			}
			i++
		}
		return polyphones
	}
	inNames, inTexts := 0, 0
	for _, s := range cat.Services {
		w, ok := names[s.ID]
		if !ok {
			t.Errorf("service %s (%s) is new: write down its name's reading here", s.ID, s.Name.Zh)
			continue
		}
		inNames += check(s.ID, s.Name.Zh, w)
		others := slices.Clone(s.Keywords)
		for _, m := range s.Materials {
			others = append(others, m.Name.Zh)
		}
		for _, text := range others {
			if w, ok := texts[text]; ok {
				inTexts += check(s.ID, text, w)
			} else if n := check(s.ID, text, strings.Join(marks.Tokens(text), " ")); n > 0 {
				t.Errorf("%s %s has a character of more than one reading: write down its reading here", s.ID, text)
			}
		}
	}
	if inNames < 20 || inTexts < 200 {
		t.Errorf("only %d polyphones in the seed's service names and %d in keywords and materials: the dictionary changed?", inNames, inTexts)
	}
	t.Logf("%d polyphone occurrences in %d service names, %d in their keywords and materials, checked", inNames, len(cat.Services), inTexts)
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
