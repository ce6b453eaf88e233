package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SciFact (BEIR test split) end to end in the node, in one {@link ScifactIndex}: the 5,183 corpus
 * documents embedded by the {@code quiver_embed} pipeline through {@code _bulk}, the 300 test
 * queries searched as BM25, as {@code quiver_knn} with {@code query_text}, and as {@code
 * quiver_hybrid} of the two. The full table (every fusion, latency) is {@code scripts/bench.sh
 * hybrid}.
 */
class ScifactRestTest {

  /** bge-small-en-v1.5 scores 0.713 on SciFact (BEIR); the int8 model may lose a little. */
  static final double REQUIRED_DENSE_NDCG_AT_10 = 0.70;

  /** Anserini's BM25 (flat index of title + text) on SciFact: nDCG@10 0.679 (BEIR). */
  static final double ANSERINI_BM25_NDCG_AT_10 = 0.679;

  /**
   * Left in place after the tests (the QA node is discarded with the test JVM): {@code
   * HybridScifactBenchmark -Dbench.qa_node=true} in the same JVM measures on it instead of
   * embedding the corpus again.
   */
  static final String INDEX = "scifact";

  private static Rest rest;
  private static Map<String, String> queries;
  private static Map<String, Map<String, Integer>> qrels;
  private static final Map<String, ScifactRetrieval.Quality> measured = new ConcurrentHashMap<>();

  @BeforeAll
  static void embedTheCorpus() throws Exception {
    Path dir = ScifactData.dir("the SciFact end-to-end checks");
    List<ScifactData.Doc> corpus = ScifactData.corpus(dir);
    queries = ScifactData.queries(dir);
    qrels = ScifactData.testQrels(dir);
    assertEquals(5183, corpus.size());
    assertEquals(300, qrels.size());
    rest = QaNode.rest();
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, Duration.ofMinutes(2));
    long start = System.nanoTime();
    if (ScifactIndex.ensure(rest, INDEX, corpus)) {
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "QUIVER-NDCG scifact ingest: %.1f docs/s through _bulk + quiver_embed (%.1fs, %d docs)%n",
          corpus.size() / seconds,
          seconds,
          corpus.size());
    }
  }

  /** nDCG@10 of {@code query_text} must come close to bge-small-en-v1.5's published 0.713. */
  @Test
  void denseNdcgAt10ComesCloseToTheModelsPublishedFigure() {
    double ndcg = quality("dense", ScifactRetrieval::dense).ndcgAt10();
    assertTrue(
        ndcg >= REQUIRED_DENSE_NDCG_AT_10, "nDCG@10 " + ndcg + " < " + REQUIRED_DENSE_NDCG_AT_10);
  }

  /** The {@code english}-analyzed text field reproduces Anserini's BM25 baseline. */
  @Test
  void bm25NdcgAt10MatchesAnserini() {
    double ndcg = quality("bm25", ScifactRetrieval::bm25).ndcgAt10();
    assertEquals(ANSERINI_BM25_NDCG_AT_10, ndcg, 0.01, "BM25 nDCG@10");
  }

  /** Issue 13's target: the default fusion (RRF) beats each of its sub-queries alone. */
  @Test
  void defaultHybridFusionBeatsBm25AndDenseAlone() {
    double bm25 = quality("bm25", ScifactRetrieval::bm25).ndcgAt10();
    double dense = quality("dense", ScifactRetrieval::dense).ndcgAt10();
    double rrf = quality("hybrid rrf", t -> ScifactRetrieval.hybrid(t, null)).ndcgAt10();
    assertTrue(
        rrf >= Math.max(bm25, dense),
        "hybrid rrf nDCG@10 " + rrf + " below BM25 " + bm25 + " or dense " + dense);
  }

  /** {@code log_odds} with equal weights also beats each sub-query alone. */
  @Test
  void logOddsFusionBeatsBm25AndDenseAlone() {
    double bm25 = quality("bm25", ScifactRetrieval::bm25).ndcgAt10();
    double dense = quality("dense", ScifactRetrieval::dense).ndcgAt10();
    double logOdds =
        quality("hybrid log_odds", t -> ScifactRetrieval.hybrid(t, "{\"method\": \"log_odds\"}"))
            .ndcgAt10();
    assertTrue(
        logOdds >= Math.max(bm25, dense),
        "hybrid log_odds nDCG@10 " + logOdds + " below BM25 " + bm25 + " or dense " + dense);
  }

  private static ScifactRetrieval.Quality quality(
      String name, Function<String, JsonNode> queryOfText) {
    return measured.computeIfAbsent(
        name,
        n -> {
          long start = System.nanoTime();
          ScifactRetrieval.Quality q =
              ScifactRetrieval.quality(rest, INDEX, queries, qrels, queryOfText);
          System.out.printf(
              Locale.ROOT,
              "QUIVER-NDCG scifact %s %s: nDCG@10=%.4f recall@100=%.4f (%d queries; %.1f ms/query"
                  + " over REST)%n",
              DEFAULT_MODEL,
              n,
              q.ndcgAt10(),
              q.recallAt100(),
              qrels.size(),
              (System.nanoTime() - start) / 1e6 / qrels.size());
          return q;
        });
  }
}
