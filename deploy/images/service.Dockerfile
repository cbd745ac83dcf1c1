# One of the three services (config-service, gateway-elector, cloud-provisioner), from the module's
# Quarkus build: deploy/images/build.sh stages target/quarkus-app as the build context.
ARG BASE_IMAGE=eclipse-temurin:25-jre
FROM ${BASE_IMAGE}
ARG SERVICE
ARG VERSION
LABEL org.opencontainers.image.title="corvus-${SERVICE}" \
      org.opencontainers.image.description="Corvus ${SERVICE}: cloud-edge networking for Kubernetes edge clusters" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.vendor="Corvus" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"
WORKDIR /app
# Dependencies first: they change least, so their layer is reused across builds.
COPY lib/ /app/lib/
COPY quarkus/ /app/quarkus/
COPY quarkus-run.jar /app/
COPY app/ /app/app/
# A fixed, unprivileged user: the application's files stay root-owned and read-only to it; it
# writes only in /var/lib/corvus (the provisioner's raven-cfg files in a local run), which a fresh
# volume mounted there takes over with its owner.
RUN mkdir -p /var/lib/corvus && chown 10001:10001 /var/lib/corvus
USER 10001:10001
ENV HOME=/tmp
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/quarkus-run.jar"]
