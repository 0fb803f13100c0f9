#!/bin/sh
# Installs the system packages the kiosk needs to build, test and run, when
# they are missing. Runs apt-get as root, or through sudo.
#   scripts/deps.sh build   cgo toolchain and the X11/GL headers Fyne links against
#   scripts/deps.sh test    build + Xvfb, xdotool, ImageMagick, systemd-analyze
#   scripts/deps.sh run     build + Xvfb (used only when there is no display)
set -eu
want="gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxrandr-dev libxxf86vm-dev libxi-dev libxcursor-dev libxinerama-dev libxkbcommon-dev"
case "${1:-build}" in
test) want="$want xvfb xauth x11-utils x11-xserver-utils xdotool imagemagick systemd dpkg-dev xserver-xorg-core adduser" ;;
run) want="$want xvfb xauth x11-utils x11-xserver-utils xdotool imagemagick" ;;
esac
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "need root or sudo to install:$missing" >&2; exit 1; }
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
