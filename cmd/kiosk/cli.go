package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// version is set at release build time (-ldflags "-X main.version=…").
var version = "dev"

const usage = `kiosk — self-service terminal for a government service hall

Usage:
  kiosk [run] [--config FILE] [--data-dir DIR] [--window WxH] [--diag]
        start the citizen kiosk; without a config file every device runs on
        its simulator and an embedded back office serves the demo hall
  kiosk sim --data-dir DIR [--devices printer,idcard,scanner] [--backoffice] [--control]
        run the device simulators on pseudo-terminals (and the demo back
        office, and the simulator control window) in a process of their own;
        prints their ports as one JSON line. kiosk run starts it by itself
        for whatever its configuration leaves out
  kiosk diag ports
        list serial ports with their USB identity
  kiosk diag printer --port P [--baud B] [--test-ticket]
        read the printer's status, then optionally print a test ticket
  kiosk diag idcard --port P [--baud B] [--wait 30s] [--show-pii]
        SAM status and ID, then wait for one card and print it as JSON
  kiosk diag scanner --port P [--baud B] [--wait 30s]
        wait for one scanned code and print it
  kiosk diag decode-idcard < capture.hex
        decode captured ID reader traffic (hex) into one JSON object per frame
  kiosk diag render-escpos FILE [--png OUT.png]
        decode an ESC/POS capture to text, and to PNG images
  kiosk version
        print the version

Errors are one line on stderr and a non-zero exit status.
`

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

func cli(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "run"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		cmd, args = "help", nil
	} else if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "run":
		err = runKiosk(args, stdout, stderr)
	case "sim":
		err = simCommand(args, stdin, stdout, stderr)
	case "diag":
		err = diagCommand(args, stdin, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "kiosk", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = fmt.Errorf("%w: unknown command %q (see kiosk --help)", errUsage, cmd)
	}
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "kiosk:", oneLine(err))
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// oneLine keeps an error to one line on stderr, as technicians read it on a
// small terminal and scripts grep it.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// newFlags returns a flag set that reports errors instead of exiting, with
// the usage text on -h.
func newFlags(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// Parse errors come back as one line on stderr (see cli); only -h
	// prints the usage, to stdout.
	fs.SetOutput(io.Discard)
	fs.Usage = func() { fmt.Fprint(out, usage) }
	return fs
}

// parse parses flags, allowing positional arguments before or after them.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
