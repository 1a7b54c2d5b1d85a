#!/bin/bash
# Memory per idle proxied connection, taken apart (see README.md, "Memory per idle connection").
#
#   bench/load/idle-memory.sh [CONNS] [JVM flags...]
#
# Starts a proxy-only vipd (daemon/target/vipd.jar) in front of three loopback backends that accept
# and hold connections (idle_backends.py), opens CONNS idle client connections with the lab's own
# `lab.py idle` (RSS growth per connection, the lab's figure), and meanwhile records the JVM's
# native memory tracking diff and the live-object histogram diff per connection. Ports 17443-17445
# and 17500 on 127.0.0.1; every process it starts is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-4000}; shift || true
FLAGS=("$@")
[ ${#FLAGS[@]} -gt 0 ] || FLAGS=(-XX:+UseSerialGC -Xms8m -Xmx128m -XX:ReservedCodeCacheSize=32m
  -XX:MaxMetaspaceSize=64m -Xss256k -XX:-UsePerfData)
LAB=${LAB:-../shared/lab/proxy}; [ -f "$LAB/lab.py" ] || LAB=../../shared/lab/proxy
[ -f "$LAB/lab.py" ] || { echo "lab not found: set LAB" >&2; exit 1; }
[ -f daemon/target/vipd.jar ] || mvn -o -B -q package -pl daemon -am -DskipTests
OUT=bench/load/out/idle-memory; mkdir -p "$OUT"
cat > "$OUT/vipd.conf" <<CONF
admin.enabled = false
logging.level = warn
proxy {
  maxconn = 20000
  frontends = [ { name = apiserver, bind = "127.0.0.1:17500", backend = apiservers } ]
  backends.apiservers {
    servers = [ { name = s1, address = "127.0.0.1:17443" }, { name = s2, address = "127.0.0.1:17444" },
                { name = s3, address = "127.0.0.1:17445" } ]
    check { type = tcp, interval = 2s, timeout = 2s }
    timeouts { connect = 5s, client = 30m, server = 30m, tunnel = 30m }
  }
}
CONF
python3 bench/load/idle_backends.py 17443 17444 17445 & HP=$!
java -XX:NativeMemoryTracking=summary "${FLAGS[@]}" -jar daemon/target/vipd.jar run \
  --config "$OUT/vipd.conf" > "$OUT/vipd.log" 2>&1 & VP=$!
trap 'kill $VP $HP 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/17500) 2>/dev/null && break; sleep 0.1; done
sleep 3
jcmd $VP VM.native_memory baseline > /dev/null
python3 "$LAB/lab.py" idle --port 17500 --pid $VP --conns "$N" --hold 1 > "$OUT/idle.json" &
LP=$!
wait $LP
echo "lab idle (RSS growth per connection, fresh process):"; cat "$OUT/idle.json"
# hold them again for the histogram and NMT (the lab closed its connections)
jcmd $VP GC.class_histogram > "$OUT/h0.txt"
python3 "$LAB/lab.py" idle --port 17500 --pid $VP --conns "$N" --hold 6 > /dev/null &
LP=$!
sleep 4
jcmd $VP VM.native_memory summary.diff > "$OUT/nmt.txt"
jcmd $VP GC.class_histogram > "$OUT/h1.txt"
wait $LP
echo "native memory tracking, committed growth since the start of the first burst:"
grep -E "^Total|^-" "$OUT/nmt.txt" | grep "+" || true
python3 - "$N" "$OUT" <<'PY'
import re, sys
n, out = int(sys.argv[1]), sys.argv[2]
def load(f):
    d = {}
    for l in open(f):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', l)
        if m:
            d[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return d
a, b = load(out + '/h0.txt'), load(out + '/h1.txt')
rows = sorted(((b[k][1] - a.get(k, (0, 0))[1], b[k][0] - a.get(k, (0, 0))[0], k) for k in b), reverse=True)
print("live objects per held connection: %.0f bytes (second burst, warm JVM)" % (sum(r[0] for r in rows) / n))
for r in rows[:20]:
    print("%7.1f B %5.2f objects  %s" % (r[0] / n, r[1] / n, r[2]))
PY
