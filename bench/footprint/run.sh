#!/usr/bin/env bash
# Idle footprint and start-up time of vipd under several JVM flag sets, and of keepalived and
# haproxy doing the same job, measured in one run on this machine.
#
#   sudo bench/footprint/run.sh [path/to/vipd.jar]     (env: REPS=3 IDLE=5)
#
# Everything runs inside a network namespace this script creates (a veth pair, d0 carrying
# 10.99.0.1/24), so no VRRP advert or VIP reaches a real network; the namespace and every process
# are removed on exit. Each daemon runs the same small job: one VRRP instance (v3, 1 s adverts,
# VIP 10.99.0.100) and one TCP frontend 10.99.0.1:8443 -> 10.99.0.1:6443 with a health check.
#
# start-up: exec -> ready. vipd: the "vipd started" line (READY=1 is sent right after it);
#           keepalived: "(VI_1) Entering BACKUP STATE"; haproxy: port 8443 accepts.
# RSS:      VmRSS summed over the daemon's processes after IDLE seconds of idling (median of REPS).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$(readlink -f "${1:-$here/../../daemon/target/vipd.jar}")"
reps="${REPS:-3}"
idle="${IDLE:-5}"
java="${JAVA:-java}"
[ -f "$jar" ] || { echo "no jar at $jar; build with ./mvnw -B -q -DskipTests package" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root (network namespace)" >&2; exit 1; }

ns="vipdfp$$"
work="$(mktemp -d /tmp/vipd-footprint.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
# A veth pair with both ends in the namespace (no dummy module needed).
ip -n "$ns" link add d0 type veth peer name d1
ip -n "$ns" link set d1 up
ip -n "$ns" link set d0 up
ip -n "$ns" addr add 10.99.0.1/24 dev d0

cat > "$work/vipd.conf" <<'CONF'
vrrp.instances = [ { name = VI_1, interface = d0, virtual-router-id = 51, priority = 100,
  version = 3, advert-interval = 1s, virtual-ips = ["10.99.0.100/24"] } ]
proxy {
  frontends = [ { name = apiserver, bind = "10.99.0.1:8443", backend = apiservers } ]
  backends.apiservers {
    servers = [ { name = cp1, address = "10.99.0.1:6443" } ]
    check { type = tcp, interval = 2s }
  }
}
admin.enabled = false
CONF
cat > "$work/keepalived.conf" <<'CONF'
global_defs { enable_script_security }
vrrp_instance VI_1 {
  state BACKUP
  interface d0
  virtual_router_id 51
  priority 100
  version 3
  advert_int 1
  virtual_ipaddress { 10.99.0.100/24 }
}
CONF
cat > "$work/haproxy.cfg" <<'CONF'
global
  maxconn 1000
defaults
  mode tcp
  timeout connect 5s
  timeout client 20s
  timeout server 20s
frontend apiserver
  bind 10.99.0.1:8443
  default_backend apiservers
backend apiservers
  server cp1 10.99.0.1:6443 check inter 2s
CONF

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# tree_rss PID: VmRSS in KiB of PID and its direct children.
tree_rss() {
  local total=0 p kb
  for p in "$1" $(pgrep -P "$1" || true); do
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# wait_for KIND ARG PID: polls every 10 ms, up to 60 s, until ready.
wait_for() {
  local kind="$1" arg="$2" pid="$3" i
  for ((i = 0; i < 6000; i++)); do
    case "$kind" in
      log) grep -q "$arg" "$work/out.log" 2>/dev/null && return 0 ;;
      port) ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/10.99.0.1/$arg" 2>/dev/null && return 0 ;;
    esac
    kill -0 "$pid" 2>/dev/null || { echo "daemon exited early:" >&2; cat "$work/out.log" >&2; return 1; }
    sleep 0.01
  done
  echo "not ready after 60 s" >&2
  return 1
}

median() { tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure NAME KIND ARG COMMAND...: prints "NAME | start-up ms | idle RSS MiB" (medians).
measure() {
  local name="$1" kind="$2" arg="$3" starts="" rss="" r t0 t1 pid
  shift 3
  for ((r = 0; r < reps; r++)); do
    : > "$work/out.log"
    t0=$(now_ms)
    ip netns exec "$ns" "$@" > "$work/out.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_for "$kind" "$arg" "$pid"
    t1=$(now_ms)
    sleep "$idle"
    starts="$starts $((t1 - t0))"
    rss="$rss $(tree_rss "$pid")"
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  printf '| %-58s | %6s | %6s |\n' "$name" "$(echo $starts | median)" \
    "$(awk -v k="$(echo $rss | median)" 'BEGIN {printf "%.1f", k / 1024}')"
}

small="-XX:+UseSerialGC -Xms16m -Xmx128m -XX:MaxMetaspaceSize=96m"
# TieredStopAtLevel=1 (C1 only) starts faster and smaller but runs the proxy's hot relay code
# unoptimised; measured here for the record, not shipped.
jsa="$work/vipd.jsa"
# AppCDS: a dynamic archive of the classes one real start loads (JDK 13+), written at exit.
: > "$work/out.log"
ip netns exec "$ns" "$java" $small -XX:ArchiveClassesAtExit="$jsa" -jar "$jar" run --config "$work/vipd.conf" > "$work/out.log" 2>&1 &
pid=$!; pids+=("$pid")
wait_for log "vipd started" "$pid"
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
[ -s "$jsa" ] || { echo "AppCDS archive was not written:" >&2; cat "$work/out.log" >&2; exit 1; }

echo "reps=$reps idle=${idle}s java=$("$java" -version 2>&1 | head -1) cpus=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "| daemon / JVM flags                                         | start ms | RSS MiB |"
echo "|------------------------------------------------------------|-------:|-------:|"
v() { measure "vipd $1" log "vipd started" "$java" $2 -jar "$jar" run --config "$work/vipd.conf"; }
v "(JVM defaults)" ""
v "$small" "$small"
v "+ -Xss256k -XX:ReservedCodeCacheSize=32m" "$small -Xss256k -XX:ReservedCodeCacheSize=32m"
v "+ -XX:TieredStopAtLevel=1" "$small -XX:TieredStopAtLevel=1"
v "+ -XX:SharedArchiveFile (AppCDS)" "$small -XX:SharedArchiveFile=$jsa"
v "+ AppCDS -XX:TieredStopAtLevel=1" "$small -XX:SharedArchiveFile=$jsa -XX:TieredStopAtLevel=1"
v "+ AppCDS -Xss256k -XX:ReservedCodeCacheSize=32m" "$small -Xss256k -XX:ReservedCodeCacheSize=32m -XX:SharedArchiveFile=$jsa"
measure "keepalived $(keepalived --version 2>&1 | head -1 | awk '{print $2}') (VRRP only)" log "Entering BACKUP STATE" \
  keepalived -n -l -D --vrrp -f "$work/keepalived.conf" -p "$work/k.pid" -r "$work/kv.pid"
measure "haproxy $(haproxy -v | head -1 | awk '{print $3}') (proxy only)" port 8443 haproxy -db -f "$work/haproxy.cfg"
