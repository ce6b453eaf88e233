package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_DIMS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The SciFact corpus in one index, set up as a user would for hybrid search: {@code content} =
 * {@code title + " " + text} as a {@code text} field with the {@code english} analyzer (what
 * Anserini's BM25 "flat" baseline of BEIR indexes, nDCG@10 0.679) and, embedded from it by a {@code
 * quiver_embed} pipeline with the default model, {@code content_vec}, a cosine {@code
 * quiver_vector} with the default index options. One shard, so BM25 statistics are the corpus's.
 */
final class ScifactIndex {

  static final String TEXT_FIELD = "content";
  static final String VECTOR_FIELD = "content_vec";

  private ScifactIndex() {}

  /** Creates the index and its default pipeline (of the same name), replacing both if present. */
  static void create(Rest rest, String index) {
    rest.delete("/" + index);
    rest.put(
            "/_ingest/pipeline/" + index,
            "{\"processors\": [{\"quiver_embed\": {\"field_map\": {\""
                + TEXT_FIELD
                + "\": \""
                + VECTOR_FIELD
                + "\"}, \"batch_size\": 16}}]}")
        .ok();
    rest.put(
            "/" + index,
            String.format(
                java.util.Locale.ROOT,
                """
                {"settings": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": -1,
                              "default_pipeline": "%1$s"},
                 "mappings": {"dynamic": false, "_source": {"excludes": ["%3$s"]},
                              "properties": {
                                "%2$s": {"type": "text", "analyzer": "english"},
                                "%3$s": {"type": "quiver_vector", "dims": %4$d, "similarity": "cosine"}}}}
                """,
                index,
                TEXT_FIELD,
                VECTOR_FIELD,
                DEFAULT_DIMS))
        .ok();
  }

  /**
   * Bulk-indexes the corpus through the pipeline with a few bulk requests in flight, then refreshes
   * and checks the count.
   */
  static void ingest(
      Rest rest, String index, List<ScifactData.Doc> corpus, int bulkSize, int concurrency)
      throws Exception {
    ingest(rest, index, TEXT_FIELD, corpus, bulkSize, concurrency);
  }

  /**
   * Bulk-indexes each document's {@code title + " " + text} into {@code field} with a few bulk
   * requests in flight, then refreshes and checks the count.
   */
  static void ingest(
      Rest rest,
      String index,
      String field,
      List<ScifactData.Doc> corpus,
      int bulkSize,
      int concurrency)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<JsonNode>> results = new ArrayList<>();
      for (int from = 0; from < corpus.size(); from += bulkSize) {
        List<ScifactData.Doc> slice =
            corpus.subList(from, Math.min(corpus.size(), from + bulkSize));
        results.add(
            pool.submit(
                () -> {
                  StringBuilder bulk = new StringBuilder();
                  for (ScifactData.Doc doc : slice) {
                    bulk.append(EmbedRestTest.bulkLine(doc.id(), Map.of(field, doc.content())));
                  }
                  return rest.bulk(
                          "/" + index + "/_bulk?filter_path=errors,items.*.error", bulk.toString())
                      .ok()
                      .body();
                }));
      }
      for (Future<JsonNode> result : results) {
        JsonNode r = result.get();
        assertFalse(r.get("errors").asBoolean(), () -> "bulk errors: " + r);
      }
    } finally {
      pool.shutdownNow();
    }
    rest.post("/" + index + "/_refresh", null).ok();
    assertEquals(corpus.size(), rest.get("/" + index + "/_count").ok().body().get("count").asInt());
  }

  /**
   * Creates and fills the index unless it already holds the whole corpus (created by this class in
   * the same node, e.g. by {@link ScifactRestTest} before {@link HybridScifactBenchmark} runs on
   * the QA node).
   *
   * @return whether the corpus was ingested now
   */
  static boolean ensure(Rest rest, String index, List<ScifactData.Doc> corpus) throws Exception {
    Rest.Response count = rest.get("/" + index + "/_count");
    if (count.status() == 200 && count.body().path("count").asInt() == corpus.size()) {
      return false;
    }
    create(rest, index);
    ingest(rest, index, corpus, 200, 3);
    return true;
  }

  /** Removes the index and its pipeline. */
  static void delete(Rest rest, String index) {
    rest.delete("/" + index);
    rest.delete("/_ingest/pipeline/" + index);
  }
}
