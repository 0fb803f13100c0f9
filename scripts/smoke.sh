#!/bin/sh
# `make smoke`: the real binaries. The back office and the kiosk answer
# --help; the kiosk starts in demo mode on Xvfb, draws its home screen and
# stops cleanly (scripts/smoke-binary.sh); then the end-to-end test drives
# the real window with xdotool, and presses the escape keys of a USB
# keyboard on the hall's X session (e2e/).
set -eu
cd "$(dirname "$0")/.."
bin/kiosk --help >/dev/null
bin/backoffice --help >/dev/null
scripts/smoke-binary.sh bin/kiosk
if [ -d e2e ]; then
	KIOSK_BIN="$(pwd)/bin/kiosk" go test -count=1 -tags e2e -timeout 15m ./e2e/
fi
