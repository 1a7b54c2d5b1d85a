#!/usr/bin/env bash
# Keep-alive with each of several poll windows (`proxy.poll-window`) beside haproxy: variants.sh
# with that key (after a lab run: it reuses the run's nginx and proxy configs):
#
#   bench/load/poll-window.sh
#
#   WINDOWS  the vipd variants, as values of proxy.poll-window (default "0s 20us 1ms")
#   The rest as for variants.sh (JAVA, JAR, ROUNDS, CONNS, ...). Coalescing is off in every
#   variant (EXTRA="proxy.coalesce-window = 0s"), as it was when the window was measured.
set -euo pipefail
export KEY=proxy.poll-window VALUES=${WINDOWS:-"0s 20us 1ms"} EXTRA=${EXTRA:-"proxy.coalesce-window = 0s"}
exec "$(dirname "${BASH_SOURCE[0]}")/variants.sh"
