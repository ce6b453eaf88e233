package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A model whose configuration and tokenizer are valid but whose ONNX file is corrupt ({@link
 * BrokenModel}) fails in ONNX Runtime's load and is reported with the file and reason; the node and
 * the other models run on.
 */
class BrokenModelRestTest {

  static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);

  @Test
  void brokenOnnxFileIsReportedAndTheNodeRuns() throws Exception {
    Rest rest = QaNode.rest();
    JsonNode broken = awaitSettled(rest, BrokenModel.NAME);
    assertEquals("failed", broken.path("state").asText(), broken.toString());
    assertEquals("config", broken.path("source").asText(), broken.toString());
    String error = broken.path("error").asText();
    // The failure is ONNX Runtime's, on the model file: the config and tokenizer were accepted.
    assertTrue(error.contains("cannot load ["), error);
    assertTrue(error.contains("config/quiver/models/" + BrokenModel.NAME + "/model.onnx]"), error);
    assertTrue(error.contains("ORT_"), "ONNX Runtime's error code: " + error);
    assertFalse(error.contains("quiver-model.json"), error);
    assertFalse(error.contains("tokenizer"), error);
    assertEquals(384, broken.path("dims").asInt(), "the config was read: " + broken);

    // Using it is a clear error, not a crash.
    Rest.Response pipeline =
        rest.put(
            "/_ingest/pipeline/broken",
            "{\"processors\":[{\"quiver_embed\":{\"model\":\""
                + BrokenModel.NAME
                + "\",\"field_map\":{\"t\":\"v\"}}}]}");
    if (pipeline.status() == 200) {
      Rest.Response doc =
          rest.post(
              "/_ingest/pipeline/broken/_simulate", "{\"docs\":[{\"_source\":{\"t\":\"x\"}}]}");
      assertTrue(doc.body().toString().contains("failed to load"), doc.body().toString());
      rest.delete("/_ingest/pipeline/broken").ok();
    } else {
      assertEquals(400, pipeline.status(), pipeline.body().toString());
    }

    // The node runs on, and so does the default model.
    // Not "green": other tests on the shared node may have left indices with unassigned replicas.
    assertNotEquals("red", rest.get("/_cluster/health").ok().body().get("status").asText());
    EmbedModels.awaitLoaded(rest, EmbedModels.DEFAULT_MODEL, LOAD_TIMEOUT);
    Rest.Response embedded =
        rest.post(
            "/_ingest/pipeline/_simulate",
            "{\"pipeline\":{\"processors\":[{\"quiver_embed\":{\"field_map\":{\"t\":\"v\"}}}]},"
                + "\"docs\":[{\"_source\":{\"t\":\"the node still embeds\"}}]}");
    JsonNode vector = embedded.ok().body().at("/docs/0/doc/_source/v");
    assertEquals(EmbedModels.DEFAULT_DIMS, vector.size(), embedded.body().toString());
  }

  /** Polls the models API until the model has left the {@code loading} state. */
  private static JsonNode awaitSettled(Rest rest, String name) throws InterruptedException {
    Instant deadline = Instant.now().plus(LOAD_TIMEOUT);
    while (true) {
      JsonNode model = EmbedModels.describe(rest, name);
      assertFalse(model.isMissingNode(), "model [" + name + "] is not listed");
      if (model.path("state").asText().equals("loading") == false) {
        return model;
      }
      assertTrue(Instant.now().isBefore(deadline), "still loading: " + model);
      Thread.sleep(200);
    }
  }
}
