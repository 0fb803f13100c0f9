#!/bin/sh
# The tests of every package that does not link Fyne, cross-compiled for
# arm64 and run under qemu-user (`go test -exec qemu-aarch64`): SQLite, the
# serial drivers on pseudo-terminals, the simulators, the sync protocol, the
# flows and the back office, as arm64 code. scripts/deps.sh arm64 installs
# the cross gcc, the arm64 libraries and qemu-user.
#
# Packages whose tests link Fyne (its OpenGL driver, cgo) are not run here;
# the script names them. They run natively in `make unit`, and the arm64
# kiosk binary itself is started under qemu by scripts/arm64-smoke.sh.
set -eu
cd "$(dirname "$0")/.."
qemu="${QEMU:-qemu-aarch64}"
command -v aarch64-linux-gnu-gcc >/dev/null && command -v "$qemu" >/dev/null || {
	echo "test-arm64: aarch64-linux-gnu-gcc or $qemu missing: run scripts/deps.sh arm64" >&2
	exit 1
}
export GOARCH=arm64 CGO_ENABLED=1 CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++
export PKG_CONFIG_PATH="" PKG_CONFIG_LIBDIR="/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig"
# Tests that run their own binary again (offline's crash test, flow's
# full-disk test) start it through the same emulator: the kernel cannot
# exec an arm64 binary by itself without a binfmt_misc registration, which
# is machine-wide and which this script does not make
# (internal/testexec).
export HALLKIOSK_TEST_EXEC="$qemu"

# "fyne PKG" or "plain PKG" per package (scripts/packages.sh); a failing
# go list stops the script.
classes="$(scripts/packages.sh)"
run="$(printf '%s\n' "$classes" | sed -n 's/^plain //p')"
skip="$(printf '%s\n' "$classes" | sed -n 's/^fyne //p')"
[ -n "$run" ] || { echo "test-arm64: no package to test" >&2; exit 1; }
echo "arm64 under qemu-user: not run here, because their tests link Fyne's cgo OpenGL driver (they run natively in make unit; the arm64 kiosk binary runs in scripts/arm64-smoke.sh):"
printf '  %s\n' $skip
echo "arm64 under qemu-user: testing $(printf '%s\n' "$run" | wc -l) packages"
# One test binary at a time (-p 1): the device tests keep the real-time
# deadlines of the hardware (a printer answers DLE EOT within 500 ms), and an
# emulated binary that shares the two cores with another emulated one can
# miss them. It costs about half a minute.
# shellcheck disable=SC2086
go test -p 1 -exec "$qemu" -count=1 -timeout 30m $run
