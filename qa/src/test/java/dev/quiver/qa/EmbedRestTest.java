package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_DIMS;
import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Embedding inside the node, over REST: the models API, the {@code quiver_embed} ingest processor
 * (configuration errors, per-document failures in a bulk, {@code ignore_missing}, {@code
 * on_failure}, token output) and {@code quiver_knn} with {@code query_text}. SciFact embedded and
 * searched end to end by the node: {@link ScifactRestTest}.
 */
class EmbedRestTest {

  private static final Duration MODEL_LOAD_TIMEOUT = Duration.ofMinutes(2);

  private static Rest rest;

  @BeforeAll
  static void createIndex() throws Exception {
    rest = QaNode.rest();
    rest.delete("/embed-docs");
    rest.put(
            "/embed-docs",
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {
               "body": {"type": "text"},
               "title": {"type": "text"},
               "body_vec": {"type": "quiver_vector", "dims": 384, "similarity": "cosine"},
               "title_vec": {"type": "quiver_vector", "dims": 384, "similarity": "cosine"}}}}
            """)
        .ok();
  }

  @Test
  void modelsApiListsTheDefaultModelAndItLoads() throws Exception {
    JsonNode listed = EmbedModels.describe(rest, DEFAULT_MODEL);
    assertFalse(listed.isMissingNode(), "default model not listed");
    assertEquals("plugin", listed.path("source").asText(), listed.toString());
    assertEquals(DEFAULT_DIMS, listed.path("dims").asInt(), listed.toString());
    assertTrue(
        List.of("loading", "loaded").contains(listed.path("state").asText()), listed.toString());

    JsonNode model = EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, MODEL_LOAD_TIMEOUT);
    assertEquals(DEFAULT_DIMS, model.path("dims").asInt());
    assertEquals("cls", model.path("pooling").asText());
    assertTrue(model.path("normalize").asBoolean(), model.toString());
    assertTrue(
        model.path("query_prefix").asText().startsWith("Represent this sentence"),
        model.toString());
    assertTrue(model.path("error").isMissingNode(), model.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown model       | {\"model\":\"no-such-model\",\"field_map\":{\"a\":\"b\"}} | unknown model [no-such-model]",
        "missing field_map   | {\"model\":\"bge-small-en-v1.5\"}                         | [field_map] required property is missing",
        "empty field_map     | {\"field_map\":{}}                                        | must map at least one text field",
        "target not a string | {\"field_map\":{\"a\":7}}                                 | target of [a] must be a field name",
        "bad output          | {\"field_map\":{\"a\":\"b\"},\"output\":\"sparse\"}       | must be [dense], [tokens] or [chunks], got [sparse]",
        "chunks truncated    | {\"field_map\":{\"a\":\"b\"},\"output\":\"chunks\",\"long_text\":\"truncate\"} | must be [chunk] with output [chunks]",
        "bad long_text       | {\"field_map\":{\"a\":\"b\"},\"long_text\":\"drop\"}   | must be [truncate] or [chunk], got [drop]",
        "unknown parameter   | {\"field_map\":{\"a\":\"b\"},\"colour\":\"red\"}          | doesn't support one or more provided configuration parameters [colour]",
        "zero batch size     | {\"field_map\":{\"a\":\"b\"},\"batch_size\":0}            | batch size must be a positive integer",
      })
  void badPipelineConfigurationIsRefusedWithTheReason(String name, String config, String message) {
    rest.delete("/_ingest/pipeline/embed-bad");
    Rest.Response r =
        rest.put(
            "/_ingest/pipeline/embed-bad", "{\"processors\":[{\"quiver_embed\":" + config + "}]}");
    r.badRequest(message);
    assertEquals(404, rest.get("/_ingest/pipeline/embed-bad").status(), name + " was stored");
  }

  @Test
  void badDocumentsInABulkFailAloneWithTheirReason() throws Exception {
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, MODEL_LOAD_TIMEOUT);
    rest.put(
            "/_ingest/pipeline/embed-body",
            """
            {"processors": [{"quiver_embed": {"field_map": {"body": "body_vec"}, "batch_size": 4}}]}
            """)
        .ok();
    String good = "Mitochondria produce most of the chemical energy of the cell.";
    JsonNode r =
        rest.bulk(
                "/embed-docs/_bulk?pipeline=embed-body&refresh=true",
                bulkLine("bulk-good-1", Map.of("body", good))
                    + bulkLine("bulk-missing", Map.of("title", "no body here"))
                    + bulkLine("bulk-number", Map.of("body", 42))
                    + bulkLine("bulk-empty", Map.of("body", ""))
                    + bulkLine("bulk-blank", Map.of("body", "   "))
                    + bulkLine(
                        "bulk-good-2", Map.of("body", "Stock markets fell sharply on Monday."))
                    + bulkLine("bulk-good-3", Map.of("body", good)))
            .ok()
            .body();
    assertTrue(r.get("errors").asBoolean(), r.toString());
    Map<String, JsonNode> items = itemsById(r);
    assertEquals(7, items.size(), r.toString());
    assertItem(items.get("bulk-good-1"), 201, null);
    assertItem(items.get("bulk-missing"), 400, "[quiver_embed] field [body] is missing");
    assertItem(
        items.get("bulk-number"),
        400,
        "[quiver_embed] field [body] must be a string, got [Integer]");
    assertItem(items.get("bulk-empty"), 400, "[quiver_embed] field [body] is empty");
    assertItem(items.get("bulk-blank"), 400, "[quiver_embed] field [body] is empty");
    assertItem(items.get("bulk-good-2"), 201, null);
    assertItem(items.get("bulk-good-3"), 201, null);

    for (String bad : List.of("bulk-missing", "bulk-number", "bulk-empty", "bulk-blank")) {
      assertEquals(404, rest.get("/embed-docs/_doc/" + bad).status(), bad + " was indexed");
    }
    float[] v1 = vector(rest.get("/embed-docs/_doc/bulk-good-1").ok().body(), "body_vec");
    float[] v2 = vector(rest.get("/embed-docs/_doc/bulk-good-2").ok().body(), "body_vec");
    float[] v3 = vector(rest.get("/embed-docs/_doc/bulk-good-3").ok().body(), "body_vec");
    assertEquals(DEFAULT_DIMS, v1.length);
    assertEquals(1.0, norm(v1), 1e-3);
    // One text per model run: the same text gets the same vector whatever its batch mates.
    assertTrue(java.util.Arrays.equals(v1, v3), "same text, different vectors");
    assertTrue(dot(v1, v2) < 0.9, "unrelated texts too similar: " + dot(v1, v2));
  }

  /**
   * The bulk response lists items in request order, failed ones included, even when the documents
   * are embedded in several sub-batches that finish in another order: here the second sub-batch
   * (two documents failing before inference) completes before the first (which waits for the
   * model).
   */
  @Test
  void bulkResponseKeepsRequestOrderWhenDocumentsFail() throws Exception {
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, MODEL_LOAD_TIMEOUT);
    rest.put(
            "/_ingest/pipeline/embed-body-2",
            """
            {"processors": [{"quiver_embed": {"field_map": {"body": "body_vec"}, "batch_size": 2}}]}
            """)
        .ok();
    List<String> ids = List.of("order-good", "order-missing", "order-number", "order-empty");
    JsonNode r =
        rest.bulk(
                "/embed-docs/_bulk?pipeline=embed-body-2",
                bulkLine(ids.get(0), Map.of("body", "A sentence the model has to embed first."))
                    + bulkLine(ids.get(1), Map.of("title", "no body"))
                    + bulkLine(ids.get(2), Map.of("body", 7))
                    + bulkLine(ids.get(3), Map.of("body", "")))
            .ok()
            .body();
    List<String> returned = new ArrayList<>();
    r.get("items").forEach(item -> returned.add(item.get("index").get("_id").asText()));
    assertEquals(ids, returned, "bulk items not in request order: " + r);
    assertItem(r.at("/items/0"), 201, null);
    assertItem(r.at("/items/1"), 400, "[quiver_embed] field [body] is missing");
    assertItem(r.at("/items/2"), 400, "[quiver_embed] field [body] must be a string");
    assertItem(r.at("/items/3"), 400, "[quiver_embed] field [body] is empty");
  }

  @Test
  void queryTextFindsTheDocumentAboutIt() throws Exception {
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, MODEL_LOAD_TIMEOUT);
    rest.delete("/embed-search");
    rest.put(
            "/embed-search",
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {
               "body_vec": {"type": "quiver_vector", "dims": 384, "similarity": "cosine"}}}}
            """)
        .ok();
    rest.put(
            "/_ingest/pipeline/embed-body-1",
            "{\"processors\": [{\"quiver_embed\": {\"field_map\": {\"body\": \"body_vec\"}}}]}")
        .ok();
    JsonNode r =
        rest.bulk(
                "/embed-search/_bulk?pipeline=embed-body-1&refresh=true",
                bulkLine("q-cell", Map.of("body", "Mitochondria are the powerhouse of the cell."))
                    + bulkLine(
                        "q-market", Map.of("body", "The central bank raised interest rates."))
                    + bulkLine(
                        "q-football", Map.of("body", "The striker scored twice in the final.")))
            .ok()
            .body();
    assertFalse(r.get("errors").asBoolean(), r.toString());
    for (String model : List.of("", ",\"model\":\"bge-small-en-v1.5\"")) {
      JsonNode hits =
          rest.post(
                  "/embed-search/_search",
                  "{\"size\":3,\"_source\":false,\"query\":{\"quiver_knn\":{\"field\":\"body_vec\","
                      + "\"k\":3,\"query_text\":\"Which organelle makes the energy of a cell?\""
                      + model
                      + "}}}")
              .ok()
              .body()
              .at("/hits/hits");
      assertEquals(3, hits.size(), hits.toString());
      assertEquals("q-cell", hits.get(0).get("_id").asText(), hits.toString());
    }
    Rest.Response unknown =
        rest.post(
            "/embed-search/_search",
            "{\"query\":{\"quiver_knn\":{\"field\":\"body_vec\",\"k\":3,"
                + "\"query_text\":\"energy\",\"model\":\"no-such-model\"}}}");
    unknown.badRequest("unknown model [no-such-model]");
    rest.delete("/embed-search");
  }

  @Test
  void ignoreMissingSkipsAbsentFields() throws Exception {
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, MODEL_LOAD_TIMEOUT);
    rest.put(
            "/_ingest/pipeline/embed-optional",
            """
            {"processors": [{"quiver_embed": {
              "field_map": {"title": "title_vec", "body": "body_vec"}, "ignore_missing": true}}]}
            """)
        .ok();
    JsonNode r =
        rest.bulk(
                "/embed-docs/_bulk?pipeline=embed-optional&refresh=true",
                bulkLine("opt-body", Map.of("body", "Only a body, no title."))
                    + bulkLine("opt-none", Map.of("other", "neither field"))
                    + bulkLine("opt-both", Map.of("title", "A title", "body", "And a body.")))
            .ok()
            .body();
    assertFalse(r.get("errors").asBoolean(), r.toString());
    JsonNode body = rest.get("/embed-docs/_doc/opt-body").ok().body().get("_source");
    assertEquals(DEFAULT_DIMS, body.get("body_vec").size());
    assertFalse(body.has("title_vec"), body.toString());
    JsonNode none = rest.get("/embed-docs/_doc/opt-none").ok().body().get("_source");
    assertFalse(none.has("title_vec") || none.has("body_vec"), none.toString());
    JsonNode both = rest.get("/embed-docs/_doc/opt-both").ok().body().get("_source");
    assertEquals(DEFAULT_DIMS, both.get("title_vec").size());
    assertEquals(DEFAULT_DIMS, both.get("body_vec").size());
  }

  @Test
  void onFailureHandlerRecordsTheReasonAndIndexes() throws Exception {
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, MODEL_LOAD_TIMEOUT);
    rest.put(
            "/_ingest/pipeline/embed-on-failure",
            """
            {"processors": [{"quiver_embed": {"field_map": {"body": "body_vec"}, "batch_size": 8}}],
             "on_failure": [{"set": {"field": "embed_error", "value": "{{ _ingest.on_failure_message }}"}}]}
            """)
        .ok();
    JsonNode r =
        rest.bulk(
                "/embed-docs/_bulk?pipeline=embed-on-failure&refresh=true",
                bulkLine("fail-missing", Map.of("title", "no body"))
                    + bulkLine("fail-number", Map.of("body", 3.5))
                    + bulkLine("fail-ok", Map.of("body", "A perfectly fine sentence.")))
            .ok()
            .body();
    assertFalse(r.get("errors").asBoolean(), r.toString());
    JsonNode missing = rest.get("/embed-docs/_doc/fail-missing").ok().body().get("_source");
    assertTrue(
        missing.path("embed_error").asText().startsWith("[quiver_embed] field [body] is missing"),
        missing.toString());
    assertFalse(missing.has("body_vec"), missing.toString());
    JsonNode number = rest.get("/embed-docs/_doc/fail-number").ok().body().get("_source");
    assertTrue(
        number
            .path("embed_error")
            .asText()
            .startsWith("[quiver_embed] field [body] must be a string"),
        number.toString());
    JsonNode ok = rest.get("/embed-docs/_doc/fail-ok").ok().body().get("_source");
    assertFalse(ok.has("embed_error"), ok.toString());
    assertEquals(DEFAULT_DIMS, ok.get("body_vec").size());
  }

  @Test
  void tokensOutputWritesOneUnitVectorPerContentToken() throws Exception {
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, MODEL_LOAD_TIMEOUT);
    rest.delete("/embed-tokens");
    rest.put(
            "/embed-tokens",
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"dynamic": false, "properties": {"body": {"type": "text"}}}}
            """)
        .ok();
    rest.put(
            "/_ingest/pipeline/embed-tokens",
            """
            {"processors": [{"quiver_embed": {"field_map": {"body": "body_tokens"}, "output": "tokens"}}]}
            """)
        .ok();
    rest.put(
            "/embed-tokens/_doc/t1?pipeline=embed-tokens&refresh=true",
            "{\"body\": \"Quantum dots emit light of many colours.\"}")
        .ok();
    rest.put(
            "/embed-tokens/_doc/t2?pipeline=embed-tokens&refresh=true",
            "{\"body\": \"Quantum dots emit light of many colours, and more words make more tokens.\"}")
        .ok();
    JsonNode t1 = rest.get("/embed-tokens/_doc/t1").ok().body().at("/_source/body_tokens");
    JsonNode t2 = rest.get("/embed-tokens/_doc/t2").ok().body().at("/_source/body_tokens");
    assertTrue(t1.isArray() && t1.size() > 0, t1.toString());
    // [CLS] and [SEP] are left out: at most one vector per word piece of these short texts.
    assertTrue(t1.size() < 20, "too many token vectors: " + t1.size());
    assertTrue(t2.size() > t1.size(), t1.size() + " vs " + t2.size());
    for (JsonNode row : List.of(t1, t2)) {
      for (JsonNode token : row) {
        float[] v = floats(token);
        assertEquals(DEFAULT_DIMS, v.length);
        assertEquals(1.0, norm(v), 1e-3);
      }
    }
    // The document text starts the same way: the first tokens' vectors are close (contextual).
    assertTrue(dot(floats(t1.get(0)), floats(t2.get(0))) > 0.8);
    rest.delete("/embed-tokens");
  }

  /**
   * {@code output: chunks} writes one dense vector per chunk: a text of 1,200 single-token words
   * (1,200 tokens, the default model fitting 510 between [CLS] and [SEP]) is 3 chunks; a text that
   * fits is one, the vector {@code output: dense} writes.
   */
  @Test
  void chunksOutputWritesOneDenseVectorPerChunk() throws Exception {
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, MODEL_LOAD_TIMEOUT);
    rest.delete("/embed-chunks");
    rest.put(
            "/embed-chunks",
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"dynamic": false, "properties": {"body": {"type": "text"}}}}
            """)
        .ok();
    rest.put(
            "/_ingest/pipeline/embed-chunks",
            """
            {"processors": [{"quiver_embed": {"field_map": {"body": "body_chunks"}, "output": "chunks"}},
                            {"quiver_embed": {"field_map": {"body": "body_vec"}}}]}
            """)
        .ok();
    int words = 1_200;
    int room = 512 - 2;
    String longText = "the cell makes energy ".repeat(words / 4).strip();
    rest.put(
            "/embed-chunks/_doc/long?pipeline=embed-chunks&refresh=true",
            "{\"body\": \"" + longText + "\"}")
        .ok();
    rest.put(
            "/embed-chunks/_doc/short?pipeline=embed-chunks&refresh=true",
            "{\"body\": \"Mitochondria produce most of the chemical energy of the cell.\"}")
        .ok();
    JsonNode chunks = rest.get("/embed-chunks/_doc/long").ok().body().at("/_source/body_chunks");
    assertTrue(chunks.isArray(), chunks.toString());
    assertEquals((words + room - 1) / room, chunks.size());
    for (JsonNode chunk : chunks) {
      float[] v = floats(chunk);
      assertEquals(DEFAULT_DIMS, v.length);
      assertEquals(1.0, norm(v), 1e-3);
    }
    // the chunks hold different stretches of the text: their vectors differ
    assertTrue(dot(floats(chunks.get(0)), floats(chunks.get(2))) < 0.9999);
    JsonNode shortDoc = rest.get("/embed-chunks/_doc/short").ok().body().at("/_source");
    JsonNode one = shortDoc.path("body_chunks");
    assertEquals(1, one.size(), one.toString());
    float[] dense = floats(shortDoc.path("body_vec"));
    float[] chunk = floats(one.get(0));
    for (int i = 0; i < dense.length; i++) {
      assertEquals(dense[i], chunk[i], 1e-6f, "dimension " + i);
    }
    rest.delete("/embed-chunks");
  }

  static String bulkLine(String id, Map<String, ?> source) {
    try {
      return "{\"index\":{\"_id\":"
          + Rest.JSON.writeValueAsString(id)
          + "}}\n"
          + Rest.JSON.writeValueAsString(source)
          + "\n";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, JsonNode> itemsById(JsonNode bulkResponse) {
    Map<String, JsonNode> items = new java.util.LinkedHashMap<>();
    bulkResponse.get("items").forEach(item -> items.put(item.at("/index/_id").asText(), item));
    return items;
  }

  private static void assertItem(JsonNode item, int status, String reasonPrefix) {
    assertTrue(item != null && item.has("index"), "no such bulk item: " + item);
    JsonNode index = item.get("index");
    assertEquals(status, index.get("status").asInt(), item.toString());
    if (reasonPrefix != null) {
      String reason = index.at("/error/reason").asText();
      assertTrue(reason.startsWith(reasonPrefix), "[" + reasonPrefix + "] does not start " + item);
    }
  }

  private static float[] vector(JsonNode getResponse, String field) {
    return floats(getResponse.at("/_source/" + field));
  }

  private static float[] floats(JsonNode array) {
    assertTrue(array.isArray(), "not an array: " + array);
    float[] v = new float[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) array.get(i).asDouble();
    }
    return v;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static double norm(float[] v) {
    return Math.sqrt(dot(v, v));
  }
}
