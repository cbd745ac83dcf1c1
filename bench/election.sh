#!/usr/bin/env bash
# Gateway election recompute benchmark (pure core, no I/O): one cluster of NODES nodes in POOLS
# pools, initial election, steady recompute (nothing changed) and recompute after 1% went stale.
# Goal: a full recompute of 100,000 nodes in 10,000 pools within 100 ms. Prints name=value lines.
#   bench/election.sh [NODES] [POOLS]
exec "$(dirname "$0")/../tools/run-bench.sh" gateway-elector ElectionBench "$@"
