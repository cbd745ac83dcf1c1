#!/usr/bin/env bash
# What an agent costs a node: a cloud gateway, an edge gateway and a member with no gateway role on
# a real broker; start-up to the first heartbeat, RSS and PSS idle and after --idle-minutes (default
# 1), loaded classes, the gateways' RSS with 1,000 open streams, and what a gateway keeps once its role
# moved to another node (before and after a full GC; by default its agent restarts in place once the role
# has been gone for the grace, role_gone_to_restart_ms, and role_gone_restart_heartbeat_gap_ms is the gap in
# its heartbeats); beside them the floor, the agent's Kafka path alone
# (KafkaOnlyAgent), started as is and from an AOT cache. Prints name=value lines
# (rss_idle_mb_nongateway, rss_idle_mb_gateway, rss_1000_streams_mb, ...).
#   bench/footprint.sh [--idle-minutes=N]
# Agent JVM options: CORVUS_AGENT_JVM="..." (default: agent/jvm.options, as the launcher runs its agents).
# CORVUS_AGENT_RESTART_WHEN_GATEWAY_ROLE_GOES=false: the old gateway keeps its program (the agents read it too).
set -euo pipefail
cd "$(dirname "$0")/.."
# The floor beside the agents (KafkaOnlyAgent) runs on what the agent's Kafka path needs and no more:
# the event schema module and its runtime dependencies (a longer class path alone costs it 20 MB).
. tools/jdk25.sh
use_jdk25
mkdir -p run
if ! mvn -B -q -pl events-schema dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$PWD/run/floor-classpath.txt" > run/floor-classpath.log 2>&1; then
  tail -20 run/floor-classpath.log >&2; exit 1
fi
export BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} -Dcorvus.bench.floor-classpath=$PWD/events-schema/target/classes:$(cat run/floor-classpath.txt)"
exec tools/run-bench.sh agent FootprintBench "$@"
