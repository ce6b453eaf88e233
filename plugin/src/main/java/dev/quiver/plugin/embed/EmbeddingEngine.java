package dev.quiver.plugin.embed;

import dev.quiver.ingest.EmbedderSettings;
import dev.quiver.ingest.EmbeddingService;
import dev.quiver.ingest.TextKind;
import dev.quiver.plugin.query.QueryEmbedder;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;

/**
 * The node's embedding engine: the inference threads and the models, created once from the node's
 * environment and settings. Models come from the plugin's own {@code models/} directory (the
 * default model ships there) and from {@code config/quiver/models/}.
 */
public final class EmbeddingEngine implements Closeable, QueryEmbedder {

  /** The plugin's folder name under {@code plugins/}. */
  public static final String PLUGIN_FOLDER = "quiver";

  private final ModelRegistry models;

  public EmbeddingEngine(Environment environment, Settings settings) {
    Map<String, Path> roots = new LinkedHashMap<>();
    roots.put("plugin", environment.pluginsDir().resolve(PLUGIN_FOLDER).resolve("models"));
    roots.put("config", environment.configDir().resolve("quiver").resolve("models"));
    EmbeddingService service =
        new EmbeddingService(
            "quiver-inference",
            InferenceSettings.THREADS.get(settings),
            InferenceSettings.QUEUE_SIZE.get(settings));
    EmbedderSettings embedder =
        EmbedderSettings.of(
            InferenceSettings.INTRA_OP_THREADS.get(settings),
            environment.tmpDir().resolve("quiver-native"));
    this.models = new ModelRegistry(roots, embedder, service);
  }

  public ModelRegistry models() {
    return models;
  }

  @Override
  public CompletableFuture<float[]> embed(String model, String text) {
    return models.embed(model, java.util.List.of(text), TextKind.QUERY).thenApply(v -> v.get(0));
  }

  @Override
  public void close() {
    models.close();
  }
}
