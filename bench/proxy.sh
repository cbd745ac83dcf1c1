#!/usr/bin/env bash
# Proxy mode against its peers, in ONE run on this machine: the same traffic straight over loopback,
# through an OpenSSH reverse tunnel (bench/ssh-peer.sh), and through Corvus (two
# real agent processes, cloud and edge gateway, mutual TLS). Bulk throughput with 1 and 64 streams,
# 1 KiB request/response on a kept stream (p50/p99), a new stream per 1 KiB request with 64 clients
# (requests/s, p99), agent RSS idle and under load, CPU seconds per GB moved and per new stream, and
# how busy the machine was. Each throughput test runs in three rounds, the variants taking turns;
# prints name=value lines: medians, each round's value (_rounds), the median of the per-round ratios.
#   bench/proxy.sh [BULK_MIB]            (default 2048 MiB per bulk test)
#   bench/proxy.sh [BULK_MIB] --profile=bulk1|bulk64|newstream
#                                        only that Corvus workload, three runs under perf: the agents' CPU by
#                                        part (kernel, compiled Java, BoringSSL, JVM, libc) and hottest symbols
#   bench/proxy.sh [BULK_MIB] --against=COMMIT
#                                        this build's agents against those of another commit (built from git archive
#                                        into run/against/), both pairs up at once, six rounds in alternating order;
#                                        prints ratio_vs_base_* (throughput) and ratio_cpu_vs_base_* (CPU per unit)
# Agent JVM options: CORVUS_AGENT_JVM="..." (default "@agent/jvm.options" of each build, as the launcher runs its agents).
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
for arg in "$@"; do
  if [[ "$arg" == --against=* ]]; then
    arg=--against=$(tools/build-against.sh "${arg#--against=}" agent)
  fi
  args+=("$arg")
done
if ! [ -x /usr/sbin/sshd ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing openssh-server for the ssh peer ..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssh-server >/dev/null
  else
    echo "the ssh peer needs sshd: apt-get install -y openssh-server" >&2; exit 2
  fi
fi
if [[ " $* " == *" --profile="* ]] && ! command -v perf >/dev/null; then
  echo "--profile needs perf: apt-get install -y linux-perf" >&2; exit 2
fi
exec tools/run-bench.sh agent ProxyBench "${args[@]}"
