#!/usr/bin/env bash
# The OpenSSH reverse tunnel that bench/proxy.sh measures Corvus against, brought up on loopback:
# a throw-away sshd with fresh keys, and `ssh -R LISTEN_PORT:TARGET` through it.
#
#   bench/ssh-peer.sh start LISTEN_PORT TARGET_HOST:TARGET_PORT [CIPHER]   prints the state folder
#   bench/ssh-peer.sh stop STATE_FOLDER
#
# CIPHER: aes128-gcm@openssh.com unless given (OpenSSH's quickest on this hardware).
# Needs the Debian packages openssh-server and openssh-client; bench/proxy.sh installs them.
set -eu
usage() { sed -n '2,9p' "$0" >&2; exit 2; }
action=${1:-}; [ $# -gt 0 ] && shift
case "$action" in
  start)
    [ $# -ge 2 ] || usage
    listen_port=$1 target=$2 cipher=${3:-aes128-gcm@openssh.com}
    [ -x /usr/sbin/sshd ] || { echo "no /usr/sbin/sshd: apt-get install -y openssh-server" >&2; exit 2; }
    state=$(mktemp -d -t corvus-ssh-peer.XXXXXX)
    ssh-keygen -q -t ed25519 -N '' -f "$state/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$state/user_key"
    install -m 600 "$state/user_key.pub" "$state/authorized_keys"
    mkdir -p /run/sshd
    sshd_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    printf '%s\n' "ListenAddress 127.0.0.1" "Port $sshd_port" "HostKey $state/host_key" \
      "AuthorizedKeysFile $state/authorized_keys" "PasswordAuthentication no" "PermitRootLogin prohibit-password" \
      "StrictModes no" "PidFile $state/sshd.pid" > "$state/sshd_config"
    /usr/sbin/sshd -f "$state/sshd_config"
    for _ in $(seq 50); do [ -s "$state/sshd.pid" ] && break; sleep 0.1; done
    ssh -N -c "$cipher" -i "$state/user_key" -p "$sshd_port" -o LogLevel=ERROR -o ExitOnForwardFailure=yes \
      -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
      -R "127.0.0.1:$listen_port:$target" "$(id -un)@127.0.0.1" &
    echo $! > "$state/ssh.pid"
    # the forward is ready once something listens on its port
    for _ in $(seq 100); do ss -Hltn "sport = :$listen_port" | grep -q . && break; sleep 0.1; done
    echo "$state" ;;
  stop)
    [ $# -ge 1 ] || usage
    state=$1
    for pid_file in "$state/ssh.pid" "$state/sshd.pid"; do
      [ -f "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null || true
    done
    rm -rf "$state" ;;
  *) usage ;;
esac
