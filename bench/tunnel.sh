#!/usr/bin/env bash
# Tunnel mode against its peers, in ONE run on this machine (as root: network namespaces): iperf3
# between pods of two pools through the whole Corvus path (VXLAN, WireGuard, VXLAN) with the agents'
# own WireGuard (driver java), against the same path on a first cluster whose agents run wireguard-go
# (ratio_java_vs_wireguard_go_1 and _8), between pods on the two gateways (corvus_gateway_pods: the
# tunnel without the VXLAN hops; ratio_gateway_pods_vs_vxlan_1 and _8), and, between the same two
# gateway namespaces, wireguard-go configured by hand (the driver alone), kernel VXLAN
# alone and the bare veth pair; one stream and eight, ROUNDS rounds (default 3), the variants taking
# turns, medians. Then a configuration change (tunnel mode switched on) to traffic flowing, and a
# SIGKILL of the edge gateway's agent, once the hub holds its presence connection, to traffic through
# its successor (ROUNDS times).
# Prints name=value lines: *_gbps, *_cpu_s_per_gb (all processors' time per GB received) and *_tunnel_device_cpu_s_per_gb (the
# Java device's and wireguard-go's threads), ratio_java_vs_wireguard_go_1 and _8, ratio_vs_driver_1, ratio_vs_driver_8,
# quarter_of_vxlan_leaves_devices_cpu_s_per_gb_* (what the devices may cost per GB for the path to carry a quarter of VXLAN
# alone on this machine's processors, the rest of the path costing what it did), config_change_to_traffic_ms,
# failover_ms (with the rounds, the time to the election and its cause). Installs what it needs from Debian (tools/host-packages.sh).
#   bench/tunnel.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench/tunnel.sh makes network namespaces: run it as root" >&2; exit 2; }
tools/host-packages.sh
exec tools/run-bench.sh launcher TunnelBench "$@"
