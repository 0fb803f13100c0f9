#!/bin/sh
# Installs the system packages the kiosk needs to build, test and run, when
# they are missing. Runs apt-get as root, or through sudo.
#   scripts/deps.sh build   cgo toolchain, the X11/GL headers Fyne links against,
#                           espeak-ng for the voice clips (make clips)
#   scripts/deps.sh test    build + Xvfb, Xorg with the dummy driver (the hall X
#                           session's keyboard tests), xdotool, ImageMagick, systemd-analyze,
#                           dpkg-dev, file and binutils for the package checks,
#                           alsa-utils (aplay) and sox for the voice tests,
#                           headless Chromium and the Noto CJK fonts for the
#                           back office's page tests and screenshots
#   scripts/deps.sh run     build + Xvfb (used only when there is no display),
#                           alsa-utils (aplay) to speak
#   scripts/deps.sh arm64   test + the arm64 cross build and its checks: Debian's
#                           aarch64 cross gcc, the arm64 multiarch X11/GL headers
#                           and runtime libraries, qemu-user to run the result
set -eu
want="gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxrandr-dev libxxf86vm-dev libxi-dev libxcursor-dev libxinerama-dev libxkbcommon-dev espeak-ng"
testing="xvfb xauth x11-utils x11-xserver-utils x11-xkb-utils xdotool imagemagick systemd dpkg-dev xserver-xorg-core xserver-xorg-video-dummy adduser file binutils alsa-utils sox chromium fonts-noto-cjk"
foreign=""
case "${1:-build}" in
test) want="$want $testing" ;;
run) want="$want xvfb xauth x11-utils x11-xserver-utils xdotool imagemagick alsa-utils" ;;
arm64)
	foreign=arm64
	# The headers and libraries come from Debian's own arm64 packages
	# (multiarch, /usr/lib/aarch64-linux-gnu), not from a hand-made sysroot,
	# so the versions the binary links against are the ones a Debian-based
	# arm64 system installs through the .deb's Depends. libc6:arm64 puts
	# /lib/ld-linux-aarch64.so.1 on this machine, so qemu-aarch64 finds the
	# loader and the libraries without a -L prefix. libgl1-mesa-dri:arm64 is
	# the software renderer the kiosk draws with under Xvfb.
	want="$want $testing gcc-aarch64-linux-gnu qemu-user
		libc6:arm64 libc6-dev:arm64 libgl1-mesa-dev:arm64 libx11-dev:arm64 libxrandr-dev:arm64
		libxxf86vm-dev:arm64 libxi-dev:arm64 libxcursor-dev:arm64 libxinerama-dev:arm64
		libxkbcommon-dev:arm64 libgl1:arm64 libgl1-mesa-dri:arm64 libx11-6:arm64"
	;;
esac
missing=""
addarch=""
if [ -n "$foreign" ] && ! dpkg --print-foreign-architectures | grep -qx "$foreign"; then
	addarch="$foreign"
fi
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
# A foreign architecture has no package lists until it is added and apt
# has updated.
[ -z "$addarch" ] || $SUDO dpkg --add-architecture "$addarch"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
