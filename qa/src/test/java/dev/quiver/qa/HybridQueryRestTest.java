package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code quiver_hybrid} on a real node: the same documents in a 1-shard and a 5-shard index fuse to
 * the same ids and scores; RRF scores are the formula over the sub-queries' own global results;
 * pagination, explain, the shared filter (inside kNN), {@code min_score}, aggregations, {@code
 * _source} filtering, a {@code query_text} sub-query and a {@code quiver_maxsim} sub-query.
 */
class HybridQueryRestTest {

  private static final int DOCS = 300;
  private static final String ONE = "hybrid-1";
  private static final String FIVE = "hybrid-5";
  private static final String TEXT = "hybrid-text";

  /** Scores of BM25 depend on shard statistics unless the search gathers them globally. */
  private static final String DFS = "?search_type=dfs_query_then_fetch";

  private static final String MATCH = "{\"match\":{\"body\":\"w1 w2 w3\"}}";

  private static Rest rest;

  @BeforeAll
  static void createIndices() throws Exception {
    rest = QaNode.rest();
    StringBuilder bulk = new StringBuilder();
    Random random = new Random(13);
    for (int i = 0; i < DOCS; i++) {
      int words = 4 + random.nextInt(12);
      StringBuilder body = new StringBuilder();
      for (int w = 0; w < words; w++) {
        body.append(w == 0 ? "" : " ").append("w").append(random.nextInt(30));
      }
      float[] v = new float[4];
      for (int d = 0; d < 4; d++) {
        v[d] = (float) random.nextGaussian();
      }
      bulk.append("{\"index\":{\"_id\":\"d").append(i).append("\"}}\n");
      bulk.append(
          String.format(
              Locale.ROOT,
              "{\"body\":\"%s\",\"tag\":\"%s\",\"n\":%d,\"v\":[%s,%s,%s,%s]}%n",
              body,
              i % 3 == 0 ? "a" : "b",
              i,
              v[0],
              v[1],
              v[2],
              v[3]));
    }
    for (String index : List.of(ONE, FIVE)) {
      rest.delete("/" + index);
      rest.put(
              "/" + index,
              """
              {"settings": {"number_of_shards": %d, "number_of_replicas": 0},
               "mappings": {"properties": {
                 "body": {"type": "text"}, "tag": {"type": "keyword"}, "n": {"type": "integer"},
                 "v": {"type": "quiver_vector", "dims": 4, "similarity": "cosine",
                       "index_options": {"type": "flat"}}}}}
              """
                  .formatted(index.equals(ONE) ? 1 : 5))
          .ok();
      JsonNode r = rest.bulk("/" + index + "/_bulk?refresh=true", bulk.toString()).ok().body();
      assertFalse(r.path("errors").asBoolean(), r.toString());
    }
  }

  private static String knn(int k) {
    return knn(k, null);
  }

  private static String knn(int k, String filter) {
    return "{\"quiver_knn\":{\"field\":\"v\",\"vector\":[0.3,-0.2,0.5,0.1],\"k\":"
        + k
        + (filter == null ? "" : ",\"filter\":" + filter)
        + "}}";
  }

  /** A search body with {@code quiver_hybrid} over match and kNN, and extra top-level keys. */
  private static String hybrid(int k, String fusion, String filter, String extra) {
    return "{\"query\":{\"quiver_hybrid\":{\"queries\":["
        + MATCH
        + ","
        + knn(k)
        + "]"
        + (fusion == null ? "" : ",\"fusion\":" + fusion)
        + (filter == null ? "" : ",\"filter\":" + filter)
        + "}}"
        + (extra == null ? "" : "," + extra)
        + "}";
  }

  private static JsonNode search(String index, String body) {
    return rest.post("/" + index + "/_search" + DFS, body).ok().body();
  }

  /** {@code _index/_id} of each hit, in order. */
  private static List<String> keys(JsonNode response) {
    List<String> keys = new ArrayList<>();
    for (JsonNode hit : response.at("/hits/hits")) {
      keys.add(hit.path("_index").asText() + "/" + hit.path("_id").asText());
    }
    return keys;
  }

  private static List<Float> scores(JsonNode response) {
    List<Float> scores = new ArrayList<>();
    for (JsonNode hit : response.at("/hits/hits")) {
      scores.add(hit.path("_score").floatValue());
    }
    return scores;
  }

  private static List<String> ids(JsonNode response) {
    List<String> ids = new ArrayList<>();
    for (JsonNode hit : response.at("/hits/hits")) {
      ids.add(hit.path("_id").asText());
    }
    return ids;
  }

  /**
   * One sub-query run alone: its top {@code limit} keys by score descending, key ascending (the
   * documented tie order), as key to 1-based rank.
   */
  private static Map<String, Integer> ranks(String index, String query, int size, int limit) {
    JsonNode r = search(index, "{\"size\":" + size + ",\"query\":" + query + "}");
    List<String> keys = keys(r);
    List<Float> scores = scores(r);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      order.add(i);
    }
    order.sort(
        (a, b) -> {
          int c = Float.compare(scores.get(b), scores.get(a));
          return c != 0 ? c : keys.get(a).compareTo(keys.get(b));
        });
    Map<String, Integer> ranks = new LinkedHashMap<>();
    for (int i = 0; i < Math.min(limit, order.size()); i++) {
      ranks.put(keys.get(order.get(i)), i + 1);
    }
    return ranks;
  }

  /** RRF (rank constant 60) over the lists, as key to score, best first, ties by key. */
  private static LinkedHashMap<String, Float> rrf(List<Map<String, Integer>> lists) {
    Set<String> all = new HashSet<>();
    lists.forEach(l -> all.addAll(l.keySet()));
    Map<String, Float> scores = new HashMap<>();
    for (String key : all) {
      double sum = 0;
      for (Map<String, Integer> list : lists) {
        Integer rank = list.get(key);
        if (rank != null) {
          sum += 1f / (double) (60 + rank);
        }
      }
      scores.put(key, (float) sum);
    }
    List<String> sorted = new ArrayList<>(all);
    sorted.sort(
        (a, b) -> {
          int c = Float.compare(scores.get(b), scores.get(a));
          return c != 0 ? c : a.compareTo(b);
        });
    LinkedHashMap<String, Float> fused = new LinkedHashMap<>();
    sorted.forEach(k -> fused.put(k, scores.get(k)));
    return fused;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{\"method\":\"rrf\",\"window\":300}",
        "{\"method\":\"linear\",\"normalization\":\"min_max\",\"weights\":[0.3,0.7],\"window\":300}",
        "{\"method\":\"linear\",\"normalization\":\"l2\",\"window\":300}",
        "{\"method\":\"linear\",\"normalization\":\"z_score\",\"window\":300}",
        "{\"method\":\"log_odds\",\"weights\":[0.3,0.7],\"window\":300}",
      })
  void oneShardAndFiveShardsFuseIdentically(String fusion) {
    for (int k : new int[] {300, 50}) {
      String body = hybrid(k, fusion, null, "\"size\":60");
      JsonNode one = search(ONE, body);
      JsonNode five = search(FIVE, body);
      assertEquals(60, ids(one).size(), one.toString());
      assertEquals(ids(one), ids(five), "k=" + k);
      assertEquals(scores(one), scores(five), "k=" + k);
      assertEquals(one.at("/hits/total"), five.at("/hits/total"));
      assertEquals(one.at("/hits/max_score"), five.at("/hits/max_score"));
    }
  }

  @Test
  void rrfScoresAreTheFormulaOverTheSubQueriesGlobalResults() {
    // Defaults: rrf, rank constant 60, window max(from + size, 100) = 100; kNN gives its k = 50.
    JsonNode fused = search(FIVE, hybrid(50, null, null, "\"size\":100"));
    LinkedHashMap<String, Float> expected =
        rrf(List.of(ranks(FIVE, MATCH, 100, 100), ranks(FIVE, knn(50), 100, 50)));
    assertEquals(expected.size(), fused.at("/hits/total/value").asInt(), fused.toString());
    List<String> expectedKeys = new ArrayList<>(expected.keySet()).subList(0, 100);
    assertEquals(expectedKeys, keys(fused));
    List<Float> expectedScores = new ArrayList<>(expected.values()).subList(0, 100);
    assertEquals(expectedScores, scores(fused));
    assertEquals(expectedScores.get(0), fused.at("/hits/max_score").floatValue());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"null", "{\"method\":\"linear\",\"normalization\":\"z_score\",\"window\":100}"})
  void pagesConcatenateToTheBigPage(String fusion) {
    String f = fusion.equals("null") ? null : fusion;
    JsonNode big = search(FIVE, hybrid(50, f, null, "\"size\":40"));
    List<String> keys = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    for (int from = 0; from < 40; from += 10) {
      JsonNode page = search(FIVE, hybrid(50, f, null, "\"from\":" + from + ",\"size\":10"));
      keys.addAll(keys(page));
      scores.addAll(scores(page));
      assertEquals(big.at("/hits/total"), page.at("/hits/total"), "from " + from);
      assertEquals(big.at("/hits/max_score"), page.at("/hits/max_score"), "from " + from);
    }
    assertEquals(keys(big), keys);
    assertEquals(scores(big), scores);
  }

  @Test
  void explainGivesEachSubQueryRankAndScoreAndTheFusedScore() {
    JsonNode r = search(FIVE, hybrid(50, null, null, "\"size\":10,\"explain\":true"));
    Map<String, Integer> knnRanks = ranks(FIVE, knn(50), 100, 50);
    for (JsonNode hit : r.at("/hits/hits")) {
      JsonNode e = hit.path("_explanation");
      assertEquals(hit.path("_score").floatValue(), e.path("value").floatValue(), e.toString());
      assertTrue(e.path("description").asText().contains("method [rrf]"), e.toString());
      assertEquals(2, e.path("details").size(), e.toString());
      String key = hit.path("_index").asText() + "/" + hit.path("_id").asText();
      String knnDetail = e.at("/details/1/description").asText();
      Integer rank = knnRanks.get(key);
      assertEquals(
          rank == null
              ? "sub-query [1]: not in its top [window] hits"
              : "sub-query [1]: rank [" + rank + "], score",
          knnDetail,
          e.toString());
    }
  }

  @Test
  void sharedFilterAppliesToEverySubQueryAndInsideKnn() {
    String tagA = "{\"term\":{\"tag\":\"a\"}}";
    // One shard and k = 5: after-the-fact filtering would leave about a third of 5.
    JsonNode r =
        search(ONE, hybrid(5, null, tagA, "\"size\":100,\"explain\":true,\"_source\":[\"tag\"]"));
    int fromKnn = 0;
    for (JsonNode hit : r.at("/hits/hits")) {
      assertEquals("a", hit.at("/_source/tag").asText(), hit.toString());
      if (hit.at("/_explanation/details/1/description").asText().contains("rank [")) {
        fromKnn++;
      }
    }
    assertEquals(5, fromKnn, r.toString());
    Map<String, Integer> match =
        ranks(ONE, "{\"bool\":{\"must\":" + MATCH + ",\"filter\":" + tagA + "}}", 100, 100);
    Map<String, Integer> knn = ranks(ONE, knn(5, tagA), 100, 5);
    assertEquals(5, knn.size());
    LinkedHashMap<String, Float> expected = rrf(List.of(match, knn));
    assertEquals(expected.size(), r.at("/hits/total/value").asInt());
    assertEquals(new ArrayList<>(expected.keySet()), keys(r));
  }

  @Test
  void minScoreAppliesToTheFusedScore() {
    String fusion = "{\"window\":300}";
    JsonNode all = search(FIVE, hybrid(50, fusion, null, "\"size\":300"));
    List<Float> scores = scores(all);
    float floor = scores.get(20);
    long kept = scores.stream().filter(s -> s >= floor).count();
    assertTrue(kept < scores.size(), "the floor must drop something");
    for (String page : List.of("\"size\":5", "\"from\":5,\"size\":100")) {
      JsonNode r = search(FIVE, hybrid(50, fusion, null, page + ",\"min_score\":" + floor));
      assertEquals(kept, r.at("/hits/total/value").asLong(), r.toString());
      for (float s : scores(r)) {
        assertTrue(s >= floor, s + " < " + floor);
      }
    }
  }

  @Test
  void aggregationsRunOverTheFusedHits() {
    String fusion = "{\"window\":300}";
    JsonNode all = search(FIVE, hybrid(20, fusion, null, "\"size\":300,\"_source\":[\"tag\"]"));
    Map<String, Integer> expected = new HashMap<>();
    for (JsonNode hit : all.at("/hits/hits")) {
      expected.merge(hit.at("/_source/tag").asText(), 1, Integer::sum);
    }
    JsonNode r =
        search(
            FIVE,
            hybrid(
                20,
                fusion,
                null,
                "\"size\":0,\"aggs\":{\"tags\":{\"terms\":{\"field\":\"tag\"}}}"));
    Map<String, Integer> buckets = new HashMap<>();
    for (JsonNode b : r.at("/aggregations/tags/buckets")) {
      buckets.put(b.path("key").asText(), b.path("doc_count").asInt());
    }
    assertEquals(expected, buckets);
    assertEquals(all.at("/hits/total"), r.at("/hits/total"));
  }

  @Test
  void countCountsTheFusedHits() {
    String body = hybrid(20, null, null, null);
    long total =
        rest.post("/" + FIVE + "/_search", hybrid(20, null, null, "\"size\":0"))
            .ok()
            .body()
            .at("/hits/total/value")
            .asLong();
    assertTrue(total > 20, "total " + total);
    JsonNode count = rest.post("/" + FIVE + "/_count", body).ok().body();
    assertEquals(total, count.path("count").asLong(), count.toString());
  }

  @Test
  void multiSearchRunsEachHybridSearch() {
    String body = hybrid(20, null, null, "\"size\":15");
    String ndjson =
        "{\"index\":\""
            + FIVE
            + "\",\"search_type\":\"dfs_query_then_fetch\"}\n"
            + body
            + "\n"
            + "{\"index\":\""
            + ONE
            + "\",\"search_type\":\"dfs_query_then_fetch\"}\n"
            + body
            + "\n";
    JsonNode r = rest.bulk("/_msearch", ndjson).ok().body();
    JsonNode five = search(FIVE, body);
    assertEquals(keys(five), keys(r.at("/responses/0")), r.toString());
    assertEquals(scores(five), scores(r.at("/responses/0")));
    JsonNode one = search(ONE, body);
    assertEquals(keys(one), keys(r.at("/responses/1")));
    assertEquals(scores(one), scores(r.at("/responses/1")));
  }

  @Test
  void sourceFilteringComesFromTheFinalSearch() {
    JsonNode r = search(FIVE, hybrid(20, null, null, "\"size\":5,\"_source\":[\"n\"]"));
    for (JsonNode hit : r.at("/hits/hits")) {
      JsonNode source = hit.path("_source");
      List<String> fields = new ArrayList<>();
      source.fieldNames().forEachRemaining(fields::add);
      assertEquals(List.of("n"), fields, hit.toString());
      assertEquals("d" + source.path("n").asInt(), hit.path("_id").asText());
    }
  }

  @Test
  void highlightsTheTermsOfTheLexicalSubQueries() {
    JsonNode r =
        search(
            FIVE, hybrid(20, null, null, "\"size\":10,\"highlight\":{\"fields\":{\"body\":{}}}"));
    int highlighted = 0;
    for (JsonNode hit : r.at("/hits/hits")) {
      for (JsonNode fragment : hit.at("/highlight/body")) {
        assertTrue(fragment.asText().matches(".*<em>w[123]</em>.*"), fragment.toString());
        highlighted++;
      }
    }
    assertTrue(highlighted > 0, r.toString());
  }

  @Test
  void queryTextSubQueryIsEmbeddedWithTheDefaultModel() throws Exception {
    EmbedModels.awaitLoaded(rest, EmbedModels.DEFAULT_MODEL, Duration.ofMinutes(2));
    rest.delete("/" + TEXT);
    rest.put(
            "/" + TEXT,
            """
            {"settings": {"number_of_shards": 2, "number_of_replicas": 0},
             "mappings": {"properties": {"body": {"type": "text"},
               "e": {"type": "quiver_vector", "dims": 384, "similarity": "cosine"}}}}
            """)
        .ok();
    rest.put(
            "/_ingest/pipeline/hybrid-embed",
            "{\"processors\":[{\"quiver_embed\":{\"field_map\":{\"body\":\"e\"}}}]}")
        .ok();
    String[] bodies = {
      "Vitamin D supplements and bone density in older adults",
      "Calcium intake and fracture risk",
      "Deep learning for protein structure prediction",
      "Aspirin and the risk of heart attack",
      "Sleep deprivation impairs memory consolidation",
      "Exercise improves bone mineral density",
      "Antibiotic resistance in hospital bacteria",
      "Coffee consumption and liver disease",
    };
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < bodies.length; i++) {
      bulk.append("{\"index\":{\"_id\":\"t").append(i).append("\"}}\n");
      bulk.append("{\"body\":\"").append(bodies[i]).append("\"}\n");
    }
    JsonNode r =
        rest.bulk("/" + TEXT + "/_bulk?refresh=true&pipeline=hybrid-embed", bulk.toString())
            .ok()
            .body();
    assertFalse(r.path("errors").asBoolean(), r.toString());
    String match = "{\"match\":{\"body\":\"bone density\"}}";
    String text =
        "{\"quiver_knn\":{\"field\":\"e\",\"query_text\":\"does vitamin D strengthen bones\","
            + "\"k\":4}}";
    JsonNode fused =
        search(
            TEXT,
            "{\"size\":8,\"query\":{\"quiver_hybrid\":{\"queries\":["
                + match
                + ","
                + text
                + "]}}}");
    LinkedHashMap<String, Float> expected =
        rrf(List.of(ranks(TEXT, match, 100, 100), ranks(TEXT, text, 100, 4)));
    assertEquals(new ArrayList<>(expected.keySet()), keys(fused));
    assertEquals(new ArrayList<>(expected.values()), scores(fused));
    assertTrue(ids(fused).subList(0, 2).contains("t0"), fused.toString());
  }

  @Test
  void multiIndexSearchFusesOverTheDocumentsOfBothIndices() {
    String both = ONE + "," + FIVE;
    JsonNode fused = search(both, hybrid(20, null, null, "\"size\":50"));
    LinkedHashMap<String, Float> expected =
        rrf(List.of(ranks(both, MATCH, 100, 100), ranks(both, knn(20), 100, 20)));
    assertEquals(expected.size(), fused.at("/hits/total/value").asInt(), fused.toString());
    assertEquals(new ArrayList<>(expected.keySet()).subList(0, 50), keys(fused));
    assertEquals(new ArrayList<>(expected.values()).subList(0, 50), scores(fused));
    Set<String> indices = new HashSet<>();
    fused.at("/hits/hits").forEach(h -> indices.add(h.path("_index").asText()));
    assertEquals(Set.of(ONE, FIVE), indices);
  }

  @Test
  void maxSimSubQueryFusesByTheFormulaOverItsOwnResults() throws Exception {
    String index = "hybrid-mv";
    ClusteredMultiVectors data = new ClusteredMultiVectors(20261203L, 8, 6, 120, 2);
    rest.delete("/" + index);
    rest.put(
            "/" + index,
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {"body": {"type": "text"},
               "mv": {"type": "quiver_multi_vector", "dims": 8,
                      "fde": {"repetitions": 4, "simhash_bits": 2, "projection_dims": 4}}}}}
            """)
        .ok();
    StringBuilder bulk = new StringBuilder();
    Random random = new Random(17);
    for (int i = 0; i < data.docs.length; i++) {
      bulk.append("{\"index\":{\"_id\":\"m").append(i).append("\"}}\n");
      bulk.append("{\"body\":\"w").append(random.nextInt(30)).append(" w");
      bulk.append(random.nextInt(30)).append("\",\"mv\":");
      bulk.append(ClusteredMultiVectors.json(data.docs[i])).append("}\n");
    }
    JsonNode r = rest.bulk("/" + index + "/_bulk?refresh=true", bulk.toString()).ok().body();
    assertFalse(r.path("errors").asBoolean(), r.toString());
    try {
      for (String exact : List.of("false", "true")) {
        String maxsim =
            "{\"quiver_maxsim\":{\"field\":\"mv\",\"vectors\":"
                + ClusteredMultiVectors.json(data.queries[0])
                + ",\"k\":15,\"num_candidates\":60,\"exact\":"
                + exact
                + "}}";
        JsonNode fused =
            search(
                index,
                "{\"size\":30,\"query\":{\"quiver_hybrid\":{\"queries\":["
                    + MATCH
                    + ","
                    + maxsim
                    + "]}}}");
        Map<String, Integer> maxsimRanks = ranks(index, maxsim, 100, 15);
        assertEquals(15, maxsimRanks.size(), "exact " + exact);
        LinkedHashMap<String, Float> expected =
            rrf(List.of(ranks(index, MATCH, 100, 100), maxsimRanks));
        int size = Math.min(30, expected.size());
        assertEquals(new ArrayList<>(expected.keySet()).subList(0, size), keys(fused), exact);
        assertEquals(new ArrayList<>(expected.values()).subList(0, size), scores(fused), exact);
      }
    } finally {
      rest.delete("/" + index);
    }
  }
}
