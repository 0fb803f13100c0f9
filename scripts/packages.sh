#!/bin/sh
# Prints one line per package of the module: "fyne PKG" when the package or
# its tests import Fyne (go list -test -deps of the package's test binary),
# else "plain PKG". The race run (scripts/race.sh) and the arm64 run
# (scripts/test-arm64.sh) take the plain ones: Fyne's cgo OpenGL driver is
# neither emulated nor worth instrumenting. Runs in the caller's GOARCH.
# The list goes through a file so that a failing go list stops the script.
set -eu
cd "$(dirname "$0")/.."
deps="$(mktemp)"
trap 'rm -f "$deps"' EXIT
go list -test -f '{{.ImportPath}}|{{join .Deps " "}}' ./... >"$deps"
awk -F'|' '
	{ name = $1; f = ($2 ~ /(^| )fyne\.io\/fyne\//) }
	name ~ / \[/ { next }
	name ~ /\.test$/ { sub(/\.test$/, "", name); t[name] = f; next }
	{ b[name] = f; order[++n] = name }
	END { for (i = 1; i <= n; i++) { p = order[i]; f = (p in t) ? t[p] : b[p]; print (f ? "fyne" : "plain"), p } }' "$deps"
