#!/usr/bin/env bash
# Where no registry is reachable (the project's own machines), makes local stand-ins for the two
# public images Corvus starts from, out of Debian's packages and Maven artifacts:
#   corvus-local/jre:25        Debian 12 (debootstrap, minbase) with a JRE 25 at /opt/java/openjdk,
#                              jlinked from this machine's JDK 25: stands in for eclipse-temurin:25-jre
#   corvus-local/kafka:4.1.2   that JRE with Apache Kafka 4.1.2's jars (kraft-broker/target/lib) and
#                              apache/kafka's start-up contract: stands in for apache/kafka:4.1.2
# An image the engine already has is kept. Needs root (debootstrap), a Docker engine and the
# kraft-broker module built (mvn -B -DskipTests install).
#   deploy/images/local/build.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
. tools/jdk25.sh
use_jdk25
JRE=corvus-local/jre:25
KAFKA=corvus-local/kafka:4.1.2
work=run/images/local
mkdir -p "$work"

if ! docker image inspect "$JRE" >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "making $JRE needs root (debootstrap)" >&2; exit 2; }
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
  rootfs=$work/rootfs
  rm -rf "$rootfs"
  echo "making $JRE: Debian 12 minbase (debootstrap, a few minutes) ..."
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian > "$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  echo "making $JRE: a JRE 25 (jlink of $JAVA_HOME) ..."
  # every module of the JDK but its development tools and incubators, as a JRE has them; linked from
  # the JDK's own run-time image (Temurin 25 ships no jmods)
  modules=$("$JAVA_HOME/bin/java" --list-modules | sed 's/@.*//' \
    | grep -Evx 'jdk\.(jlink|jpackage|jshell|javadoc|compiler|jdeps|jartool|hotspot\.agent|editpad|jconsole|jdi|jdwp\.agent|jstatd|internal\..*|incubator\..*)' \
    | paste -sd,)
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
    --output "$rootfs/opt/java/openjdk"
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV JAVA_HOME=/opt/java/openjdk' \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' - "$JRE" >/dev/null
  rm -rf "$rootfs"
fi

if ! docker image inspect "$KAFKA" >/dev/null 2>&1; then
  [ -d kraft-broker/target/lib ] || { echo "build the modules first: mvn -B -DskipTests install" >&2; exit 2; }
  echo "making $KAFKA ..."
  context=$work/kafka
  rm -rf "$context" && mkdir -p "$context"
  cp -r kraft-broker/target/lib "$context/libs"
  cp deploy/images/local/{kafka-run.sh,kafka-tool.sh,log4j2.properties,tools-log4j2.properties} "$context/"
  docker build -q --network host --build-arg BASE_IMAGE="$JRE" -t "$KAFKA" -f deploy/images/local/kafka.Dockerfile "$context" >/dev/null
fi
docker images --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep '^corvus-local/'
