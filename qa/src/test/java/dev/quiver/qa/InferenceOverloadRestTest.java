package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quiver's inference pools are node thread pools, and a full inference queue refuses bulk items
 * with 429 (which bulk clients back off on), never 500. The QA node runs 2 document inference
 * threads with the default queue of 1000; one bulk of 1,200 documents through a pipeline with
 * {@code batch_size: 1} submits 1,200 jobs at once.
 */
class InferenceOverloadRestTest {

  private static final String INDEX = "overload-docs";
  private static final int DOCS = 1200;

  private static Rest rest;

  @BeforeAll
  static void setUp() throws Exception {
    rest = QaNode.rest();
    rest.delete("/" + INDEX);
    rest.put(
            "/" + INDEX,
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {
               "body_vec": {"type": "quiver_vector", "dims": 384, "similarity": "cosine"}}}}
            """)
        .ok();
    rest.put(
            "/_ingest/pipeline/overload-embed",
            """
            {"processors": [{"quiver_embed": {"field_map": {"body": "body_vec"}, "batch_size": 1}}]}
            """)
        .ok();
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, Duration.ofMinutes(2));
  }

  @Test
  void theInferencePoolsAreListedInCatThreadPool() {
    JsonNode pools =
        rest.get("/_cat/thread_pool/quiver*?format=json&h=name,size,queue_size").ok().body();
    Map<String, JsonNode> byName = new TreeMap<>();
    pools.forEach(p -> byName.put(p.path("name").asText(), p));
    assertEquals(Set.of("quiver_inference", "quiver_query_inference"), byName.keySet(), "" + pools);
    assertEquals(2, byName.get("quiver_inference").path("size").asInt(), "" + pools);
    assertEquals(1000, byName.get("quiver_inference").path("queue_size").asInt(), "" + pools);
  }

  @Test
  void aFullInferenceQueueRefusesBulkItemsWith429() {
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < DOCS; i++) {
      bulk.append(EmbedRestTest.bulkLine("d" + i, Map.of("body", "overload document " + i)));
    }
    JsonNode response =
        rest.bulk("/" + INDEX + "/_bulk?pipeline=overload-embed", bulk.toString()).ok().body();
    Map<Integer, Integer> statuses = new TreeMap<>();
    Set<String> reasons = new TreeSet<>();
    for (JsonNode item : response.path("items")) {
      JsonNode index = item.path("index");
      int status = index.path("status").asInt();
      statuses.merge(status, 1, Integer::sum);
      if (status == 429) {
        reasons.add(index.path("error").path("type").asText());
        String reason = index.path("error").toString();
        assertTrue(reason.contains("[quiver_inference] is full"), reason);
      }
    }
    assertEquals(Set.of(201, 429), statuses.keySet(), "item statuses: " + statuses);
    assertTrue(statuses.get(201) >= 1000, "items admitted: " + statuses);
    assertEquals(Set.of("rejected_execution_exception"), reasons, "error types");
  }
}
