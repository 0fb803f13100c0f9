package flow

import (
	"context"
	"fmt"
)

// InputKind says which on-screen keypad a typed field needs.
type InputKind int

// Input kinds.
const (
	InputNone    InputKind = iota // nothing to type on this step
	InputDigits                   // 0–9 (phone numbers)
	InputIDTail                   // 0–9 and X (last four of an ID number)
	InputAlnum                    // 0–9, A–Z and "-" (codes, ticket and receipt numbers)
	InputLetters                  // A–Z (a search by pinyin, initials or English words)
)

// String returns the kind's name.
func (k InputKind) String() string {
	switch k {
	case InputNone:
		return "none"
	case InputDigits:
		return "digits"
	case InputIDTail:
		return "id_tail"
	case InputAlnum:
		return "alnum"
	case InputLetters:
		return "letters"
	}
	return fmt.Sprintf("InputKind(%d)", int(k))
}

// Input is the field being typed, as the screen shows it.
type Input struct {
	Kind  InputKind
	Value string
	Max   int
}

// field is a typed value. Flows own it, rather than the UI's keypad widget,
// so that wiping the flow wipes what the citizen typed (a phone number, an
// ID tail).
type field struct {
	kind InputKind
	max  int
	buf  []byte
}

func (f *field) set(kind InputKind, max int) {
	f.wipe()
	f.kind, f.max = kind, max
}

func (f *field) allowed(c byte) bool {
	switch f.kind {
	case InputDigits:
		return c >= '0' && c <= '9'
	case InputIDTail:
		return c >= '0' && c <= '9' || c == 'X'
	case InputAlnum:
		return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '-'
	case InputLetters:
		return c >= 'A' && c <= 'Z'
	}
	return false
}

// key appends the allowed characters of s; it reports whether the value
// changed.
func (f *field) key(s string) bool {
	changed := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if !f.allowed(c) || len(f.buf) >= f.max {
			continue
		}
		f.buf = append(f.buf, c)
		changed = true
	}
	return changed
}

func (f *field) backspace() bool {
	if len(f.buf) == 0 {
		return false
	}
	f.buf[len(f.buf)-1] = 0
	f.buf = f.buf[:len(f.buf)-1]
	return true
}

// wipe zeroes the bytes before dropping them.
func (f *field) wipe() {
	clear(f.buf[:cap(f.buf)])
	f.buf = f.buf[:0]
}

// editInput serves a flow's Key and Backspace: it touches the session and,
// under the flow's lock, applies edit to fd when onScreen reports the field
// is shown, calling notify only when the value changed.
func (m *machine) editInput(onScreen func() bool, fd *field, edit func(*field) bool, notify func()) {
	m.env.Session.Touch()
	m.mu.Lock()
	defer m.mu.Unlock()
	if onScreen() && edit(fd) {
		notify()
	}
}

// scanAlongsideLocked listens on the scanner, when there is one, while the
// keypad is on screen; whichever comes first wins. No timeout: the idle
// session ends the wait. *scanning is true while it listens; a scanned code
// goes to accept, a scanner error (naming what was awaited) to fail, both
// under the lock.
func (m *machine) scanAlongsideLocked(scanning *bool, what string, fail func(*Problem), accept func(raw string)) {
	if m.env.Scanner == nil {
		return
	}
	*scanning = true
	m.runLocked(0, false, func(ctx context.Context, _ func(func()) bool) func() {
		raw, err := m.env.Scanner.WaitCode(ctx)
		return func() {
			*scanning = false
			if err != nil {
				fail(problem(scanReason(err), fmt.Errorf("wait for %s: %w", what, err)))
				return
			}
			accept(raw)
		}
	})
}

func (f *field) value() string { return string(f.buf) }

func (f *field) input() Input {
	if f.kind == InputNone {
		return Input{}
	}
	return Input{Kind: f.kind, Value: string(f.buf), Max: f.max}
}
