package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** A model that cannot load is reported with its file and reason; the node and other models run. */
class BrokenModelRestTest {

  @Test
  void brokenModelIsReportedAndTheNodeRuns() throws Exception {
    Rest rest = QaNode.rest();
    JsonNode broken = null;
    for (JsonNode model : rest.get("/_plugins/_quiver/models").ok().body().get("models")) {
      if (model.get("name").asText().equals(QaNode.BROKEN_MODEL)) {
        broken = model;
      }
    }
    assertTrue(broken != null, "the broken model is listed");
    assertEquals("failed", broken.get("state").asText(), broken.toString());
    assertEquals("config", broken.get("source").asText());
    String error = broken.get("error").asText();
    assertTrue(error.contains("quiver-model.json"), error);
    assertTrue(error.contains("max_tokens") || error.contains("output"), error);
    // Using it is a clear error, not a crash.
    Rest.Response pipeline =
        rest.put(
            "/_ingest/pipeline/broken",
            "{\"processors\":[{\"quiver_embed\":{\"model\":\""
                + QaNode.BROKEN_MODEL
                + "\",\"field_map\":{\"t\":\"v\"}}}]}");
    if (pipeline.status() == 200) {
      Rest.Response doc =
          rest.post(
              "/_ingest/pipeline/broken/_simulate", "{\"docs\":[{\"_source\":{\"t\":\"x\"}}]}");
      assertTrue(doc.body().toString().contains("failed to load"), doc.body().toString());
    } else {
      assertEquals(400, pipeline.status(), pipeline.body().toString());
    }
    assertEquals("green", rest.get("/_cluster/health").ok().body().get("status").asText());
  }
}
