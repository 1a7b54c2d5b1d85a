#!/usr/bin/env bash
# Runs the shared L4 proxy load lab with vipd as its candidate: direct, haproxy and vipd side
# by side on the same nginx backends (see README.md). Builds daemon/target/vipd.jar first if it
# is missing or older than any source. Every other lab parameter (PIN, TLS, REPS, DURATION,
# PHASES, ...) passes through from the environment.
#
#   LAB         the lab directory (default ../shared/lab/proxy from the repo root, or
#               ../../shared/lab/proxy if only that exists: a worktree)
#   VIPD_JAVA   java binary (default: $JAVA_HOME/bin/java, else java on PATH)
#   VIPD_JVM    JVM flags for vipd (default: the shipped ones, read from bin/vipd)
#   WARMUP      seconds of each load type per proxy before measuring (default 5: JIT warm-up)
#   OUT_DIR     where the lab writes results.json, raw.jsonl and logs (default bench/load/out)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ -z "${LAB:-}" ]; then
  # The main checkout sits next to shared/; a worktree under wt/ one level deeper.
  LAB=../shared/lab/proxy
  [ -d "$REPO/$LAB" ] || [ ! -d "$REPO/../../shared/lab/proxy" ] || LAB=../../shared/lab/proxy
fi
case $LAB in /*) ;; *) LAB=$REPO/$LAB ;; esac
[ -x "$LAB/run.sh" ] || { echo "no lab at $LAB (set LAB=/path/to/lab/proxy)" >&2; exit 1; }

JAR=$REPO/daemon/target/vipd.jar
if [ ! -f "$JAR" ] || [ -n "$(find "$REPO"/{daemon,tcp-proxy,health,vrrp-core}/src/main "$REPO/pom.xml" \
    "$REPO"/{daemon,tcp-proxy,health,vrrp-core}/pom.xml -newer "$JAR" -type f -print -quit)" ]; then
  echo "building $JAR" >&2
  (cd "$REPO" && env -u JAVA_HOME mvn -o -B -q package -pl daemon -am -DskipTests) # default JDK
fi

# The flags vipd ships with (bin/vipd, systemd/vipd.service, the static pod; see README.md,
# "JVM flags"), unless VIPD_JVM says otherwise.
SHIPPED=$(sed -n 's/^opts="${VIPD_JAVA_OPTS:-\(.*\)}"$/\1/p' "$REPO/bin/vipd")
[ -n "$SHIPPED" ] || { echo "cannot read the shipped JVM flags from bin/vipd" >&2; exit 1; }
VIPD_JVM=${VIPD_JVM:-$SHIPPED}
VIPD_JAVA=${VIPD_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}
VIPD_JAVA=${VIPD_JAVA:-java}
OUT_DIR=${OUT_DIR:-$REPO/bench/load/out}
mkdir -p "$OUT_DIR"

# With TLS=1 the backends speak TLS: the health check must too (haproxy: check-ssl verify none).
TMPL=$REPO/bench/load/vipd.conf.tmpl
if [ "${TLS:-0}" = 1 ]; then
  sed 's/^\( *type = \)http$/\1https/' "$TMPL" > "$OUT_DIR/vipd.conf.tmpl"
  TMPL=$OUT_DIR/vipd.conf.tmpl
fi

export CANDIDATE_CMD="$VIPD_JAVA $VIPD_JVM -jar $JAR run --config {config}"
export CANDIDATE_CONFIG=${CANDIDATE_CONFIG_OVERRIDE:-$TMPL} # ab.sh BUSY_POLLING=1 sets it
export WARMUP=${WARMUP:-5}
export OUT_DIR
echo "candidate: $CANDIDATE_CMD ($("$VIPD_JAVA" -version 2>&1 | head -1))" >&2
exec "$LAB/run.sh" "$@"
