#!/bin/bash
# /opt/kafka/bin/kafka-*.sh of the local Kafka stand-in: the same tool as the public image's script
# of that name, by its class in Apache Kafka's jars.
set -euo pipefail
case "$(basename "$0")" in
  kafka-broker-api-versions.sh) main=org.apache.kafka.tools.BrokerApiVersionsCommand ;;
  kafka-topics.sh) main=org.apache.kafka.tools.TopicCommand ;;
  kafka-console-consumer.sh) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  kafka-storage.sh) main=kafka.tools.StorageTool ;;
  *) echo "the local Kafka stand-in has no $(basename "$0")" >&2; exit 2 ;;
esac
exec java -Xmx128m -cp "/opt/kafka/libs/*" -Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties "$main" "$@"
