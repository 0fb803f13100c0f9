#!/bin/sh
# The arm64 smoke: the packaged arm64 kiosk and back office run under
# qemu-user on this amd64 machine, the way a kiosk runs in a hall. The kiosk
# reads a configuration file naming three serial ports and an http back
# office, as on a real kiosk; the ports are pseudo-terminals of the device
# simulators, which run natively (scripts/arm64-smoke/). On a private Xvfb
# display the kiosk must draw its first frame, then four taps take a queue
# ticket for 社会保险 without an ID card, and the printer simulator must cut
# a ticket with a queue number. SIGTERM must then stop the kiosk cleanly.
#   scripts/arm64-smoke.sh KIOSK BACKOFFICE
#
# Nothing here needs binfmt_misc: every arm64 program is started as
# `qemu-aarch64 PROGRAM`, and libc6:arm64 (scripts/deps.sh arm64) puts the
# arm64 loader and libraries where the binaries ask for them.
set -eu
kiosk_bin="$1"
bo_bin="$2"
qemu="${QEMU:-qemu-aarch64}"
# Everything is emulated, so each step is given minutes, not seconds.
ready_limit="${ARM64_SMOKE_READY_SECONDS:-300}"
tmp="$(mktemp -d)"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
log() { echo "arm64 smoke: $*"; }
fail() {
	echo "arm64 smoke: FAILED: $*" >&2
	for f in "$tmp"/kiosk.out "$tmp"/data/logs/*.log "$tmp"/bo.log "$tmp"/sims.log; do
		[ -s "$f" ] || continue
		echo "--- last lines of ${f#"$tmp"/}" >&2
		tail -n 25 "$f" >&2
	done
	if [ -n "${display:-}" ] && [ -n "${ARM64_SMOKE_SHOT:-}" ]; then
		DISPLAY="$display" import -window root "$ARM64_SMOKE_SHOT" 2>/dev/null && echo "screen at failure: $ARM64_SMOKE_SHOT" >&2
	fi
	exit 1
}
# waitfor SECONDS WHAT COMMAND...: polls COMMAND every half second.
waitfor() {
	limit=$1 what=$2
	shift 2
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -lt $((limit * 2)) ] || fail "no $what after $limit s"
		sleep 0.5
	done
}
alive() { kill -0 "$1" 2>/dev/null; }

for tool in "$qemu" Xvfb xdotool import; do
	command -v "$tool" >/dev/null || fail "$tool is missing (scripts/deps.sh arm64 installs it)"
done

# The simulators, built for this machine: package.sh exports the arm64 cross
# settings, which must not reach this build.
env -u GOARCH -u CC -u CXX -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_PATH \
	go build -o "$tmp/sims" ./scripts/arm64-smoke
"$tmp/sims" -catalog "$tmp/catalog.json"
mkdir -p "$tmp/data"
"$tmp/sims" -printed "$tmp/data/printed" -ports "$tmp/ports" >"$tmp/sims.log" 2>&1 &
sims=$!
pids="$pids $sims"
waitfor 30 "simulator ports" test -s "$tmp/ports"
printer="$(sed -n 's/^printer=//p' "$tmp/ports")"
idcard="$(sed -n 's/^idcard=//p' "$tmp/ports")"
scanner="$(sed -n 's/^scanner=//p' "$tmp/ports")"
log "simulators on $printer (printer), $idcard (ID card), $scanner (scanner)"

# The arm64 back office, on a port the kernel picks.
token="arm64-smoke-$$"
printf '{"%s": "K07"}\n' "$token" >"$tmp/tokens.json"
chmod 600 "$tmp/tokens.json"
"$qemu" "$bo_bin" -listen 127.0.0.1:0 -db "$tmp/bo.db" -tokens "$tmp/tokens.json" \
	-catalog "$tmp/catalog.json" -ignore-hours >"$tmp/bo.log" 2>&1 &
bo=$!
pids="$pids $bo"
bo_listening() { alive $bo || fail "the back office exited"; grep -qs 'msg=listening' "$tmp/bo.log"; }
waitfor 120 "back office listening" bo_listening
bo_addr="$(sed -n 's/.*msg=listening addr=\([0-9.:]*\).*/\1/p' "$tmp/bo.log" | head -n 1)"
[ -n "$bo_addr" ] || fail "cannot read the back office's address"
log "back office (arm64, qemu) on $bo_addr"

# A kiosk's configuration, as a technician would write it: fixed ports,
# the back office's URL and token (plain http only because this is
# loopback), a window instead of full screen for the 1280×800 taps.
cat >"$tmp/kiosk.json" <<CONFIG
{
  "kiosk_id": "K07",
  "kiosk_number": 7,
  "data_dir": "$tmp/data",
  "backoffice": {"url": "http://$bo_addr", "token": "$token", "allow_insecure_http": true},
  "devices": {
    "printer": {"port": "$printer", "baud": 9600},
    "idcard": {"port": "$idcard", "baud": 115200},
    "scanner": {"port": "$scanner", "baud": 9600}
  },
  "ui": {"fullscreen": false, "width": 1280, "height": 800},
  "diag": {"health_addr": "127.0.0.1:0"}
}
CONFIG

n=91
while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
display=":$n"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
pids="$pids $!"
x_up() { DISPLAY="$display" xdpyinfo >/dev/null 2>&1; }
waitfor 30 "Xvfb on $display" x_up

start=$(date +%s)
DISPLAY="$display" KIOSK_READY_STDERR=1 LANG=zh_CN.UTF-8 \
	"$qemu" "$kiosk_bin" run --config "$tmp/kiosk.json" >"$tmp/kiosk.out" 2>&1 &
kiosk=$!
pids="$kiosk $pids"
kiosk_ready() { alive $kiosk || fail "the kiosk exited before its first frame"; grep -qs "kiosk: ready" "$tmp/kiosk.out"; }
waitfor "$ready_limit" "first frame from the kiosk" kiosk_ready
log "$(grep "kiosk: ready" "$tmp/kiosk.out") (under qemu; wall clock $(($(date +%s) - start)) s)"
# The taps need the back office's all-day catalog, not the seed's office
# hours: wait until the kiosk has fetched it.
catalog_fetched() { alive $kiosk || fail "the kiosk exited"; grep -qs '"catalog updated".*-smoke' "$tmp"/data/logs/*.log; }
waitfor 120 "catalog from the back office in the kiosk's log" catalog_fetched

# screen prints a checksum of what is on the display.
screen() { DISPLAY="$display" import -window root rgb:- 2>/dev/null | md5sum; }
# tap NAME X Y: taps, then waits until the screen changed and then stayed
# still for a second, so an emulated kiosk that is slow to draw gets the
# next tap only on the next screen. A screen that animates (the card step
# does) is given six seconds at most: the card step gives up waiting for a
# card after 30 s, and the next tap must land before that. With ARM64_SMOKE_SHOTS=DIR the screen
# after each tap is kept there.
tap() {
	t0=$(date +%s)
	before="$(screen)"
	DISPLAY="$display" xdotool mousemove "$2" "$3" sleep 0.3 click 1
	i=0
	while [ "$(screen)" = "$before" ]; do
		alive $kiosk || fail "the kiosk exited after tapping $1"
		i=$((i + 1))
		[ $i -lt 120 ] || fail "tapping $1 at $2,$3 changed nothing on the screen in 60 s"
		sleep 0.5
	done
	still=0 last="$(screen)" i=0
	while [ $still -lt 2 ]; do
		sleep 0.5
		now="$(screen)"
		if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0 last="$now"; fi
		i=$((i + 1))
		[ $i -lt 12 ] || break
	done
	if [ -n "${ARM64_SMOKE_SHOTS:-}" ]; then
		mkdir -p "$ARM64_SMOKE_SHOTS"
		DISPLAY="$display" import -window root "$ARM64_SMOKE_SHOTS/$1.png"
	fi
	log "tapped $1 ($(($(date +%s) - t0)) s)"
}
# The positions of e2e/e2e_test.go's tap map on the 1280×800 window.
tap home.ticket 228 330
tap dept.shebao 486 350
tap svc.first 178 350
tap card.skip 894 466
ticket="$tmp/data/printed/ticket-0001.txt"
waitfor 120 "printed ticket ($ticket)" test -s "$ticket"
number="$(grep -E '^[[:space:]]*([A-Z][0-9]{3}|[A-Z][0-9]{2}-[0-9]{3})[[:space:]]*$' "$ticket" | tr -d ' ' | head -n 1)"
[ -n "$number" ] || fail "the printed ticket has no queue number: $(cat "$ticket")"
grep -q "排队取号凭条" "$ticket" || fail "the printed ticket has no title: $(cat "$ticket")"
# The number came from the back office (an offline number reads A07-001),
# and the ticket's record reaches it through the outbox.
grep -q 'route="POST /v1/tickets" status=200' "$tmp/bo.log" || fail "the back office issued no ticket"
synced() { grep -Eq 'msg=sync kiosk=K07 .*created=[1-9]' "$tmp/bo.log"; }
waitfor 60 "record synced to the back office" synced
log "printed ticket $number, numbered by the back office, its record synced"

kill -TERM $kiosk
status=0
wait $kiosk || status=$?
pids="${pids#"$kiosk "}"
[ $status -eq 0 ] || fail "the kiosk exited with status $status after SIGTERM"
grep -qs '"msg":"kiosk stopped"' "$tmp"/data/logs/*.log || fail "no clean stop in the kiosk's log"
log "the arm64 kiosk drew its first frame, printed ticket $number with the arm64 back office and stopped cleanly ($(($(date +%s) - start)) s)"
