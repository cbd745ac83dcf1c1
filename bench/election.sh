#!/usr/bin/env bash
# Gateway election recompute benchmark (pure core, no I/O): one cluster of NODES nodes in POOLS
# pools, initial election, steady recompute (nothing changed) and recompute after 1% went stale.
# Goal: a full recompute of 100,000 nodes in 10,000 pools within 100 ms. Prints name=value lines.
#   bench/election.sh [NODES] [POOLS]
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/jdk25.sh
use_jdk25
mvn -B -q -DskipTests install -pl gateway-elector -am > /dev/null
mvn -B -q test-compile -pl gateway-elector > /dev/null
cp=$(mvn -B -q -pl gateway-elector dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)
exec "$JAVA_HOME/bin/java" -Xmx2g -cp "gateway-elector/target/test-classes:gateway-elector/target/classes:$cp" \
  io.corvus.elector.bench.ElectionBench "$@"
