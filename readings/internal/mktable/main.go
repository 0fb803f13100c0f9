// Command mktable writes readings/table.bin from the pinned
// github.com/mozillazg/go-pinyin (readings/internal/dict). Run it through
// `go generate ./readings` after changing the module's version; a test
// fails while the committed table differs from what it writes.
package main

import (
	"flag"
	"fmt"
	"os"

	"hallkiosk/readings/internal/dict"
)

func main() {
	out := flag.String("out", "table.bin", "where to write the table")
	flag.Parse()
	if err := os.WriteFile(*out, dict.Table(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mktable:", err)
		os.Exit(1)
	}
}
