package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every {@code index_options.type} of {@code quiver_vector} on the real node, over the first
 * {@value #DOCS} real 384-d bge-small vectors ({@link ScifactVectors}), one index per type:
 * recall@10 against brute force with the type's default rescoring (and lower or equal without it),
 * exact scores after rescoring, filters, {@code min_score}, explain, pagination, {@code
 * query_text}, and the memory figures of {@code GET _plugins/_quiver/stats}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuantizedVectorRestTest {

  static final int DOCS = 4_000;
  static final int QUERIES = 100;
  static final int K = 10;

  /** The types, and the floor for recall@10 with their default rescoring. */
  static final Map<String, Double> MIN_RECALL = new LinkedHashMap<>();

  static {
    // Measured on this subset (100 queries, one segment; the class prints QUIVER-QUANT): flat
    // 1.000, hnsw 0.999, int8 0.999 (0.995 at oversample 1), int4 0.996 (0.933; 4-bit queries since
    // format version 1), int2 0.994 (0.829), int1 0.980 (0.673).
    MIN_RECALL.put("flat", 0.999);
    MIN_RECALL.put("hnsw", 0.98);
    MIN_RECALL.put("int8_hnsw", 0.98);
    MIN_RECALL.put("int4_hnsw", 0.97);
    MIN_RECALL.put("int2_hnsw", 0.96);
    MIN_RECALL.put("int1_hnsw", 0.94);
  }

  static final List<String> QUANTIZED = List.of("int8_hnsw", "int4_hnsw", "int2_hnsw", "int1_hnsw");

  private ScifactVectors data;
  private ExactNeighbors exact;
  private Rest rest;
  private float[][] cosines;
  private int[][] truth;

  @BeforeAll
  void indexEveryType() throws Exception {
    data = ScifactVectors.load("the quantized-type checks");
    exact = new ExactNeighbors(data.base());
    rest = QaNode.rest();
    cosines = new float[QUERIES][];
    truth = new int[QUERIES][];
    for (int q = 0; q < QUERIES; q++) {
      cosines[q] = exact.cosines(data.queries()[q], id -> id < DOCS);
      truth[q] = ExactNeighbors.topK(cosines[q], K, id -> id < DOCS);
    }
    StringBuilder bulk = new StringBuilder(1 << 24);
    for (int id = 0; id < DOCS; id++) {
      bulk.append("{\"index\":{\"_id\":\"").append(id).append("\"}}\n{\"p\":");
      bulk.append(bucket(id)).append(",\"v\":");
      ScifactVectors.appendJson(bulk, data.base()[id]);
      bulk.append("}\n");
    }
    String body = bulk.toString();
    for (String type : MIN_RECALL.keySet()) {
      String index = index(type);
      rest.delete("/" + index);
      rest.put(
              "/" + index,
              """
              {"settings": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": -1},
               "mappings": {"_source": {"excludes": ["v"]},
                            "properties": {"v": {"type": "quiver_vector", "dims": 384,
                                                 "similarity": "cosine",
                                                 "index_options": {"type": "%s"}},
                                           "p": {"type": "integer"}}}}
              """
                  .formatted(type))
          .ok();
      JsonNode r = rest.bulk("/" + index + "/_bulk", body).ok().body();
      assertEquals(false, r.get("errors").asBoolean(), type + ": bulk errors");
      rest.post("/" + index + "/_forcemerge?max_num_segments=1", null).ok();
      rest.post("/" + index + "/_refresh", null).ok();
    }
  }

  @AfterAll
  void deleteIndices() {
    if (rest == null) {
      return; // the shared data was absent: @BeforeAll skipped before creating anything
    }
    for (String type : MIN_RECALL.keySet()) {
      rest.delete("/" + index(type));
    }
  }

  private static String index(String type) {
    return "quant-" + type.replace('_', '-');
  }

  /** A fixed hash of the id in 0..99, uncorrelated with the vectors. */
  private static int bucket(int id) {
    return Math.floorMod(id * 7919 + 13, 100);
  }

  @Test
  void mappingWritesOutTheDefaults() {
    JsonNode options =
        rest.get("/" + index("int1_hnsw") + "/_mapping")
            .ok()
            .body()
            .at("/" + index("int1_hnsw") + "/mappings/properties/v/index_options");
    assertEquals("int1_hnsw", options.get("type").asText());
    assertEquals(16, options.get("m").asInt());
    assertEquals(100, options.get("ef_construction").asInt());
    assertEquals(5.0, options.at("/rescore/oversample").asDouble(), options.toString());
    JsonNode int4 =
        rest.get("/" + index("int4_hnsw") + "/_mapping")
            .ok()
            .body()
            .at("/" + index("int4_hnsw") + "/mappings/properties/v/index_options");
    assertEquals(2.0, int4.at("/rescore/oversample").asDouble(), int4.toString());
    JsonNode hnsw =
        rest.get("/" + index("hnsw") + "/_mapping")
            .ok()
            .body()
            .at("/" + index("hnsw") + "/mappings/properties/v/index_options");
    assertTrue(hnsw.path("rescore").isMissingNode(), hnsw.toString());
    // Immutable like the other options.
    rest.put(
            "/" + index("int4_hnsw") + "/_mapping",
            "{\"properties\":{\"v\":{\"type\":\"quiver_vector\",\"dims\":384,"
                + "\"index_options\":{\"type\":\"int4_hnsw\",\"rescore\":{\"oversample\":3}}}}}")
        .badRequest("Cannot update parameter [index_options]");
  }

  @Test
  void recallWithDefaultRescoringAndExactScores() {
    StringBuilder line = new StringBuilder("QUIVER-QUANT recall@10 over " + DOCS + " docs:");
    for (String type : MIN_RECALL.keySet()) {
      double recall = recall(type, null);
      line.append(String.format(" %s=%.4f", type, recall));
      if (QUANTIZED.contains(type)) {
        double plain = recall(type, 1.0f);
        line.append(String.format(" (oversample 1: %.4f)", plain));
        assertTrue(plain <= recall, type + ": oversample 1 " + plain + " > default " + recall);
        if (type.equals("int1_hnsw") || type.equals("int2_hnsw")) {
          assertTrue(plain < recall, type + ": oversample 1 " + plain + " not below " + recall);
        }
      }
      assertTrue(
          recall >= MIN_RECALL.get(type),
          type + ": recall@10 " + recall + " < " + MIN_RECALL.get(type));
    }
    System.out.println(line);
  }

  /**
   * Recall@10 of a type over the queries, asserting on the way that every score is the exact cosine
   * score {@code (1 + cos) / 2} of its document.
   */
  private double recall(String type, Float oversample) {
    int found = 0;
    for (int q = 0; q < QUERIES; q++) {
      JsonNode hits = search(type, q, oversample == null ? "" : rescore(oversample), K, 0, K);
      assertEquals(K, hits.size(), type + ": hits");
      Set<Integer> expected = new HashSet<>();
      for (int id : truth[q]) {
        expected.add(id);
      }
      for (JsonNode hit : hits) {
        int id = hit.get("_id").asInt();
        double score = hit.get("_score").asDouble();
        assertEquals((1 + cosines[q][id]) / 2, score, 1e-5, type + ": score of " + id);
        if (expected.contains(id)) {
          found++;
        }
      }
    }
    return found / (double) (K * QUERIES);
  }

  /**
   * {@code rescore.bounded} reads fewer raw vectors, never other hits: on every quantized type the
   * hits (ids, order, exact scores) are those of reading every candidate.
   */
  @Test
  void boundedRescoringReturnsTheHitsOfReadingEveryCandidate() {
    for (String type : QUANTIZED) {
      for (int q = 0; q < 30; q++) {
        JsonNode bounded = search(type, q, ",\"rescore\":{\"bounded\":true}", K, 0, K);
        JsonNode all = search(type, q, ",\"rescore\":{\"bounded\":false}", K, 0, K);
        assertEquals(K, bounded.size(), type + ": hits");
        for (int i = 0; i < K; i++) {
          assertEquals(all.get(i).get("_id").asText(), bounded.get(i).get("_id").asText(), type);
          assertEquals(
              all.get(i).get("_score").asDouble(), bounded.get(i).get("_score").asDouble(), type);
        }
      }
    }
  }

  @Test
  void scoresEqualTheFlatTypesScoreForTheSameDocument() {
    for (String type : MIN_RECALL.keySet()) {
      for (int q = 0; q < 3; q++) {
        for (JsonNode hit : search(type, q, "", K, 0, K)) {
          String id = hit.get("_id").asText();
          JsonNode flat =
              search("flat", q, ",\"filter\":{\"ids\":{\"values\":[\"" + id + "\"]}}", 1, 0, 1);
          assertEquals(1, flat.size());
          assertEquals(
              flat.get(0).get("_score").asDouble(),
              hit.get("_score").asDouble(),
              1e-5,
              type + ": score of " + id);
        }
      }
    }
  }

  @Test
  void filterMinScoreExplainAndPaginationOnEveryType() {
    for (String type : MIN_RECALL.keySet()) {
      for (int q = 0; q < 5; q++) {
        // Filter applied during the search: k hits, all matching.
        JsonNode filtered = search(type, q, ",\"filter\":{\"range\":{\"p\":{\"lt\":30}}}", K, 0, K);
        assertEquals(K, filtered.size(), type + ": filtered hits");
        for (JsonNode hit : filtered) {
          assertTrue(bucket(hit.get("_id").asInt()) < 30, type + ": " + hit);
        }
        // min_score on the exact score: a floor halfway between two hits (scores may differ in
        // the last bit between searches, as the SIMD sums' order may), so exactly the hits above.
        JsonNode all = search(type, q, "", K, 0, K);
        int above = 0;
        float min = 0;
        for (int i = 4; i < K - 1 && above == 0; i++) {
          double hi = all.get(i).get("_score").asDouble();
          double lo = all.get(i + 1).get("_score").asDouble();
          if (hi - lo > 1e-5) {
            min = (float) ((hi + lo) / 2);
            above = i + 1;
          }
        }
        assertTrue(above > 0, type + ": no gap between scores of " + all);
        JsonNode floored = search(type, q, ",\"min_score\":" + min, K, 0, K);
        assertEquals(above, floored.size(), type + ": hits with min_score " + min);
        for (int i = 0; i < floored.size(); i++) {
          assertEquals(all.get(i).get("_id"), floored.get(i).get("_id"), type + ": min_score");
        }
        // Pagination over the k hits.
        JsonNode page = search(type, q, "", K, 5, 5);
        for (int i = 0; i < 5; i++) {
          assertEquals(all.get(5 + i).get("_id"), page.get(i).get("_id"), type + ": page 2");
        }
      }
      // explain gives the exact score.
      JsonNode explained =
          rest.post("/" + index(type) + "/_search", body(0, "", K, 0, 3, true))
              .ok()
              .body()
              .at("/hits/hits");
      for (JsonNode hit : explained) {
        assertEquals(
            hit.get("_score").asDouble(),
            hit.at("/_explanation/value").asDouble(),
            1e-6,
            type + ": " + hit);
      }
    }
  }

  @Test
  void queryTextOnAQuantizedField() {
    JsonNode hits =
        rest.post(
                "/" + index("int1_hnsw") + "/_search",
                "{\"size\":5,\"query\":{\"quiver_knn\":{\"field\":\"v\",\"k\":5,"
                    + "\"query_text\":\"vitamin D and bone density\","
                    + "\"rescore\":{\"oversample\":4}}}}")
            .ok()
            .body()
            .at("/hits/hits");
    assertEquals(5, hits.size(), hits.toString());
  }

  @Test
  void statsReportCodesGraphAndRawVectors() {
    JsonNode all = rest.get("/_plugins/_quiver/stats").ok().body();
    assertEquals(1, all.at("/_nodes/successful").asInt(), all.toString());
    assertEquals(0, all.at("/_nodes/failed").asInt(), all.toString());
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (String type : MIN_RECALL.keySet()) {
      JsonNode field = all.at("/indices/" + index(type) + "/fields/v");
      assertEquals(type, field.path("type").asText(), all.toString());
      assertEquals(DOCS, field.get("vectors").asInt(), type);
      assertEquals(DOCS, field.at("/primaries/vectors").asInt(), type);
      assertEquals(
          field.get("ram_bytes").asLong(), field.at("/primaries/ram_bytes").asLong(), type);
      fields.put(type, field);
      // The per-index form answers the same.
      JsonNode one = rest.get("/_plugins/_quiver/stats/" + index(type)).ok().body();
      assertEquals(1, one.get("indices").size(), one.toString());
      assertEquals(field, one.at("/indices/" + index(type) + "/fields/v"));
    }
    long raw = (long) DOCS * 384 * Float.BYTES;
    long previous = Long.MAX_VALUE;
    for (String type : List.of("hnsw", "int8_hnsw", "int4_hnsw", "int2_hnsw", "int1_hnsw")) {
      JsonNode field = fields.get(type);
      long ram = field.get("ram_bytes").asLong();
      long disk = field.get("disk_bytes").asLong();
      System.out.printf("QUIVER-QUANT stats %s: %s%n", type, field);
      assertTrue(ram < previous, type + ": ram_bytes " + ram + " not below " + previous);
      previous = ram;
      if (type.equals("hnsw")) {
        assertTrue(ram > raw, "hnsw keeps its raw vectors in memory: " + ram);
        assertEquals(0, disk, "hnsw reads nothing only for rescoring");
        assertEquals(32, field.get("bits").asInt());
      } else {
        assertEquals(raw, disk, 0.01 * raw, type + ": disk_bytes");
        assertTrue(ram < raw, type + ": ram_bytes " + ram + " not below the raw " + raw);
        assertEquals(Integer.parseInt(type.substring(3, 4)), field.get("bits").asInt());
      }
    }
    JsonNode flat = fields.get("flat");
    assertEquals(raw, flat.get("ram_bytes").asLong(), 0.01 * raw, "flat: ram_bytes");
    Rest.Response missing = rest.get("/_plugins/_quiver/stats/no-such-index");
    assertEquals(404, missing.status(), missing.body().toString());
    assertTrue(missing.reason().contains("no-such-index"), missing.reason());
  }

  /**
   * A quantized index left in several segments: each segment rescores its own candidates, Lucene
   * merges them by exact score (and searches the competitive segments again), so recall and exact
   * scores hold as on one segment.
   */
  @Test
  void severalSegmentsRescoreEachSegment() {
    String index = "quant-segments";
    rest.delete("/" + index);
    rest.put(
            "/" + index,
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": -1},
             "mappings": {"_source": {"enabled": false},
                          "properties": {"v": {"type": "quiver_vector", "dims": 384,
                                               "index_options": {"type": "int2_hnsw"}}}}}
            """)
        .ok();
    int segments = 4;
    for (int s = 0; s < segments; s++) {
      StringBuilder bulk = new StringBuilder(1 << 23);
      for (int id = s * DOCS / segments; id < (s + 1) * DOCS / segments; id++) {
        bulk.append("{\"index\":{\"_id\":\"").append(id).append("\"}}\n{\"v\":");
        ScifactVectors.appendJson(bulk, data.base()[id]);
        bulk.append("}\n");
      }
      JsonNode r = rest.bulk("/" + index + "/_bulk?refresh=true", bulk.toString()).ok().body();
      assertEquals(false, r.get("errors").asBoolean(), "bulk errors");
    }
    JsonNode stats = rest.get("/_plugins/_quiver/stats/" + index).ok().body();
    JsonNode field = stats.at("/indices/" + index + "/fields/v");
    assertEquals(segments, field.get("segments").asInt(), stats.toString());
    assertEquals(DOCS, field.get("vectors").asInt(), stats.toString());
    int found = 0;
    int queries = 50;
    for (int q = 0; q < queries; q++) {
      Set<Integer> expected = new HashSet<>();
      for (int id : truth[q]) {
        expected.add(id);
      }
      StringBuilder body = new StringBuilder("{\"size\":10,\"query\":{\"quiver_knn\":{");
      body.append("\"field\":\"v\",\"k\":10,\"vector\":");
      ScifactVectors.appendJson(body, data.queries()[q]);
      body.append("}}}");
      JsonNode hits =
          rest.post("/" + index + "/_search", body.toString()).ok().body().at("/hits/hits");
      assertEquals(K, hits.size(), hits.toString());
      for (JsonNode hit : hits) {
        int id = hit.get("_id").asInt();
        assertEquals(
            (1 + cosines[q][id]) / 2, hit.get("_score").asDouble(), 1e-5, "score of " + id);
        found += expected.contains(id) ? 1 : 0;
      }
    }
    double recall = found / (double) (K * queries);
    System.out.printf(
        "QUIVER-QUANT int2_hnsw over %d segments recall@10: %.4f%n", segments, recall);
    assertTrue(recall >= MIN_RECALL.get("int2_hnsw"), "recall@10 over segments " + recall);
    rest.delete("/" + index);
  }

  /**
   * A nested quantized field: parents of three passages each, scored by a passage's exact score
   * (the passage the codes ranked best), {@code k} distinct parents.
   */
  @Test
  void nestedQuantizedFieldScoresParentsByExactPassageScores() {
    int parents = 500;
    String index = "quant-nested";
    rest.delete("/" + index);
    rest.put(
            "/" + index,
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": -1},
             "mappings": {"_source": {"enabled": false},
                          "properties": {"chunks": {"type": "nested", "properties": {
                            "v": {"type": "quiver_vector", "dims": 384,
                                  "index_options": {"type": "int1_hnsw"}}}}}}}
            """)
        .ok();
    StringBuilder bulk = new StringBuilder(1 << 23);
    for (int parent = 0; parent < parents; parent++) {
      bulk.append("{\"index\":{\"_id\":\"").append(parent).append("\"}}\n{\"chunks\":[");
      for (int c = 0; c < 3; c++) {
        bulk.append(c == 0 ? "" : ",").append("{\"v\":");
        ScifactVectors.appendJson(bulk, data.base()[3 * parent + c]);
        bulk.append('}');
      }
      bulk.append("]}\n");
    }
    JsonNode r = rest.bulk("/" + index + "/_bulk?refresh=true", bulk.toString()).ok().body();
    assertEquals(false, r.get("errors").asBoolean(), "bulk errors");
    int found = 0;
    int queries = 20;
    for (int q = 0; q < queries; q++) {
      float[] best = new float[parents];
      for (int parent = 0; parent < parents; parent++) {
        best[parent] =
            Math.max(
                cosines[q][3 * parent],
                Math.max(cosines[q][3 * parent + 1], cosines[q][3 * parent + 2]));
      }
      Set<Integer> expected = new HashSet<>();
      for (int id : ExactNeighbors.topK(best, K, id -> true)) {
        expected.add(id);
      }
      StringBuilder body = new StringBuilder("{\"size\":10,\"query\":{\"quiver_knn\":{");
      body.append("\"field\":\"chunks.v\",\"k\":10,\"vector\":");
      ScifactVectors.appendJson(body, data.queries()[q]);
      body.append("}}}");
      JsonNode hits =
          rest.post("/" + index + "/_search", body.toString()).ok().body().at("/hits/hits");
      assertEquals(K, hits.size(), hits.toString());
      Set<Integer> seen = new HashSet<>();
      for (JsonNode hit : hits) {
        int parent = hit.get("_id").asInt();
        assertTrue(seen.add(parent), "parent " + parent + " twice");
        double score = hit.get("_score").asDouble();
        boolean isAPassage = false;
        for (int c = 0; c < 3; c++) {
          isAPassage |= Math.abs((1 + cosines[q][3 * parent + c]) / 2 - score) <= 1e-5;
        }
        assertTrue(isAPassage, "score " + score + " of parent " + parent + " is no passage's");
        found += expected.contains(parent) ? 1 : 0;
      }
    }
    double recall = found / (double) (K * queries);
    System.out.printf("QUIVER-QUANT nested int1_hnsw recall@10 of parents: %.4f%n", recall);
    assertTrue(recall >= 0.9, "nested recall@10 " + recall);
    rest.delete("/" + index);
  }

  private static String rescore(float oversample) {
    return ",\"rescore\":{\"oversample\":" + oversample + "}";
  }

  private JsonNode search(String type, int q, String extra, int k, int from, int size) {
    return rest.post("/" + index(type) + "/_search", body(q, extra, k, from, size, false))
        .ok()
        .body()
        .at("/hits/hits");
  }

  private String body(int q, String extra, int k, int from, int size, boolean explain) {
    StringBuilder body =
        new StringBuilder("{\"from\":")
            .append(from)
            .append(",\"size\":")
            .append(size)
            .append(explain ? ",\"explain\":true" : "")
            .append(",\"_source\":false,\"query\":{\"quiver_knn\":{\"field\":\"v\",\"k\":")
            .append(k)
            .append(",\"vector\":");
    ScifactVectors.appendJson(body, data.queries()[q]);
    return body.append(extra).append("}}}").toString();
  }
}
