package clocale

import (
	"os"
	"strings"
	"testing"

	"github.com/jeandeaual/go-locale"
	"golang.org/x/text/language"
)

// env is a set of variables to normalise, standing for the process's.
type env map[string]string

func (e env) get(k string) string { return e[k] }

func (e env) set(k, v string) {
	if v == "" {
		delete(e, k)
		return
	}
	e[k] = v
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name     string
		in, want env
	}{
		{"debian default", env{"LANG": "C.UTF-8"}, env{"LANG": "C"}},
		{"C stays", env{"LANG": "C"}, env{"LANG": "C"}},
		{"POSIX with codeset", env{"LANG": "POSIX.UTF-8"}, env{"LANG": "C"}},
		{"hall locale stays", env{"LANG": "zh_CN.UTF-8"}, env{"LANG": "zh_CN.UTF-8"}},
		{"numeric region stays", env{"LANG": "es_419.UTF-8"}, env{"LANG": "es_419.UTF-8"}},
		{"modifier dropped", env{"LANG": "ca_ES@valencia"}, env{"LANG": "ca_ES"}},
		{"modifier after codeset stays", env{"LANG": "ca_ES.UTF-8@valencia"}, env{"LANG": "ca_ES.UTF-8@valencia"}},
		{"garbage is C", env{"LANG": "kiosk!"}, env{"LANG": "C"}},
		// go-locale reads the first non-empty of LC_ALL, LC_MESSAGES, LANG:
		// the others are not its business and stay.
		{"LC_ALL first", env{"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}, env{"LC_ALL": "C", "LANG": "C.UTF-8"}},
		{"LC_MESSAGES before LANG", env{"LC_MESSAGES": "C.utf8", "LANG": "en_US.UTF-8"}, env{"LC_MESSAGES": "C", "LANG": "en_US.UTF-8"}},
		{"LANGUAGE entries", env{"LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN:C.UTF-8:en"}, env{"LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN:en"}},
		{"LANGUAGE all bad", env{"LANGUAGE": "C:POSIX"}, env{}},
		{"empty", env{}, env{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := env{}
			for k, v := range tt.in {
				got[k] = v
			}
			Normalize(got.get, got.set)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// FuzzNormalize checks Normalize against the real readers: after it, every
// locale go-locale reads from the environment is well-formed for
// golang.org/x/text/language (what Fyne's lang package parses it with),
// and a locale that Fyne could parse already is left unchanged.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"C.UTF-8", "C", "POSIX", "zh_CN.UTF-8", "ca_ES@valencia", "en_US.ISO-8859-1", "es_419", "C@euro", "de-DE", "x", "eng_USA.UTF-8"} {
		f.Add(s, "")
		f.Add(s, "zh_CN:"+s)
	}
	vars := []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"}
	f.Fuzz(func(t *testing.T, lang, languages string) {
		saved := map[string]*string{}
		for _, k := range vars {
			if v, ok := os.LookupEnv(k); ok {
				saved[k] = &v
			} else {
				saved[k] = nil
			}
		}
		defer func() {
			for k, v := range saved {
				if v == nil {
					os.Unsetenv(k)
				} else {
					os.Setenv(k, *v)
				}
			}
		}()
		os.Unsetenv("LC_ALL")
		os.Unsetenv("LC_MESSAGES")
		// What Fyne made of each variable before: LANG alone, then
		// LANGUAGE alone (go-locale reads it when LANG is a locale).
		langParsed := parsesWith(lang, "")
		languagesParsed := languages == "" || parsesWith("en", languages)
		langPromised, languagesPromised := listPromised(lang), listPromised(languages)
		if os.Setenv("LANG", lang) != nil || os.Setenv("LANGUAGE", languages) != nil {
			t.Skip("not an environment value") // a NUL byte
		}

		Normalize(os.Getenv, setenv)

		gotLang, gotLanguages := os.Getenv("LANG"), os.Getenv("LANGUAGE")
		if langParsed && gotLang != lang {
			t.Fatalf("LANG=%q parsed already but became %q", lang, gotLang)
		}
		if languagesParsed && gotLanguages != languages {
			t.Fatalf("LANGUAGE=%q parsed already but became %q", languages, gotLanguages)
		}
		if langPromised && !parsesWith(gotLang, "") {
			t.Fatalf("LANG=%q normalised to %q, which Fyne cannot parse", lang, gotLang)
		}
		if languagesPromised && !parsesWith("en", gotLanguages) {
			t.Fatalf("LANGUAGE=%q normalised to %q, which Fyne cannot parse", languages, gotLanguages)
		}
	})
}

// parsesWith reports whether, with LANG and LANGUAGE set as given, Fyne
// parses every locale go-locale reads without an error. The caller sets
// the environment it wants afterwards.
func parsesWith(lang, languages string) bool {
	if os.Setenv("LANG", lang) != nil || os.Setenv("LANGUAGE", languages) != nil {
		return false
	}
	locs, err := locale.GetLocales()
	return err == nil && parseAll(locs) == nil
}

// cOrModifier reports whether the name is one Normalize promises to make
// readable: a C or POSIX locale with a codeset or modifier, or a locale
// that parses once its @modifier is gone. It sets LANG and LANGUAGE
// (parsesWith).
func cOrModifier(v string) bool {
	lang, _, _ := strings.Cut(v, ".")
	lang, _, _ = strings.Cut(lang, "@")
	if lang == "C" || lang == "POSIX" {
		return true
	}
	base, _, ok := strings.Cut(v, "@")
	return ok && base != "" && parsesWith(base, "")
}

// listPromised reports whether Normalize promises to make the variable's
// ':'-separated list l readable: each entry parses already or is cOrModifier. It sets
// LANG and LANGUAGE (parsesWith).
func listPromised(l string) bool {
	for _, e := range strings.Split(l, ":") {
		if !cOrModifier(e) && !parsesWith("en", e) {
			return false
		}
	}
	return true
}

// parseAll parses each locale as Fyne's lang package does.
func parseAll(locs []string) error {
	for _, l := range locs {
		if _, err := language.Parse(l); err != nil {
			return err
		}
	}
	return nil
}
