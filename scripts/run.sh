#!/bin/sh
# `make run`: starts the kiosk. With no configuration file it runs the demo:
# every device on its simulator, the embedded back office, a 1280×800 window
# and a simulator control window. Without a display it starts Xvfb and keeps
# a screenshot of the screen up to date in run/screenshots/.
#   KIOSK_CONFIG=/path/kiosk.json make run    use a real configuration
set -eu
cd "$(dirname "$0")/.."
mkdir -p run/data run/screenshots
# The kiosk runs with its systemd unit's environment (FYNE_CACHE: how long
# Fyne keeps the images of screens no longer shown), as on a hall's terminal.
eval "$(sed -n 's/^Environment=\(FYNE_[A-Z_]*=[^ ]*\)$/export \1/p' deploy/hallkiosk.service)"
args="run --data-dir run/data"
if [ -n "${KIOSK_CONFIG:-}" ]; then
	args="run --config $KIOSK_CONFIG"
else
	args="$args --window 1280x800"
fi
xvfb_pid=""
shot_pid=""
cleanup() {
	[ -n "$shot_pid" ] && kill "$shot_pid" 2>/dev/null || true
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
if [ -z "${DISPLAY:-}" ] || ! xdpyinfo >/dev/null 2>&1 && ! xset q >/dev/null 2>&1; then
	n=57
	while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
	Xvfb ":$n" -screen 0 1920x800x24 -nolisten tcp >/dev/null 2>&1 &
	xvfb_pid=$!
	export DISPLAY=":$n"
	i=0
	until xset q >/dev/null 2>&1 || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
	(while sleep 3; do import -window root run/screenshots/.latest.png 2>/dev/null && mv run/screenshots/.latest.png run/screenshots/latest.png; done) &
	shot_pid=$!
	# Xvfb has no window manager: once the simulator control window is
	# up, move it beside the 1280×800 kiosk window.
	(i=0; while [ $i -lt 100 ]; do
		w=$(xdotool search --name "Simulators" 2>/dev/null | head -1)
		if [ -n "$w" ]; then xdotool windowmove "$w" 1285 0; break; fi
		sleep 0.2; i=$((i + 1))
	done) &
	echo "No display found: the kiosk runs on Xvfb $DISPLAY (kiosk at left, simulator control at right)."
	echo "  screenshot (updated every 3 s): $(pwd)/run/screenshots/latest.png"
	echo "  tap:   DISPLAY=$DISPLAY xdotool mousemove X Y click 1"
	echo "  stop:  Ctrl+C"
fi
# shellcheck disable=SC2086
exec_status=0
bin/kiosk $args || exec_status=$?
exit $exec_status
