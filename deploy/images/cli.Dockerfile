# The corvus command (the launcher's jar): it makes a Compose stack's secrets on first start, and
# gives operators the CLI inside the platform.
ARG BASE_IMAGE=eclipse-temurin:25-jre
FROM ${BASE_IMAGE}
ARG VERSION
LABEL org.opencontainers.image.title="corvus-cli" \
      org.opencontainers.image.description="Corvus command line" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.vendor="Corvus" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"
WORKDIR /app
COPY lib/ /app/lib/
COPY corvus-launcher.jar /app/
# Where a Compose stack's secrets volume is mounted: a fresh volume takes this folder's owner.
RUN mkdir /corvus && chown 10001:10001 /corvus
USER 10001:10001
ENV HOME=/tmp
ENTRYPOINT ["java", "-jar", "/app/corvus-launcher.jar"]
