#!/bin/sh
# Placeholder until the GUI exists: the binaries must start and answer --help.
set -eu
bin/kiosk --help >/dev/null
bin/backoffice --help >/dev/null
echo "smoke: ok"
