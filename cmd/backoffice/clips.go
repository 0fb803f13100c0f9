package main

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"hallkiosk/backoffice/api"
	"hallkiosk/voice"
)

// displayClips lets the hall display announce a call with the kiosks'
// recorded clips (voice.CallClips) where its browser has no speech
// synthesis, and serves the clip files under /clips/.
type displayClips struct {
	bank  *voice.Bank
	known map[string]bool
	files http.Handler
}

func newDisplayClips(b *voice.Bank) *displayClips {
	d := &displayClips{bank: b, known: map[string]bool{}, files: http.StripPrefix("/clips", voice.Handler(b))}
	for _, n := range b.Names() {
		d.known[n] = true
	}
	return d
}

// CallClips is the clips' URLs for number called to counter, whose window
// number is the first number in its name (3号窗口, Window 3); nil when the
// counter's name has none, or a clip is missing: the display then shows
// the call without a voice rather than say half of it.
func (d *displayClips) CallClips(number string, counter api.Text) []string {
	w := windowNumber(counter.Zh)
	if w == 0 {
		w = windowNumber(counter.En)
	}
	names, err := voice.CallClips(number, w)
	if err != nil {
		return nil
	}
	urls := make([]string, 0, len(names))
	for _, n := range names {
		if !d.known[n] {
			return nil
		}
		urls = append(urls, "/clips/"+n+".wav")
	}
	return urls
}

// ServeHTTP serves the clip files.
func (d *displayClips) ServeHTTP(w http.ResponseWriter, r *http.Request) { d.files.ServeHTTP(w, r) }

// windowNumber is the first run of ASCII digits in s, 0 for none or one
// too long to be a window.
func windowNumber(s string) int {
	i := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return 0
	}
	j := strings.IndexFunc(s[i:], func(r rune) bool { return r < '0' || r > '9' || r > unicode.MaxASCII })
	if j < 0 {
		j = len(s) - i
	}
	n, err := strconv.Atoi(s[i : i+j])
	if err != nil || n > 99 {
		return 0
	}
	return n
}
