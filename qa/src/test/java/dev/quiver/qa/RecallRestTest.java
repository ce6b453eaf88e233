package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quiver.bench.Fvecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Recall of {@code quiver_knn} with default settings on real 384-d bge-small embeddings (48,375
 * SciFact sentences, 1,000 held-out queries, exact cosine top-100 given), measured through REST.
 */
class RecallRestTest {

  static final double REQUIRED_RECALL_AT_10 = 0.97;

  @Test
  void recallAt10WithDefaultSettings() throws Exception {
    Path shared = QaNode.shared();
    assumeTrue(shared != null, "../shared is absent: skipping the SciFact recall check");
    Path dir = shared.resolve("vectors/scifact-bge-small");
    assumeTrue(Files.isDirectory(dir), dir + " is absent: skipping the SciFact recall check");
    float[][] base = Fvecs.readFloats(dir.resolve("base.fvecs"));
    float[][] queries = Fvecs.readFloats(dir.resolve("queries.fvecs"));
    int[][] truth = Fvecs.readInts(dir.resolve("queries_groundtruth_cosine_top100.ivecs"));
    assertEquals(queries.length, truth.length);

    Rest rest = QaNode.rest();
    rest.delete("/scifact");
    rest.put(
            "/scifact",
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": -1},
             "mappings": {"_source": {"excludes": ["v"]},
                          "properties": {"v": {"type": "quiver_vector", "dims": 384, "similarity": "cosine"}}}}
            """)
        .ok();
    long start = System.nanoTime();
    StringBuilder bulk = new StringBuilder(1 << 24);
    for (int i = 0; i < base.length; i++) {
      bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n{\"v\":");
      appendVector(bulk, base[i]);
      bulk.append("}\n");
      if (i % 2000 == 1999 || i == base.length - 1) {
        JsonNode r = rest.bulk("/scifact/_bulk", bulk.toString()).ok().body();
        assertEquals(false, r.get("errors").asBoolean(), "bulk errors");
        bulk.setLength(0);
      }
    }
    rest.post("/scifact/_refresh", null).ok();
    double indexSeconds = (System.nanoTime() - start) / 1e9;
    assertEquals(base.length, rest.get("/scifact/_count").ok().body().get("count").asInt());
    int segments =
        rest.get("/scifact/_segments")
            .ok()
            .body()
            .at("/indices/scifact/shards/0/0/num_search_segments")
            .asInt();

    int found = 0;
    start = System.nanoTime();
    for (int q = 0; q < queries.length; q++) {
      StringBuilder body =
          new StringBuilder(
              "{\"size\":10,\"_source\":false,\"query\":{\"quiver_knn\":{\"field\":\"v\",\"k\":10,\"vector\":");
      appendVector(body, queries[q]);
      body.append("}}}");
      JsonNode hits = rest.post("/scifact/_search", body.toString()).ok().body().at("/hits/hits");
      Set<Integer> exact = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        exact.add(truth[q][i]);
      }
      for (JsonNode hit : hits) {
        if (exact.contains(Integer.parseInt(hit.get("_id").asText()))) {
          found++;
        }
      }
    }
    double searchSeconds = (System.nanoTime() - start) / 1e9;
    double recall = found / (10.0 * queries.length);
    System.out.printf(
        "QUIVER-RECALL scifact-bge-small: recall@10=%.4f (%d queries, %d docs, %d segments, defaults m=16"
            + " ef_construction=100 num_candidates=100); indexing %.1fs, %.2f ms/query over REST%n",
        recall,
        queries.length,
        base.length,
        segments,
        indexSeconds,
        searchSeconds * 1000 / queries.length);
    assertTrue(
        recall >= REQUIRED_RECALL_AT_10, "recall@10 " + recall + " < " + REQUIRED_RECALL_AT_10);
    rest.delete("/scifact");
  }

  private static void appendVector(StringBuilder sb, float[] v) {
    sb.append('[');
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(v[i]);
    }
    sb.append(']');
  }
}
