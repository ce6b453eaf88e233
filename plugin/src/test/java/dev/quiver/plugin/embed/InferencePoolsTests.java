package dev.quiver.plugin.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.ingest.DefaultModel;
import dev.quiver.ingest.EmbedderSettings;
import dev.quiver.ingest.TextKind;
import dev.quiver.plugin.Futures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.ExceptionsHelper;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.concurrency.OpenSearchRejectedExecutionException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.threadpool.ThreadPoolStats;

/**
 * Quiver's inference pools on a real OpenSearch {@link ThreadPool} with tiny queues, and a real
 * {@link ModelRegistry} with the default model: a full queue is a 429, queries do not wait behind
 * documents, and the caller's thread context reaches the continuation on the caller's pool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InferencePoolsTests {

  private static final Path DEFAULT_MODEL =
      Path.of("..", "ingest", "target", "default-model", DefaultModel.NAME);

  private ThreadPool threadPool;
  private ModelRegistry models;

  @BeforeAll
  void start(@TempDir Path temp) throws Exception {
    Settings settings =
        Settings.builder()
            .put("node.name", "inference-pools-test")
            .put("plugins.quiver.inference.size", 1)
            .put("plugins.quiver.inference.queue_size", 1)
            .put("plugins.quiver.query_inference.size", 1)
            .put("plugins.quiver.query_inference.queue_size", 1)
            .build();
    threadPool =
        new ThreadPool(
            settings,
            InferencePools.builders(settings)
                .toArray(new org.opensearch.threadpool.ExecutorBuilder<?>[0]));
    models =
        new ModelRegistry(
            Map.of("plugin", linkDefaultModel(temp)),
            EmbedderSettings.of(1, temp.resolve("native")));
    models.start(Inference.onNode(threadPool));
    // the model loaded (the first embedding waits for it)
    models.embed(DefaultModel.NAME, List.of("warm up"), TextKind.QUERY).get(2, TimeUnit.MINUTES);
  }

  @AfterAll
  void stop() {
    if (models != null) {
      models.close();
    }
    if (threadPool != null) {
      ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS);
    }
  }

  @Test
  void thePoolsAreTheNodesAndSizedBySettings() {
    ThreadPool.Info documents = threadPool.info(InferencePools.DOCUMENTS);
    ThreadPool.Info queries = threadPool.info(InferencePools.QUERIES);
    assertEquals(1, documents.getMax());
    assertEquals(1, documents.getQueueSize().singles());
    assertEquals(ThreadPool.ThreadPoolType.FIXED, queries.getThreadPoolType());
    assertEquals(1, queries.getQueueSize().singles());
  }

  @Test
  void aFullDocumentQueueIsA429WhileQueriesStillRun() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      // one job on the only thread, one in the only queue slot: the pool is full
      threadPool
          .executor(InferencePools.DOCUMENTS)
          .execute(
              () -> {
                running.countDown();
                await(release);
              });
      assertTrue(running.await(10, TimeUnit.SECONDS));
      threadPool.executor(InferencePools.DOCUMENTS).execute(() -> {});

      CompletableFuture<List<float[]>> refused =
          models.embed(DefaultModel.NAME, List.of("one document too many"), TextKind.DOCUMENT);
      Exception cause = failure(refused);
      assertInstanceOf(OpenSearchRejectedExecutionException.class, cause);
      assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(cause));
      assertTrue(
          cause.getMessage().contains("[" + InferencePools.DOCUMENTS + "] is full")
              && cause.getMessage().contains("[plugins.quiver.inference.queue_size]"),
          cause.getMessage());

      // the query pool is apart: a query is embedded while the document pool is stuck
      float[] query =
          models
              .embed(DefaultModel.NAME, List.of("a query meanwhile"), TextKind.QUERY)
              .get(30, TimeUnit.SECONDS)
              .get(0);
      assertEquals(384, query.length);
    } finally {
      release.countDown();
      awaitIdle(InferencePools.DOCUMENTS);
    }
  }

  @Test
  void aFullQueryQueueIsA429() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      threadPool
          .executor(InferencePools.QUERIES)
          .execute(
              () -> {
                running.countDown();
                await(release);
              });
      assertTrue(running.await(10, TimeUnit.SECONDS));
      threadPool.executor(InferencePools.QUERIES).execute(() -> {});
      Exception cause =
          failure(models.embed(DefaultModel.NAME, List.of("refused query"), TextKind.QUERY));
      assertInstanceOf(OpenSearchRejectedExecutionException.class, cause);
      assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(cause));
      assertTrue(
          cause.getMessage().contains("[plugins.quiver.query_inference.queue_size]"),
          cause.getMessage());
    } finally {
      release.countDown();
      awaitIdle(InferencePools.QUERIES);
    }
  }

  @Test
  void theCallersContextReachesTheContinuationOnTheCallersPool() throws Exception {
    for (TextKind kind : List.of(TextKind.QUERY, TextKind.DOCUMENT)) {
      AtomicReference<String> header = new AtomicReference<>();
      AtomicReference<Object> transientValue = new AtomicReference<>();
      AtomicReference<String> thread = new AtomicReference<>();
      CompletableFuture<Void> seen;
      ThreadContext context = threadPool.getThreadContext();
      try (ThreadContext.StoredContext ignored = context.stashContext()) {
        context.putHeader("user", "alice-" + kind);
        context.putTransient("user.object", "alice-object-" + kind);
        seen =
            models
                .embed(DefaultModel.NAME, List.of("context"), kind)
                .thenAccept(
                    v -> {
                      header.set(context.getHeader("user"));
                      transientValue.set(context.getTransient("user.object"));
                      thread.set(Thread.currentThread().getName());
                    });
      }
      seen.get(30, TimeUnit.SECONDS);
      assertEquals("alice-" + kind, header.get(), kind + " header");
      assertEquals("alice-object-" + kind, transientValue.get(), kind + " transient");
      String pool = kind == TextKind.QUERY ? ThreadPool.Names.SEARCH : ThreadPool.Names.WRITE;
      assertTrue(thread.get().contains("[" + pool + "]"), kind + " continued on " + thread.get());
    }
  }

  /**
   * Waits until the pool has no running or queued job, so that a test which filled it does not
   * leave the next test a full queue (the tests share one thread pool).
   */
  private void awaitIdle(String pool) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (ThreadPoolStats.Stats stats : threadPool.stats()) {
        if (stats.getName().equals(pool) && stats.getActive() == 0 && stats.getQueue() == 0) {
          return;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("pool [" + pool + "] still busy after 30 s");
  }

  private static Exception failure(CompletableFuture<?> future) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
    return Futures.cause(e);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Path linkDefaultModel(Path temp) throws IOException {
    Path source = DEFAULT_MODEL.toAbsolutePath().normalize();
    assertTrue(
        Files.isRegularFile(source.resolve("model.onnx")),
        "default model not unpacked at " + source + ": build the ingest module first");
    Path root = temp.resolve("models");
    Path modelDir = Files.createDirectories(root.resolve(DefaultModel.NAME));
    for (String file : List.of("model.onnx", "tokenizer.json", "quiver-model.json")) {
      try {
        Files.createLink(modelDir.resolve(file), source.resolve(file));
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(source.resolve(file), modelDir.resolve(file));
      }
    }
    return root;
  }
}
