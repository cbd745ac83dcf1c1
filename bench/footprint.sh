#!/usr/bin/env bash
# What an agent costs a node: a cloud gateway, an edge gateway and a member with no gateway role on
# a real broker; start-up to the first heartbeat, RSS and PSS idle and after --idle-minutes (default
# 1), loaded classes, the gateways' RSS with 1,000 open streams, and what a gateway keeps once its role
# moved to another node. Prints name=value lines
# (rss_idle_mb_nongateway, rss_idle_mb_gateway, rss_1000_streams_mb, ...).
#   bench/footprint.sh [--idle-minutes=N]
# Agent JVM options: CORVUS_AGENT_JVM="..." (default: agent/jvm.options, as the launcher runs its agents).
set -euo pipefail
cd "$(dirname "$0")/.."
exec tools/run-bench.sh agent FootprintBench "$@"
