// Package clocale makes the process's locale variables readable by Fyne
// before Fyne reads them. Import it for its side effect (blank import) in
// every binary and test that links Fyne.
//
// Fyne's lang package looks the user's locale up in its package init
// (lang.init → AddTranslationsFS → updateLocalizer), through
// github.com/jeandeaual/go-locale, which takes the first non-empty one of
// LC_ALL, LC_MESSAGES and LANG and treats only the exact values "C" and
// "POSIX" as "no locale". Debian's default LANG=C.UTF-8 becomes the
// language "C", which golang.org/x/text/language rejects, so every
// command, `kiosk --help` included, started with "Fyne error: Error parsing
// user locale C" on stderr, and the GUI logged it again whenever Fyne asked
// for the locale (fonts, date formats).
//
// The message is printed during package initialisation, before main, so
// nothing in main can prevent it. This package's init can: the Go
// specification (Package initialization, since Go 1.21) initialises the
// packages of a program in import-path order, each as soon as its imports
// are; this package imports only os, which the standard log package (and
// so fyne.io/fyne/v2, and so lang) imports too, and "hallkiosk/…" sorts
// before "log", so this init runs before log's and therefore before
// lang's. cmd/kiosk's TestCommandLineLocale runs the built binary under
// LANG=C.UTF-8 and fails if that ever stops holding.
//
// What it changes is what the C library would conclude anyway: a name
// whose language part is C or POSIX (C.UTF-8, POSIX.UTF-8, C@euro) or that
// holds bytes no locale name holds selects the C locale, so it is written
// as plain "C", which go-locale understands; a name that only its
// @modifier spoils for go-locale (ca_ES@valencia) loses the modifier.
// Entries of LANGUAGE are treated alike, and those that come out as C
// dropped. A name Fyne parses is never changed. Names made of letters,
// digits and separators that golang.org/x/text still rejects (an unknown
// code such as zz_ZZ) are left alone: telling them apart needs x/text's
// grammar and tables, whose imports would no longer let this init run
// first.
package clocale

import "os"

func init() { Normalize(os.Getenv, setenv) }

func setenv(k, v string) {
	if v == "" {
		os.Unsetenv(k)
		return
	}
	os.Setenv(k, v)
}

// Normalize rewrites, through set, the locale variables read through get
// that Fyne's locale lookup cannot parse (see the package comment). set
// with an empty value unsets. It is exported for the tests.
func Normalize(get func(string) string, set func(k, v string)) {
	for _, k := range [...]string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := get(k)
		if v == "" {
			continue
		}
		// go-locale splits every one of them at ':' as it does LANGUAGE.
		w := readable(v)
		if index(v, ':') >= 0 {
			if w = keepLanguages(v); w == "" {
				w = "C"
			}
		}
		if w != v {
			set(k, w)
		}
		// go-locale reads only the first non-empty variable.
		break
	}
	// LANGUAGE that is only "C" or "POSIX" is no locale to go-locale too.
	if l := get("LANGUAGE"); l != "" && l != "C" && l != "POSIX" {
		if kept := keepLanguages(l); kept != l {
			set("LANGUAGE", kept)
		}
	}
}

// readable returns v unless go-locale would read it as a name that
// cannot be a language tag: then v without its @modifier if that is
// enough (go-locale keeps "ca_ES@valencia" whole), else "C", the locale
// the C library takes for such a name.
func readable(v string) string {
	if v == "C" || v == "POSIX" || !malformed(v) {
		return v
	}
	if at := index(v, '@'); at >= 0 && !malformed(v[:at]) {
		return v[:at]
	}
	return "C"
}

// malformed reports whether go-locale's reading of the POSIX locale name v
// (language[_territory][.codeset]: the codeset cut off, the rest split at
// the first '_' or '-') is surely not a language tag: its language part is
// C or POSIX (C.UTF-8, POSIX.UTF-8) or empty, or it holds a byte that no
// tag holds (the '@' of a modifier, spaces, punctuation). Anything else is
// left to golang.org/x/text: this init cannot import its grammar (see the
// package comment), and leaving a name alone is never worse than before.
func malformed(v string) bool {
	if dot := index(v, '.'); dot >= 0 {
		v = v[:dot]
	}
	lang := v
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '_' || c == '-' {
			if lang == v {
				lang = v[:i]
			}
			continue
		}
		if !isLetter(c) && !isDigit(c) {
			return true
		}
	}
	return lang == "" || lang == "C" || lang == "POSIX"
}

func isLetter(c byte) bool { c |= 0x20; return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// index is strings.IndexByte, written here so that the package imports
// nothing but os (see the package comment on initialisation order).
func index(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// keepLanguages returns the colon-separated list l (LANGUAGE) with each
// entry made readable and those that cannot be dropped: go-locale treats
// "C" and "POSIX" as no locale only in LC_ALL, LC_MESSAGES and LANG.
func keepLanguages(l string) string {
	out := ""
	start := 0
	for i := 0; i <= len(l); i++ {
		if i < len(l) && l[i] != ':' {
			continue
		}
		if e := readable(l[start:i]); e != "C" && e != "POSIX" {
			if out != "" {
				out += ":"
			}
			out += e
		}
		start = i + 1
	}
	return out
}
