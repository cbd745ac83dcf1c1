#!/usr/bin/env bash
# gateway-elector at run time on a real KRaft broker (in the benchmark's JVM), default heartbeat
# settings: steady node-update throughput, and failover latency from a gateway's last heartbeat to
# its successor's topology acknowledged on the topic. Prints name=value lines.
#   bench/elector-runtime.sh [NODE_UPDATES]
exec "$(dirname "$0")/../tools/run-bench.sh" gateway-elector ElectorRuntimeBench "$@"
