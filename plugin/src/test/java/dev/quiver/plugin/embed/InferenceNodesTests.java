package dev.quiver.plugin.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.ingest.DefaultModel;
import dev.quiver.ingest.EmbedderSettings;
import dev.quiver.ingest.TextKind;
import dev.quiver.plugin.Futures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.rest.RestStatus;

/** Which nodes load models, and what a node that does not load them answers. */
class InferenceNodesTests {

  private static boolean loads(String... roles) {
    return InferenceNodes.loadsModels(Settings.builder().putList("node.roles", roles).build());
  }

  @Test
  void nodesThatIngestHoldDataOrOnlyCoordinateLoadModels() {
    assertTrue(InferenceNodes.loadsModels(Settings.EMPTY), "default roles");
    assertTrue(loads(), "coordinating-only node (node.roles: [])");
    assertTrue(loads("ingest"));
    assertTrue(loads("data"));
    assertTrue(loads("search"));
    assertTrue(loads("cluster_manager", "data"));
    assertTrue(loads("cluster_manager", "ingest"));
  }

  @Test
  void dedicatedClusterManagerNodesDoNotLoadModels() {
    assertFalse(loads("cluster_manager"));
    assertFalse(loads("cluster_manager", "remote_cluster_client"));
  }

  @Test
  void aNodeWithoutModelsListsThemNotLoadedAndRefusesToEmbedWithTheReason(@TempDir Path temp)
      throws Exception {
    Path root = Path.of("..", "ingest", "target", "default-model").toAbsolutePath().normalize();
    ModelRegistry models =
        new ModelRegistry(Map.of("plugin", root), EmbedderSettings.of(1, temp.resolve("native")));
    models.skipLoading(InferenceNodes.NOT_LOADED_REASON);
    assertTrue(models.has(DefaultModel.NAME));
    ModelRegistry.ModelInfo info = models.describe().get(0);
    assertEquals(DefaultModel.NAME, info.name());
    assertEquals("not_loaded", info.state());
    assertTrue(info.error().contains("ingest, data, search or warm role"), info.error());

    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                models
                    .embed(DefaultModel.NAME, List.of("text"), TextKind.QUERY)
                    .get(10, TimeUnit.SECONDS));
    Exception cause = Futures.cause(e);
    assertInstanceOf(OpenSearchStatusException.class, cause);
    assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(cause));
    assertTrue(
        cause.getMessage().contains("[" + DefaultModel.NAME + "] cannot embed here"),
        cause.getMessage());
    models.close();
  }
}
