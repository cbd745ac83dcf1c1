#!/usr/bin/env bash
# Corvus's WireGuard in Java (module wireguard) against wireguard-go, in one run on one veth pair
# between two network namespaces: iperf3 TCP, 1 and 8 streams, between the tunnel addresses with the
# Java device on both ends (also with no cipher, to show what its encryption costs), then wireguard-go
# on both ends, then the bare veth pair. Prints Gbit/s, the devices' CPU seconds per GB and the
# ratios (ratio_java_vs_wireguard_go_1, ...). Needs root.
#   bench/wireguard.sh [SECONDS-PER-TEST]   (default 10)
#   bench/wireguard.sh [SECONDS-PER-TEST] --against=COMMIT
#       this build's Java pair against another commit's (its wireguard module built from git archive into
#       run/against/), five rounds taking turns; prints ratio_vs_base_* and ratio_cpu_vs_base_* (CPU per GB)
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
for arg in "$@"; do
  if [[ "$arg" == --against=* ]]; then
    arg=--against=$(tools/build-against.sh "${arg#--against=}" wireguard)
  fi
  args+=("$arg")
done
exec tools/run-bench.sh wireguard WireGuardBench "${args[@]}"
