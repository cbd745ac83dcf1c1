#!/usr/bin/env bash
# cloud-provisioner at run time: one replica on a real KRaft broker (in the benchmark's JVM), provider
# aliyun through the official SDKs against the API emulator with a fixed latency per call and an
# asynchronous EIP association. Time from a configuration event to `ready`, API calls per reconcile
# (reads/writes) against the fewest writes needed, a steady-state reconcile, the release.
# Prints name=value lines.
#   bench/provisioning.sh [CLUSTERS] [API_LATENCY_MS] [EIP_ASSOCIATION_MS] [ACL_ENTRIES]
exec "$(dirname "$0")/../tools/run-bench.sh" cloud-provisioner ProvisioningBench "$@"
