#!/usr/bin/env bash
# Keep-alive with each of several poll windows (`proxy.poll-window`) beside haproxy, in alternating
# rounds pinned as in the lab (wrk and nginx on CPU 0, every proxy on CPU 1, one loaded at a time):
#
#   bench/load/poll-window.sh          (after a lab run: it reuses the run's nginx and proxy configs)
#
#   WINDOWS  the vipd variants, as values of proxy.poll-window (default "0s 20us 1ms")
#   JAVA     the java to run vipd with; JAR the vipd jar (default: this tree's daemon/target)
#   ROUNDS   alternating rounds (default 5)
# Columns per round: req/s; the proxy's CPU per request (utime + stime from /proc); IPIs received
# on the proxy core per request (its wake-ups from sleep). The summary gives medians of per-round
# ratios to haproxy.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUN=${RUN:-$REPO/bench/load/out/run}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAR=${JAR:-$REPO/daemon/target/vipd.jar}
ROUNDS=${ROUNDS:-5}
WINDOWS=${WINDOWS:-"0s 20us 1ms"}
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
for w in $WINDOWS; do
  name=window-$w
  { cat "$RUN/candidate/vipd.conf"; echo "proxy.poll-window = $w"; } |
    sed "s/bind = \"127.0.0.1:[0-9]*\"/bind = \"127.0.0.1:$port\"/" > "$TMP/$name.conf"
  # shellcheck disable=SC2086
  taskset -c 1 "$JAVA" $OPTS -jar "$JAR" run --config "$TMP/$name.conf" > "$TMP/$name.log" 2>&1 &
  PID[$name]=$!; PORT[$name]=$port; PIDS+=($!); NAMES+=("$name")
  port=$((port + 1))
done
sleep 5
for n in "${NAMES[@]}"; do taskset -c 0 wrk -t2 -c64 -d6s "http://127.0.0.1:${PORT[$n]}/1k" >/dev/null; done # warm-up
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
for _ in $(seq "$ROUNDS"); do for n in "${NAMES[@]}"; do
  taskset -c 0 wrk -t2 -c64 -d5s "http://127.0.0.1:${PORT[$n]}/1k" > "$TMP/wrk" &
  W=$!; sleep 1
  t0=$(ticks "${PID[$n]}")
  perf stat -A -a -x, -e irq_vectors:call_function_single_entry -- sleep 3 2> "$TMP/perf"
  t1=$(ticks "${PID[$n]}")
  wait $W
  rps=$(awk '/Requests\/sec/{print $2}' "$TMP/wrk")
  awk -F, -v r="$rps" -v n="$n" -v cpu=$((t1 - t0)) -v hz="$HZ" '{ v[$1] = $2 }
    END { q = r * 3; printf "%s %.0f %.1f %.2f\n", n, r, cpu * 1e6 / hz / q, v["CPU1"] / q }' "$TMP/perf"
done; done | tee "$TMP/rounds"
python3 - "$TMP/rounds" <<'PY'
import sys, statistics as st
rounds, cur = [], {}
for line in open(sys.argv[1]):
    n, r, c, i = line.split()
    if n == "haproxy" and cur:
        rounds.append(cur); cur = {}
    cur[n] = (float(r), float(c), float(i))
rounds.append(cur)
print(f"{'proxy':14s} {'req/s':>7s} {'cpu/req':>8s} {'ipi/req':>8s}   (medians of per-round ratios to haproxy; ipi absolute)")
for n in rounds[0]:
    ratio = lambda k: st.median(d[n][k] / d["haproxy"][k] for d in rounds)
    ipi = st.median(d[n][2] for d in rounds)
    print(f"{n:14s} {ratio(0):7.3f} {ratio(1):8.3f} {ipi:8.2f}")
PY
