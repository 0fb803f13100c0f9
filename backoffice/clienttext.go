package backoffice

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxLoggedText bounds every client-sent string the back office logs: a
// kiosk token must not be able to fill the disk through the log.
const maxLoggedText = 64

// clientText makes a string a client sent fit for the log: cut to
// maxLoggedText bytes on a character boundary, then escaped (control
// characters, invalid UTF-8 and quotes as Go escapes), so one value can
// neither grow the log without bound nor forge a line of it.
func clientText(s string) string {
	cut := truncate(s, maxLoggedText)
	q := strconv.QuoteToGraphic(cut)
	return q[1 : len(q)-1]
}

// truncate cuts s to at most n bytes without splitting a character and
// marks the cut with "…".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// payloadFault says which field of a payload did not decode and what the
// field must be, never what it held: a rejection reason is logged and sent
// back, and the value may be a phone or ID number in the wrong place.
// v is a pointer to the payload's type in package api.
func payloadFault(kind string, payload []byte, v any, err error) string {
	return "payload does not fit " + kind + ": " + jsonFault(payload, v, err)
}

// jsonFault words why data did not decode into v (a pointer): the field
// and what it must be ("field records[2].occurred_at must be an RFC 3339
// time"), never the value. encoding/json's own errors quote it: a phone
// number in a time field comes back as `parsing time "13912345678"…`.
func jsonFault(data []byte, v any, err error) string {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("not valid JSON (at byte %d)", syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return "not valid JSON (it ends early)"
	}
	if why := fieldFault(data, reflect.TypeOf(v).Elem(), ""); why != "" {
		return why
	}
	return "a field has the wrong type"
}

// fieldFault finds the first field of raw, a JSON value, that does not
// decode into t, descending into objects and lists of objects, and words
// the rule it breaks. It returns "" when raw decodes.
func fieldFault(raw []byte, t reflect.Type, path string) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if json.Unmarshal(raw, reflect.New(t).Interface()) == nil {
		return ""
	}
	switch {
	case t.Kind() == reflect.Struct && t != timeType:
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil {
			break
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			// encoding/json matches keys to fields without regard to case.
			for key, v := range fields {
				if strings.EqualFold(key, name) {
					if why := fieldFault(v, f.Type, joinPath(path, name)); why != "" {
						return why
					}
				}
			}
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct && t.Elem() != timeType:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			break
		}
		for i, item := range items {
			if why := fieldFault(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); why != "" {
				return why
			}
		}
	}
	if path == "" {
		return ruleOf(t)
	}
	return "field " + path + " " + ruleOf(t)
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

var timeType = reflect.TypeOf(time.Time{})

// ruleOf words what a JSON value must be to decode into t.
func ruleOf(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return "must be an RFC 3339 time"
	case t.Kind() == reflect.String:
		return "must be a string"
	case t.Kind() == reflect.Bool:
		return "must be true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "must be a whole number in range"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "must be a number"
	case t.Kind() == reflect.Slice:
		return "must be a list, each item " + strings.TrimPrefix(ruleOf(t.Elem()), "must be ")
	case t.Kind() == reflect.Map || t.Kind() == reflect.Struct:
		return "must be a JSON object of the documented shape"
	}
	return "has the wrong type"
}

// escapedLoneSurrogate reports whether JSON text (one value that parsed)
// holds a \u escape of a UTF-16 surrogate without its pair: \udc00, or
// \ud800 not followed by \udc00–\udfff. Such an escape is no character;
// encoding/json turns it into U+FFFD, so checking the decoded strings
// cannot tell it from a replacement character the citizen's text really
// held. The raw text can: outside a string a backslash is no JSON, so every
// backslash here starts an escape, and a pair is one character.
func escapedLoneSurrogate(b []byte) bool {
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		return rune(n), err == nil
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := hex4(i)
		if !ok {
			i++ // a two-character escape: \\, \", \n…
			continue
		}
		switch {
		case r >= 0xdc00 && r <= 0xdfff:
			return true
		case r >= 0xd800 && r <= 0xdbff:
			if lo, ok := hex4(i + 6); !ok || lo < 0xdc00 || lo > 0xdfff {
				return true
			}
			i += 11
		default:
			i += 5
		}
	}
	return false
}
