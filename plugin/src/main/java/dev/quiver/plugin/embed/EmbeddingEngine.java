package dev.quiver.plugin.embed;

import dev.quiver.ingest.EmbedderSettings;
import dev.quiver.ingest.LongText;
import dev.quiver.ingest.TextKind;
import dev.quiver.plugin.query.QueryEmbedder;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.threadpool.ThreadPool;

/**
 * The node's embedding engine: the models, found once from the node's environment, and the
 * inference pools ({@link InferencePools}) they run on once {@link #start started}. Models come
 * from the plugin's own {@code models/} directory (the default model ships there) and from {@code
 * config/quiver/models/}; they load only on nodes where inference runs ({@link InferenceNodes}).
 */
public final class EmbeddingEngine implements Closeable, QueryEmbedder {

  /** The plugin's folder name under {@code plugins/}. */
  public static final String PLUGIN_FOLDER = "quiver";

  private final Settings settings;
  private final ModelRegistry models;

  public EmbeddingEngine(Environment environment, Settings settings) {
    this.settings = settings;
    Map<String, Path> roots = new LinkedHashMap<>();
    roots.put("plugin", environment.pluginsDir().resolve(PLUGIN_FOLDER).resolve("models"));
    roots.put("config", environment.configDir().resolve("quiver").resolve("models"));
    EmbedderSettings embedder =
        EmbedderSettings.of(
            InferenceSettings.INTRA_OP_THREADS.get(settings),
            environment.tmpDir().resolve("quiver-native"));
    this.models = new ModelRegistry(roots, embedder);
  }

  /**
   * Starts loading the models on the node's pools, or, on a node that does not run inference, marks
   * them not loaded.
   */
  public void start(ThreadPool threadPool) {
    if (InferenceNodes.loadsModels(settings)) {
      models.start(Inference.onNode(threadPool));
    } else {
      models.skipLoading(InferenceNodes.NOT_LOADED_REASON);
    }
  }

  public ModelRegistry models() {
    return models;
  }

  /** The query vector, embedded on the query pool; completes on the {@code search} pool. */
  @Override
  public CompletableFuture<float[]> embed(String model, String text) {
    return models.embed(model, List.of(text), TextKind.QUERY).thenApply(v -> v.get(0));
  }

  /**
   * The query's token vectors, embedded on the query pool; completes on the {@code search} pool.
   */
  @Override
  public CompletableFuture<float[][]> embedTokens(String model, String text) {
    return models
        .tokenVectors(model, List.of(text), TextKind.QUERY, LongText.TRUNCATE)
        .thenApply(v -> v.get(0));
  }

  @Override
  public void close() {
    models.close();
  }
}
