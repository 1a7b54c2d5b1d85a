#!/bin/bash
# A failover's burst, side by side: N clients connect at once to a fresh proxy (haproxy, vipd, and
# optionally another vipd build), as the clients of a cluster do when the VIP moves. See README.md,
# "The burst after a failover".
#
#   bench/load/burst.sh                               # haproxy and daemon/target/vipd.jar, 3 reps
#   BASE_JAR=/tmp/vipd-base-X/daemon/target/vipd.jar REPS=5 bench/load/burst.sh
#
# Per run: open_s, the lab's `lab.py idle` time until every client's handshake completed (256 in
# flight, as fast as the client can); served_s, until the proxy holds two descriptors per client
# (each accepted and connected to a backend); ListenOverflows, the handshakes the kernel dropped
# because an accept queue was full (each such client waits for its 1 s SYN retransmit); the peak
# number of connections waiting in the port's accept queues, all listeners together (ss). The proxy is pinned to CPU 1 and the client to
# CPU 0 (PIN=0: no pinning); the backends accept and hold (idle_backends.py). vipd gets maxconn
# MAXCONN (default 10000, its default), haproxy N + 500 (its backlog follows maxconn, and it needs
# two descriptors per connection under the fd limit). Ports 17443-17445 and 17600 on 127.0.0.1;
# every process started is stopped. Needs python3, haproxy, nstat (iproute2), ss.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-9000}
REPS=${REPS:-3}
MAXCONN=${MAXCONN:-10000}
JAR=${JAR:-daemon/target/vipd.jar}
BASE_JAR=${BASE_JAR:-}
PIN=${PIN:-1}
JAVA=${VIPD_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}
JAVA=${JAVA:-java}
LAB=${LAB:-../shared/lab/proxy}; [ -f "$LAB/lab.py" ] || LAB=../../shared/lab/proxy
[ -f "$LAB/lab.py" ] || { echo "lab not found: set LAB" >&2; exit 1; }
[ -f "$JAR" ] || mvn -o -B -q package -pl daemon -am -DskipTests
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((2 * N + 1000)) ] || { echo "need RLIMIT_NOFILE >= $((2 * N + 1000))" >&2; exit 1; }
ON1=(); ON0=(); [ "$PIN" != 1 ] || { ON1=(taskset -c 1); ON0=(taskset -c 0); }
FLAGS=$(sed -n 's/^opts="${VIPD_JAVA_OPTS:-\(.*\)}"$/\1/p' bin/vipd) # the shipped JVM flags
OUT=bench/load/out/burst; mkdir -p "$OUT"
cat > "$OUT/vipd.conf" <<CONF
admin.enabled = false
logging.level = warn
proxy {
  maxconn = $MAXCONN
  frontends = [ { name = apiserver, bind = "127.0.0.1:17600", backend = apiservers } ]
  backends.apiservers {
    servers = [ { name = s1, address = "127.0.0.1:17443" }, { name = s2, address = "127.0.0.1:17444" },
                { name = s3, address = "127.0.0.1:17445" } ]
    check { type = tcp, interval = 2s, timeout = 2s }
    timeouts { connect = 5s, client = 30m, server = 30m, tunnel = 30m }
  }
}
CONF
cat > "$OUT/haproxy.cfg" <<CONF
global
  maxconn $((N + 500))
defaults
  mode tcp
  timeout connect 5s
  timeout client 30m
  timeout server 30m
frontend fe
  bind 127.0.0.1:17600
  default_backend be
backend be
  server s1 127.0.0.1:17443
  server s2 127.0.0.1:17444
  server s3 127.0.0.1:17445
CONF

PP=
HP=
trap 'kill $PP $HP 2>/dev/null || true; wait 2>/dev/null || true' EXIT
overflows() { nstat -az TcpExtListenOverflows | awk '/ListenOverflows/{print $2}'; }

one() { # one <name> <command...>: a fresh proxy, one burst, one result line
  local name=$1; shift
  python3 bench/load/idle_backends.py 17443 17444 17445 & HP=$! # fresh: they hold what they accept
  "${ON1[@]}" "$@" > "$OUT/$name.log" 2>&1 & PP=$!
  for _ in $(seq 150); do (echo > /dev/tcp/127.0.0.1/17600) 2>/dev/null && break; sleep 0.1; done
  sleep 1
  local fds0 o0 o1
  fds0=$(ls /proc/$PP/fd | wc -l)
  o0=$(overflows)
  python3 - "$PP" $((fds0 + 2 * N)) > "$OUT/served.txt" <<'PY' &
import os, sys, time
pid, want, t0 = sys.argv[1], int(sys.argv[2]), time.monotonic()
while time.monotonic() - t0 < 10:
    if len(os.listdir(f"/proc/{pid}/fd")) >= want:
        print(f"{time.monotonic() - t0:.3f}"); sys.exit()
    time.sleep(0.005)
print("timeout")
PY
  local SP=$!
  python3 - > "$OUT/queue.txt" <<'PY' &
import subprocess, time
t0, peak = time.monotonic(), 0
while time.monotonic() - t0 < 3:
    out = subprocess.run(["ss", "-Hltn", "sport = :17600"], capture_output=True, text=True).stdout
    peak = max(peak, sum(int(l.split()[1]) for l in out.splitlines() if l.strip()))
print(peak)
PY
  local QP=$!
  "${ON0[@]}" python3 "$LAB/lab.py" idle --port 17600 --pid "$PP" --conns "$N" --hold 1 > "$OUT/idle.json"
  wait $SP $QP
  o1=$(overflows)
  kill $PP $HP; wait $PP $HP 2>/dev/null || true; PP=; HP=
  python3 - "$name" "$(cat "$OUT/served.txt")" $((o1 - o0)) "$(cat "$OUT/queue.txt")" "$OUT/idle.json" <<'PY'
import json, sys
name, served, drops, peak, idle = sys.argv[1:]
r = json.load(open(idle))
print(f"{name:8} open_s={r['open_s']:<5} served_s={served:<6} ListenOverflows={drops:<4}"
      f" peak_queue={peak:<5} conns_ok={r['conns_ok']}")
PY
}

echo "burst of $N connections, maxconn $MAXCONN, $REPS reps, pinned=$PIN"
for rep in $(seq "$REPS"); do
  one haproxy haproxy -f "$OUT/haproxy.cfg"
  one vipd "$JAVA" $FLAGS -jar "$JAR" run --config "$OUT/vipd.conf"
  [ -z "$BASE_JAR" ] || one base "$JAVA" $FLAGS -jar "$BASE_JAR" run --config "$OUT/vipd.conf"
done
