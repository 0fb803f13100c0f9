package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// The key kit: how the kiosk's keypads lay their keys out, shared by the
// citizen's keypad and the technician's PIN pad, number pad and keyboard.
// Each screen set draws its keys its own way (the citizen's are large
// characters for arm's-length reading, the technician's are dense theme
// buttons) and passes a function that makes one key; the arrangement is
// written once here.

// DigitPad lays the digits out as a telephone keypad: 1–9 three to a row,
// then left, 0 and right (a clear or X key, or a gap; a delete key). key
// makes the key of one digit.
func DigitPad(key func(digit rune) fyne.CanvasObject, left, right fyne.CanvasObject) *fyne.Container {
	keys := make([]fyne.CanvasObject, 0, 12)
	for _, d := range "123456789" {
		keys = append(keys, key(d))
	}
	keys = append(keys, left, key('0'), right)
	return container.NewGridWithColumns(3, keys...)
}

// CharGrid lays one key per character of chars out in cols columns. key
// makes the key of one character.
func CharGrid(chars []rune, cols int, key func(r rune) fyne.CanvasObject) *fyne.Container {
	keys := make([]fyne.CanvasObject, len(chars))
	for i, r := range chars {
		keys[i] = key(r)
	}
	return container.NewGridWithColumns(cols, keys...)
}
