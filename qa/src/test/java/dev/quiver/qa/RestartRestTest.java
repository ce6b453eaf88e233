package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Segments written by Quiver's codec are read back after a node restart, with identical results:
 * {@code quiver_knn} on two vector fields and {@code quiver_maxsim} (FDE search, whose query
 * encoding the restarted JVM computes afresh, and exact) on a multi-vector field.
 */
class RestartRestTest {

  /** Documents with a multi-vector field (of the 1000). */
  private static final int MULTI_DOCS = 300;

  @Test
  void resultsAreIdenticalAfterRestart() throws Exception {
    Rest rest = QaNode.rest();
    rest.delete("/restart");
    rest.put(
            "/restart",
            """
            {"settings": {"number_of_shards": 2, "number_of_replicas": 0},
             "mappings": {"properties": {
               "v": {"type": "quiver_vector", "dims": 16, "similarity": "cosine"},
               "f": {"type": "quiver_vector", "dims": 16, "similarity": "dot_product",
                     "index_options": {"type": "flat"}},
               "mv": {"type": "quiver_multi_vector", "dims": 16,
                      "fde": {"repetitions": 8, "simhash_bits": 3, "projection_dims": 8}}}}}
            """)
        .ok();
    Random random = new Random(1);
    ClusteredMultiVectors multi = new ClusteredMultiVectors(2, 16, 10, MULTI_DOCS, 10);
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      float[] v = QuiverVectorRestTest.randomVector(random, 16);
      bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n");
      bulk.append("{\"v\":").append(Arrays.toString(v));
      bulk.append(",\"f\":").append(Arrays.toString(unit(v)));
      if (i < MULTI_DOCS) {
        bulk.append(",\"mv\":").append(ClusteredMultiVectors.json(multi.docs[i]));
      }
      bulk.append("}\n");
    }
    rest.bulk("/restart/_bulk?refresh=true", bulk.toString()).ok();
    rest.post("/restart/_flush", null).ok();
    List<float[]> queries = new ArrayList<>();
    for (int q = 0; q < 10; q++) {
      queries.add(QuiverVectorRestTest.randomVector(random, 16));
    }
    List<JsonNode> before = search(rest, queries);
    List<JsonNode> multiBefore = searchMulti(rest, multi.queries);

    QaNode.get().restart();
    rest.get("/_cluster/health/restart?wait_for_status=green&timeout=60s").ok();

    assertSameHits(before, search(rest, queries));
    assertSameHits(multiBefore, searchMulti(rest, multi.queries));
    assertEquals(1000, rest.get("/restart/_count").ok().body().get("count").asInt());
  }

  /**
   * Same ids in the same order, scores equal to float precision. Scores may differ in the last bit
   * across JVMs: Lucene's SIMD dot products (Panama) sum lanes in an order that can differ between
   * the interpreter and compiled code, and the restarted node starts cold.
   */
  private static void assertSameHits(List<JsonNode> expected, List<JsonNode> actual) {
    assertEquals(expected.size(), actual.size());
    for (int q = 0; q < expected.size(); q++) {
      JsonNode e = expected.get(q).get("hits").get("hits");
      JsonNode a = actual.get(q).get("hits").get("hits");
      assertEquals(e.size(), a.size(), "hits of search " + q);
      for (int i = 0; i < e.size(); i++) {
        assertEquals(e.get(i).get("_id"), a.get(i).get("_id"), "search " + q + ", hit " + i);
        double es = e.get(i).get("_score").asDouble();
        double as = a.get(i).get("_score").asDouble();
        assertEquals(es, as, 1e-6 * Math.abs(es), "search " + q + ", hit " + i + " score");
      }
    }
  }

  private static List<JsonNode> search(Rest rest, List<float[]> queries) {
    List<JsonNode> hits = new ArrayList<>();
    for (float[] q : queries) {
      for (String field : List.of("v", "f")) {
        float[] vector = field.equals("f") ? unit(q) : q;
        hits.add(
            rest.post(
                    "/restart/_search?filter_path=hits.hits._id,hits.hits._score",
                    "{\"size\":10,\"query\":{\"quiver_knn\":{\"field\":\""
                        + field
                        + "\",\"vector\":"
                        + Arrays.toString(vector)
                        + ",\"k\":10}}}")
                .ok()
                .body());
      }
    }
    return hits;
  }

  private static List<JsonNode> searchMulti(Rest rest, float[][][] queries) {
    List<JsonNode> hits = new ArrayList<>();
    for (float[][] q : queries) {
      for (String mode : List.of("", ", \"exact\": true")) {
        hits.add(
            rest.post(
                    "/restart/_search?filter_path=hits.hits._id,hits.hits._score",
                    "{\"size\":10,\"query\":{\"quiver_maxsim\":{\"field\":\"mv\",\"vectors\":"
                        + ClusteredMultiVectors.json(q)
                        + ",\"k\":10"
                        + mode
                        + "}}}")
                .ok()
                .body());
      }
    }
    return hits;
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    float[] u = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      u[i] = (float) (v[i] / Math.sqrt(norm));
    }
    return u;
  }
}
