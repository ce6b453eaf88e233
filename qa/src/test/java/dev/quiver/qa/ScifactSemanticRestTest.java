package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * Issue 15's evaluation in CI: SciFact's raw corpus indexed into a {@code quiver_semantic} field
 * with no pipeline ({@link ScifactSemanticIndex}), against the same model through a {@code
 * quiver_embed} pipeline and {@code quiver_knn} ({@link ScifactIndex}, the index {@link
 * ScifactRestTest} uses, built here if that test has not run first in this JVM). The ingest
 * throughput comparison is {@code scripts/bench.sh semantic}.
 */
class ScifactSemanticRestTest {

  /** Issue 15: {@code quiver_semantic} within this much nDCG@10 of the pipeline path. */
  static final double MAX_LOSS_TO_PIPELINE = 0.01;

  static final String INDEX = "scifact-semantic";

  private static Rest rest;
  private static Map<String, String> queries;
  private static Map<String, Map<String, Integer>> qrels;
  private static final Map<String, ScifactRetrieval.Quality> measured = new ConcurrentHashMap<>();

  @BeforeAll
  static void indexTheCorpus() throws Exception {
    Path dir = ScifactData.dir("the quiver_semantic SciFact checks");
    List<ScifactData.Doc> corpus = ScifactData.corpus(dir);
    queries = ScifactData.queries(dir);
    qrels = ScifactData.testQrels(dir);
    rest = QaNode.rest();
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, Duration.ofMinutes(2));
    ScifactIndex.ensure(rest, ScifactRestTest.INDEX, corpus);
    long start = System.nanoTime();
    if (ScifactSemanticIndex.ensure(rest, INDEX, corpus)) {
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "QUIVER-NDCG scifact ingest: %.1f docs/s through _bulk into quiver_semantic (%.1fs, %d"
              + " docs)%n",
          corpus.size() / seconds,
          seconds,
          corpus.size());
    }
  }

  static ObjectNode semantic(String text) {
    ObjectNode query = Rest.JSON.createObjectNode();
    query
        .putObject("quiver_semantic")
        .put("field", ScifactSemanticIndex.FIELD)
        .put("query", text)
        .put("k", ScifactRetrieval.DEPTH);
    return query;
  }

  static ObjectNode lexical(String text) {
    ObjectNode query = Rest.JSON.createObjectNode();
    query.putObject("match").put(ScifactSemanticIndex.FIELD, text);
    return query;
  }

  static ObjectNode shortcut(String text) {
    ObjectNode query = Rest.JSON.createObjectNode();
    ObjectNode hybrid = query.putObject("quiver_hybrid");
    hybrid.put("query", text);
    hybrid.putArray("fields").add(ScifactSemanticIndex.FIELD);
    return query;
  }

  /** The same model, chunked into passage vectors, ranks as well as the pipeline's one vector. */
  @Test
  void semanticFieldMatchesTheEmbedPipelinePath() {
    double pipeline = quality(ScifactRestTest.INDEX, "dense", ScifactRetrieval::dense).ndcgAt10();
    double semantic =
        quality(INDEX, "quiver_semantic", ScifactSemanticRestTest::semantic).ndcgAt10();
    assertTrue(
        semantic >= pipeline - MAX_LOSS_TO_PIPELINE,
        "quiver_semantic nDCG@10 " + semantic + " more than 0.01 below the pipeline's " + pipeline);
  }

  /** {@code match} on the semantic field is BM25 over its text: the text field's ranking. */
  @Test
  void matchOnTheSemanticFieldIsTheTextFieldsBm25() {
    double text = quality(ScifactRestTest.INDEX, "bm25", ScifactRetrieval::bm25).ndcgAt10();
    double semanticField = quality(INDEX, "match", ScifactSemanticRestTest::lexical).ndcgAt10();
    assertEquals(text, semanticField, 1e-4, "BM25 nDCG@10 on the text field vs the semantic field");
  }

  /** The hybrid shortcut beats each of its halves. */
  @Test
  void hybridShortcutBeatsBm25AndSemanticAlone() {
    double bm25 = quality(INDEX, "match", ScifactSemanticRestTest::lexical).ndcgAt10();
    double semantic =
        quality(INDEX, "quiver_semantic", ScifactSemanticRestTest::semantic).ndcgAt10();
    double hybrid = quality(INDEX, "hybrid shortcut", ScifactSemanticRestTest::shortcut).ndcgAt10();
    assertTrue(
        hybrid >= Math.max(bm25, semantic),
        "hybrid shortcut nDCG@10 " + hybrid + " below BM25 " + bm25 + " or semantic " + semantic);
  }

  private static ScifactRetrieval.Quality quality(
      String index, String name, Function<String, JsonNode> queryOfText) {
    return measured.computeIfAbsent(
        index + " " + name,
        n -> {
          long start = System.nanoTime();
          ScifactRetrieval.Quality q =
              ScifactRetrieval.quality(rest, index, queries, qrels, queryOfText);
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
