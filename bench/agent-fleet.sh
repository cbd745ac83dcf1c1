#!/usr/bin/env bash
# 1,000 light simulated agents (each its own consumer of its cluster's topology partition, as the
# agent reads it, and a heartbeat a second) against one real elector on a real KRaft broker, in
# one JVM: a configuration change's time to every agent's applied topology, with and without the
# heartbeats flowing (also each cluster's first agent, and the spread within a cluster: publishing
# against reading), a failover seen by every agent of the pool, and the cores the simulation kept
# busy. Prints name=value lines.
#   bench/agent-fleet.sh [AGENTS] [ROUNDS]
exec "$(dirname "$0")/../tools/run-bench.sh" gateway-elector AgentFleetBench "$@"
