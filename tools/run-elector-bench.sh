#!/usr/bin/env bash
# Runs one of gateway-elector's benchmark mains (test sources, package io.corvus.elector.bench)
# on JDK 25 with the module's test classpath: tools/run-elector-bench.sh CLASS [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/jdk25.sh
use_jdk25
main=$1; shift
mkdir -p run
if ! { mvn -B -DskipTests install -pl gateway-elector -am && mvn -B test-compile -pl gateway-elector; } > run/bench-build.log 2>&1; then
  tail -30 run/bench-build.log >&2; echo "the build failed; see run/bench-build.log" >&2; exit 1
fi
cp=$(mvn -B -q -pl gateway-elector dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test 2>/dev/null)
exec "$JAVA_HOME/bin/java" -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "gateway-elector/target/test-classes:gateway-elector/target/classes:$cp" "io.corvus.elector.bench.$main" "$@"
