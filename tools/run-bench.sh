#!/usr/bin/env bash
# Runs a benchmark main from a module's test sources (package io.corvus.<pkg>.bench) on JDK 25
# with the module's test classpath: tools/run-bench.sh MODULE CLASS [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/jdk25.sh
use_jdk25
module=$1; main=$2; shift 2
case "$module" in
  gateway-elector) package=io.corvus.elector.bench ;;
  cloud-provisioner) package=io.corvus.provisioner.bench ;;
  agent) package=io.corvus.agent.bench ;;
  launcher) package=io.corvus.launcher ;;
  wireguard) package=io.corvus.wireguard.bench ;;
  *) echo "no benchmarks in module '$module'" >&2; exit 2 ;;
esac
mkdir -p run
# the launcher's benchmarks start the whole stack: every module is built for them
if [ "$module" = launcher ]; then build=(); else build=(-pl "$module" -am); fi
if ! { mvn -B -DskipTests install "${build[@]}" && mvn -B test-compile -pl "$module"; } > run/bench-build.log 2>&1; then
  tail -30 run/bench-build.log >&2; echo "the build failed; see run/bench-build.log" >&2; exit 1
fi
# To a file: on stdout, Maven 3.8 appends colour codes to the last entry when it exits.
mvn -B -q -pl "$module" dependency:build-classpath -Dmdep.outputFile="$PWD/run/bench-classpath.txt" -Dmdep.includeScope=test >/dev/null 2>&1
cp=$(cat run/bench-classpath.txt)
# the services' modules log through JBoss LogManager; the launcher's has none to name
logging=()
case "$cp" in *jboss-logmanager*) logging=(-Djava.util.logging.manager=org.jboss.logmanager.LogManager) ;; esac
exec "$JAVA_HOME/bin/java" -Xmx2g ${BENCH_JAVA_OPTS:-} "${logging[@]}" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$module/target/test-classes:$module/target/classes:$cp" "$package.$main" "$@"
