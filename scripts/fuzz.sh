#!/bin/sh
# Runs every fuzz target in the module for the given time each (default 5m)
# and prints each target's executions per second, counted by the fuzzer
# (inputs its minimiser runs are not counted).
set -eu
t="${1:-5m}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
summary=""
for pkg in $(go list ./...); do
	for f in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
		echo "== $pkg $f ($t)"
		start=$(date +%s)
		go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" "$pkg" | tee "$log"
		secs=$(($(date +%s) - start))
		execs=$(sed -n 's/.*execs: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
		line="$pkg $f: ${execs:-0} execs in ${secs}s, $((${execs:-0} / (secs > 0 ? secs : 1)))/s"
		summary="$summary$line
"
	done
done
echo "== execs/s"
printf '%s' "$summary"
