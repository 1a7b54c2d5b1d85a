#!/usr/bin/env bash
# wrk through haproxy and through vipd with each of several values of one proxy setting, in
# alternating rounds pinned as in the lab (wrk and nginx on CPU 0, every proxy on CPU 1, one loaded
# at a time):
#
#   KEY=proxy.coalesce-window VALUES="0s 50us" bench/load/variants.sh
#                                       (after a lab run: it reuses the run's nginx and proxy configs)
#
#   KEY      the vipd setting to vary (default proxy.coalesce-window)
#   VALUES   its values, one vipd each (default "0s 50us")
#   EXTRA    a config line added to every vipd (e.g. "proxy.coalesce-window = 0s")
#   CONNS    concurrent wrk connections (default 64, the lab's keep-alive load); THREADS wrk
#            threads (default 2, at most CONNS)
#   CLOSE    set: each request on a new connection (Connection: close); URL_PATH (default /1k)
#   JAVA     the java to run vipd with; JAR the vipd jar (default: this tree's daemon/target)
#   ROUNDS   alternating rounds (default 5)
# Columns per round: req/s; the proxy's CPU per request in µs (utime + stime from /proc); IPIs
# received on the proxy core per request (its wake-ups from sleep); wrk's p99 in ms. The summary
# gives medians of per-round ratios to haproxy (IPIs absolute).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUN=${RUN:-$REPO/bench/load/out/run}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAR=${JAR:-$REPO/daemon/target/vipd.jar}
ROUNDS=${ROUNDS:-5}
KEY=${KEY:-proxy.coalesce-window}
VALUES=${VALUES:-"0s 50us"}
CONNS=${CONNS:-64}
THREADS=${THREADS:-$((CONNS < 2 ? CONNS : 2))}
URL_PATH=${URL_PATH:-/1k}
for f in "$RUN/nginx/nginx.conf" "$RUN/haproxy/haproxy.cfg" "$RUN/candidate/vipd.conf" "$JAR"; do
  [ -f "$f" ] || { echo "missing $f: run the lab once (bench/load/run.sh) and build vipd" >&2; exit 1; }
done
for t in wrk nginx haproxy perf taskset python3; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 1; }; done
OPTS=$(sed -n 's/^opts="${VIPD_JAVA_OPTS:-\(.*\)}"$/\1/p' "$REPO/bin/vipd")
TMP=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
pkill -x nginx || true
sleep 0.3
taskset -c 0 nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$TMP/nginx.log" >/dev/null 2>&1 &
PIDS+=($!)
declare -A PID PORT
sed 's/^\(  bind 127.0.0.1:\)[0-9]*/\118461/' "$RUN/haproxy/haproxy.cfg" > "$TMP/haproxy.cfg"
taskset -c 1 haproxy -f "$TMP/haproxy.cfg" >/dev/null 2>&1 &
PID[haproxy]=$!; PORT[haproxy]=18461; PIDS+=($!)
NAMES=(haproxy)
port=18470
for v in $VALUES; do
  name=vipd-$v
  { cat "$RUN/candidate/vipd.conf"; echo "${EXTRA:-}"; echo "$KEY = $v"; } |
    sed "s/bind = \"127.0.0.1:[0-9]*\"/bind = \"127.0.0.1:$port\"/" > "$TMP/$name.conf"
  # shellcheck disable=SC2086
  taskset -c 1 "$JAVA" $OPTS -jar "$JAR" run --config "$TMP/$name.conf" > "$TMP/$name.log" 2>&1 &
  PID[$name]=$!; PORT[$name]=$port; PIDS+=($!); NAMES+=("$name")
  port=$((port + 1))
done
sleep 5
for n in "${NAMES[@]}"; do taskset -c 0 wrk -t2 -c64 -d6s "http://127.0.0.1:${PORT[$n]}/1k" >/dev/null; done # warm-up
HDRS=()
[ -n "${CLOSE:-}" ] && HDRS=(-H "Connection: close")
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
for _ in $(seq "$ROUNDS"); do for n in "${NAMES[@]}"; do
  taskset -c 0 wrk --latency -t"$THREADS" -c"$CONNS" -d5s "${HDRS[@]}" "http://127.0.0.1:${PORT[$n]}$URL_PATH" > "$TMP/wrk" &
  W=$!; sleep 1
  t0=$(ticks "${PID[$n]}")
  perf stat -A -a -x, -e irq_vectors:call_function_single_entry -- sleep 3 2> "$TMP/perf"
  t1=$(ticks "${PID[$n]}")
  wait $W
  rps=$(awk '/Requests\/sec/{print $2}' "$TMP/wrk")
  p99=$(awk '$1 == "99%" { v = $2; m = 1
    if (v ~ /us$/) m = 0.001; else if (v ~ /ms$/) m = 1; else if (v ~ /s$/) m = 1000
    sub(/[a-z]+$/, "", v); print v * m }' "$TMP/wrk")
  awk -F, -v r="$rps" -v p="$p99" -v n="$n" -v cpu=$((t1 - t0)) -v hz="$HZ" '{ v[$1] = $2 }
    END { q = r * 3; printf "%s %.0f %.1f %.2f %.3f\n", n, r, cpu * 1e6 / hz / q, v["CPU1"] / q, p }' "$TMP/perf"
done; done | tee "$TMP/rounds"
python3 - "$TMP/rounds" <<'PY'
import sys, statistics as st
rounds, cur = [], {}
for line in open(sys.argv[1]):
    n, r, c, i, p = line.split()
    if n == "haproxy" and cur:
        rounds.append(cur); cur = {}
    cur[n] = (float(r), float(c), float(i), float(p))
rounds.append(cur)
print(f"{'proxy':16s} {'req/s':>7s} {'cpu/req':>8s} {'ipi/req':>8s} {'p99':>6s}   (medians of per-round ratios to haproxy; ipi absolute)")
for n in rounds[0]:
    ratio = lambda k: st.median(d[n][k] / d["haproxy"][k] for d in rounds)
    ipi = st.median(d[n][2] for d in rounds)
    print(f"{n:16s} {ratio(0):7.3f} {ratio(1):8.3f} {ipi:8.2f} {ratio(3):6.3f}")
PY
