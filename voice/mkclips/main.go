// Command mkclips makes the kiosk's voice clips with espeak-ng from the
// citizen translations (voice.Script) into assets/voice, which the kiosk
// embeds. `make clips` runs it; see docs/voice.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"hallkiosk/assets"
	"hallkiosk/voice"
)

func main() {
	out := flag.String("out", "assets/voice", "folder to write <lang>/<key>.wav and MANIFEST into")
	flag.Parse()
	script, err := voice.Script(assets.I18n)
	if err == nil {
		err = voice.Generate(context.Background(), script, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkclips:", err)
		os.Exit(1)
	}
	fmt.Printf("mkclips: %d clips in %s\n", len(script), *out)
}
