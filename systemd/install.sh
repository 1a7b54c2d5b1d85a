#!/usr/bin/env bash
# Installs vipd for systemd.
#
#   systemd/install.sh [JAR]            (default JAR: daemon/target/vipd.jar)
#
#   PREFIX=/usr         jar in PREFIX/share/vipd, launcher in PREFIX/bin
#   DESTDIR=            staging root for packaging: files only; no user, no AppCDS archive, no
#                       systemctl (a package's post-install step does those)
#   UNITDIR=/lib/systemd/system
#
# Installs PREFIX/share/vipd/vipd.jar, PREFIX/bin/vipd, UNITDIR/vipd.service,
# PREFIX/share/vipd/vipd.conf.example and, if absent, /etc/vipd/vipd.conf from the example
# (an existing config is never overwritten). Without DESTDIR it also creates the system user
# vipd, writes the AppCDS archive /var/lib/vipd/vipd.jsa and reloads systemd.
set -euo pipefail
src="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
jar="${1:-$src/daemon/target/vipd.jar}"
prefix="${PREFIX:-/usr}"
destdir="${DESTDIR:-}"
unitdir="${UNITDIR:-/lib/systemd/system}"
[ -f "$jar" ] || { echo "install.sh: no jar at $jar; build with ./mvnw -B -DskipTests package" >&2; exit 1; }

say() { echo "install.sh: $*"; }
install -D -m 0644 "$jar" "$destdir$prefix/share/vipd/vipd.jar"
install -D -m 0755 "$src/bin/vipd" "$destdir$prefix/bin/vipd"
install -D -m 0644 "$src/systemd/vipd.conf.example" "$destdir$prefix/share/vipd/vipd.conf.example"
install -D -m 0755 "$src/systemd/cds-archive.sh" "$destdir$prefix/share/vipd/cds-archive.sh"
mkdir -p "$destdir$unitdir"
sed "s#/usr/bin/vipd#$prefix/bin/vipd#g" "$src/systemd/vipd.service" > "$destdir$unitdir/vipd.service"
chmod 0644 "$destdir$unitdir/vipd.service"
if [ -e "$destdir/etc/vipd/vipd.conf" ]; then
  say "keeping the existing $destdir/etc/vipd/vipd.conf"
else
  install -D -m 0640 "$src/systemd/vipd.conf.example" "$destdir/etc/vipd/vipd.conf"
  say "wrote $destdir/etc/vipd/vipd.conf from the example: edit it, then vipd check --config it"
fi
say "installed into ${destdir:-/} (prefix $prefix)"

if [ -n "$destdir" ]; then
  exit 0
fi
if ! getent passwd vipd > /dev/null; then
  useradd --system --user-group --no-create-home --home-dir /var/lib/vipd \
    --shell /usr/sbin/nologin --comment "vipd daemon" vipd
  say "created the system user vipd"
fi
chgrp vipd /etc/vipd/vipd.conf
install -d -m 0750 -o vipd -g vipd /var/lib/vipd
if "$src/systemd/cds-archive.sh" "$prefix/share/vipd/vipd.jar" /var/lib/vipd/vipd.jsa; then
  chown vipd:vipd /var/lib/vipd/vipd.jsa
else
  say "no AppCDS archive (vipd still runs; it starts about 2x slower)"
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  say "systemctl enable --now vipd   to start it"
fi
