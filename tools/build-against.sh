#!/usr/bin/env bash
# Builds MODULE of another commit of this repository in run/against/COMMIT (its sources from git archive,
# taken once per commit; each module built once; package, not install, so that ~/.m2 keeps this build's
# artifacts) and prints that directory, for a bench's --against=COMMIT to compare both builds in one run:
#   tools/build-against.sh COMMIT MODULE
set -euo pipefail
cd "$(dirname "$0")/.."
wanted=$1; module=$2
if ! commit=$(git rev-parse --verify --quiet "$wanted^{commit}"); then
  echo "--against takes a commit of this repository; '$wanted' is none (try a hash from git log)" >&2; exit 2
fi
base=run/against/$commit
if ! [ -f "$base/.sources" ]; then
  rm -rf "$base" && mkdir -p "$base"
  git archive "$commit" | tar -x -C "$base"
  touch "$base/.sources"
fi
if ! [ -f "$base/.built-$module" ]; then
  echo "building $module of $commit in $base (log: run/against-build.log) ..." >&2
  if ! (. tools/jdk25.sh && use_jdk25 && cd "$base" && mvn -B -DskipTests package -pl "$module" -am) > run/against-build.log 2>&1; then
    tail -30 run/against-build.log >&2; echo "building $commit failed; see run/against-build.log" >&2; exit 1
  fi
  touch "$base/.built-$module"
fi
echo "$PWD/$base"
