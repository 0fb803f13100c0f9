package main

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// The technician's command lines in the README use the kiosk's real
// subcommands and flags: none of them is refused as a usage mistake (exit
// status 2). On this machine without the devices they may fail for want of
// a port or a file, with exit status 1.
func TestREADMEKioskCommandsParse(t *testing.T) {
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds [][]string
	inCode := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if !inCode || !strings.HasPrefix(line, "kiosk ") {
			continue
		}
		line, _, _ = strings.Cut(line, "#")
		line, _, _ = strings.Cut(line, "<") // stdin comes from the test
		cmds = append(cmds, strings.Fields(line)[1:])
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
