#!/usr/bin/env bash
# Writes an AppCDS archive (JDK 13+ dynamic archive) for vipd: starts the daemon once in a
# private network namespace with a small training config (VRRP owner instance on a veth pair,
# one proxy frontend with a TCP check), stops it after start-up, and the JVM dumps every class
# it loaded. The archive is valid only for this JDK build and this exact jar (path, size, mtime);
# the launcher passes it with -XX:SharedArchiveFile and the JVM ignores a stale one.
#
#   systemd/cds-archive.sh JAR OUT.jsa      (root; needs unshare and ip)
set -euo pipefail
jar="$(readlink -f "$1")"
out="$2"
java="java"
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; fi
work="$(mktemp -d /tmp/vipd-cds.XXXXXX)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/train.conf" <<'CONF'
vrrp.instances = [ { name = TRAIN, interface = t0, virtual-router-id = 1, priority = 255,
  version = 3, advert-interval = 100ms, virtual-ips = ["10.255.0.100/24"] } ]
proxy {
  frontends = [ { name = train, bind = "127.0.0.1:18443", backend = b } ]
  backends.b {
    servers = [ { name = s1, address = "127.0.0.1:16443" } ]
    check { type = tcp, interval = 200ms }
  }
}
admin.enabled = false
CONF
opts="${VIPD_JAVA_OPTS:--XX:+UseSerialGC -Xms16m -Xmx128m -XX:MaxMetaspaceSize=96m -XX:+ExitOnOutOfMemoryError -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:+IgnoreUnrecognizedVMOptions -XX:+UseCompactObjectHeaders}"
rm -f "$out"
# shellcheck disable=SC2086 # opts is a list of flags
unshare --net bash -c '
  ip link set lo up
  ip link add t0 type veth peer name t1
  ip link set t1 up
  ip link set t0 up
  ip addr add 10.255.0.1/24 dev t0
  exec "$@"' train "$java" $opts -XX:ArchiveClassesAtExit="$out" -jar "$jar" run \
  --config "$work/train.conf" > "$work/out.log" 2>&1 &
pid=$!
for ((i = 0; i < 600; i++)); do
  if grep -q "Entering MASTER STATE" "$work/out.log"; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
sleep 1
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pid=""
if [ ! -s "$out" ]; then
  echo "cds-archive: no archive written; vipd said:" >&2
  cat "$work/out.log" >&2
  exit 1
fi
chmod 0644 "$out"
echo "cds-archive: wrote $out ($(du -k "$out" | cut -f1) KiB)"
