#!/usr/bin/env bash
# Runs the load lab with three proxies side by side: haproxy, this tree's vipd ("candidate") and
# vipd built from another commit ("base"), so that a change is measured against both in one run.
# Every lab parameter (REPS, PHASES, JAVA_HOME, ...) passes through to run.sh.
#
#   BASE   the commit to compare with (default HEAD~1); built once into a worktree under
#          ${TMPDIR:-/tmp}/vipd-base-<sha>
#   LAB    the lab directory, as in run.sh; it is copied, and the copy gets proxies/base.sh
#          (candidate.sh driven by BASE_CMD: the lab's own way to add a second candidate)
#   BUSY_POLLING=1  the candidate runs with proxy.busy-polling = true, and the copy gets
#          proxies/haproxybusy.sh (haproxy with `busy-polling` in global): busy polling measured
#          beside both proxies as shipped
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BASE=$(git -C "$REPO" rev-parse --short "${BASE:-HEAD~1}")
if [ -z "${LAB:-}" ]; then
  LAB=$REPO/../shared/lab/proxy
  [ -d "$LAB" ] || LAB=$REPO/../../shared/lab/proxy
fi
[ -x "$LAB/run.sh" ] || { echo "no lab at $LAB (set LAB=/path/to/lab/proxy)" >&2; exit 1; }

TREE=${TMPDIR:-/tmp}/vipd-base-$BASE
if [ ! -f "$TREE/daemon/target/vipd.jar" ]; then
  [ -d "$TREE" ] || git -C "$REPO" worktree add --detach "$TREE" "$BASE" >&2
  # built with the default JDK: JAVA_HOME may name the JDK to run on (google-java-format, run by
  # the build, does not start on JDK 25)
  (cd "$TREE" && env -u JAVA_HOME mvn -o -B -q package -pl daemon -am -DskipTests) >&2
fi

COPY=$(mktemp -d)
trap 'rm -rf "$COPY"' EXIT
cp -r "$LAB"/. "$COPY"/
sed -e 's/CANDIDATE_/BASE_/g; s/candidate:/base:/' "$LAB/proxies/candidate.sh" > "$COPY/proxies/base.sh"

SHIPPED=$(sed -n 's/^opts="${VIPD_JAVA_OPTS:-\(.*\)}"$/\1/p' "$REPO/bin/vipd")
JAVA_BIN=${VIPD_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}
export BASE_CMD="${JAVA_BIN:-java} ${VIPD_JVM:-$SHIPPED} -jar $TREE/daemon/target/vipd.jar run --config {config}"
export BASE_CONFIG=$REPO/bench/load/vipd.conf.tmpl
if [ "${TLS:-0}" = 1 ]; then # as run.sh does for the candidate: the health check speaks TLS too
  sed 's/^\( *type = \)http$/\1https/' "$BASE_CONFIG" > "$COPY/base.conf.tmpl"
  BASE_CONFIG=$COPY/base.conf.tmpl
fi
if [ "${BUSY_POLLING:-0}" = 1 ]; then
  sed 's/^global$/global\n  busy-polling/' "$LAB/proxies/haproxy.sh" > "$COPY/proxies/haproxybusy.sh"
  grep -q '^  busy-polling$' "$COPY/proxies/haproxybusy.sh" || { echo "cannot add busy-polling" >&2; exit 1; }
  sed 's/^proxy {$/proxy {\n  busy-polling = true/' "$REPO/bench/load/vipd.conf.tmpl" > "$COPY/busy.conf.tmpl"
  grep -q 'busy-polling = true' "$COPY/busy.conf.tmpl" || { echo "cannot add busy-polling" >&2; exit 1; }
  export CANDIDATE_CONFIG_OVERRIDE=$COPY/busy.conf.tmpl
  export PROXIES=${PROXIES:-haproxy haproxybusy candidate base}
fi
export PROXIES=${PROXIES:-haproxy candidate base}
echo "base: $BASE ($TREE)" >&2
LAB=$COPY "$REPO/bench/load/run.sh" "$@"
