#!/usr/bin/env bash
# A soak of the local stack (not in CI): configuration writes every 3 s, the edge gateway's agent
# killed and started again every 2 min, 100 streams held open through the proxy all along. Each
# minute every process that runs throughout is sampled (open files, threads, heap after a full GC,
# RSS). Afterwards every acknowledged revision must be on the topic and must have led to a topology
# and a provisioning outcome. Prints name=value lines; exits 1 on a loss or a process that grows.
#   bench/soak.sh [--duration PT10M] [--streams 100] [--write-every PT3S] [--kill-every PT2M]
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./corvus bench-soak "$@"
