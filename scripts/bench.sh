#!/usr/bin/env bash
# Benchmarks (never run by CI). Modes:
#   scripts/bench.sh [formats] [SHARED_DIR] [-Dbench.x=...]
#                                          Vector formats side by side (Quiver's and Lucene's, float and quantized
#                                          with exact rescoring), same data, same JVM, one search thread: recall@10,
#                                          QPS, p50/p99, build time, RAM and disk bytes per vector, an A/A control;
#                                          a table per data set and SVG plots (qa/bench/target/bench-formats-*.svg,
#                                          scifact copied to docs/). Needs ../shared (scifact-bge-small, siftsmall).
#                                          Options: see qa/bench/.../BenchOptions.java, e.g. -Dbench.quick=true (smoke
#                                          run, ~2 min), -Dbench.formats=Quiver10Hnsw,Lucene104-1bit, -Dbench.rounds=7.
#   scripts/bench.sh quant [SHARED_DIR]    Quantization quality by brute force (no graph): recall@10 after exact
#                                          rescoring at oversample 1-10, 1/2/4/8 bits, Quiver's codes with and
#                                          without rotation against Lucene's OptimizedScalarQuantizer; error-bound
#                                          rescoring. Needs ../shared (scifact-bge-small and/or siftsmall).
#                                          After SHARED_DIR: -Dbench.queries=N (queries per data set),
#                                          -Dbench.methods=quiver-rot,lucene-osq (methods to run).
#   scripts/bench.sh maxsim [-Dbench.x=...]
#                                          The MaxSim kernel alone, per candidate, one thread: Quiver's MaxSim over
#                                          float32/float16/int8/1bit stored vectors vs Lucene's late-interaction
#                                          scoring, 32 query x 256 doc vectors at 384 and 128 dims and 32 x 356 x 128;
#                                          wall and CPU us per candidate, bytes per document, an A/A control. No data
#                                          needed. Options: see qa/bench/.../MaxSimBenchmark.java (-Dbench.rounds=7).
#   scripts/bench.sh bounded [SHARED_DIR] [-Dbench.x=...]
#                                          Bound-driven vs fixed rescoring on Quiver's quantized HNSW formats, same
#                                          candidates (oversample 2/3/5): recall@10, raw vectors read per query, QPS,
#                                          p50, an A/A control, and the top-10 lost per epsilon (-Dbench.epsilons).
#                                          Options: see qa/bench/.../BoundedRescoringBenchmark.java.
#   scripts/bench.sh scale [SHARED_DIR] [-Dbench.x=...]
#                                          Scale mode (optional): data derived from scifact (real vector + noise),
#                                          10k and 100k by default (-Dbench.scale.sizes=...,1000000 -Dbench.heap=12g
#                                          for 1M), Quiver and Lucene 1/4-bit: build time, p50, RAM, recall@10, p50
#                                          growth per 10x. Options: see qa/bench/.../ScaleBenchmark.java.
#   scripts/bench.sh embed [-Dbench.x=...] Documents/s embedded through _bulk + quiver_embed into a real node vs
#                                          a bare ONNX Runtime loop on the same model, texts, batch size and threads;
#                                          then model batching vs one text per run on the fp32 export of the model
#                                          (with the shipped int8 path and an A/A control, interleaved rounds).
#                                          Needs ../shared/datasets/scifact (or set QUIVER_SHARED to the shared
#                                          directory); starts a node, so not as root.
#                                          Options (system properties): see qa/.../EmbedThroughputBenchmark.java.
#   scripts/bench.sh query-during-ingest [-Dbench.x=...]
#                                          query_text p50/p90 idle (twice: A/A control) vs during a saturating
#                                          _bulk ingest through quiver_embed, on a real node (target: ingest p50
#                                          <= 2x idle p50). Needs ../shared/datasets/scifact; not as root.
#                                          Options: see qa/.../QueryDuringIngestBenchmark.java.
#   scripts/bench.sh hybrid [-Dbench.x=...] SciFact on a real node: nDCG@10 and recall@100 of BM25 alone, dense alone
#                                          and quiver_hybrid under every fusion (rrf, linear x min_max/l2/z_score,
#                                          log_odds), then latency: each sub-query alone vs the hybrid (interleaved
#                                          rounds, A/A control); table in qa/bench/results/hybrid-<date>.txt.
#                                          Needs ../shared/datasets/scifact; not as root (~15 min on 2 cores).
#                                          Options: see qa/.../HybridScifactBenchmark.java.
#   scripts/bench.sh multivector [-Dbench.x=...]
#                                          quiver_multi_vector on SciFact (token vectors of the default model, one
#                                          shard, real node): recall@10 of quiver_maxsim vs exact: true and nDCG@10
#                                          per FDE type (int1/int8/float HNSW) and stored encoding (float16/float32/
#                                          int8/1bit), p50/p99 approx vs exact with an A/A control, bytes per document
#                                          (stats API), passages (output: chunks) vs one mean vector. Writes
#                                          qa/bench/results/multivector-<date>.txt. Needs ../shared/datasets/scifact;
#                                          not as root. Options: see qa/.../MultiVectorBenchmark.java.
#   scripts/bench.sh semantic [-Dbench.x=...]
#                                          quiver_semantic on SciFact (real node): nDCG@10 / recall@100 of BM25, the
#                                          quiver_embed pipeline + quiver_knn, quiver_semantic and the quiver_hybrid
#                                          shortcut; ingest docs/s of raw text into quiver_semantic vs the quiver_embed
#                                          pipeline (same docs, model, bulks, threads; interleaved rounds, A/A control).
#                                          Writes qa/bench/results/semantic-<date>.txt. Needs ../shared/datasets/scifact;
#                                          not as root. Options: see qa/.../SemanticScifactBenchmark.java.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
SHARED="${QUIVER_SHARED:-$(cd .. && pwd)/shared}"

MODE=formats
case "${1:-}" in
  formats) shift ;;
  embed) MODE=embed; shift ;;
  quant) MODE=quant; shift ;;
  bounded) MODE=bounded; shift ;;
  scale) MODE=scale; shift ;;
  query-during-ingest) MODE=query-during-ingest; shift ;;
  maxsim) MODE=maxsim; shift ;;
  hybrid) MODE=hybrid; shift ;;
  multivector) MODE=multivector; shift ;;
  semantic) MODE=semantic; shift ;;
esac

# A benchmark class in qa that starts its own real node: one reactor up to verify (no install)
# builds the plugin zip and runs only that class. Arguments: class, figure tag, Maven arguments.
node_bench() {
  local class="$1" tag="$2"
  shift 2
  if [ "$(id -u)" -eq 0 ]; then
    echo "bench.sh $MODE starts an OpenSearch node, which refuses to run as root: run it as a normal user." >&2
    exit 1
  fi
  if [ ! -f "$SHARED/datasets/scifact/corpus.jsonl.gz" ]; then
    echo "bench.sh $MODE needs $SHARED/datasets/scifact (set QUIVER_SHARED to the shared directory)." >&2
    exit 1
  fi
  LOG=qa/target/$MODE-bench.log
  mkdir -p qa/target
  mvn -B -ntp -pl codec,ingest,plugin,qa/peer-plugin,qa/bench,qa verify -Dtest="$class" \
    -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true -Dqa.shared="$SHARED" \
    -Dqa.forkTimeout=28800 "$@" \
    2>&1 | tee "$LOG"
  echo
  grep -E "$tag" "$LOG" || echo "no benchmark figures (see $LOG)" >&2
}

if [ "$MODE" = multivector ]; then
  node_bench MultiVectorBenchmark '^QUIVER-MV-BENCH' "$@"
  exit 0
fi

if [ "$MODE" = semantic ]; then
  node_bench SemanticScifactBenchmark '^QUIVER-SEMANTIC-BENCH' \
    -Dbench.out="$PWD/qa/bench/results/semantic-$(date -u +%F).txt" "$@"
  exit 0
fi

if [ "$MODE" = maxsim ]; then
  # Builds codec and qa/bench in one reactor (no install) and runs the benchmark class directly.
  mvn -B -ntp -q -DskipTests -pl codec,qa/bench package dependency:build-classpath \
    -Dmdep.outputFile=target/cp.txt
  LOG=qa/bench/target/maxsim-bench.log
  java -Xms2g -Xmx2g --add-modules jdk.incubator.vector "$@" \
    -cp "qa/bench/target/classes:$(cat qa/bench/target/cp.txt)" dev.quiver.bench.MaxSimBenchmark \
    2>&1 | tee "$LOG"
  exit 0
fi

if [ "$MODE" = hybrid ]; then
  node_bench HybridScifactBenchmark '^QUIVER-HYBRID-BENCH' \
    -Dbench.out="$PWD/qa/bench/results/hybrid-$(date -u +%F).txt" "$@"
  exit 0
fi

if [ "$MODE" = quant ]; then
  mvn -B -ntp -q -DskipTests install -pl codec,qa/bench -am
  DIR="${1:-$SHARED}"
  [ $# -gt 0 ] && shift
  LOG=qa/bench/target/quant-bench.log
  mvn -B -ntp -q -pl qa/bench exec:exec -Dbench.main=dev.quiver.bench.QuantizationBenchmark \
    -Dbench.data="$DIR" "$@" 2>&1 | tee "$LOG"
  exit 0
fi

if [ "$MODE" = bounded ] || [ "$MODE" = scale ]; then
  mvn -B -ntp -q -DskipTests install -pl codec,qa/bench -am
  DIR="$SHARED"
  if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    DIR="$1"
    shift
  fi
  CLASS=BoundedRescoringBenchmark
  [ "$MODE" = scale ] && CLASS=ScaleBenchmark
  LOG=qa/bench/target/$MODE-bench.log
  mvn -B -ntp -q -pl qa/bench exec:exec -Dbench.main=dev.quiver.bench.$CLASS \
    -Dbench.data="$DIR" "$@" 2>&1 | tee "$LOG"
  exit 0
fi

if [ "$MODE" = embed ] || [ "$MODE" = query-during-ingest ]; then
  if [ "$MODE" = embed ]; then
    CLASS=EmbedThroughputBenchmark LOG=qa/target/embed-bench.log TAG='^(QUIVER-EMBED-BENCH|embed bench)'
  else
    CLASS=QueryDuringIngestBenchmark LOG=qa/target/query-during-ingest-bench.log
    TAG='^(QUIVER-QUERY-INGEST-BENCH|query-during-ingest)'
  fi
  if [ "$(id -u)" -eq 0 ]; then
    echo "bench.sh $MODE starts an OpenSearch node, which refuses to run as root: run it as a normal user." >&2
    exit 1
  fi
  if [ ! -f "$SHARED/datasets/scifact/corpus.jsonl.gz" ]; then
    echo "bench.sh $MODE needs $SHARED/datasets/scifact (set QUIVER_SHARED to the shared directory)." >&2
    exit 1
  fi
  # Builds the plugin zip (and what the qa module needs), then runs only the benchmark.
  mvn -B -ntp -q -DskipTests install -pl qa -am
  EXTRA=()
  [ "$MODE" = embed ] && EXTRA=(-Dbench.fp32_model="$PWD/ingest/target/fp32-model/bge-small-en-v1.5-fp32")
  mvn -B -ntp -pl qa test -Dtest="$CLASS" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dqa.shared="$SHARED" "${EXTRA[@]}" "$@" 2>&1 | tee "$LOG"
  echo
  grep -E "$TAG" "$LOG" || echo "no benchmark figures (see $LOG)" >&2
  exit 0
fi

mvn -B -ntp -q -DskipTests install -pl codec,qa/bench -am
DIR="$SHARED"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  DIR="$1"
  shift
fi
LOG=qa/bench/target/formats-bench.log
mvn -B -ntp -q -pl qa/bench exec:exec -Dbench.main=dev.quiver.bench.VectorFormatBenchmark \
  -Dbench.data="$DIR" -Dbench.docsOut="$PWD/docs/bench-formats-scifact.svg" "$@" 2>&1 | tee "$LOG"
