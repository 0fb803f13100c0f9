#!/bin/sh
# `make package`: a release build of the kiosk and the back office, packed
# as a .deb (and a tarball) with the systemd units, the X session settings,
# the example configuration and udev rules; then checks the units with
# systemd-analyze verify and starts the packaged binary against the
# simulators.
set -eu
cd "$(dirname "$0")/.."
version="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || date +%Y%m%d)}"
debversion="0~$(printf '%s' "$version" | tr -c 'A-Za-z0-9.+~\n' '+')"
arch="$(dpkg --print-architecture)"
stage="dist/stage"
rm -rf "$stage" && mkdir -p "$stage"

echo "building release binaries ($version)"
ldflags="-s -w -X main.version=$version"
go build -trimpath -tags no_emoji,release -ldflags "$ldflags" -o "$stage/usr/bin/hallkiosk" ./cmd/kiosk
go build -trimpath -ldflags "$ldflags" -o "$stage/usr/bin/hallkiosk-backoffice" ./cmd/backoffice

install -D -m 0644 deploy/hallkiosk.service "$stage/lib/systemd/system/hallkiosk.service"
install -D -m 0644 deploy/hallkiosk-x.service "$stage/lib/systemd/system/hallkiosk-x.service"
install -D -m 0644 deploy/xorg-kiosk.conf "$stage/etc/hallkiosk/xorg-kiosk.conf"
install -D -m 0644 deploy/kiosk.json "$stage/usr/share/doc/hallkiosk/examples/kiosk.json"
install -D -m 0644 deploy/99-hallkiosk-serial.rules "$stage/usr/share/doc/hallkiosk/examples/99-hallkiosk-serial.rules"
install -D -m 0644 README.md "$stage/usr/share/doc/hallkiosk/README.md"
install -D -m 0644 docs/config.md "$stage/usr/share/doc/hallkiosk/config.md"
install -D -m 0644 assets/fonts/OFL.txt "$stage/usr/share/doc/hallkiosk/fonts-OFL.txt"

mkdir -p "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: hallkiosk
Version: $debversion
Architecture: $arch
Maintainer: Hall kiosk developers <dev@hallkiosk.local>
Depends: libc6, libgl1, libx11-6, libxrandr2, libxxf86vm1, libxi6, libxcursor1, libxinerama1, xserver-xorg-core, x11-xserver-utils, adduser
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
	install -d -o kiosk -g kiosk -m 0750 /var/lib/hallkiosk /var/log/hallkiosk
	install -d -o root -g kiosk -m 0750 /etc/hallkiosk
	if [ ! -e /etc/hallkiosk/kiosk.json ]; then
		install -o root -g kiosk -m 0640 /usr/share/doc/hallkiosk/examples/kiosk.json /etc/hallkiosk/kiosk.json
	fi
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload || true
	fi
fi
POSTINST
chmod 0755 "$stage/DEBIAN/postinst"
deb="dist/hallkiosk_${debversion}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb" >/dev/null
tar -C "$stage" --exclude=DEBIAN --owner=0 --group=0 -czf "dist/hallkiosk-$version-$arch.tar.gz" .
echo "wrote $deb and dist/hallkiosk-$version-$arch.tar.gz"

# Check the units as they will be installed: systemd-analyze verify in a
# root made of the package's files, the host's systemd units, and the real
# programs the units start.
root="dist/verify-root"
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
rm -rf "$root"

# The packaged binary starts against the simulators (demo) under Xvfb.
scripts/smoke-binary.sh "$stage/usr/bin/hallkiosk"
