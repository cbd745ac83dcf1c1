#!/usr/bin/env bash
# Makes sure a Docker engine answers, for the Compose test and the images: installs Debian's
# docker.io and docker-compose when missing and starts dockerd when none runs, the way this kind of
# machine allows (no iptables, no overlayfs: vfs storage, no default bridge; Compose's own networks
# work). Leaves an engine that already answers alone. Exits non-zero, saying why, when it cannot.
#   tools/docker-engine.sh
set -euo pipefail
if docker info >/dev/null 2>&1 && command -v docker-compose >/dev/null; then exit 0; fi
[ "$(id -u)" = 0 ] || { echo "no Docker engine answers, and starting one needs root" >&2; exit 2; }
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} ..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
fi
if ! docker info >/dev/null 2>&1; then
  log=/var/log/corvus-dockerd.log
  echo "starting dockerd (log in $log) ..." >&2
  nohup dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs --data-root /var/lib/docker > "$log" 2>&1 &
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { echo "dockerd did not answer within 60 s; its log:" >&2; tail -20 "$log" >&2; exit 1; }
fi
