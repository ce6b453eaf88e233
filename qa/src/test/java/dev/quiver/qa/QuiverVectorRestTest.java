package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The quiver_vector field and quiver_knn query on a real node, over REST. */
class QuiverVectorRestTest {

  private static final int DIMS = 8;
  private static final int DOCS = 600;
  private static Rest rest;
  private static float[][] vectors;

  @BeforeAll
  static void indexCorpus() throws Exception {
    rest = QaNode.rest();
    rest.delete("/vectors");
    rest.put(
            "/vectors",
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {
               "v": {"type": "quiver_vector", "dims": 8, "similarity": "l2_norm",
                     "index_options": {"type": "hnsw", "m": 12, "ef_construction": 64}},
               "group": {"type": "integer"},
               "text": {"type": "text"}}}}
            """)
        .ok();
    Random random = new Random(42);
    vectors = new float[DOCS][];
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < DOCS; i++) {
      vectors[i] = randomVector(random, DIMS);
      bulk.append("{\"index\":{\"_index\":\"vectors\",\"_id\":\"").append(i).append("\"}}\n");
      bulk.append("{\"v\":")
          .append(Arrays.toString(vectors[i]))
          .append(",\"group\":")
          .append(i % 10)
          .append(",\"text\":\"doc ")
          .append(i % 2 == 0 ? "even" : "odd")
          .append("\"}\n");
      if (i % 200 == 199) {
        // Several segments: the query must merge per-segment results correctly.
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

  static float[] randomVector(Random random, int dims) {
    float[] v = new float[dims];
    for (int d = 0; d < dims; d++) {
      v[d] = random.nextFloat() * 2 - 1;
    }
    return v;
  }

  /** Exact l2 nearest ids among docs passing {@code filter}. */
  static List<String> exactNearest(float[] q, int k, java.util.function.IntPredicate filter) {
    return IntStream.range(0, DOCS)
        .filter(filter)
        .boxed()
        .sorted(Comparator.comparingDouble(i -> l2(q, vectors[i])))
        .limit(k)
        .map(String::valueOf)
        .toList();
  }

  static double l2(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s;
  }

  static List<String> ids(JsonNode response) {
    List<String> ids = new ArrayList<>();
    response.path("hits").path("hits").forEach(h -> ids.add(h.get("_id").asText()));
    return ids;
  }

  /** The response of a search of {@code size} hits for {@code {"quiver_knn": knnBody}}. */
  static JsonNode searchKnn(String index, int size, String knnBody) {
    return rest.post(
            "/" + index + "/_search",
            "{\"size\":" + size + ",\"query\":{\"quiver_knn\":" + knnBody + "}}")
        .ok()
        .body();
  }

  static String knn(float[] q, int k, String extra) {
    return "{\"field\":\"v\",\"vector\":" + Arrays.toString(q) + ",\"k\":" + k + extra + "}";
  }

  @Test
  void mappingRoundTripsWithDefaultsMadeExplicit() {
    JsonNode v = rest.get("/vectors/_mapping").ok().body().at("/vectors/mappings/properties/v");
    assertEquals("quiver_vector", v.get("type").asText());
    assertEquals(8, v.get("dims").asInt());
    assertEquals("l2_norm", v.get("similarity").asText());
    assertEquals("hnsw", v.at("/index_options/type").asText());
    assertEquals(12, v.at("/index_options/m").asInt());
    assertEquals(64, v.at("/index_options/ef_construction").asInt());
  }

  @Test
  void sourceKeepsTheVectorAsSent() {
    JsonNode source = rest.get("/vectors/_doc/7").ok().body().get("_source");
    for (int d = 0; d < DIMS; d++) {
      assertEquals(vectors[7][d], (float) source.get("v").get(d).asDouble(), 0f);
    }
  }

  @Test
  void findsTheExactNearestNeighbours() {
    Random random = new Random(7);
    int hits = 0;
    int queries = 20;
    for (int q = 0; q < queries; q++) {
      float[] query = randomVector(random, DIMS);
      JsonNode r = searchKnn("vectors", 10, knn(query, 10, ""));
      List<String> got = ids(r);
      assertEquals(10, got.size());
      List<String> want = exactNearest(query, 10, i -> true);
      hits += (int) got.stream().filter(want::contains).count();
      // Scores are Lucene's l2 similarity 1 / (1 + d^2), best first.
      JsonNode first = r.at("/hits/hits/0");
      float[] v = vectors[Integer.parseInt(first.get("_id").asText())];
      assertEquals(1 / (1 + l2(query, v)), first.get("_score").asDouble(), 1e-4);
    }
    assertTrue(hits >= queries * 10 * 0.95, "recall too low: " + hits + "/" + queries * 10);
  }

  @Test
  void filterIsAppliedDuringTheSearchNotAfter() {
    float[] query = randomVector(new Random(11), DIMS);
    // Only 10% of documents match; a post-filter on the top 10 would return about one hit.
    JsonNode r = searchKnn("vectors", 10, knn(query, 10, ",\"filter\":{\"term\":{\"group\":3}}"));
    List<String> got = ids(r);
    assertEquals(exactNearest(query, 10, i -> i % 10 == 3), got);
  }

  @Test
  void paginatesOverTheTopK() {
    float[] query = randomVector(new Random(5), DIMS);
    String q = "\"query\":{\"quiver_knn\":" + knn(query, 20, "") + "}";
    List<String> all = ids(rest.post("/vectors/_search", "{\"size\":20," + q + "}").ok().body());
    List<String> paged = new ArrayList<>();
    for (int from = 0; from < 20; from += 5) {
      paged.addAll(
          ids(
              rest.post("/vectors/_search", "{\"from\":" + from + ",\"size\":5," + q + "}")
                  .ok()
                  .body()));
    }
    assertEquals(20, all.size());
    assertEquals(all, paged);
    JsonNode total = rest.post("/vectors/_search", "{\"size\":0," + q + "}").ok().body();
    assertEquals(20, total.at("/hits/total/value").asInt());
  }

  @Test
  void composesInsideBoolAndBoosts() {
    float[] query = randomVector(new Random(3), DIMS);
    JsonNode plain = searchKnn("vectors", 5, knn(query, 5, ""));
    JsonNode boosted =
        rest.post(
                "/vectors/_search",
                "{\"size\":5,\"query\":{\"bool\":{\"must\":[{\"quiver_knn\":"
                    + knn(query, 5, ",\"boost\":2.0")
                    + "}],\"filter\":[{\"match\":{\"text\":\"even\"}}]}}}")
            .ok()
            .body();
    // Every hit is even and is one of the 5 nearest; scores doubled.
    List<String> top5 = ids(plain);
    for (JsonNode hit : boosted.at("/hits/hits")) {
      String id = hit.get("_id").asText();
      assertEquals(0, Integer.parseInt(id) % 2);
      assertTrue(top5.contains(id));
      float[] v = vectors[Integer.parseInt(id)];
      assertEquals(2 / (1 + l2(query, v)), hit.get("_score").asDouble(), 1e-4);
    }
  }

  @Test
  void minScoreDropsFartherHits() {
    float[] query = randomVector(new Random(9), DIMS);
    List<String> top10 = exactNearest(query, 10, i -> true);
    double cut = 1 / (1 + l2(query, vectors[Integer.parseInt(top10.get(4))]));
    JsonNode r =
        searchKnn(
            "vectors", 10, knn(query, 10, ",\"num_candidates\":200,\"min_score\":" + (cut - 1e-6)));
    assertEquals(top10.subList(0, 5), ids(r));
  }

  @Test
  void explainGivesTheScore() {
    float[] query = randomVector(new Random(13), DIMS);
    JsonNode hit =
        rest.post(
                "/vectors/_search",
                "{\"size\":1,\"explain\":true,\"query\":{\"quiver_knn\":"
                    + knn(query, 3, "")
                    + "}}")
            .ok()
            .body()
            .at("/hits/hits/0");
    assertEquals(hit.get("_score").asDouble(), hit.at("/_explanation/value").asDouble(), 1e-6);
  }

  @Test
  void eachShardReturnsItsKNearest() {
    rest.delete("/sharded");
    rest.put(
            "/sharded",
            """
            {"settings": {"number_of_shards": 3, "number_of_replicas": 0},
             "mappings": {"properties": {"v": {"type": "quiver_vector", "dims": 8, "similarity": "l2_norm"}}}}
            """)
        .ok();
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n");
      bulk.append("{\"v\":").append(Arrays.toString(vectors[i])).append("}\n");
    }
    rest.bulk("/sharded/_bulk?refresh=true", bulk.toString()).ok();
    float[] query = randomVector(new Random(17), DIMS);
    JsonNode r = searchKnn("sharded", 5, knn(query, 5, ""));
    assertEquals(15, r.at("/hits/total/value").asInt(), "3 shards x k=5");
    List<String> exact =
        IntStream.range(0, 300)
            .boxed()
            .sorted(Comparator.comparingDouble(i -> l2(query, vectors[i])))
            .limit(5)
            .map(String::valueOf)
            .toList();
    assertEquals(exact, ids(r));
  }

  @Test
  void flatIndexTypeIsExact() {
    rest.delete("/flat");
    rest.put(
            "/flat",
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {"v": {"type": "quiver_vector", "dims": 8,
               "similarity": "l2_norm", "index_options": {"type": "flat"}}}}}
            """)
        .ok();
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < DOCS; i++) {
      bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n");
      bulk.append("{\"v\":").append(Arrays.toString(vectors[i])).append("}\n");
    }
    rest.bulk("/flat/_bulk?refresh=true", bulk.toString()).ok();
    assertEquals(
        "flat",
        rest.get("/flat/_mapping")
            .ok()
            .body()
            .at("/flat/mappings/properties/v/index_options/type")
            .asText());
    Random random = new Random(23);
    for (int q = 0; q < 10; q++) {
      float[] query = randomVector(random, DIMS);
      JsonNode r = searchKnn("flat", 10, knn(query, 10, ""));
      assertEquals(exactNearest(query, 10, i -> true), ids(r));
    }
  }

  /** Quiver wraps the codec index.codec names: stored fields stay best_compression. */
  @Test
  void keepsTheIndexCodecOfTheIndex() {
    rest.delete("/compressed");
    rest.put(
            "/compressed",
            """
            {"settings": {"number_of_replicas": 0, "index.codec": "best_compression"},
             "mappings": {"properties": {"v": {"type": "quiver_vector", "dims": 2000, "similarity": "l2_norm"}}}}
            """)
        .ok();
    float[] v = new float[2000];
    v[3] = 1f;
    rest.put("/compressed/_doc/1?refresh=true", "{\"v\":" + Arrays.toString(v) + "}").ok();
    JsonNode segments =
        rest.get("/compressed/_segments").ok().body().at("/indices/compressed/shards/0/0/segments");
    assertEquals(
        "BEST_COMPRESSION",
        segments.elements().next().at("/attributes/Lucene90StoredFieldsFormat.mode").asText(),
        segments.toString());
    JsonNode r =
        rest.post(
                "/compressed/_search",
                "{\"query\":{\"quiver_knn\":{\"field\":\"v\",\"vector\":"
                    + Arrays.toString(v)
                    + ",\"k\":1}}}")
            .ok()
            .body();
    assertEquals(List.of("1"), ids(r));
  }

  /**
   * Lucene's own formats stop at 1,024 dimensions: indexing more proves Quiver's codec is in use.
   */
  @Test
  void indexesMoreDimensionsThanLuceneDefaultFormats() {
    int dims = 3000;
    rest.delete("/wide");
    rest.put(
            "/wide",
            "{\"settings\":{\"number_of_replicas\":0},\"mappings\":{\"properties\":{\"v\":{\"type\":\"quiver_vector\",\"dims\":"
                + dims
                + ",\"similarity\":\"cosine\"}}}}")
        .ok();
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      float[] v = new float[dims];
      v[i * 100] = 1f;
      v[dims - 1] = 0.1f;
      bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n");
      bulk.append("{\"v\":").append(Arrays.toString(v)).append("}\n");
    }
    JsonNode bulkResponse = rest.bulk("/wide/_bulk?refresh=true", bulk.toString()).ok().body();
    assertEquals(false, bulkResponse.get("errors").asBoolean(), bulkResponse.toString());
    float[] q = new float[dims];
    q[300] = 1f;
    JsonNode r =
        rest.post(
                "/wide/_search",
                "{\"query\":{\"quiver_knn\":{\"field\":\"v\",\"vector\":"
                    + Arrays.toString(q)
                    + ",\"k\":1}}}")
            .ok()
            .body();
    assertEquals(List.of("3"), ids(r));
  }
}
