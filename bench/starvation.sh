#!/usr/bin/env bash
# False failovers on a starved machine: a fresh local stack, every core kept busy by other
# processes, and the elected edge gateway's agent frozen (SIGSTOP) again and again. Pauses shorter
# than the heartbeat window must change no gateway; each long pause exactly one. Prints name=value
# lines (figures go to BENCHMARKS.md); exits 1 on a false failover.
#   bench/starvation.sh [--short-pauses N] [--short-pause PT2S] [--long-pauses M] [--long-pause PT12S] [--busy K]
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./corvus bench-starvation "$@"
