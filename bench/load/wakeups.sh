#!/usr/bin/env bash
# Where keep-alive time goes: kernel events per request on each core, haproxy and vipd side by side,
# pinned as in the lab (wrk and nginx on CPU 0, the proxy on CPU 1), in alternating rounds.
#
#   bench/load/wakeups.sh           (after a lab run: it reuses the run's nginx and proxy configs)
#
# Columns, per request: the proxy's CPU time (utime + stime from /proc), context switches on the
# proxy's core (two per sleep), function-call IPIs received there (the wake-ups of a sleeping
# proxy), system calls made there, and context switches on the load core.
#   RUN      the lab's run directory (default bench/load/out/run, written by bench/load/run.sh)
#   JAVA     the java to run vipd with; JAR the vipd jar (default: this tree's daemon/target)
#   ROUNDS   alternating rounds (default 3)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUN=${RUN:-$REPO/bench/load/out/run}
JAVA=${JAVA:-java}
JAR=${JAR:-$REPO/daemon/target/vipd.jar}
ROUNDS=${ROUNDS:-3}
for f in "$RUN/nginx/nginx.conf" "$RUN/haproxy/haproxy.cfg" "$RUN/candidate/vipd.conf" "$JAR"; do
  [ -f "$f" ] || { echo "missing $f: run the lab once (bench/load/run.sh) and build vipd" >&2; exit 1; }
done
for t in wrk nginx haproxy perf taskset; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 1; }; done
OPTS=$(sed -n 's/^opts="${VIPD_JAVA_OPTS:-\(.*\)}"$/\1/p' "$REPO/bin/vipd")
TMP=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
pkill -x nginx || true
sleep 0.3
taskset -c 0 nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$TMP/nginx.log" >/dev/null 2>&1 &
PIDS+=($!)
sed 's/^\(  bind 127.0.0.1:\)[0-9]*/\118461/' "$RUN/haproxy/haproxy.cfg" > "$TMP/haproxy.cfg"
sed 's/bind = "127.0.0.1:[0-9]*"/bind = "127.0.0.1:18460"/' "$RUN/candidate/vipd.conf" > "$TMP/vipd.conf"
taskset -c 1 haproxy -f "$TMP/haproxy.cfg" >/dev/null 2>&1 &
HP=$!; PIDS+=($HP)
# shellcheck disable=SC2086
taskset -c 1 "$JAVA" $OPTS -jar "$JAR" run --config "$TMP/vipd.conf" > "$TMP/vipd.log" 2>&1 &
VP=$!; PIDS+=($VP)
sleep 4
for p in 18461 18460; do taskset -c 0 wrk -t2 -c64 -d8s "http://127.0.0.1:$p/1k" >/dev/null; done # warm-up
EV=sched:sched_switch,irq_vectors:call_function_single_entry,raw_syscalls:sys_enter
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
printf '%-8s %8s %11s %9s %9s %9s %9s\n' proxy req/s cpu_us/req cs/req ipi/req sys/req load_cs
for _ in $(seq "$ROUNDS"); do for p in 18461 18460; do
  pid=$HP; name=haproxy; [ $p = 18460 ] && { pid=$VP; name=vipd; }
  taskset -c 0 wrk -t2 -c64 -d5s "http://127.0.0.1:$p/1k" > "$TMP/wrk" &
  W=$!; sleep 1
  t0=$(ticks $pid)
  perf stat -A -a -x, -e $EV -- sleep 3 2> "$TMP/perf"
  t1=$(ticks $pid)
  wait $W
  rps=$(awk '/Requests\/sec/{print $2}' "$TMP/wrk")
  awk -F, -v r="$rps" -v n=$name -v cpu=$((t1 - t0)) -v hz="$HZ" '
    { v[$1 "," $4] = $2 }
    END {
      q = r * 3 # requests in the 3 s window (wrk rate over its 5 s run)
      printf "%-8s %8.0f %11.1f %9.2f %9.2f %9.2f %9.2f\n", n, r, cpu * 1e6 / hz / q,
        v["CPU1,sched:sched_switch"] / q, v["CPU1,irq_vectors:call_function_single_entry"] / q,
        v["CPU1,raw_syscalls:sys_enter"] / q, v["CPU0,sched:sched_switch"] / q
    }' "$TMP/perf"
done; done
