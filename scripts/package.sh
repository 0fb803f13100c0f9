#!/bin/sh
# `make package`: a release build of the kiosk and the back office, packed
# as a .deb (and a tarball) with the systemd units, the X session settings,
# the settings that close keyboard escapes below X (SysRq, virtual
# terminals, Ctrl+Alt+Del), the example configuration and udev rules; then checks the package's
# control fields, its binaries and that Depends covers every shared library
# the binaries load, checks the units with systemd-analyze verify and starts
# the packaged binary against the simulators.
#   ARCH=arm64 scripts/package.sh   cross-builds for arm64 on an amd64 host
#                                   (scripts/deps.sh arm64 installs the tools)
#                                   and smokes it under qemu-user
set -eu
cd "$(dirname "$0")/.."
version="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || date +%Y%m%d)}"
debversion="0~$(printf '%s' "$version" | tr -c 'A-Za-z0-9.+~\n' '+')"
host="$(dpkg --print-architecture)"
arch="${ARCH:-$host}"
case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
case "$arch" in
amd64) triplet=x86_64-linux-gnu interp=/lib64/ld-linux-x86-64.so.2 elf="x86-64" ;;
arm64) triplet=aarch64-linux-gnu interp=/lib/ld-linux-aarch64.so.1 elf="ARM aarch64" ;;
*) echo "package: ARCH=$arch is not supported (amd64, arm64)" >&2; exit 2 ;;
esac
if [ "$arch" != "$host" ] && [ "$host/$arch" != amd64/arm64 ]; then
	# The cross tools (scripts/deps.sh arm64) and the qemu smoke exist for
	# this one pair only.
	echo "package: cross-building for $arch on $host is not supported (arm64 on amd64 is)" >&2
	exit 2
fi
# Each architecture stages apart, so an arm64 package run does not wipe
# the amd64 one's files (and the other way round).
stage="dist/stage-$arch"
rm -rf "$stage" && mkdir -p "$stage"

# The voice clips the kiosk embeds (docs/voice.md), made on this machine
# before any cross-compiling setting: they are the same for every
# architecture.
go run ./voice/mkclips -out assets/voice

if [ "$arch" != "$host" ]; then
	# Cross cgo: Debian's cross gcc, and pkg-config reading only the
	# target's multiarch .pc files (go-gl/gl asks pkg-config for "gl"), so
	# no amd64 flag or library can leak into the arm64 link.
	export GOARCH="$arch" CGO_ENABLED=1 CC="$triplet-gcc" CXX="$triplet-g++"
	export PKG_CONFIG_PATH="" PKG_CONFIG_LIBDIR="/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig"
	command -v "$CC" >/dev/null || { echo "package: $CC missing: run scripts/deps.sh $arch" >&2; exit 1; }
fi

echo "building release binaries ($version, $arch)"
ldflags="-s -w -X main.version=$version"
go build -trimpath -tags no_emoji,release -ldflags "$ldflags" -o "$stage/usr/bin/hallkiosk" ./cmd/kiosk
go build -trimpath -ldflags "$ldflags" -o "$stage/usr/bin/hallkiosk-backoffice" ./cmd/backoffice

install -D -m 0644 deploy/hallkiosk.service "$stage/lib/systemd/system/hallkiosk.service"
install -D -m 0644 deploy/hallkiosk-x.service "$stage/lib/systemd/system/hallkiosk-x.service"
install -D -m 0644 deploy/xorg-kiosk.conf "$stage/etc/hallkiosk/xorg-kiosk.conf"
# Keyboard escapes below X (docs/security.md §4): no magic SysRq, no
# gettys on other virtual terminals, no Ctrl+Alt+Del reboot (postinst
# masks ctrl-alt-del.target).
install -D -m 0644 deploy/90-hallkiosk-sysrq.conf "$stage/usr/lib/sysctl.d/90-hallkiosk-sysrq.conf"
install -D -m 0644 deploy/logind-hallkiosk.conf "$stage/usr/lib/systemd/logind.conf.d/hallkiosk.conf"
install -D -m 0644 deploy/system-hallkiosk.conf "$stage/usr/lib/systemd/system.conf.d/hallkiosk.conf"
install -D -m 0644 deploy/kiosk.json "$stage/usr/share/doc/hallkiosk/examples/kiosk.json"
install -D -m 0644 deploy/99-hallkiosk-serial.rules "$stage/usr/share/doc/hallkiosk/examples/99-hallkiosk-serial.rules"
install -D -m 0644 README.md "$stage/usr/share/doc/hallkiosk/README.md"
install -D -m 0644 docs/config.md "$stage/usr/share/doc/hallkiosk/config.md"
install -D -m 0644 assets/fonts/OFL.txt "$stage/usr/share/doc/hallkiosk/fonts-OFL.txt"

# Depends: what dpkg-shlibdeps derives from the binaries' NEEDED libraries
# and symbol versions (built on Debian 12 they use GLIBC_2.34 symbols, so
# libc6 (>= 2.34): dpkg refuses the package on an older system instead of
# installing a kiosk that cannot start), plus what is used without a NEEDED
# entry: GLFW dlopen()s the X extension libraries, the units start Xorg and
# xset, postinst runs adduser.
# dpkg-shlibdeps finds the package's root by its DEBIAN folder; C locale,
# as perl warns about a LANG without a generated locale.
mkdir -p "$stage/DEBIAN"
shl="$(mktemp -d)"
mkdir "$shl/debian"
printf 'Source: hallkiosk\n\nPackage: hallkiosk\nArchitecture: any\n' >"$shl/debian/control"
shlibs="$(cd "$shl" && LC_ALL=C DEB_HOST_ARCH="$arch" DEB_HOST_GNU_TYPE="$triplet" DEB_HOST_MULTIARCH="$triplet" \
	dpkg-shlibdeps -O "$OLDPWD/$stage/usr/bin/hallkiosk" "$OLDPWD/$stage/usr/bin/hallkiosk-backoffice" |
	sed -n 's/^shlibs:Depends=//p')"
rm -rf "$shl"
[ -n "$shlibs" ] || { echo "package: dpkg-shlibdeps found no library dependencies" >&2; exit 1; }
cat > "$stage/DEBIAN/control" <<CONTROL
Package: hallkiosk
Version: $debversion
Architecture: $arch
Maintainer: Hall kiosk developers <dev@hallkiosk.local>
Depends: $shlibs, libxrandr2, libxxf86vm1, libxi6, libxcursor1, libxinerama1, xserver-xorg-core, x11-xserver-utils, adduser, alsa-utils
Section: misc
Priority: optional
Description: self-service kiosk for government service halls
 Queue tickets, appointment check-in by ID card, material checklists,
 ratings, suggestions and application progress, in Chinese and English,
 working offline with store-and-forward sync to the back office.
CONTROL
echo "/etc/hallkiosk/xorg-kiosk.conf" > "$stage/DEBIAN/conffiles"
cat > "$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
	if ! getent passwd kiosk >/dev/null; then
		adduser --system --group --home /var/lib/hallkiosk --no-create-home kiosk
	fi
	adduser kiosk dialout >/dev/null 2>&1 || true
	# /dev/snd belongs to the audio group: the voice prompts (aplay).
	adduser kiosk audio >/dev/null 2>&1 || true
	install -d -o kiosk -g kiosk -m 0750 /var/lib/hallkiosk /var/log/hallkiosk
	install -d -o root -g kiosk -m 0750 /etc/hallkiosk
	if [ ! -e /etc/hallkiosk/kiosk.json ]; then
		install -o root -g kiosk -m 0640 /usr/share/doc/hallkiosk/examples/kiosk.json /etc/hallkiosk/kiosk.json
	fi
	# Ctrl+Alt+Del must not reboot a public kiosk. mask only writes a
	# link, so it works in an image being built as on a running kiosk.
	systemctl --no-reload mask ctrl-alt-del.target >/dev/null
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload || true
		# SysRq off now; logind's VT settings take effect at the next boot.
		systemctl restart systemd-sysctl.service || true
	fi
fi
POSTINST
chmod 0755 "$stage/DEBIAN/postinst"
cat > "$stage/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
if [ "$1" = remove ] || [ "$1" = purge ]; then
	systemctl --no-reload unmask ctrl-alt-del.target >/dev/null 2>&1 || true
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload || true
	fi
fi
POSTRM
chmod 0755 "$stage/DEBIAN/postrm"
deb="dist/hallkiosk_${debversion}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb" >/dev/null
tar -C "$stage" --exclude=DEBIAN --owner=0 --group=0 -czf "dist/hallkiosk-$version-$arch.tar.gz" .
echo "wrote $deb and dist/hallkiosk-$version-$arch.tar.gz"

# The package as dpkg sees it: every mismatch stops the build with what is
# wrong. A .deb for the wrong architecture, a binary for another CPU or
# loader, or a library the binary needs that no package in Depends brings
# would all install without complaint and fail only on the kiosk.
fail() { echo "package check: $deb: $*" >&2; exit 1; }
[ "$(dpkg-deb -f "$deb" Package)" = hallkiosk ] || fail "Package is not hallkiosk"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$arch" ] || fail "Architecture is $(dpkg-deb -f "$deb" Architecture), want $arch"
[ "$(dpkg-deb -f "$deb" Version)" = "$debversion" ] || fail "Version is $(dpkg-deb -f "$deb" Version), want $debversion"
depends="$(dpkg-deb -f "$deb" Depends)"
[ -n "$depends" ] || fail "no Depends"
# Package names only: no version constraint, no alternatives' bars.
depnames=" $(printf '%s\n' "$depends" | tr ',|' '\n\n' | sed 's/(.*)//; s/:any//; s/^ *//; s/ *$//' | tr '\n' ' ') "
contents="$(dpkg-deb -c "$deb")"
for f in usr/bin/hallkiosk usr/bin/hallkiosk-backoffice lib/systemd/system/hallkiosk.service \
	lib/systemd/system/hallkiosk-x.service etc/hallkiosk/xorg-kiosk.conf usr/share/doc/hallkiosk/examples/kiosk.json \
	usr/lib/sysctl.d/90-hallkiosk-sysrq.conf usr/lib/systemd/logind.conf.d/hallkiosk.conf \
	usr/lib/systemd/system.conf.d/hallkiosk.conf; do
	printf '%s\n' "$contents" | grep -q " \./$f\$" || fail "does not contain /$f"
done
# The keyboard escapes below X are closed by the files as packaged (a
# setting commented out or misspelt would install without complaint).
pkgroot="$(mktemp -d)"
dpkg-deb -x "$deb" "$pkgroot"
dpkg-deb -e "$deb" "$pkgroot/DEBIAN"
setting() { # file key value: the last assignment of key in file is value
	got="$(sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*\([^[:space:]#]*\).*/\1/p" "$pkgroot/$1" | tail -n 1)"
	[ "$got" = "$3" ] || fail "/$1 sets $2 to '$got', want $3"
}
setting usr/lib/sysctl.d/90-hallkiosk-sysrq.conf kernel.sysrq 0
setting usr/lib/systemd/logind.conf.d/hallkiosk.conf NAutoVTs 0
setting usr/lib/systemd/logind.conf.d/hallkiosk.conf ReserveVT 0
setting usr/lib/systemd/system.conf.d/hallkiosk.conf CtrlAltDelBurstAction none
grep -q '^\[Login\]' "$pkgroot/usr/lib/systemd/logind.conf.d/hallkiosk.conf" || fail "the logind drop-in has no [Login] section"
grep -q '^\[Manager\]' "$pkgroot/usr/lib/systemd/system.conf.d/hallkiosk.conf" || fail "the system.conf drop-in has no [Manager] section"
grep -q '^[[:space:]]*systemctl --no-reload mask ctrl-alt-del.target' "$pkgroot/DEBIAN/postinst" || fail "postinst does not mask ctrl-alt-del.target"
grep -q 'unmask ctrl-alt-del.target' "$pkgroot/DEBIAN/postrm" || fail "postrm does not unmask ctrl-alt-del.target"
rm -rf "$pkgroot"
echo "package check: SysRq off, no gettys on other VTs, Ctrl+Alt+Del masked and its burst ignored"
for b in hallkiosk hallkiosk-backoffice; do
	bin="$stage/usr/bin/$b"
	file -b "$bin" | grep -q "ELF 64-bit LSB .*, $elf," || fail "$b is not a $elf ELF: $(file -b "$bin")"
	got="$(readelf -l "$bin" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')"
	[ "$got" = "$interp" ] || fail "$b asks for the loader '$got', want $interp"
	for lib in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		# The library as this machine's multiarch install of $arch has it,
		# and the package that owns it (dpkg -S answers "name:arch: path",
		# or "name: path" for a package that is not Multi-Arch: same).
		owner=""
		for dir in "/lib/$triplet" "/usr/lib/$triplet"; do
			owner="$(dpkg -S "$dir/$lib" 2>/dev/null | sed -n "s/^\([^:,]*\)\(:$arch\)\{0,1\}: .*/\1/p" | head -n 1)" || true
			[ -n "$owner" ] && break
		done
		[ -n "$owner" ] || fail "$b needs $lib, which no installed $arch package provides here (scripts/deps.sh $arch installs the libraries)"
		case "$depnames" in
		*" $owner "*) echo "  $b: $lib from $owner (in Depends)" ;;
		*) fail "$b needs $lib from $owner, which Depends does not name: $depends" ;;
		esac
	done
done
# The glibc the binaries need (the newest GLIBC_ symbol version they use)
# is what Depends asks of libc6.
glibc="$(readelf -V "$stage/usr/bin/hallkiosk" "$stage/usr/bin/hallkiosk-backoffice" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)"
libc6min="$(printf '%s\n' "$depends" | tr ',' '\n' | sed -n 's/^ *libc6 *(>= *\([^)]*\)).*/\1/p')"
[ -n "$libc6min" ] || fail "Depends has no versioned libc6, but the binaries need glibc $glibc"
dpkg --compare-versions "$libc6min" ge "$glibc" || fail "Depends asks for libc6 >= $libc6min, but the binaries need glibc $glibc"
echo "package check: Architecture $arch, $elf binaries, loader $interp, Depends covers every NEEDED library and glibc $glibc"
echo "  Depends: $depends"

# Check the units as they will be installed: systemd-analyze verify in a
# root made of the package's files, the host's systemd units, and the real
# programs the units start.
root="dist/verify-root-$arch"
rm -rf "$root" && mkdir -p "$root/lib/systemd" "$root/usr/bin"
cp -a /lib/systemd/system "$root/lib/systemd/"
dpkg-deb -x "$deb" "$root"
for prog in Xorg xset; do
	p="$(command -v "$prog" || true)"
	[ -n "$p" ] || { echo "package check needs $prog (xserver-xorg-core, x11-xserver-utils)" >&2; exit 1; }
	cp "$p" "$root/usr/bin/$prog"
done
systemd-analyze verify --man=no --root="$root" /lib/systemd/system/hallkiosk.service /lib/systemd/system/hallkiosk-x.service
echo "systemd-analyze verify: ok"
# postinst's mask, run in that root: ctrl-alt-del.target ends at /dev/null.
systemctl --root="$root" --no-reload mask ctrl-alt-del.target >/dev/null 2>&1
[ "$(readlink "$root/etc/systemd/system/ctrl-alt-del.target")" = /dev/null ] || fail "systemctl mask ctrl-alt-del.target did not mask it"
echo "systemctl mask ctrl-alt-del.target: ok"
rm -rf "$root"

# The packaged binary starts under Xvfb: natively in demo mode (simulators
# and back office inside it); an arm64 build under qemu-user, configured like
# a real kiosk against native simulators and its own arm64 back office.
if [ "$arch" = "$host" ]; then
	scripts/smoke-binary.sh "$stage/usr/bin/hallkiosk"
else
	scripts/arm64-smoke.sh "$stage/usr/bin/hallkiosk" "$stage/usr/bin/hallkiosk-backoffice"
fi
