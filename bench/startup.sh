#!/usr/bin/env bash
# False failovers while stacks start: a fresh local stack again and again (broker, services and
# agents all starting together on this machine's cores), configured at once; the edge pool's
# gateway changes are counted from its first election until 20 s after the link is up, with the
# largest gap between two heartbeats of an agent. Prints name=value lines (figures go to
# BENCHMARKS.md); exits 1 on a false failover.
#   bench/startup.sh [--starts N] [--watch PT20S]
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./corvus bench-startup "$@"
