#!/bin/sh
# Runs every fuzz target in the module for the given time each (default 5m)
# and prints each target's executions per second, counted by the fuzzer
# over its own elapsed time (inputs its minimiser runs are not counted, nor
# is the build).
set -eu
t="${1:-5m}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
summary=""
for pkg in $(go list ./...); do
	for f in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
		echo "== $pkg $f ($t)"
		go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" "$pkg" | tee "$log"
		# The fuzzer's own clock ("fuzz: elapsed: 21s, execs: 12750"):
		# the build before it is not fuzzing time.
		secs=$(sed -n 's/.*elapsed: \([0-9]*\)s, execs.*/\1/p' "$log" | tail -n 1)
		secs=${secs:-0}
		execs=$(sed -n 's/.*execs: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
		line="$pkg $f: ${execs:-0} execs in ${secs}s, $((${execs:-0} / (secs > 0 ? secs : 1)))/s"
		summary="$summary$line
"
	done
done
echo "== execs/s"
printf '%s' "$summary"
