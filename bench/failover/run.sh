#!/usr/bin/env bash
# Failover benchmark: from the moment the master's apiserver stops answering /readyz (200) to the
# client's first successful GET /readyz (200) through the VIP answered by the other node.
#
# Variants, measured in the same run on the same namespaces:
#   vipd           vipd, check interval 200ms fall 2 rise 2, VRRPv3 advert-interval 100ms;
#                  client -> VIP:8443 (vipd's proxy) -> the node's own apiserver
#   ka-kubeadm     keepalived as in the kubeadm HA guide: vrrp_script curl, interval 3, fall 10,
#                  rise 2, weight -2, VRRPv2 advert_int 1; client -> VIP:6443 (apiserver itself)
#   ka-fast        keepalived at its fastest working settings: vrrp_script curl, interval 1 (its
#                  minimum: whole seconds), timeout 1, fall 1, rise 1, VRRPv3 advert_int 0.1
#
# Usage (as root, after `mvn -o -B -q install -DskipTests` in the repository):
#   bench/failover/run.sh [-n REPETITIONS] [-v "vipd ka-kubeadm ka-fast"]
# Creates namespaces vipd-fo-{br,n1,n2,c} on 10.77.230.0/24 and removes them (and every process it
# started) on exit, also on failure or Ctrl-C. Every wait is bounded. KEEP_WORK=1 keeps the logs
# (configs, vipd/keepalived output, the client's probe lines) in /tmp/vipd-fo.*.
set -euo pipefail

REPS=5
VARIANTS="vipd ka-kubeadm ka-fast"
while getopts "n:v:" opt; do
  case "$opt" in
    n) REPS="$OPTARG" ;;
    v) VARIANTS="$OPTARG" ;;
    *) echo "usage: $0 [-n REPS] [-v VARIANTS]" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
M2="${HOME}/.m2/repository"
JAR="$ROOT/daemon/target/vipd.jar"
BC="$M2/org/bouncycastle"
CP="$JAR:$ROOT/health/target/test-classes:$BC/bcpkix-jdk18on/1.79/bcpkix-jdk18on-1.79.jar"
CP="$CP:$BC/bcprov-jdk18on/1.79/bcprov-jdk18on-1.79.jar:$BC/bcutil-jdk18on/1.79/bcutil-jdk18on-1.79.jar"
P=vipd-fo
NET=10.77.230
VIP="$NET.100"
WORK=""
PIDS=()
# The stand-ins and the client: small heaps, serial GC, fewer threads on a shared 2-core machine.
SMALL_JVM="-XX:+UseSerialGC -Xmx128m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
for c in ip java curl keepalived awk; do
  command -v "$c" >/dev/null || { echo "needs $c on the PATH" >&2; exit 1; }
done
[ -f "$JAR" ] && [ -d "$ROOT/health/target/test-classes/io/vipd/health/testing" ] ||
  { echo "build first: mvn -o -B -q install -DskipTests" >&2; exit 1; }

cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  for ns in br n1 n2 c; do
    if [ -e "/run/netns/$P-$ns" ]; then
      # Anything still running in our namespaces was started by this script.
      for pid in $(ip netns pids "$P-$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
      ip netns del "$P-$ns"
    fi
  done
  if [ -n "$WORK" ]; then
    if [ -n "${KEEP_WORK:-}" ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s%N; }
log() { echo "[$(date +%T.%3N)] $*" >&2; }

# ---- namespaces: bridge, nodes n1 n2 (.11 .12), client c (.30) ----
setup_lan() {
  for ns in br n1 n2 c; do
    [ -e "/run/netns/$P-$ns" ] && { echo "$P-$ns exists: another run, or a leftover" >&2; exit 1; }
  done
  WORK="$(mktemp -d /tmp/vipd-fo.XXXXXX)"
  ip netns add "$P-br"
  ip -n "$P-br" link add br0 type bridge mcast_snooping 0
  ip -n "$P-br" link set br0 up
  local i=0
  for ns in n1 n2 c; do
    i=$((i + 1))
    local addr
    case "$ns" in n1) addr=11 ;; n2) addr=12 ;; c) addr=30 ;; esac
    ip netns add "$P-$ns"
    ip -n "$P-$ns" link set lo up
    ip -n "$P-br" link add "p$i" type veth peer name eth0 netns "$P-$ns"
    ip -n "$P-br" link set "p$i" master br0 up
    ip -n "$P-$ns" link set eth0 address "02:77:e6:00:00:$addr" up
    ip -n "$P-$ns" addr add "$NET.$addr/24" dev eth0
  done
}

LAST_PID=""
start_bg() { # NS LOGFILE CMD...: starts CMD in NS; its pid in LAST_PID and PIDS (no subshells!)
  local ns="$1" out="$2"
  shift 2
  ip netns exec "$P-$ns" "$@" >"$out" 2>&1 &
  LAST_PID="$!"
  PIDS+=("$LAST_PID")
}

await_text() { # FILE TEXT SECONDS
  local deadline=$(($(date +%s) + $3))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timeout waiting for '$2' in $1" >&2; tail -20 "$1" >&2; return 1; }
    sleep 0.1
  done
}

start_apiservers() {
  for n in n1 n2; do
    start_bg "$n" "$WORK/api-$n.log" java $SMALL_JVM -cp "$CP" \
      io.vipd.health.testing.ApiServerMain --bind 0.0.0.0:6443 --down-file "$WORK/$n.down" \
      --name "$n"
  done
  for n in n1 n2; do await_text "$WORK/api-$n.log" "listening on" 30; done
}

holder() { # prints the nodes holding the VIP, e.g. "n1" or "n1n2" or ""
  local h=""
  for n in n1 n2; do
    ip -n "$P-$n" -o addr show dev eth0 | grep -q " $VIP/" && h="$h$n"
  done
  echo "$h"
}

probe_once() { # PORT: "CODE SERVED_BY" of one GET through the VIP
  ip netns exec "$P-c" curl -sk --max-time 0.5 -o /dev/null \
    -w '%{http_code} %header{x-served-by}' "https://$VIP:$1/readyz" 2>/dev/null || true
}

await_settled() { # PORT SECONDS: VIP on n1 only and answered by n1, three times 0.5s apart
  local deadline=$(($(date +%s) + $2)) good=0
  while [ "$good" -lt 3 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { log "not settled: holder '$(holder)', probe '$(probe_once "$1")'"; return 1; }
    if [ "$(holder)" = n1 ] && [ "$(probe_once "$1")" = "200 n1" ]; then good=$((good + 1)); else good=0; fi
    sleep 0.5
  done
}

# The client (ProbeMain): a new TCP connection + TLS handshake + GET /readyz every 20 ms,
# overlapping, each bounded by 250 ms; lines "END_NANOS CODE SERVED_BY" until the stop file appears
# (at most 120 s).
start_probe() { # PORT OUT STOPFILE
  start_bg c "$2" java $SMALL_JVM -cp "$CP" io.vipd.health.testing.ProbeMain --host "$VIP" --port "$1" \
    --stop-file "$3" --period-ms 20 --timeout-ms 250 --max-seconds 120
}

# One repetition: settle on n1, flip n1's /readyz, wait for a 200 from n2 through the VIP.
# Sets RESULT to the failover time in ms (or "timeout").
RESULT=""
GAPS=""
VARIANT=""
measure_once() { # PORT TIMEOUT_SECONDS TAG
  local port="$1" limit="$2" tag="$3"
  rm -f "$WORK/n1.down" "$WORK/n2.down"
  await_settled "$port" 90
  local out="$WORK/probe-$tag.log" stop="$WORK/probe-$tag.stop"
  rm -f "$stop"
  start_probe "$port" "$out" "$stop"
  local ppid="$LAST_PID"
  # Until the client's JVM is warm and the VIP answers it (bounded), then one more second.
  local warm=0
  until [ "$(awk '$2 == 200 && $3 == "n1"' "$out" 2>/dev/null | wc -l)" -ge 20 ] || [ "$warm" -ge 100 ]; do
    sleep 0.1
    warm=$((warm + 1))
  done
  sleep 1
  local t0
  t0=$(now)
  touch "$WORK/n1.down"
  local deadline=$(($(date +%s) + limit)) result=""
  while [ -z "$result" ]; do
    result=$(awk -v t0="$t0" '$1 > t0 && $2 == 200 && $3 == "n2" { printf "%.0f", ($1 - t0) / 1e6; exit }' "$out")
    [ -n "$result" ] && break
    if [ "$(date +%s)" -ge "$deadline" ]; then result="timeout"; break; fi
    sleep 0.05
  done
  touch "$stop"
  wait "$ppid" 2>/dev/null || true
  # Probes before the flip that did not get 200 from n1, once the client was warm: flapping or a
  # broken setup.
  local bad
  bad=$(awk -v t0="$t0" '$2 == 200 && $3 == "n1" { ok++ } ok >= 20 && $1 <= t0 && !($2 == 200 && $3 == "n1")' "$out" | wc -l)
  [ "$bad" -eq 0 ] || log "$tag: $bad probes before the flip were not answered 200 by n1"
  # The client's resolution: the median time between two probe results.
  GAPS="$GAPS $(awk 'NR > 1 { print ($1 - p) / 1e6 } { p = $1 }' "$out" | sort -n |
    awk '{ a[NR] = $1 } END { printf "%.0f", a[int((NR + 1) / 2)] }')"
  rm -f "$WORK/n1.down"
  RESULT="$result"
  if [ "$VARIANT" = vipd ]; then breakdown "$t0" "$tag"; fi
}

# vipd's own log timestamps (ms) split a vipd failover into detection and VRRP takeover.
breakdown() { # T0 TAG
  local drop master
  drop=$(grep "Changing effective priority from 101 to 81" "$WORK/vipd-n1.log" | tail -1 | cut -d' ' -f1)
  master=$(grep "Entering MASTER STATE" "$WORK/vipd-n2.log" | tail -1 | cut -d' ' -f1)
  [ -n "$drop" ] && [ -n "$master" ] || return 0
  log "$2: node 1 priority lowered after $((($(date -d "$drop" +%s%N) - $1) / 1000000)) ms," \
    "node 2 MASTER after $((($(date -d "$master" +%s%N) - $1) / 1000000)) ms"
}

# ---- variants ----
vipd_conf() { # PRIORITY
  cat <<EOF
admin.enabled = false
checks.apiserver { type = https, url = "https://127.0.0.1:6443/readyz", insecure = true,
  interval = 200ms, timeout = 200ms, fall = 2, rise = 2 }
proxy.frontends = [ { name = apiserver, bind = "0.0.0.0:8443", backend = apiserver } ]
proxy.backends.apiserver {
  servers = [ { name = local, address = "127.0.0.1:6443" } ]
  check { type = https, path = /readyz, insecure = true, interval = 200ms, timeout = 200ms,
    fall = 2, rise = 2 }
}
vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 51, priority = $1,
  version = 3, advert-interval = 100ms, virtual-ips = ["$VIP/24"],
  track.checks = [ { name = apiserver, weight = -20 } ] } ]
EOF
}

ka_conf() { # VARIANT STATE PRIORITY
  local script="$WORK/check_apiserver.sh"
  if [ "$1" = ka-kubeadm ]; then
    cat <<EOF
global_defs {
  router_id LVS_DEVEL
  script_user root
  enable_script_security
}
vrrp_script check_apiserver {
  script "$script"
  interval 3
  weight -2
  fall 10
  rise 2
}
vrrp_instance VI_1 {
  state $2
  interface eth0
  virtual_router_id 51
  priority $3
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass 42
  }
  virtual_ipaddress {
    $VIP/24
  }
  track_script {
    check_apiserver
  }
}
EOF
  else
    cat <<EOF
global_defs {
  router_id LVS_DEVEL
  script_user root
  enable_script_security
  vrrp_version 3
}
vrrp_script check_apiserver {
  script "$script"
  interval 1
  timeout 1
  weight -20
  fall 1
  rise 1
}
vrrp_instance VI_1 {
  state $2
  interface eth0
  virtual_router_id 51
  priority $3
  advert_int 0.1
  virtual_ipaddress {
    $VIP/24
  }
  track_script {
    check_apiserver
  }
}
EOF
  fi
}

PORT=""
start_variant() { # VARIANT: starts it on n1 (101) and n2 (100); sets PORT, the client's port
  local v="$1"
  case "$v" in
    vipd)
      vipd_conf 101 >"$WORK/vipd-n1.conf"
      vipd_conf 100 >"$WORK/vipd-n2.conf"
      for n in n1 n2; do
        start_bg "$n" "$WORK/$v-$n.log" java -jar "$JAR" run --config "$WORK/vipd-$n.conf"
        await_text "$WORK/$v-$n.log" "vipd started" 30
      done
      PORT=8443
      ;;
    ka-*)
      # The kubeadm guide's check script, on /readyz (the stand-in answers 404 on /).
      cat >"$WORK/check_apiserver.sh" <<'EOF'
#!/bin/sh
errorExit() { echo "*** $*" 1>&2; exit 1; }
curl -sfk --max-time 2 https://localhost:6443/readyz -o /dev/null || errorExit "Error GET https://localhost:6443/readyz"
EOF
      chmod 755 "$WORK/check_apiserver.sh"
      ka_conf "$v" MASTER 101 >"$WORK/ka-n1.conf"
      ka_conf "$v" BACKUP 100 >"$WORK/ka-n2.conf"
      for n in n1 n2; do
        start_bg "$n" "$WORK/$v-$n.log" keepalived --dont-fork --log-console --vrrp \
          -f "$WORK/ka-$n.conf" -p "$WORK/ka-$n.pid" -r "$WORK/ka-vrrp-$n.pid"
      done
      PORT=6443
      ;;
    *) echo "unknown variant $v" >&2; exit 2 ;;
  esac
}

stop_variant() {
  # The apiservers (first two pids) stay; everything started after them goes.
  local keep=("${PIDS[@]:0:2}") pid
  for pid in "${PIDS[@]:2}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:2}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  PIDS=("${keep[@]}")
  for n in n1 n2; do ip -n "$P-$n" addr del "$VIP/24" dev eth0 2>/dev/null || true; done
}

limit_for() { case "$1" in ka-kubeadm) echo 60 ;; *) echo 15 ;; esac; }

stats() { # values on stdin -> "median min max" (ms)
  sort -n | awk '{ a[NR] = $1 } END {
    if (NR == 0) { print "- - -"; exit }
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "%d %d %d\n", m, a[1], a[NR] }'
}

main() {
  setup_lan
  start_apiservers
  declare -A RESULTS
  for v in $VARIANTS; do
    log "variant $v: starting"
    VARIANT="$v"
    start_variant "$v"
    # One discarded warm-up repetition (JIT, ARP caches), then REPS measured ones.
    measure_once "$PORT" "$(limit_for "$v")" "$v-warmup"
    log "variant $v: warm-up ${RESULT} ms"
    local vals=""
    for k in $(seq "$REPS"); do
      measure_once "$PORT" "$(limit_for "$v")" "$v-$k"
      log "variant $v: repetition $k: ${RESULT} ms"
      vals="$vals $RESULT"
    done
    RESULTS[$v]="$vals"
    stop_variant
  done

  local base=""
  [ -n "${RESULTS[vipd]:-}" ] && base=$(echo "${RESULTS[vipd]}" | tr ' ' '\n' | grep -E '^[0-9]+$' | stats | cut -d' ' -f1)
  echo
  echo "Failover: master's /readyz fails -> first GET /readyz 200 via the VIP from the other node"
  local gap
  gap=$(echo "$GAPS" | tr ' ' '\n' | grep . | stats | cut -d' ' -f1)
  echo "(ms; $REPS repetitions per variant after one warm-up; median client probe period ${gap} ms)"
  printf '%-11s %6s %6s %6s %6s %9s  %s\n' variant n median min max "x vipd" "values"
  for v in $VARIANTS; do
    local ok n med mn mx ratio
    ok=$(echo "${RESULTS[$v]}" | tr ' ' '\n' | grep -E '^[0-9]+$' || true)
    n=$(echo "$ok" | grep -c . || true)
    read -r med mn mx <<<"$(echo "$ok" | grep . | stats)"
    ratio="-"
    if [ -n "$base" ] && [ "$med" != "-" ] && [ "$base" -gt 0 ]; then
      ratio=$(awk -v a="$med" -v b="$base" 'BEGIN { printf "%.1f", a / b }')
    fi
    printf '%-11s %6s %6s %6s %6s %9s %s\n' "$v" "$n" "$med" "$mn" "$mx" "$ratio" "${RESULTS[$v]}"
  done
}

main
