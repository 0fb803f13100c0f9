package main

import (
	"strings"
	"testing"

	"hallkiosk/internal/testutil"
)

// The technician's command lines in the README use the kiosk's real
// subcommands and flags: none of them is refused as a usage mistake (exit
// status 2). On this machine without the devices they may fail for want of
// a port or a file, with exit status 1.
func TestREADMEKioskCommandsParse(t *testing.T) {
	cmds, err := testutil.ShellCommands("../../README.md", "kiosk")
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) < 5 {
		t.Fatalf("found %d kiosk commands in the README, want the technician's list", len(cmds))
	}
	for _, args := range cmds {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Chdir(t.TempDir())
			var out, errb strings.Builder
			code := cli(args, strings.NewReader(""), &out, &errb)
			if code == 2 || strings.Contains(errb.String(), "not defined") {
				t.Errorf("exit %d: %s", code, errb.String())
			}
		})
	}
}
