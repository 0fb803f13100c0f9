package pages

import (
	"net/http/httptest"
	"testing"
)

func TestLangOf(t *testing.T) {
	tests := []struct{ url, accept, want string }{
		{"/t/x", "", "zh"},
		{"/t/x", "en-US,en;q=0.9", "en"},
		{"/t/x", "zh-CN,zh;q=0.9,en;q=0.8", "zh"},
		{"/t/x", "en;q=0.5,zh-TW;q=0.9", "zh"},
		{"/t/x", "fr-FR,fr;q=0.9", "zh"}, // neither: the hall's language
		{"/t/x", "fr-FR,en;q=0.5", "en"},
		{"/t/x?lang=en", "zh-CN", "en"},
		{"/t/x?lang=de", "zh-CN", "zh"},
		{"/t/x", "*;q=x,,;", "zh"},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", tc.url, nil)
		r.Header.Set("Accept-Language", tc.accept)
		if got := langOf(r); got != tc.want {
			t.Errorf("%s with %q: %s, want %s", tc.url, tc.accept, got, tc.want)
		}
	}
}

// FuzzLangOf: whatever a browser sends, the page is in zh or en.
func FuzzLangOf(f *testing.F) {
	for _, s := range []string{"", "en", "zh-Hans-CN;q=0.8", "en-GB,en;q=0.9,*;q=0.1", "q=;;,", "zh;q=1.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := httptest.NewRequest("GET", "/display", nil)
		r.Header.Set("Accept-Language", s)
		if got := langOf(r); got != "zh" && got != "en" {
			t.Fatalf("%q gave %q", s, got)
		}
	})
}

func TestSafeJSON(t *testing.T) {
	if got := safeJSON([]byte(`{"a":"</script><b>&"}`)); got != `{"a":"\u003c/script\u003e\u003cb\u003e\u0026"}` {
		t.Fatalf("got %s", got)
	}
}
