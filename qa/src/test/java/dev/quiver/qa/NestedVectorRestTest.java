package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chunked documents: a {@code quiver_vector} inside a {@code nested} object. A parent scores as its
 * best passage, inside a {@code nested} query and when {@code quiver_knn} names the nested field at
 * the top level; expectations are brute force over the vectors the test indexed, on the exact
 * {@code flat} format.
 */
class NestedVectorRestTest {

  private static final int DIMS = 4;
  private static final int DOCS = 80;
  private static Rest rest;

  /** passages[doc][p] = the vector of passage p of doc. */
  private static float[][][] passages;

  private static String[][] sections;

  @BeforeAll
  static void indexChunkedDocuments() throws Exception {
    rest = QaNode.rest();
    rest.delete("/chunks");
    rest.put(
            "/chunks",
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {
               "lang": {"type": "keyword"},
               "passages": {"type": "nested", "properties": {
                 "section": {"type": "keyword"},
                 "vector": {"type": "quiver_vector", "dims": 4, "similarity": "l2_norm",
                            "index_options": {"type": "flat"}}}}}}}
            """)
        .ok();
    Random random = new Random(7);
    passages = new float[DOCS][][];
    sections = new String[DOCS][];
    StringBuilder bulk = new StringBuilder();
    for (int d = 0; d < DOCS; d++) {
      int n = 1 + random.nextInt(5);
      passages[d] = new float[n][];
      sections[d] = new String[n];
      StringBuilder ps = new StringBuilder();
      for (int p = 0; p < n; p++) {
        passages[d][p] = QuiverVectorRestTest.randomVector(random, DIMS);
        sections[d][p] = p == 0 ? "intro" : "body";
        ps.append(p == 0 ? "" : ",")
            .append("{\"section\":\"")
            .append(sections[d][p])
            .append("\",\"vector\":")
            .append(Arrays.toString(passages[d][p]))
            .append('}');
      }
      bulk.append("{\"index\":{\"_index\":\"chunks\",\"_id\":\"").append(d).append("\"}}\n");
      bulk.append("{\"lang\":\"")
          .append(lang(d))
          .append("\",\"passages\":[")
          .append(ps)
          .append("]}\n");
      if (d % 40 == 39) { // two segments
        assertEquals(
            false,
            rest.bulk("/_bulk?refresh=true", bulk.toString())
                .ok()
                .body()
                .get("errors")
                .asBoolean());
        bulk.setLength(0);
      }
    }
  }

  private static String lang(int doc) {
    return doc % 3 == 0 ? "de" : "en";
  }

  /** Lucene's l2_norm score: 1 / (1 + squared distance). */
  private static double score(float[] q, float[] v) {
    return 1 / (1 + QuiverVectorRestTest.l2(q, v));
  }

  /** A parent's score: its best passage among those {@code passageFilter} accepts, or -1. */
  private static double parentScore(float[] q, int doc, PassageFilter passageFilter) {
    double best = -1;
    for (int p = 0; p < passages[doc].length; p++) {
      if (passageFilter.test(doc, p)) {
        best = Math.max(best, score(q, passages[doc][p]));
      }
    }
    return best;
  }

  private interface PassageFilter {
    boolean test(int doc, int passage);
  }

  /**
   * The k best parents (parentFilter on the parent, passageFilter on its passages), by brute force.
   */
  private static List<String> expected(
      float[] q, int k, IntPredicate parentFilter, PassageFilter passageFilter) {
    return IntStream.range(0, DOCS)
        .filter(parentFilter)
        .filter(d -> parentScore(q, d, passageFilter) >= 0)
        .boxed()
        .sorted(Comparator.comparingDouble(d -> -parentScore(q, d, passageFilter)))
        .limit(k)
        .map(String::valueOf)
        .toList();
  }

  private static JsonNode search(String query) {
    return rest.post("/chunks/_search", "{\"size\":50,\"query\":" + query + "}").ok().body();
  }

  private static String knn(float[] q, int k, String extra) {
    return "{\"quiver_knn\":{\"field\":\"passages.vector\",\"vector\":"
        + Arrays.toString(q)
        + ",\"k\":"
        + k
        + extra
        + "}}";
  }

  private static String nested(String inner) {
    return "{\"nested\":{\"path\":\"passages\",\"score_mode\":\"max\",\"query\":" + inner + "}}";
  }

  private static void assertHits(
      float[] q, List<String> expectedIds, JsonNode response, PassageFilter passageFilter) {
    List<String> ids = new ArrayList<>();
    response.path("hits").path("hits").forEach(h -> ids.add(h.get("_id").asText()));
    assertEquals(expectedIds, ids, "parents, best first");
    JsonNode hits = response.path("hits").path("hits");
    for (int i = 0; i < expectedIds.size(); i++) {
      int doc = Integer.parseInt(expectedIds.get(i));
      assertEquals(
          parentScore(q, doc, passageFilter),
          hits.get(i).get("_score").asDouble(),
          1e-5,
          "score of parent " + doc + " = its best passage");
    }
  }

  private static float[] query(int seed) {
    return QuiverVectorRestTest.randomVector(new Random(seed), DIMS);
  }

  @Test
  void nestedQueryReturnsKParentsEachScoredByItsBestPassage() {
    for (int seed = 0; seed < 5; seed++) {
      float[] q = query(seed);
      assertHits(
          q,
          expected(q, 10, d -> true, (d, p) -> true),
          search(nested(knn(q, 10, ""))),
          (d, p) -> true);
    }
  }

  @Test
  void topLevelQueryOnNestedFieldReturnsKParents() {
    for (int seed = 10; seed < 15; seed++) {
      float[] q = query(seed);
      assertHits(
          q, expected(q, 7, d -> true, (d, p) -> true), search(knn(q, 7, "")), (d, p) -> true);
    }
  }

  @Test
  void filterOnParentFieldKeepsParentsThatMatch() {
    float[] q = query(20);
    String filter = ",\"filter\":{\"term\":{\"lang\":\"de\"}}";
    List<String> want = expected(q, 8, d -> lang(d).equals("de"), (d, p) -> true);
    assertHits(q, want, search(knn(q, 8, filter)), (d, p) -> true);
    assertHits(q, want, search(nested(knn(q, 8, filter))), (d, p) -> true);
  }

  @Test
  void filterOnPassageFieldKeepsPassagesThatMatch() {
    float[] q = query(30);
    PassageFilter body = (d, p) -> sections[d][p].equals("body");
    String filter = ",\"filter\":{\"term\":{\"passages.section\":\"body\"}}";
    List<String> want = expected(q, 8, d -> true, body);
    assertHits(q, want, search(knn(q, 8, filter)), body);
    assertHits(q, want, search(nested(knn(q, 8, filter))), body);
  }

  @Test
  void filterMixingParentAndPassageFieldsAppliesEachAtItsLevel() {
    float[] q = query(40);
    PassageFilter notIntro = (d, p) -> sections[d][p].equals("intro") == false;
    String filter =
        ",\"filter\":{\"bool\":{\"filter\":[{\"term\":{\"lang\":\"en\"}}],"
            + "\"must_not\":[{\"term\":{\"passages.section\":\"intro\"}}]}}";
    List<String> want = expected(q, 6, d -> lang(d).equals("en"), notIntro);
    assertHits(q, want, search(knn(q, 6, filter)), notIntro);
    assertHits(q, want, search(nested(knn(q, 6, filter))), notIntro);
  }
}
