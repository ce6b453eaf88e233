package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The request context (what a security plugin uses to carry the user) reaches the shards after
 * Quiver embeds text, exactly as it does without embedding. The stand-in plugin's action filter
 * stamps a request header and a transient from the request's {@code X-Opaque-Id} on the top-level
 * search and bulk; its shard-level listeners record what the query phase and the primary's indexing
 * see ({@code GET _quiver_qa/context/{opaque_id}}). A plain {@code vector} query and a bulk without
 * a pipeline are the baseline: core OpenSearch behaviour the embedded paths must match (same
 * header, transient, parent task and thread pool).
 */
class RequestContextRestTest {

  private static final String INDEX = "context-docs";
  private static final String PIPELINE = "context-embed";
  private static final Pattern POOL = Pattern.compile("^opensearch\\[[^\\]]*\\]\\[([^\\]]+)\\]");

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
               "body": {"type": "text"},
               "body_vec": {"type": "quiver_vector", "dims": 384, "similarity": "cosine"}}}}
            """)
        .ok();
    rest.put(
            "/_ingest/pipeline/" + PIPELINE,
            """
            {"processors": [{"quiver_embed": {"field_map": {"body": "body_vec"}}}]}
            """)
        .ok();
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, Duration.ofMinutes(2));
    rest.bulk(
            "/" + INDEX + "/_bulk?refresh=true&pipeline=" + PIPELINE,
            EmbedRestTest.bulkLine("seed", Map.of("body", "the seed document")))
        .ok();
  }

  @Test
  void queryTextSearchCarriesTheRequestContextToTheShardLikeAVectorQuery() {
    String baselineId = "ctx-vector-" + UUID.randomUUID();
    searchAs(baselineId, "{\"vector\": " + unitVector() + ", \"k\": 3}");
    JsonNode baseline = onlyRecord(baselineId, "query");
    assertCarriesTheStamp(baseline, baselineId);
    assertNotNull(textOrNull(baseline.path("parent_task")), "baseline: " + baseline);

    String opaqueId = "ctx-text-" + UUID.randomUUID();
    searchAs(opaqueId, "{\"query_text\": \"a seed\", \"k\": 3}");
    JsonNode embedded = onlyRecord(opaqueId, "query");
    assertCarriesTheStamp(embedded, opaqueId);
    assertNotNull(textOrNull(embedded.path("parent_task")), "query_text: " + embedded);
    assertEquals(pool(baseline), pool(embedded), "query phase thread pool: " + embedded);
  }

  @Test
  void bulkThroughTheEmbedPipelineCarriesTheRequestContextToTheShardLikeAPlainBulk() {
    String plainId = "ctx-plain-bulk-" + UUID.randomUUID();
    rest.bulk(
            "/" + INDEX + "/_bulk",
            EmbedRestTest.bulkLine("plain-1", Map.of("body", "no pipeline")),
            Map.of("X-Opaque-Id", plainId))
        .ok();
    JsonNode baseline = onlyRecord(plainId, "index");
    assertCarriesTheStamp(baseline, plainId);

    String opaqueId = "ctx-embed-bulk-" + UUID.randomUUID();
    Rest.Response r =
        rest.bulk(
            "/" + INDEX + "/_bulk?pipeline=" + PIPELINE,
            EmbedRestTest.bulkLine("embedded-1", Map.of("body", "embedded on the way in")),
            Map.of("X-Opaque-Id", opaqueId));
    r.ok();
    assertEquals(false, r.body().path("errors").asBoolean(), r.body().toString());
    JsonNode embedded = onlyRecord(opaqueId, "index");
    assertCarriesTheStamp(embedded, opaqueId);
    assertEquals(pool(baseline), pool(embedded), "shard bulk thread pool: " + embedded);
  }

  @Test
  void hybridSearchCarriesTheRequestContextToEachOfItsSearches() {
    String opaqueId = "ctx-hybrid-" + UUID.randomUUID();
    String body =
        "{\"query\": {\"quiver_hybrid\": {\"queries\": [{\"match\": {\"body\": \"seed\"}},"
            + " {\"quiver_knn\": {\"field\": \"body_vec\", \"query_text\": \"a seed\", \"k\": 3}}]}}}";
    JsonNode response =
        rest.send("POST", "/" + INDEX + "/_search", body, Map.of("X-Opaque-Id", opaqueId))
            .ok()
            .body();
    assertTrue(response.path("hits").path("hits").size() > 0, response.toString());
    // Two sub-searches and the final search, each reaching the one shard's query phase.
    JsonNode all = rest.get("/_quiver_qa/context/" + opaqueId).ok().body().path("observed");
    List<JsonNode> queries = new ArrayList<>();
    for (JsonNode record : all) {
      if ("query".equals(record.path("phase").asText())
          && INDEX.equals(record.path("index").asText())) {
        queries.add(record);
      }
    }
    assertEquals(3, queries.size(), all.toString());
    for (JsonNode record : queries) {
      assertCarriesTheStamp(record, opaqueId);
      assertNotNull(textOrNull(record.path("parent_task")), record.toString());
    }
  }

  private static void searchAs(String opaqueId, String knn) {
    String body =
        "{\"query\": {\"quiver_knn\": {\"field\": \"body_vec\", "
            + knn.substring(1, knn.length() - 1)
            + "}}}";
    JsonNode response =
        rest.send("POST", "/" + INDEX + "/_search", body, Map.of("X-Opaque-Id", opaqueId))
            .ok()
            .body();
    assertTrue(response.path("hits").path("hits").size() > 0, response.toString());
  }

  /** The one record of a phase for a request, failing with all records when there is not one. */
  private static JsonNode onlyRecord(String opaqueId, String phase) {
    JsonNode all = rest.get("/_quiver_qa/context/" + opaqueId).ok().body().path("observed");
    List<JsonNode> matching = new ArrayList<>();
    for (JsonNode record : all) {
      if (phase.equals(record.path("phase").asText())
          && INDEX.equals(record.path("index").asText())) {
        matching.add(record);
      }
    }
    assertEquals(
        1,
        matching.size(),
        "shard-level ["
            + phase
            + "] records of the request with X-Opaque-Id ["
            + opaqueId
            + "] (none: the shard did not even see the X-Opaque-Id): "
            + all);
    return matching.get(0).deepCopy();
  }

  /** The stand-in's filter stamps {@code "user-" + X-Opaque-Id} as header and as transient. */
  private static void assertCarriesTheStamp(JsonNode record, String opaqueId) {
    assertEquals("user-" + opaqueId, textOrNull(record.path("header")), "header: " + record);
    assertEquals("user-" + opaqueId, textOrNull(record.path("transient")), "transient: " + record);
  }

  private static String pool(JsonNode record) {
    String thread = record.path("thread").asText();
    Matcher m = POOL.matcher(thread);
    assertTrue(m.find(), "not an OpenSearch pool thread: " + record);
    return m.group(1);
  }

  private static String textOrNull(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }

  private static String unitVector() {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < 384; i++) {
      b.append(i == 0 ? "1" : ",0");
    }
    return b.append(']').toString();
  }
}
