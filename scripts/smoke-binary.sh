#!/bin/sh
# Starts a kiosk binary in demo mode (simulators, embedded back office) on a
# private Xvfb display, waits until its first frame is on screen, takes a
# screenshot and stops it with SIGTERM, which must end it cleanly.
#   scripts/smoke-binary.sh BINARY [SCREENSHOT.png]
set -eu
bin="$1"
shot="${2:-}"
tmp="$(mktemp -d)"
n=71
while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
i=0
until DISPLAY=":$n" xdpyinfo >/dev/null 2>&1 || DISPLAY=":$n" xset q >/dev/null 2>&1 || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
DISPLAY=":$n" KIOSK_READY_STDERR=1 LANG=zh_CN.UTF-8 "$bin" run --data-dir "$tmp/data" --window 1280x800 >"$tmp/out.log" 2>&1 &
kiosk=$!
i=0
until grep -q "kiosk: ready" "$tmp/out.log" 2>/dev/null || [ $i -ge 600 ]; do
	if ! kill -0 $kiosk 2>/dev/null; then break; fi
	sleep 0.1; i=$((i + 1))
done
if ! grep -q "kiosk: ready" "$tmp/out.log"; then
	echo "smoke: $bin did not show its first frame:" >&2
	tail -n 20 "$tmp/out.log" >&2
	kill $kiosk 2>/dev/null || true
	exit 1
fi
grep "kiosk: ready" "$tmp/out.log"
if [ -n "$shot" ]; then DISPLAY=":$n" import -window root "$shot"; fi
kill -TERM $kiosk
status=0
wait $kiosk || status=$?
if [ $status -ne 0 ]; then
	echo "smoke: $bin exited with status $status after SIGTERM" >&2
	tail -n 20 "$tmp/out.log" >&2
	exit 1
fi
grep -q '"msg":"kiosk stopped"' "$tmp/out.log" || { echo "smoke: no clean stop in the log" >&2; exit 1; }
echo "smoke: $bin started, drew its home screen and stopped cleanly"
