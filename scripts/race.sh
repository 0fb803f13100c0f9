#!/bin/sh
# The tests of every package that does not link Fyne, under the race
# detector. Packages whose tests link Fyne run without it in make unit:
# its cgo OpenGL driver and its event loop are not this product's code,
# and instrumenting them would double the ui test time for findings we
# could not fix here.
set -eu
cd "$(dirname "$0")/.."
classes="$(scripts/packages.sh)"
run="$(printf '%s\n' "$classes" | sed -n 's/^plain //p')"
[ -n "$run" ] || { echo "race: no package to test" >&2; exit 1; }
echo "race: testing $(printf '%s\n' "$run" | wc -l) packages (not: $(printf '%s\n' "$classes" | sed -n 's/^fyne //p' | tr '\n' ' '))"
# shellcheck disable=SC2086
go test -race -count=1 -timeout 30m $run
