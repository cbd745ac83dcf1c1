#!/usr/bin/env bash
# The broker killed (SIGKILL) during a storm of configuration writes and started again: every
# write acknowledged with 2xx must be on the topic afterwards, a change after the outage must reach
# the topology without restarting any service, and requests through the proxy link must go on
# meanwhile. Prints name=value lines (figures go to BENCHMARKS.md); exits 1 on a loss.
#   bench/broker-kill.sh [--clients N] [--before PT5S] [--outage PT10S] [--after PT10S]
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./corvus bench-broker-kill "$@"
