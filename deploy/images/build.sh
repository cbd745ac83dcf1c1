#!/usr/bin/env bash
# Builds Corvus's container images from this checkout, tagged with the project's version:
#   corvus/config-service, corvus/gateway-elector, corvus/cloud-provisioner (service.Dockerfile),
#   corvus/agent (agent.Dockerfile), corvus/cli (cli.Dockerfile).
# Builds the modules first when their artifacts are missing. Each image's build context is staged in
# run/images/NAME with only what the image takes, so nothing else of the checkout reaches it.
#   deploy/images/build.sh [--base-image IMAGE] [--tag TAG] [--host-network]
# --base-image: the JRE image everything is built on (default eclipse-temurin:25-jre);
# --host-network: RUN steps use the host's network (for a Docker engine without a bridge).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tools/jdk25.sh
use_jdk25

base=eclipse-temurin:25-jre
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
tag=$version
network=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base-image) base=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --host-network) network=(--network host); shift ;;
    *) echo "unknown option $1; usage: deploy/images/build.sh [--base-image IMAGE] [--tag TAG] [--host-network]" >&2; exit 2 ;;
  esac
done
command -v docker >/dev/null || { echo "docker is not installed" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "no Docker engine answers (is dockerd running?)" >&2; exit 2; }

services=(config-service gateway-elector cloud-provisioner)
missing=false
for module in "${services[@]}"; do [ -e "$module/target/quarkus-app/quarkus-run.jar" ] || missing=true; done
[ -e agent/target/agent.jar ] || missing=true
[ -e launcher/target/corvus-launcher.jar ] || missing=true
if $missing; then
  mkdir -p run
  echo "building the modules (mvn -B -DskipTests install, log in run/images-build.log) ..."
  MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -DskipTests install > run/images-build.log 2>&1 \
    || { tail -30 run/images-build.log >&2; exit 1; }
fi

stage() { # NAME SOURCES...: a fresh context folder holding exactly SOURCES
  local context=run/images/$1; shift
  rm -rf "$context" && mkdir -p "$context"
  cp -r "$@" "$context/"
  echo "$context"
}
build() { # NAME DOCKERFILE CONTEXT [BUILD-ARGS...]
  local name=$1 dockerfile=$2 context=$3; shift 3
  echo "building corvus/$name:$tag on $base ..."
  # the engine's notice that its legacy builder is deprecated is left out; errors pass
  docker build -q "${network[@]}" --build-arg BASE_IMAGE="$base" --build-arg VERSION="$version" "$@" \
    -t "corvus/$name:$tag" -f "deploy/images/$dockerfile" "$context" 2>&1 >/dev/null | sed '/legacy builder is deprecated/,/buildx\/$/d' >&2
}

for service in "${services[@]}"; do
  build "$service" service.Dockerfile "$(stage "$service" "$service"/target/quarkus-app/*)" --build-arg SERVICE="$service"
done
build agent agent.Dockerfile "$(stage agent agent/target/agent.jar agent/target/lib agent/jvm.options agent/aot-train.sh)"
build cli cli.Dockerfile "$(stage cli launcher/target/corvus-launcher.jar launcher/target/lib)"
docker images --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep "^corvus/.*:$tag "
