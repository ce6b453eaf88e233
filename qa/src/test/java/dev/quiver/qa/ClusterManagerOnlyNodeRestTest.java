package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dedicated cluster-manager node ({@code node.roles: [cluster_manager]}, a cluster of its own on
 * the QA node's installation) loads no model: the models API lists them {@code not_loaded} with the
 * reason, and a {@code query_text} search it coordinates is a 400 saying where to send it.
 */
class ClusterManagerOnlyNodeRestTest {

  private static OpenSearchNode node;
  private static Rest rest;

  @BeforeAll
  static void start() throws Exception {
    Path work = Path.of(System.getProperty("qa.work")).resolveSibling("qa-node-cluster-manager");
    node =
        OpenSearchNode.alongside(QaNode.get(), work, "512m", List.of("node.roles=cluster_manager"));
    node.start();
    rest = new Rest(node.uri());
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.stop();
    }
  }

  @Test
  void modelsAreListedNotLoadedWithTheReason() {
    JsonNode roles = rest.get("/_nodes/_local?filter_path=nodes.*.roles").ok().body();
    assertEquals("[\"cluster_manager\"]", roles.findValue("roles").toString(), roles.toString());
    JsonNode model = EmbedModels.describe(rest, DEFAULT_MODEL);
    assertFalse(model.isMissingNode(), "default model not listed");
    assertEquals("not_loaded", model.path("state").asText(), model.toString());
    String error = model.path("error").asText();
    assertFalse(error.isEmpty(), model.toString());
    assertEquals(true, error.contains("ingest, data, search or warm role"), error);
  }

  @Test
  void aQueryTextSearchItCoordinatesIsA400SayingWhere() {
    rest.post(
            "/_search",
            """
            {"query": {"quiver_knn": {"field": "v", "query_text": "hello", "k": 3}}}
            """)
        .badRequest("cannot embed here", "does not load models", "send a [vector]");
  }
}
