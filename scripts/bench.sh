#!/usr/bin/env bash
# Benchmarks (never run by CI). Modes:
#   scripts/bench.sh [formats] [DATA_DIR]  Quiver's formats against Lucene's, same data, same run, ratios printed.
#                                          Needs ../shared/vectors/scifact-bge-small (or pass another directory).
#   scripts/bench.sh embed [-Dbench.x=...] Documents/s embedded through _bulk + quiver_embed into a real node vs
#                                          a bare ONNX Runtime loop on the same model, texts, batch size and threads;
#                                          then model batching vs one text per run on the fp32 export of the model
#                                          (with the shipped int8 path and an A/A control, interleaved rounds).
#                                          Needs ../shared/datasets/scifact (or set QUIVER_SHARED to the shared
#                                          directory); starts a node, so not as root.
#                                          Options (system properties): see qa/.../EmbedThroughputBenchmark.java.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
SHARED="${QUIVER_SHARED:-$(cd .. && pwd)/shared}"

MODE=formats
case "${1:-}" in
  formats) shift ;;
  embed) MODE=embed; shift ;;
esac

if [ "$MODE" = embed ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "bench.sh embed starts an OpenSearch node, which refuses to run as root: run it as a normal user." >&2
    exit 1
  fi
  if [ ! -f "$SHARED/datasets/scifact/corpus.jsonl.gz" ]; then
    echo "bench.sh embed needs $SHARED/datasets/scifact (set QUIVER_SHARED to the shared directory)." >&2
    exit 1
  fi
  # Builds the plugin zip (and what the qa module needs), then runs only the benchmark.
  mvn -B -ntp -q -DskipTests install -pl qa -am
  LOG=qa/target/embed-bench.log
  mvn -B -ntp -pl qa test -Dtest=EmbedThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dqa.shared="$SHARED" -Dbench.fp32_model="$PWD/ingest/target/fp32-model/bge-small-en-v1.5-fp32" \
    "$@" 2>&1 | tee "$LOG"
  echo
  grep -E '^(QUIVER-EMBED-BENCH|embed bench)' "$LOG" || echo "no benchmark figures (see $LOG)" >&2
  exit 0
fi

mvn -B -ntp -q -DskipTests install -pl codec,qa/bench -am
DATA="${1:-$SHARED/vectors/scifact-bge-small}"
mvn -B -ntp -q -pl qa/bench exec:exec -Dbench.data="$DATA"
