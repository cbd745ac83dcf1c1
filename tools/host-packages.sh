#!/usr/bin/env bash
# Installs the Debian packages of the named tools that are missing; with no names, those tunnel
# mode and its tests use: iproute2 (ip, bridge), wireguard-tools (wg), wireguard-go, nftables,
# iputils-ping, util-linux (setpriv), socat and iperf3 (the tests' traffic). The browser test names
# chromium and chromedriver. Needs root and apt-get; prints what is missing otherwise and exits 2.
set -euo pipefail
declare -A package_of=([ip]=iproute2 [bridge]=iproute2 [wg]=wireguard-tools [wireguard-go]=wireguard-go [nft]=nftables
  [ping]=iputils-ping [setpriv]=util-linux [socat]=socat [iperf3]=iperf3 [chromium]=chromium [chromedriver]=chromium-driver)
tools=("$@")
[ ${#tools[@]} -eq 0 ] && tools=(ip bridge wg wireguard-go nft ping setpriv socat iperf3)
missing=()
for tool in "${tools[@]}"; do
  [ -n "${package_of[$tool]:-}" ] || { echo "host-packages.sh: no package known for '$tool'" >&2; exit 2; }
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing Debian packages: $packages(as root: apt-get install -y $packages)" >&2
  exit 2
fi
echo "installing $packages..." >&2
# a fresh machine's package lists may be missing or stale: refresh them once when the install fails
DEBIAN_FRONTEND=noninteractive apt-get install -y -q $packages >/dev/null \
  || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $packages >/dev/null; }
