package ui

// Every program that shows this package's screens, tests included, gets
// locale variables Fyne can parse before Fyne's lang package reads them
// (see internal/clocale).
import _ "hallkiosk/internal/clocale"
