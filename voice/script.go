package voice

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// Lang is a language the kiosk speaks: the codes of flow's sessions.
type Lang string

// The languages with clips, and the espeak-ng voice each is made with.
const (
	Chinese Lang = "zh"
	English Lang = "en"
)

// Langs lists the spoken languages in clip order.
var Langs = []Lang{Chinese, English}

// translationFiles are the citizen translations the clips are made from
// (assets/i18n), by language.
var translationFiles = map[Lang]string{Chinese: "i18n/zh_Hans.json", English: "i18n/en.json"}

// engineVoice is the espeak-ng voice of each language. Mandarin is
// cmn-latn-pinyin: espeak-ng's plain cmn voice reads most characters as
// their pinyin spelled out in English, tone number and all (号 as "hao
// four"); cmn-latn-pinyin reads them in Mandarin and says the letters A–Z
// as cmn does ("A" as "ei").
var engineVoice = map[Lang]string{Chinese: "cmn-latn-pinyin", English: "en"}

// spokenAs are the words of the Mandarin clips that espeak-ng reads with the
// wrong tone, written in the tone-numbered pinyin the voice also reads: 处理
// is chǔlǐ, not chùlǐ. The screen keeps the characters; only the engine is
// given the pinyin.
var spokenAs = strings.NewReplacer("处理", "chu3 li3")

// engineText is what the engine is given for a clip's text.
func engineText(l Lang, text string) string {
	if l == Chinese {
		return spokenAs.Replace(text)
	}
	return text
}

// Clip is one recording the kiosk can play: Name is "<lang>/<key>", the file
// is Name+".wav", Text is what the engine was given.
type Clip struct {
	Name string
	Lang Lang
	Text string
}

// letters are the ticket prefixes: a letter is read the same from any
// translation, so its clip's text is the letter itself.
const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// scriptPrefixes are the translation keys that become clips: the prompts
// and numbers (voice.*) and the failure reasons (reason.*).
var scriptPrefixes = []string{"voice.", "reason."}

// Script lists every clip the kiosk can play, made from the translation
// files in i18n (assets.I18n, rooted above the i18n folder): the keys
// voice.* and reason.* of each language, and the letters A–Z. A text with a
// template field ({{.N}}) is refused: a clip is recorded once, so it can
// hold nothing that changes.
func Script(i18n fs.FS) ([]Clip, error) {
	var out []Clip
	for _, l := range Langs {
		b, err := fs.ReadFile(i18n, translationFiles[l])
		if err != nil {
			return nil, fmt.Errorf("voice script: %w", err)
		}
		var msgs map[string]string
		if err := json.Unmarshal(b, &msgs); err != nil {
			return nil, fmt.Errorf("voice script: %s: %w", translationFiles[l], err)
		}
		keys := make([]string, 0, len(msgs))
		for k := range msgs {
			if slices.ContainsFunc(scriptPrefixes, func(p string) bool { return strings.HasPrefix(k, p) }) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			text := strings.TrimSpace(msgs[k])
			if strings.Contains(text, "{{") {
				return nil, fmt.Errorf("voice script: %s %q has a template field; a clip cannot hold changing text", l, k)
			}
			if text == "" {
				return nil, fmt.Errorf("voice script: %s %q is empty", l, k)
			}
			out = append(out, Clip{Name: clipName(l, k), Lang: l, Text: engineText(l, text)})
		}
		for _, c := range letters {
			out = append(out, Clip{Name: clipName(l, letterKey(c)), Lang: l, Text: string(c)})
		}
	}
	return out, nil
}

func clipName(l Lang, key string) string { return string(l) + "/" + key }

func letterKey(c rune) string { return "letter." + string(c) }
