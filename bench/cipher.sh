#!/usr/bin/env bash
# What the Java WireGuard device's cipher (the JDK's ChaCha20-Poly1305) costs per transport message
# on one core: nanoseconds to seal and to open a message carrying nothing (the cipher's per-message
# set-up alone) and a full 1,424-byte packet, through the device's own Session. No root needed.
#   bench/cipher.sh [SECONDS-PER-FIGURE]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
exec tools/run-bench.sh wireguard CipherBench "$@"
