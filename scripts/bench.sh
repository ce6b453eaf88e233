#!/usr/bin/env bash
# Benchmarks (never run by CI): Quiver's formats against Lucene's, same data, same run, ratios printed.
# Needs ../shared/vectors/scifact-bge-small (or pass another directory as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
mvn -B -ntp -q -DskipTests install -pl codec,qa/bench -am
DATA="${1:-$(cd .. && pwd)/shared/vectors/scifact-bge-small}"
mvn -B -ntp -q -pl qa/bench exec:exec -Dbench.data="$DATA"
