#!/bin/bash
# /etc/kafka/docker/run of the local Kafka stand-in: apache/kafka's start-up contract, on Apache
# Kafka's own jars. Every KAFKA_* variable (but the JVM's: KAFKA_HEAP_OPTS, KAFKA_OPTS, ...) is a
# server setting: the prefix dropped, lower case, '___' for '-', '__' for '_', '_' for '.'
# (KAFKA_ADVERTISED_LISTENERS -> advertised.listeners). Without any, one KRaft node on 9092, as
# the public image does. The storage is formatted once with CLUSTER_ID.
set -euo pipefail
config=/opt/kafka/config/server.properties
mkdir -p /opt/kafka/config
: > "$config"
for name in $(compgen -e); do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_VERSION|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_LOG4J_OPTS|KAFKA_JMX_OPTS|KAFKA_GC_LOG_OPTS) continue ;;
    KAFKA_*) ;;
    *) continue ;;
  esac
  key=${name#KAFKA_}
  key=${key,,}
  key=${key//___/-}
  key=${key//__/@}
  key=${key//_/.}
  key=${key//@/_}
  printf '%s=%s\n' "$key" "${!name}" >> "$config"
done
default() { grep -q "^$1=" "$config" || printf '%s=%s\n' "$1" "$2" >> "$config"; }
default process.roles broker,controller
default node.id 1
default controller.quorum.voters 1@localhost:9093
default listeners PLAINTEXT://:9092,CONTROLLER://:9093
default advertised.listeners PLAINTEXT://localhost:9092
default controller.listener.names CONTROLLER
default listener.security.protocol.map CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
default log.dirs /var/lib/kafka/data
default offsets.topic.replication.factor 1
default transaction.state.log.replication.factor 1
default transaction.state.log.min.isr 1
default share.coordinator.state.topic.replication.factor 1
default share.coordinator.state.topic.min.isr 1

classpath="/opt/kafka/libs/*"
java -cp "$classpath" -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties kafka.tools.StorageTool format \
  --cluster-id "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" --config "$config" --ignore-formatted
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} ${KAFKA_OPTS:-} -cp "$classpath" -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties \
  kafka.Kafka "$config"
