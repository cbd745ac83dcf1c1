#!/usr/bin/env bash
# Corvus's WireGuard in Java (module wireguard) against wireguard-go, in one run on one veth pair
# between two network namespaces: iperf3 TCP, 1 and 8 streams, between the tunnel addresses with the
# Java device on both ends, then wireguard-go on both ends, then the bare veth pair. Prints Gbit/s,
# the devices' CPU seconds per GB and the ratios (ratio_java_vs_wireguard_go_1, ...). Needs root.
#   bench/wireguard.sh [SECONDS-PER-TEST]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
exec tools/run-bench.sh wireguard WireGuardBench "$@"
