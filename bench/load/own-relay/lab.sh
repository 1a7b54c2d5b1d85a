#!/usr/bin/env bash
# Runs the load lab with three proxies side by side: haproxy, this tree's vipd ("candidate") and
# OwnRelayProbe ("ownrelay"): a relay on Netty's native epoll layer with no Netty channels, to
# measure what vipd's per-connection CPU would be without Netty's channel machinery. The probe has
# no timeouts, limits or stats and buffers 32 KiB per connection, so only the keepalive, close and
# bulk phases are run. Every other lab parameter (REPS, JAVA_HOME, ...) passes through to run.sh.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
if [ -z "${LAB:-}" ]; then
  LAB=$REPO/../shared/lab/proxy
  [ -d "$LAB" ] || LAB=$REPO/../../shared/lab/proxy
fi
[ -x "$LAB/run.sh" ] || { echo "no lab at $LAB (set LAB=/path/to/lab/proxy)" >&2; exit 1; }
JAR=$REPO/daemon/target/vipd.jar
[ -f "$JAR" ] || (cd "$REPO" && env -u JAVA_HOME mvn -o -B -q package -pl daemon -am -DskipTests)

COPY=$(mktemp -d)
trap 'rm -rf "$COPY"' EXIT
# the probe is compiled against the Netty classes (and native library) inside vipd's jar
javac -nowarn --release 17 -cp "$JAR" -d "$COPY/classes" "$HERE/OwnRelayProbe.java"
cp -r "$LAB"/. "$COPY/lab"/ 2>/dev/null || { mkdir -p "$COPY/lab" && cp -r "$LAB"/. "$COPY/lab"/; }
sed -e 's/CANDIDATE_/OWNRELAY_/g; s/candidate:/ownrelay:/' "$LAB/proxies/candidate.sh" \
  > "$COPY/lab/proxies/ownrelay.sh"
JAVA_BIN=${VIPD_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}
export OWNRELAY_CMD="${JAVA_BIN:-java} -XX:+UseSerialGC -Xms16m -Xmx128m -Dprobe.port={port}\
 -Dprobe.backends={backends} -cp $COPY/classes:$JAR io.netty.channel.epoll.OwnRelayProbe"
export PROXIES=${PROXIES:-haproxy candidate ownrelay}
export PHASES=${PHASES:-keepalive close bulk}
LAB=$COPY/lab "$REPO/bench/load/run.sh" "$@"
