# The local stand-in for apache/kafka (no registry is reachable on the project's machines): Apache
# Kafka's own jars from Maven Central on the local JRE image, with the public image's start-up
# contract (/etc/kafka/docker/run, KAFKA_* variables, /opt/kafka/bin tools).
ARG BASE_IMAGE=corvus-local/jre:25
FROM ${BASE_IMAGE}
COPY libs/ /opt/kafka/libs/
COPY log4j2.properties tools-log4j2.properties /opt/kafka/config/
COPY kafka-run.sh /etc/kafka/docker/run
COPY kafka-tool.sh /opt/kafka/bin/kafka-tool.sh
RUN for tool in kafka-broker-api-versions kafka-topics kafka-console-consumer kafka-storage; do \
      ln -s kafka-tool.sh /opt/kafka/bin/$tool.sh; done \
 && mkdir -p /var/lib/kafka/data
EXPOSE 9092
CMD ["/etc/kafka/docker/run"]
