package voice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"hallkiosk/assets"
)

// clipsDir holds the clips TestMain makes with the real engine, so that
// the tests run on a fresh clone without `make clips`.
var clipsDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "voice-clips-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	clipsDir = dir
	script, err := Script(assets.I18n)
	if err == nil {
		err = Generate(context.Background(), script, dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "voice tests need espeak-ng (scripts/deps.sh test):", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func testBank(t testing.TB) *Bank {
	t.Helper()
	b, err := LoadBank(os.DirFS(clipsDir))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustTicket(t testing.TB, s string) Ticket {
	t.Helper()
	tk, err := ParseTicket(s)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestEverythingSpeakable: every prompt, failure code and number the API
// can produce has its clip in both languages, and the script makes nothing
// else than those, the letters and the reasons.
func TestEverythingSpeakable(t *testing.T) {
	b := testBank(t)
	var all []Utterance
	for _, l := range Langs {
		for p := PromptNone + 1; p < promptCount; p++ {
			u := Say(l, p)
			if u.Empty() {
				t.Errorf("%s prompt %d says nothing", l, p)
			}
			all = append(all, u)
		}
		for _, c := range failureCodes {
			u, ok := Failure(l, c)
			if !ok {
				t.Errorf("%s failure %q has no utterance", l, c)
			}
			all = append(all, u)
		}
		for w := Window(1); w <= MaxWindow; w++ {
			all = append(all, Call(l, mustTicket(t, "ZY01-234"), w, 99-w+1))
		}
		for _, c := range letters {
			all = append(all, Call(l, mustTicket(t, string(c)+"5678")))
		}
	}
	for _, u := range all {
		if m := b.Missing(u); len(m) > 0 {
			t.Errorf("%v: clips missing: %v", u.Clips(), m)
		}
	}
	if b.Len() < 200 {
		t.Errorf("only %d clips", b.Len())
	}
}

// TestGenerateReproducible: the same engine and script give the same bytes.
func TestGenerateReproducible(t *testing.T) {
	script, err := Script(assets.I18n)
	if err != nil {
		t.Fatal(err)
	}
	var some []Clip
	for _, c := range script {
		if strings.HasSuffix(c.Name, "/voice.home") || strings.HasSuffix(c.Name, "/voice.digit.7") || strings.HasSuffix(c.Name, "/letter.Q") {
			some = append(some, c)
		}
	}
	if len(some) != 6 {
		t.Fatalf("picked %d clips, want 6", len(some))
	}
	dir := t.TempDir()
	if err := Generate(context.Background(), some, dir); err != nil {
		t.Fatal(err)
	}
	for _, c := range some {
		a, err1 := os.ReadFile(filepath.Join(dir, c.Name+".wav"))
		b, err2 := os.ReadFile(filepath.Join(clipsDir, c.Name+".wav"))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs of the engine", c.Name)
		}
	}
}

// phonemes returns espeak-ng's phoneme mnemonics (-x) for a clip's text,
// read as Generate reads it: from stdin, in the clip's voice.
func phonemes(t *testing.T, c Clip) string {
	t.Helper()
	cmd := exec.Command(Engine, "-v", engineVoice[c.Lang], "-q", "-x")
	cmd.Stdin = strings.NewReader(c.Text)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s -x %s: %v", Engine, c.Name, err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestClipsReadInTheirLanguage: every clip is read in its own language,
// Mandarin ones in Mandarin. A voice that cannot read a character switches to English and spells its
// pinyin out, tone number and all (号 as "hao four"), which espeak-ng's
// mnemonics mark "(en)"; a sound check cannot tell that from speech. The
// polyphones and tones the prompts depend on are read right: 还 hái, 为
// wèi, 处理 chǔlǐ (its first third tone raised before the second), 号 hào.
func TestClipsReadInTheirLanguage(t *testing.T) {
	script, err := Script(assets.I18n)
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]string{}
	for _, c := range script {
		ph := phonemes(t, c)
		if strings.Contains(ph, "(") {
			t.Errorf("%s %q is read partly in another language: %s", c.Name, c.Text, ph)
		}
		read[c.Name] = ph
	}
	for name, want := range map[string]string{
		"zh/reason.too_early":        "X'ai35_|",            // 还没到 hái
		"zh/voice.rating_scores":     "w'ei51_|",            // 请为本次 wèi
		"zh/reason.backoffice_error": "ts.h'u35_| l'i214_|", // 处理 chǔlǐ
		"zh/voice.thanks_suggestion": "ts.h'u35_| l'i214_|",
		"zh/voice.call_number":       "X'Au51_|", // 号 hào
		"zh/letter.A":                "'ei51_|",  // A as halls say it
	} {
		if !strings.Contains(read[name], want) {
			t.Errorf("%s is read %q, want it to hold %q", name, read[name], want)
		}
	}
}

func TestScriptRefusesChangingText(t *testing.T) {
	fsys := fstest.MapFS{
		"i18n/zh_Hans.json": {Data: []byte(`{"voice.x": "前面还有 {{.N}} 人"}`)},
		"i18n/en.json":      {Data: []byte(`{"voice.x": "x"}`)},
	}
	if _, err := Script(fsys); err == nil || !strings.Contains(err.Error(), "template") {
		t.Fatalf("err = %v, want a refusal of the template field", err)
	}
}

func TestCall(t *testing.T) {
	in := func(l Lang) func(k ...string) []string {
		return func(k ...string) []string {
			out := make([]string, len(k))
			for i, s := range k {
				if s != pause {
					s = string(l) + "/" + s
				}
				out[i] = s
			}
			return out
		}
	}
	z, e := in(Chinese), in(English)
	d := func(n int) string { return "voice.digit." + strconv.Itoa(n) }
	tests := []struct {
		name    string
		lang    Lang
		number  string
		windows []Window
		want    []string
	}{
		{"zh A023 to 3", Chinese, "A023", []Window{3}, z("letter.A", d(0), d(2), d(3), "voice.call_number", pause, "voice.call_go", d(3), "voice.call_window")},
		{"en A023 to 3", English, "A023", []Window{3}, e("voice.call_number", "letter.A", d(0), d(2), d(3), pause, "voice.call_go", "voice.call_window", d(3))},
		{"zh window 12", Chinese, "B100", []Window{12}, z("letter.B", d(1), d(0), d(0), "voice.call_number", pause, "voice.call_go", "voice.num.12", "voice.call_window")},
		{"zh window 23", Chinese, "B100", []Window{23}, z("letter.B", d(1), d(0), d(0), "voice.call_number", pause, "voice.call_go", "voice.num.20", d(3), "voice.call_window")},
		{"zh window 40", Chinese, "C001", []Window{40}, z("letter.C", d(0), d(0), d(1), "voice.call_number", pause, "voice.call_go", "voice.num.40", "voice.call_window")},
		{"zh two windows", Chinese, "A001", []Window{1, 2}, z("letter.A", d(0), d(0), d(1), "voice.call_number", pause, "voice.call_go", d(1), "voice.call_window", "voice.call_or", d(2), "voice.call_window")},
		{"offline number", Chinese, "A07-015", nil, z("letter.A", d(0), d(7), pause, d(0), d(1), d(5), "voice.call_number")},
		{"windows out of range", English, "A1", []Window{0, 100, -3}, e("voice.call_number", "letter.A", d(1))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Call(tc.lang, mustTicket(t, tc.number), tc.windows...).Clips()
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
	got, err := CallClips("A023", 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.DeleteFunc(tests[0].want, func(s string) bool { return s == pause }); !slices.Equal(got, want) {
		t.Errorf("CallClips = %v, want %v", got, want)
	}
	for _, bad := range []struct {
		n string
		w int
	}{{"A023", 0}, {"A023", 100}, {"13800138000", 3}, {"", 1}} {
		if _, err := CallClips(bad.n, bad.w); err == nil {
			t.Errorf("CallClips(%q, %d) accepted", bad.n, bad.w)
		}
	}
}

// TestPersonalDataUnspeakable: nothing a citizen types or a card holds can
// become speech. The API takes no free text: every exported function that
// makes an Utterance takes only typed values (the one string, Failure's
// code, selects a fixed clip), ParseTicket refuses ID and phone numbers,
// and the player plays only Utterances.
func TestPersonalDataUnspeakable(t *testing.T) {
	personal := []string{
		"110101199003071234", "11010119900307123X", "13800138000", "+8613800138000",
		"王喆", "LI XIUYING", "1234", "0866", "SB2026112900012", "A1380013800",
	}
	for _, s := range personal {
		if tk, err := ParseTicket(s); err == nil {
			t.Errorf("ParseTicket(%q) = %v, want an error", s, tk)
		} else if !errors.Is(err, ErrNotTicket) {
			t.Errorf("ParseTicket(%q): %v, want ErrNotTicket", s, err)
		}
		for _, l := range Langs {
			if u, ok := Failure(l, s); ok || !u.Empty() {
				t.Errorf("Failure(%s, %q) speaks %v", l, s, u.Clips())
			}
		}
	}
	// The API surface, read from the source.
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	typed := map[string]bool{"Lang": true, "Prompt": true, "Ticket": true, "Window": true, "...Window": true, "Utterance": true}
	checked := 0
	for _, f := range files {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() {
				continue
			}
			speaks := fn.Name.Name == "Say" || slices.ContainsFunc(results(fn), func(s string) bool { return s == "Utterance" })
			if !speaks {
				continue
			}
			checked++
			for _, p := range fn.Type.Params.List {
				ty := exprString(p.Type)
				if typed[ty] || (fn.Name.Name == "Failure" && ty == "string") {
					continue
				}
				t.Errorf("%s takes a %s: free text could reach the speaker", fn.Name.Name, ty)
			}
		}
	}
	if checked < 5 {
		t.Errorf("checked only %d speaking functions; is the walk stale?", checked)
	}
	// Utterance has no exported fields: only the constructors make one.
	if fields := regexp.MustCompile(`(?s)type Utterance struct \{(.*?)\n\}`).FindStringSubmatch(readFile(t, "speech.go")); fields == nil ||
		regexp.MustCompile(`(?m)^\s*[A-Z]`).MatchString(fields[1]) {
		t.Errorf("Utterance must keep its fields unexported")
	}
}

func results(fn *ast.FuncDecl) []string {
	var out []string
	if fn.Type.Results != nil {
		for _, r := range fn.Type.Results.List {
			out = append(out, exprString(r.Type))
		}
	}
	return out
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.Ellipsis:
		return "..." + exprString(x.Elt)
	case *ast.StarExpr:
		return "*" + exprString(x.X)
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	case *ast.ArrayType:
		return "[]" + exprString(x.Elt)
	}
	return fmt.Sprintf("%T", e)
}

func readFile(t *testing.T, name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHandler(t *testing.T) {
	b := testBank(t)
	srv := httptest.NewServer(http.StripPrefix("/voice", Handler(b)))
	defer srv.Close()
	clips, err := CallClips("A023", 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clips {
		res, err := http.Get(srv.URL + "/voice/" + c + ".wav")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "audio/wav" {
			t.Fatalf("%s: %d %s", c, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if f, samples, err := ParseWAV(body); err != nil || f != ClipFormat || len(samples) == 0 {
			t.Errorf("%s: %v %+v %d samples", c, err, f, len(samples))
		}
	}
	for _, p := range []string{"/voice/zh/voice.home", "/voice/zh/nope.wav", "/voice/../assets.go", "/voice/MANIFEST.wav", "/voice/zh/%2e%2e/en/voice.home.wav"} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}
	res, err := http.Post(srv.URL+"/voice/zh/voice.home.wav", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", res.StatusCode)
	}
}

func TestParseWAV(t *testing.T) {
	samples := []byte{1, 0, 2, 0, 3, 0}
	f, got, err := ParseWAV(EncodeWAV(ClipFormat, samples))
	if err != nil || f != ClipFormat || !bytes.Equal(got, samples) {
		t.Fatalf("round trip: %v %+v %v", err, f, got)
	}
	for _, bad := range [][]byte{nil, []byte("RIFF"), []byte("RIFF\x00\x00\x00\x00WAVEdata\x04\x00\x00\x00abcd")} {
		if _, _, err := ParseWAV(bad); !errors.Is(err, ErrBadWAV) {
			t.Errorf("ParseWAV(%q) = %v, want ErrBadWAV", bad, err)
		}
	}
}

func FuzzParseWAV(f *testing.F) {
	f.Add(EncodeWAV(ClipFormat, []byte{1, 2, 3, 4}))
	f.Add([]byte("RIFF\xff\xff\xff\x7fWAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x22\x56\x00\x00\x44\xac\x00\x00\x02\x00\x10\x00data\xff\xff\xff\x7f\x01\x02"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEfmt \x08\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		format, samples, err := ParseWAV(b)
		if err != nil {
			return
		}
		if format.Channels < 1 || format.Rate < 1 || len(samples)%(format.Channels*format.Bits/8) != 0 {
			t.Fatalf("accepted %+v with %d bytes", format, len(samples))
		}
		if len(samples) > len(b) {
			t.Fatalf("samples longer than the file")
		}
	})
}

func FuzzParseTicket(f *testing.F) {
	for _, s := range []string{"A023", "A07-015", "ZY1", "110101199003071234", "13800138000", "A-1", "a1", "A1-2-3", "AB123456"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tk, err := ParseTicket(s)
		if err != nil {
			return
		}
		if tk.String() != s {
			t.Fatalf("ParseTicket(%q).String() = %q", s, tk.String())
		}
		digits := 0
		for _, r := range s {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits == 0 || digits > maxTicketDigits {
			t.Fatalf("accepted %q with %d digits", s, digits)
		}
		if Call(Chinese, tk, 3).Empty() {
			t.Fatalf("%q says nothing", s)
		}
	})
}
