package dev.quiver.plugin.embed;

import dev.quiver.ingest.EmbedderSettings;
import dev.quiver.ingest.EmbeddingService;
import dev.quiver.ingest.LongText;
import dev.quiver.ingest.ModelConfig;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;

/**
 * The models of this node, each loaded once and shared: the default model shipped in the plugin,
 * then the models in {@code config/quiver/models/} (which win on a name clash). The registry knows
 * the models from their directories at once; they load in the background once it is {@linkplain
 * #start started}, on nodes that {@linkplain InferenceNodes#loadsModels load models} (elsewhere
 * they stay {@code not_loaded} and embedding is refused with the reason). A model that fails to
 * load is logged with its path and reason and reported by {@link #describe()}, and the node keeps
 * running.
 *
 * <p>Embedding runs on the inference executors of {@link Inference} (documents and queries apart)
 * and the returned futures complete on the caller's pool ({@code write} for documents, {@code
 * search} for queries) with the caller's thread context.
 */
public final class ModelRegistry implements Closeable {

  private static final Logger LOGGER = LogManager.getLogger(ModelRegistry.class);

  /** State of a model on a node that does not load models. */
  static final String NOT_LOADED = "not_loaded";

  /**
   * A model's load state, as the models API reports it, with the texts this node has handed it to
   * embed so far.
   */
  public record ModelInfo(
      String name,
      String source,
      Path path,
      ModelFiles files,
      String state,
      String error,
      long textsEmbedded) {}

  private record Entry(
      String source, Path path, ModelFiles files, CompletableFuture<OnnxEmbedder> embedder) {}

  private final EmbedderSettings settings;
  private final Map<String, Entry> models = new TreeMap<>();
  private final Map<String, LongAdder> textsEmbedded = new ConcurrentHashMap<>();
  private volatile Inference inference;
  private volatile String notLoadedReason;

  /**
   * Finds the models; loads nothing until {@link #start}.
   *
   * @param roots model directories, by source name, in increasing precedence
   */
  public ModelRegistry(Map<String, Path> roots, EmbedderSettings settings) {
    this.settings = settings;
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
          embedder = new CompletableFuture<>();
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
        }
      }
    }
  }

  /** Finds the models and starts loading them on one service that also runs all inference. */
  public ModelRegistry(
      Map<String, Path> roots, EmbedderSettings settings, EmbeddingService service) {
    this(roots, settings);
    start(Inference.on(service));
  }

  /** Starts loading every model in the background; embedding runs on {@code inference}. */
  synchronized void start(Inference inference) {
    if (this.inference != null || notLoadedReason != null) {
      throw new IllegalStateException("model registry already started");
    }
    this.inference = inference;
    for (Entry entry : models.values()) {
      if (entry.embedder().isDone()) {
        continue;
      }
      ModelFiles files = entry.files();
      inference
          .loads()
          .execute(
              () -> {
                try {
                  entry.embedder().complete(OnnxEmbedder.open(files, settings));
                } catch (Throwable t) {
                  entry.embedder().completeExceptionally(t);
                }
              });
    }
  }

  /** Keeps every model unloaded on this node; embedding is refused with {@code reason}. */
  synchronized void skipLoading(String reason) {
    if (this.inference != null) {
      throw new IllegalStateException("model registry already started");
    }
    notLoadedReason = reason;
    LOGGER.info("quiver models {} are not loaded: {}", models.keySet(), reason);
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
    return run(model, kind, texts.size(), (service, e) -> service.embed(e, texts, kind, longText));
  }

  /**
   * Per-token vectors of {@code texts}, long texts truncated or chunked, computed on the inference
   * threads.
   */
  public CompletableFuture<List<float[][]>> tokenVectors(
      String model, List<String> texts, TextKind kind, LongText longText) {
    return run(
        model, kind, texts.size(), (service, e) -> service.tokenVectors(e, texts, kind, longText));
  }

  /**
   * Dense embeddings of {@code texts} computed on the inference threads, each text succeeding or
   * failing on its own (see {@link OnnxEmbedder#embedEach}).
   */
  public CompletableFuture<TextResults<float[]>> embedEach(
      String model, List<String> texts, TextKind kind, LongText longText) {
    return run(
        model, kind, texts.size(), (service, e) -> service.embedEach(e, texts, kind, longText));
  }

  /**
   * One dense vector per chunk of each of {@code texts}, computed on the inference threads, each
   * text succeeding or failing on its own (see {@link OnnxEmbedder#chunkVectorsEach}).
   */
  public CompletableFuture<TextResults<float[][]>> chunkVectorsEach(
      String model, List<String> texts, TextKind kind, LongText longText) {
    return run(
        model,
        kind,
        texts.size(),
        (service, e) -> service.chunkVectorsEach(e, texts, kind, longText));
  }

  /**
   * Per-token vectors of {@code texts} computed on the inference threads, each text succeeding or
   * failing on its own (see {@link OnnxEmbedder#tokenVectorsEach}).
   */
  public CompletableFuture<TextResults<float[][]>> tokenVectorsEach(
      String model, List<String> texts, TextKind kind, LongText longText) {
    return run(
        model,
        kind,
        texts.size(),
        (service, e) -> service.tokenVectorsEach(e, texts, kind, longText));
  }

  /**
   * Runs {@code job} on the service for {@code kind} once the model has loaded, with the caller's
   * thread context, and completes on the caller's pool.
   */
  private <T> CompletableFuture<T> run(
      String model,
      TextKind kind,
      int texts,
      BiFunction<EmbeddingService, OnnxEmbedder, CompletableFuture<T>> job) {
    String reason = notLoadedReason;
    if (reason != null) {
      return CompletableFuture.failedFuture(
          new OpenSearchStatusException(
              "model [" + model + "] cannot embed here: " + reason, RestStatus.BAD_REQUEST));
    }
    Inference in = inference;
    if (in == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the embedding engine of this node is not started"));
    }
    CompletableFuture<OnnxEmbedder> loaded = embedder(model);
    textsEmbedded.computeIfAbsent(model, m -> new LongAdder()).add(texts);
    CompletableFuture<T> done = new CompletableFuture<>();
    Runnable submit =
        in.preserveContext()
            .apply(
                () ->
                    loaded
                        .thenCompose(e -> job.apply(in.service(kind), e))
                        .whenComplete(
                            (result, e) -> {
                              if (e != null) {
                                done.completeExceptionally(e);
                              } else {
                                done.complete(result);
                              }
                            }));
    loaded.whenComplete((e, t) -> submit.run());
    return Continuation.on(done, in.after(kind));
  }

  /** Whether this node knows the model (loaded, loading, failed or not loaded here). */
  public boolean has(String model) {
    return models.containsKey(model);
  }

  /**
   * Whether the model's configuration makes it a late-interaction model, which gives token vectors
   * only; false for a model this node does not know or whose configuration it cannot read.
   */
  public boolean isLateInteraction(String model) {
    Entry entry = models.get(model);
    return entry != null && entry.files() != null && entry.files().config().isLateInteraction();
  }

  /**
   * The configuration of a model this node knows (whether loaded or not), null for a model it does
   * not know or whose files it could not read.
   */
  public ModelConfig config(String model) {
    Entry entry = models.get(model);
    return entry == null || entry.files() == null ? null : entry.files().config();
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

  /**
   * Every model with its state: {@code loading}, {@code loaded}, {@code failed}, or {@code
   * not_loaded} on a node that does not load models.
   */
  public List<ModelInfo> describe() {
    String reason = notLoadedReason;
    List<ModelInfo> out = new ArrayList<>();
    models.forEach(
        (name, entry) -> {
          CompletableFuture<OnnxEmbedder> f = entry.embedder();
          String state =
              f.isDone() == false
                  ? (reason != null ? NOT_LOADED : "loading")
                  : f.isCompletedExceptionally() ? "failed" : "loaded";
          String error = null;
          if (f.isCompletedExceptionally()) {
            error = Futures.message(f.handle((v, e) -> e).join());
          } else if (state.equals(NOT_LOADED)) {
            error = reason;
          }
          LongAdder embedded = textsEmbedded.get(name);
          out.add(
              new ModelInfo(
                  name,
                  entry.source(),
                  entry.path(),
                  entry.files(),
                  state,
                  error,
                  embedded == null ? 0 : embedded.sum()));
        });
    return out;
  }

  /** Closes the loaded models (and the inference service, when the registry was given one). */
  @Override
  public void close() {
    Inference in = inference;
    if (in != null) {
      in.documents().close();
      in.queries().close();
    }
    for (Entry entry : models.values()) {
      entry.embedder().thenAccept(OnnxEmbedder::close);
    }
  }
}
