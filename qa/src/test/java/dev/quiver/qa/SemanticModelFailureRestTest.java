package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code quiver_semantic} field whose model fails at inference ({@link BrokenModel}: its
 * configuration is readable, its ONNX file is not): each document fails with the reason, nothing of
 * it is indexed, and the other index's documents of the same bulk are indexed.
 */
class SemanticModelFailureRestTest {

  private static Rest rest;

  @BeforeAll
  static void connect() throws Exception {
    rest = QaNode.rest();
    EmbedModels.awaitLoaded(rest, EmbedModels.DEFAULT_MODEL, Duration.ofMinutes(3));
  }

  @Test
  void aModelThatFailsFailsEachDocumentWithTheReasonAndIndexesNothingOfIt() {
    rest.delete("/semantic-broken");
    rest.delete("/semantic-working");
    rest.put(
            "/semantic-broken",
            "{\"mappings\": {\"properties\": {\"body\": {\"type\": \"quiver_semantic\", \"model\": \""
                + BrokenModel.NAME
                + "\"}}}}")
        .ok();
    rest.put(
            "/semantic-working",
            "{\"mappings\": {\"properties\": {\"body\": {\"type\": \"quiver_semantic\"}}}}")
        .ok();
    String bulk =
        """
        {"index": {"_index": "semantic-broken", "_id": "1"}}
        {"body": "Glaciers carve U-shaped valleys."}
        {"index": {"_index": "semantic-working", "_id": "2"}}
        {"body": "Volcanoes form where magma reaches the surface."}
        {"index": {"_index": "semantic-broken", "_id": "3"}}
        {"body": "Tides follow the Moon."}
        """;
    JsonNode items = rest.bulk("/_bulk?refresh=true", bulk).ok().body().path("items");
    assertEquals(3, items.size(), items.toString());
    for (int i : new int[] {0, 2}) {
      JsonNode item = items.get(i).path("index");
      assertTrue(item.path("status").asInt() >= 400, item.toString());
      String reason = item.path("error").toString();
      assertTrue(reason.contains("body"), "names the field: " + reason);
      assertTrue(reason.contains(BrokenModel.NAME), "names the model: " + reason);
    }
    assertEquals(201, items.get(1).path("index").path("status").asInt(), items.toString());
    assertEquals(
        0,
        rest.get("/semantic-broken/_count").ok().body().path("count").asInt(),
        "nothing indexed");
    assertEquals(1, rest.get("/semantic-working/_count").ok().body().path("count").asInt());
    rest.delete("/semantic-broken");
    rest.delete("/semantic-working");
  }
}
