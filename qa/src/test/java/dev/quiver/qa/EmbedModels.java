package dev.quiver.qa;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/** The node's embedding models, as {@code GET /_plugins/_quiver/models} reports them. */
final class EmbedModels {

  /** The model the plugin ships and uses when none is named. */
  static final String DEFAULT_MODEL = "bge-small-en-v1.5";

  /** Dimensions of the default model's vectors. */
  static final int DEFAULT_DIMS = 384;

  private EmbedModels() {}

  /** The models API entry of a model, or a missing node when the node does not list it. */
  static JsonNode describe(Rest rest, String name) {
    for (JsonNode model : rest.get("/_plugins/_quiver/models").ok().body().path("models")) {
      if (name.equals(model.path("name").asText())) {
        return model;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /**
   * Polls the models API until the model is {@code loaded} (models load in the background after the
   * node starts) and returns its entry; fails if it is unknown, fails to load or is still loading
   * after the timeout.
   */
  static JsonNode awaitLoaded(Rest rest, String name, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      JsonNode model = describe(rest, name);
      String state = model.path("state").asText();
      if (model.isMissingNode()) {
        throw new AssertionError(
            "model [" + name + "] is not listed: " + rest.get("/_plugins/_quiver/models").body());
      }
      if (state.equals("loaded")) {
        return model;
      }
      if (state.equals("failed")) {
        throw new AssertionError("model [" + name + "] failed to load: " + model);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("model [" + name + "] not loaded after " + timeout + ": " + model);
      }
      Thread.sleep(200);
    }
  }
}
