package backoffice

import (
	"encoding/json"
	"errors"
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
	prefix := "payload does not fit " + kind + ": "
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return prefix + "not valid JSON"
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(payload, &fields) != nil {
		return prefix + "not a JSON object"
	}
	t := reflect.TypeOf(v).Elem()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		raw, ok := fields[name]
		if name == "" || name == "-" || !ok {
			continue
		}
		if json.Unmarshal(raw, reflect.New(f.Type).Interface()) != nil {
			return prefix + "field " + name + " " + ruleOf(f.Type)
		}
	}
	return prefix + "a field has the wrong type"
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
		return "must be an object of the documented shape"
	}
	return "has the wrong type"
}
