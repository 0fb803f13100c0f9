// Package testexec gives the command line with which a test runs its own
// binary again: the crash test's child, the full-disk test's child in a new
// mount namespace.
//
// Normally that is os.Args[0]. When the tests of another architecture run
// through `go test -exec qemu-aarch64` on an amd64 machine, the kernel
// cannot start the arm64 binary by itself (that would need a binfmt_misc
// registration, a machine-wide setting that CI containers often cannot
// make), so the child must be started through the same emulator. The
// script that passes -exec also sets HALLKIOSK_TEST_EXEC to the same
// command; without it nothing changes.
package testexec

import (
	"os"
	"strings"
)

// Env names the variable holding the wrapper command (split on spaces).
const Env = "HALLKIOSK_TEST_EXEC"

// Self returns the argv that runs this test binary again: the wrapper from
// Env, if any, then os.Args[0].
func Self() []string {
	return append(strings.Fields(os.Getenv(Env)), os.Args[0])
}
