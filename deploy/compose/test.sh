#!/usr/bin/env bash
# The Compose stack for real: starts a Docker engine when none answers, builds the images (on local
# stand-ins for the public base images, since no registry is reachable here), brings
# docker-compose.yml up, publishes a configuration through config-service's API, finds the
# provisioning steps and a topology on the topics, fetches /pods from a container through the cloud
# agent's proxy front door to a kubelet-like server on an edge node, then `down -v` and checks that
# nothing of the stack is left, its images included (the engine here stores layers on vfs, full
# copies each: images left by every run filled the disk). Prints what failed and the services' logs, and exits 1, on any
# failure; exits 0 only after all of it ran.
#   deploy/compose/test.sh
# With a registry: BASE_IMAGE=eclipse-temurin:25-jre KAFKA_IMAGE=apache/kafka:4.1.2 deploy/compose/test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
project=corvus-compose-test
export CORVUS_VERSION=compose-test
export KAFKA_IMAGE=${KAFKA_IMAGE:-corvus-local/kafka:4.1.2}
base=${BASE_IMAGE:-corvus-local/jre:25}
compose=(docker-compose -p "$project" -f docker-compose.yml -f deploy/compose/test.override.yml)
started=$(date +%s)
say() { echo "compose-test [$(( $(date +%s) - started )) s]: $*"; }
fail() {
  echo "COMPOSE TEST FAILED: $*" >&2
  "${compose[@]}" ps >&2 || true
  "${compose[@]}" logs --no-color --tail 60 >&2 || true
  "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  remove_images
  exit 1
}
remove_images() { # the images this test built (the local base images stay: they take minutes to make)
  local built
  built=$(docker images -q --filter "reference=corvus/*:$CORVUS_VERSION")
  [ -z "$built" ] || docker rmi -f $built >/dev/null
}
await() { # SECONDS WHAT COMMAND...: until COMMAND succeeds
  local seconds=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what: not within $seconds s"
    sleep 2
  done
  say "$what"
}
topic() { # TOPIC: what the topic holds, keys included
  "${compose[@]}" exec -T kafka /opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic "$1" \
    --from-beginning --timeout-ms 8000 --property print.key=true 2>/dev/null || true
}
healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' "$("${compose[@]}" ps -q "$1")")" = healthy ]; }

tools/docker-engine.sh
say "the Docker engine answers"
if [ "$base" = corvus-local/jre:25 ] || [ "$KAFKA_IMAGE" = corvus-local/kafka:4.1.2 ]; then
  deploy/images/local/build.sh
fi
remove_images # left by an interrupted run: building over their tags would leave them dangling
deploy/images/build.sh --base-image "$base" --tag "$CORVUS_VERSION" --host-network
"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
say "starting the stack"
"${compose[@]}" up -d 2>&1 | tail -20
for service in kafka config-service gateway-elector cloud-provisioner agent-local-cloud-1 agent-local-edge-1 agent-local-edge-2; do
  await 300 "$service is healthy" healthy "$service"
done
token=$("${compose[@]}" logs --no-color secrets | sed -n 's/.*admin token: //p' | tail -1 | tr -d '\r')
[ -n "$token" ] || fail "the secrets service printed no admin token"

status=$(curl -s -o /tmp/corvus-compose-put.json -w '%{http_code}' -X PUT -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"proxy": {"enabled": true}, "accessControlList": "172.28.0.0/24"}' \
  http://127.0.0.1:8080/api/v1/clusters/demo/network-config) || fail "config-service does not answer on port 8080"
[ "$status" = 201 ] || fail "PUT network-config answered $status: $(cat /tmp/corvus-compose-put.json)"
say "configuration revision 1 published through the API"
# grep reads all of its input (no -q): an early exit would fail the pipeline (pipefail, SIGPIPE upstream)
provisioned() { topic corvus.provisioning.v1 | grep -E '"step" ?: ?"ready"' >/dev/null; }
elected() { topic corvus.topology.v1 | grep '^demo/edge-hangzhou' | grep -E '"type" ?: ?"PROXY"' >/dev/null; }
fetch() {
  "${compose[@]}" exec -T config-service bash -c 'exec 3<>/dev/tcp/172.28.0.11/10282 && printf "GET http://local-edge-2:10255/pods HTTP/1.1\r\nHost: local-edge-2:10255\r\nConnection: close\r\n\r\n" >&3 && cat <&3'
}
fetched() { fetch | grep '"servedFor":"local-edge-2:10255"' >/dev/null; }
await 120 "the cloud side is provisioned (corvus.provisioning.v1: ready)" provisioned
await 120 "pool edge-hangzhou has an elected proxy endpoint (corvus.topology.v1)" elected
await 120 "a request from the config-service container reached edge node local-edge-2 through the cloud agent's proxy door" fetched
fetch | tail -1
echo

say "stopping the stack (down -v)"
"${compose[@]}" down -v --remove-orphans 2>&1 | tail -3
left=$(docker ps -a -q --filter "label=com.docker.compose.project=$project"; docker volume ls -q --filter "label=com.docker.compose.project=$project";
  docker network ls -q --filter "label=com.docker.compose.project=$project")
[ -z "$left" ] || { echo "COMPOSE TEST FAILED: left behind: $left" >&2; remove_images; exit 1; }
remove_images
[ -z "$(docker images -q --filter "reference=corvus/*:$CORVUS_VERSION")" ] || { echo "COMPOSE TEST FAILED: its images are left" >&2; exit 1; }
say "passed: nothing of the stack is left, its images neither"
