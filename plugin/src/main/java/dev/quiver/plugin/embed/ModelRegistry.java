package dev.quiver.plugin.embed;

import dev.quiver.ingest.EmbedderSettings;
import dev.quiver.ingest.EmbeddingService;
import dev.quiver.ingest.LongText;
import dev.quiver.ingest.ModelDirectory;
import dev.quiver.ingest.ModelFiles;
import dev.quiver.ingest.OnnxEmbedder;
import dev.quiver.ingest.TextKind;
import dev.quiver.ingest.TextResults;
import dev.quiver.plugin.Futures;
import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The models of this node, each loaded once and shared: the default model shipped in the plugin,
 * then the models in {@code config/quiver/models/} (which win on a name clash). Models load in the
 * background on the inference threads; a model that fails to load is logged with its path and
 * reason and reported by {@link #describe()}, and the node keeps running.
 */
public final class ModelRegistry implements Closeable {

  private static final Logger LOGGER = LogManager.getLogger(ModelRegistry.class);

  /** A model's load state, as the models API reports it. */
  public record ModelInfo(
      String name, String source, Path path, ModelFiles files, String state, String error) {}

  private record Entry(
      String source, Path path, ModelFiles files, CompletableFuture<OnnxEmbedder> embedder) {}

  private final EmbeddingService service;
  private final Map<String, Entry> models = new TreeMap<>();

  /**
   * @param roots model directories, by source name, in increasing precedence
   */
  public ModelRegistry(
      Map<String, Path> roots, EmbedderSettings settings, EmbeddingService service) {
    this.service = service;
    for (Map.Entry<String, Path> root : roots.entrySet()) {
      if (Files.isDirectory(root.getValue()) == false) {
        continue;
      }
      ModelDirectory directory = new ModelDirectory(root.getValue());
      for (String name : directory.names()) {
        Path path = root.getValue().resolve(name);
        CompletableFuture<OnnxEmbedder> embedder;
        ModelFiles files = null;
        try {
          files = directory.resolve(name);
          ModelFiles resolved = files;
          embedder = service.submit(() -> OnnxEmbedder.open(resolved, settings));
        } catch (Exception e) {
          embedder = CompletableFuture.failedFuture(e);
        }
        embedder.whenComplete(
            (loaded, e) -> {
              if (e != null) {
                LOGGER.warn(
                    "quiver model [{}] at [{}] failed to load: {}", name, path, Futures.message(e));
              } else {
                LOGGER.info(
                    "quiver model [{}] loaded from [{}] ({} dims)", name, path, loaded.dims());
              }
            });
        Entry previous = models.put(name, new Entry(root.getKey(), path, files, embedder));
        if (previous != null) {
          LOGGER.info("quiver model [{}] from [{}] overrides [{}]", name, path, previous.path());
          previous.embedder().thenAccept(OnnxEmbedder::close);
        }
      }
    }
  }

  /** Dense embeddings of {@code texts}, long texts truncated, computed on the inference threads. */
  public CompletableFuture<List<float[]>> embed(String model, List<String> texts, TextKind kind) {
    return embed(model, texts, kind, LongText.TRUNCATE);
  }

  /**
   * Dense embeddings of {@code texts}, long texts truncated or chunked, computed on the inference
   * threads.
   */
  public CompletableFuture<List<float[]>> embed(
      String model, List<String> texts, TextKind kind, LongText longText) {
    return embedder(model).thenCompose(e -> service.embed(e, texts, kind, longText));
  }

  /**
   * Per-token vectors of {@code texts}, long texts truncated or chunked, computed on the inference
   * threads.
   */
  public CompletableFuture<List<float[][]>> tokenVectors(
      String model, List<String> texts, TextKind kind, LongText longText) {
    return embedder(model).thenCompose(e -> service.tokenVectors(e, texts, kind, longText));
  }

  /**
   * Dense embeddings of {@code texts} computed on the inference threads, each text succeeding or
   * failing on its own (see {@link OnnxEmbedder#embedEach}).
   */
  public CompletableFuture<TextResults<float[]>> embedEach(
      String model, List<String> texts, TextKind kind, LongText longText) {
    return embedder(model).thenCompose(e -> service.embedEach(e, texts, kind, longText));
  }

  /**
   * Per-token vectors of {@code texts} computed on the inference threads, each text succeeding or
   * failing on its own (see {@link OnnxEmbedder#tokenVectorsEach}).
   */
  public CompletableFuture<TextResults<float[][]>> tokenVectorsEach(
      String model, List<String> texts, TextKind kind, LongText longText) {
    return embedder(model).thenCompose(e -> service.tokenVectorsEach(e, texts, kind, longText));
  }

  /** Whether this node knows the model (loaded, loading or failed). */
  public boolean has(String model) {
    return models.containsKey(model);
  }

  /** Names of the models this node knows. */
  public List<String> names() {
    return List.copyOf(models.keySet());
  }

  private CompletableFuture<OnnxEmbedder> embedder(String model) {
    Entry entry = models.get(model);
    if (entry == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("unknown model [" + model + "]; this node has " + names()));
    }
    return entry
        .embedder()
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    new IllegalStateException(
                        "model [" + model + "] failed to load: " + Futures.message(e), e)));
  }

  /** Every model with its state: {@code loading}, {@code loaded} or {@code failed}. */
  public List<ModelInfo> describe() {
    List<ModelInfo> out = new ArrayList<>();
    models.forEach(
        (name, entry) -> {
          CompletableFuture<OnnxEmbedder> f = entry.embedder();
          String state =
              f.isDone() == false ? "loading" : f.isCompletedExceptionally() ? "failed" : "loaded";
          String error = null;
          if (f.isCompletedExceptionally()) {
            error = Futures.message(f.handle((v, e) -> e).join());
          }
          out.add(new ModelInfo(name, entry.source(), entry.path(), entry.files(), state, error));
        });
    return out;
  }

  @Override
  public void close() {
    service.close();
    for (Entry entry : models.values()) {
      entry.embedder().thenAccept(OnnxEmbedder::close);
    }
  }
}
