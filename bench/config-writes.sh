#!/usr/bin/env bash
# config-service write benchmark: accepted writes/s and p50/p99 from request to broker
# acknowledgement through the API, against raw acks=all producer sends to the same local broker,
# in one run on a fresh stack. Prints name=value lines (figures go to BENCHMARKS.md).
#   bench/config-writes.sh [--writes N] [--clients C]
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./corvus bench-config-writes "$@"
