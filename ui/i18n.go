package ui

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"text/template"

	"fyne.io/fyne/v2"

	"hallkiosk/assets"
)

// Lang is a UI language. The codes are the ones api.Text.In takes, so
// catalog texts and UI strings switch together.
type Lang string

// The kiosk's languages. Chinese is the default.
const (
	Chinese Lang = "zh"
	English Lang = "en"
)

// langFiles names each language's file in assets/i18n. The Chinese file is
// zh_Hans.json, the name Fyne's lang package needs to translate both the
// app's and Fyne's own strings (docs/fyne-notes.md 1.9), so the same files would
// load there unchanged.
var langFiles = map[Lang]string{
	Chinese: "i18n/zh_Hans.json",
	English: "i18n/en.json",
}

// Translations looks UI strings up in the kiosk's two JSON files: flat
// objects of key → text, where a text may use Go template fields such as
// {{.N}} (the go-i18n syntax Fyne's lang package also uses).
//
// It is an own lookup rather than fyne.io/fyne/v2/lang because the kiosk
// switches language at runtime on every screen. lang has no setter: its
// documented workaround is to change the process's LANG and reload the files
// (docs/fyne-notes.md 1.9), which does nothing when LC_ALL, LC_MESSAGES or LANGUAGE
// is set (go-locale reads those first), changes the environment of every
// goroutine, and grows lang's list of loaded files on every switch. Here the
// language is a plain argument, so a test can ask for both at once.
type Translations struct {
	msgs map[Lang]map[string]string

	mu    sync.Mutex
	tmpls map[string]*template.Template
}

// LoadTranslations reads zh_Hans.json and en.json from fsys (laid out as
// assets.I18n: an i18n/ directory).
func LoadTranslations(fsys fs.FS) (*Translations, error) {
	tr := &Translations{msgs: map[Lang]map[string]string{}, tmpls: map[string]*template.Template{}}
	for l, name := range langFiles {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load translations: %w", err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("load translations %s: %w", name, err)
		}
		tr.msgs[l] = m
	}
	return tr, nil
}

var (
	defaultTrOnce sync.Once
	defaultTr     *Translations
)

// bundledTranslations returns the translations embedded in the binary. A
// broken file is a build error that the i18n tests catch, so failing loudly
// here is right.
func bundledTranslations() *Translations {
	defaultTrOnce.Do(func() {
		tr, err := LoadTranslations(assets.I18n)
		if err != nil {
			panic("ui: " + err.Error())
		}
		defaultTr = tr
	})
	return defaultTr
}

// Keys returns the keys of language l.
func (tr *Translations) Keys(l Lang) []string {
	keys := make([]string, 0, len(tr.msgs[l]))
	for k := range tr.msgs[l] {
		keys = append(keys, k)
	}
	return keys
}

// Has reports whether key exists in language l.
func (tr *Translations) Has(l Lang, key string) bool {
	_, ok := tr.msgs[l][key]
	return ok
}

// T returns the text of key in language l. kv are name/value pairs for the
// text's template fields: T(English, "ticket.ahead", "N", 3). A missing key
// falls back to Chinese, then to the key itself, so a gap shows on screen
// (and in TestScreenshots) instead of an empty label.
func (tr *Translations) T(l Lang, key string, kv ...any) string {
	s, ok := tr.msgs[l][key]
	if !ok {
		s, ok = tr.msgs[Chinese][key]
		if !ok {
			fyne.LogError("ui: missing translation", fmt.Errorf("%s: %q", l, key))
			return key
		}
	}
	if !strings.Contains(s, "{{") {
		return s
	}
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if name, ok := kv[i].(string); ok {
			data[name] = kv[i+1]
		}
	}
	t, err := tr.template(string(l)+"\x00"+key, s)
	if err != nil {
		fyne.LogError("ui: bad translation template", err)
		return s
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		fyne.LogError("ui: translation template failed", err)
		return s
	}
	return b.String()
}

func (tr *Translations) template(id, text string) (*template.Template, error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if t, ok := tr.tmpls[id]; ok {
		return t, nil
	}
	t, err := template.New(id).Option("missingkey=zero").Parse(text)
	if err != nil {
		return nil, err
	}
	tr.tmpls[id] = t
	return t, nil
}
