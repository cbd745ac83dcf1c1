#!/usr/bin/env bash
# Writes the agent's ahead-of-time cache (JDK 25's -XX:AOTCacheOutput): runs the agent once, with no
# broker and every port picked free, until its health and metrics endpoints have answered, then stops
# it; the JVM writes the cache as it exits. An agent started with -XX:AOTCache=CACHE (the launcher,
# the image) loads its classes from there: its first heartbeat comes about 0.7 s sooner.
# The cache holds to the JVM options and the jars it was written with; after a rebuild an agent
# warns and starts without it.
#   agent/aot-train.sh JAVA JVM_OPTIONS_FILE AGENT_JAR CACHE
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 JAVA JVM_OPTIONS_FILE AGENT_JAR CACHE" >&2; exit 2; }
java=$1 options=$2 jar=$3 cache=$4
work=$(mktemp -d)
agent=
trap '[ -n "$agent" ] && kill "$agent" 2>/dev/null; rm -rf "$work"' EXIT
rm -f "$cache"

"$java" "@$options" -XX:AOTCacheOutput="$cache" -Dkafka.bootstrap.servers=127.0.0.1:1 \
  -Dcorvus.agent.cluster-id=aot-training -Dcorvus.agent.node-name=aot-training -Dcorvus.agent.management-address=127.0.0.1 \
  -Dcorvus.agent.health-port=0 -Dcorvus.agent.metrics-port=0 -Dcorvus.agent.proxy.bind-address=127.0.0.1 \
  -Dcorvus.agent.proxy.link-port=0 -Dcorvus.agent.proxy.https-port=0 -Dcorvus.agent.proxy.http-port=0 \
  -Dcorvus.agent.tunnel.state-directory="$work/state" -jar "$jar" > "$work/agent.log" 2>&1 &
agent=$!

get() { # PORT PATH: one HTTP request, the answer thrown away
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  cat <&3 > /dev/null
  exec 3<&-
}

# wait for the state, not a time: the agent logs its ports once it serves them
for _ in $(seq 600); do
  grep -q "started; health on" "$work/agent.log" && break
  kill -0 "$agent" 2>/dev/null || { cat "$work/agent.log" >&2; echo "the training agent stopped before it served" >&2; exit 1; }
  sleep 0.2
done
line=$(grep -m1 "started; health on" "$work/agent.log") || { cat "$work/agent.log" >&2; echo "the training agent did not start in 120 s" >&2; exit 1; }
health=$(sed -n 's/.*health on :\([0-9]*\),.*/\1/p' <<< "$line")
metrics=$(sed -n 's/.*metrics on :\([0-9]*\).*/\1/p' <<< "$line")
for path in /q/health /q/health/live /q/health/ready; do get "$health" "$path"; done
get "$metrics" /q/metrics

kill -TERM "$agent"
wait "$agent" || true
agent=
[ -s "$cache" ] || { cat "$work/agent.log" >&2; echo "the training run wrote no cache at $cache" >&2; exit 1; }
echo "agent AOT cache: $cache ($(( $(stat -c %s "$cache") / 1048576 )) MiB)"
