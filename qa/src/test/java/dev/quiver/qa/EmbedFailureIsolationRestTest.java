package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_DIMS;
import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A document the model cannot embed fails alone, named, even when it shares a model run (a
 * sub-batch of {@code batch_size} documents) with documents that embed fine; and {@code
 * quiver_embed}'s vectors survive every way a pipeline's document leaves the node ({@code _bulk}
 * into a {@code quiver_vector} field, {@code _simulate}).
 */
class EmbedFailureIsolationRestTest {

  private static final Duration MODEL_LOAD_TIMEOUT = Duration.ofMinutes(2);

  /**
   * About 36,000 tokens: more than {@code long_text: chunk} allows (64 chunks of 510 tokens), so
   * the engine refuses this one text.
   */
  private static final String TOO_LONG_TO_CHUNK =
      "Mitochondria produce most of the chemical energy of the cell. ".repeat(3000);

  private static Rest rest;

  @BeforeAll
  static void createIndex() throws Exception {
    rest = QaNode.rest();
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, MODEL_LOAD_TIMEOUT);
    rest.delete("/embed-isolation");
    rest.put(
            "/embed-isolation",
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"dynamic": false, "properties": {
               "body_vec": {"type": "quiver_vector", "dims": 384, "similarity": "cosine"}}}}
            """)
        .ok();
    rest.put(
            "/_ingest/pipeline/embed-isolation",
            """
            {"processors": [{"quiver_embed": {"field_map": {"body": "body_vec"},
                                              "long_text": "chunk", "batch_size": 4}}]}
            """)
        .ok();
  }

  @Test
  void aTextTheModelRefusesFailsOnlyItsOwnDocumentNamingTheField() {
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("iso-good-1", "Vitamin D deficiency is linked to bone loss in older adults.");
    docs.put("iso-too-long", TOO_LONG_TO_CHUNK);
    docs.put("iso-good-2", "The striker scored twice in the final.");
    docs.put("iso-good-3", "Stock markets fell sharply on Monday.");
    StringBuilder bulk = new StringBuilder();
    docs.forEach((id, body) -> bulk.append(EmbedRestTest.bulkLine(id, Map.of("body", body))));
    JsonNode r =
        rest.bulk("/embed-isolation/_bulk?pipeline=embed-isolation&refresh=true", bulk.toString())
            .ok()
            .body();
    JsonNode items = r.get("items");
    assertEquals(4, items.size(), r.toString());
    for (int i : List.of(0, 2, 3)) {
      JsonNode item = items.get(i).get("index");
      assertEquals(201, item.get("status").asInt(), "good document failed: " + item);
    }
    JsonNode bad = items.get(1).get("index");
    assertEquals("iso-too-long", bad.get("_id").asText(), bad.toString());
    assertEquals(400, bad.get("status").asInt(), bad.toString());
    String reason = bad.at("/error/reason").asText();
    assertTrue(
        reason.startsWith("[quiver_embed] field [body] of document [iso-too-long]: "),
        "reason does not name the field and document: " + reason);
    assertTrue(reason.contains("more than chunking allows"), reason);
    assertTrue(reason.contains("model [" + DEFAULT_MODEL + "]"), reason);

    assertEquals(404, rest.get("/embed-isolation/_doc/iso-too-long").status());
    for (String id : List.of("iso-good-1", "iso-good-2", "iso-good-3")) {
      JsonNode vector = rest.get("/embed-isolation/_doc/" + id).ok().body().at("/_source/body_vec");
      assertEquals(DEFAULT_DIMS, vector.size(), id + ": " + vector);
    }
    assertEquals(3, rest.get("/embed-isolation/_count").ok().body().get("count").asInt());
  }

  @Test
  void simulateShowsTheVectorsAsArraysOfNumbers() {
    JsonNode r =
        rest.post(
                "/_ingest/pipeline/embed-isolation/_simulate",
                """
                {"docs": [{"_id": "sim-1", "_source": {"body": "Quantum dots emit light."}},
                          {"_id": "sim-2", "_source": {"body": "%s"}}]}
                """
                    .formatted(TOO_LONG_TO_CHUNK))
            .ok()
            .body();
    JsonNode vector = r.at("/docs/0/doc/_source/body_vec");
    assertEquals(DEFAULT_DIMS, vector.size(), r.at("/docs/0").toString());
    double norm = 0;
    for (JsonNode x : vector) {
      assertTrue(x.isNumber(), vector.toString());
      norm += x.asDouble() * x.asDouble();
    }
    assertEquals(1.0, Math.sqrt(norm), 1e-3);
    String reason = r.at("/docs/1/error/reason").asText();
    assertTrue(
        reason.startsWith("[quiver_embed] field [body] of document [sim-2]: "),
        r.at("/docs/1").toString());
  }
}
