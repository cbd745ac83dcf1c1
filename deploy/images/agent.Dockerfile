# The agent, run on every node (a DaemonSet in a cluster). It carries what tunnel mode drives:
# iproute2 (ip, bridge), nftables, wireguard-tools (wg) and wireguard-go for nodes without kernel
# WireGuard, and OpenSSL's libcrypto, whose cipher the agent's own WireGuard uses where it is found
# (the openssl package brings it on Debian and Ubuntu alike). It runs as root so that its one capability, NET_ADMIN, applies; the chart drops every
# other one.
ARG BASE_IMAGE=eclipse-temurin:25-jre
FROM ${BASE_IMAGE}
ARG VERSION
LABEL org.opencontainers.image.title="corvus-agent" \
      org.opencontainers.image.description="Corvus agent: proxy and tunnel data planes of a node" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.vendor="Corvus" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iproute2 nftables wireguard-tools wireguard-go iputils-ping openssl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first: they change least, so their layer is reused across builds.
COPY lib/ /app/lib/
COPY agent.jar jvm.options aot-train.sh /app/
# The JDK's ahead-of-time cache, written here from one training run of the agent as the image runs it
# (the cache holds to these paths and this JVM): the agent's first heartbeat comes about 0.7 s sooner.
RUN bash /app/aot-train.sh java /app/jvm.options /app/agent.jar /app/agent.aot && rm /app/aot-train.sh
ENV HOME=/tmp
EXPOSE 10280 10281 10282 10283 10284 10285
ENTRYPOINT ["java", "@/app/jvm.options", "-XX:AOTCache=/app/agent.aot", "-jar", "/app/agent.jar"]
