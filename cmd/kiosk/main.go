// Command kiosk is the hall kiosk: the citizen touch screen (`kiosk run`,
// the default) and the technician's command-line diagnostics (`kiosk diag`).
// See README.md and docs/config.md.
package main

import (
	"os"

	// The hall's time zone must resolve on a kiosk image without tzdata.
	_ "time/tzdata"

	// Before Fyne's lang package reads the locale: LANG=C.UTF-8 would
	// make every command start with a Fyne error (see the package).
	_ "hallkiosk/internal/clocale"
)

func main() {
	os.Exit(cli(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
