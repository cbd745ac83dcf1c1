# Sourced by ./corvus and .ci/run: exports JAVA_HOME as a JDK 25 or newer — the one already in
# JAVA_HOME when it qualifies, else the first found under /usr/lib/jvm — or fails saying so.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
is_jdk25() { [ -n "$1" ] && [ -x "$1/bin/java" ] && [ "$(java_major "$1")" -ge 25 ] 2>/dev/null; }
use_jdk25() {
  if is_jdk25 "${JAVA_HOME:-}"; then export JAVA_HOME; return 0; fi
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if is_jdk25 "$candidate"; then export JAVA_HOME=$candidate; return 0; fi
  done
  echo "Corvus needs JDK 25: none found in JAVA_HOME or /usr/lib/jvm; install one and set JAVA_HOME" >&2
  return 2
}
