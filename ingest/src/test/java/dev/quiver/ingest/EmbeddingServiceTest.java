package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EmbeddingServiceTest {

  private static Throwable failure(CompletableFuture<?> future) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void parallelSubmissionsCompleteWithTheRightVectors() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      texts.add("text number " + i + " about " + (i % 2 == 0 ? "genes" : "galaxies"));
    }
    try (OnnxEmbedder embedder =
            OnnxEmbedder.open(
                TestModels.defaultModel(), EmbedderSettings.of(1, TestModels.nativeCache()));
        EmbeddingService service = new EmbeddingService("quiver-embed-test", 2, 64)) {
      List<float[]> expected = embedder.embed(texts, TextKind.DOCUMENT);
      Set<String> threadNames = ConcurrentHashMap.newKeySet();
      List<CompletableFuture<List<float[]>>> futures = new ArrayList<>();
      for (int i = 0; i < texts.size(); i += 4) {
        List<String> chunk = texts.subList(i, i + 4);
        futures.add(
            service.submit(
                () -> {
                  threadNames.add(Thread.currentThread().getName());
                  return embedder.embed(chunk, TextKind.DOCUMENT);
                }));
      }
      CompletableFuture<List<float[][]>> tokens =
          service.tokenVectors(embedder, List.of("hello world"), TextKind.DOCUMENT);
      for (int f = 0; f < futures.size(); f++) {
        List<float[]> vectors = futures.get(f).get(60, TimeUnit.SECONDS);
        for (int j = 0; j < 4; j++) {
          double cos = VectorMath.cosine(expected.get(f * 4 + j), vectors.get(j));
          assertTrue(cos > 0.99999, "cosine " + cos);
        }
      }
      assertEquals(2, tokens.get(60, TimeUnit.SECONDS).get(0).length);
      assertEquals(
          expected.get(3).length,
          service
              .embed(embedder, texts, TextKind.DOCUMENT)
              .get(60, TimeUnit.SECONDS)
              .get(3)
              .length);
      assertTrue(
          threadNames.stream().allMatch(n -> n.startsWith("quiver-embed-test-")),
          threadNames.toString());
    }
  }

  @Test
  void fullQueueRejectsWithAClearError() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (EmbeddingService service = new EmbeddingService("busy", 1, 2)) {
      CompletableFuture<String> running =
          service.submit(
              () -> {
                started.countDown();
                release.await();
                return "first";
              });
      assertTrue(started.await(10, TimeUnit.SECONDS));
      CompletableFuture<String> queued1 = service.submit(() -> "second");
      CompletableFuture<String> queued2 = service.submit(() -> "third");
      assertEquals(2, service.queued());
      CompletableFuture<String> rejected = service.submit(() -> "fourth");
      Throwable cause = failure(rejected);
      assertInstanceOf(RejectedExecutionException.class, cause);
      assertTrue(
          cause.getMessage().contains("embedding queue of [busy] is full"), cause.getMessage());
      assertTrue(cause.getMessage().contains("2 jobs waiting for 1 threads"), cause.getMessage());
      release.countDown();
      assertEquals("first", running.get(10, TimeUnit.SECONDS));
      assertEquals("second", queued1.get(10, TimeUnit.SECONDS));
      assertEquals("third", queued2.get(10, TimeUnit.SECONDS));
      // room again
      assertEquals("fifth", service.submit(() -> "fifth").get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void jobFailuresReachTheFuture() {
    try (EmbeddingService service = new EmbeddingService("failing", 1, 1)) {
      Throwable cause =
          failure(
              service.submit(
                  () -> {
                    throw new IOException("disk gone");
                  }));
      assertInstanceOf(IOException.class, cause);
      assertEquals("disk gone", cause.getMessage());
    }
  }

  @Test
  void closeStopsThreadsAndFailsQueuedAndLaterJobs() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    EmbeddingService service = new EmbeddingService("closing", 2, 4);
    assertEquals(2, countThreads("closing-"));
    CompletableFuture<String> running1 =
        service.submit(
            () -> {
              started.countDown();
              release.await();
              return "done";
            });
    CompletableFuture<String> running2 =
        service.submit(
            () -> {
              release.await();
              return "done too";
            });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    while (service.queued() > 0) {
      Thread.onSpinWait();
    }
    CompletableFuture<String> queued = service.submit(() -> "never");
    Thread closer = new Thread(service::close);
    closer.start();
    // queued jobs fail at once; running jobs finish
    Throwable cause = failure(queued);
    assertInstanceOf(RejectedExecutionException.class, cause);
    assertTrue(cause.getMessage().contains("[closing] was closed"), cause.getMessage());
    release.countDown();
    closer.join(10_000);
    assertEquals("done", running1.get(10, TimeUnit.SECONDS));
    assertEquals("done too", running2.get(10, TimeUnit.SECONDS));
    assertTrue(service.isTerminated());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (countThreads("closing-") > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, countThreads("closing-"));
    Throwable late = failure(service.submit(() -> "late"));
    assertTrue(late.getMessage().contains("[closing] is closed"), late.getMessage());
  }

  /** A host's own rejection type (OpenSearch's is a subclass meaning HTTP 429). */
  private static final class HostRejection extends RejectedExecutionException {
    HostRejection(String message) {
      super(message);
    }
  }

  @Test
  void aGivenExecutorRunsTheJobsAndItsRejectionsReachTheFutureUnchanged() throws Exception {
    java.util.concurrent.ExecutorService host =
        java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "host-pool"));
    try {
      java.util.concurrent.atomic.AtomicBoolean full =
          new java.util.concurrent.atomic.AtomicBoolean();
      EmbeddingService service =
          new EmbeddingService(
              "given",
              job -> {
                if (full.get()) {
                  throw new HostRejection("host queue full");
                }
                host.execute(job);
              });
      assertEquals(
          "host-pool",
          service.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
      full.set(true);
      Throwable cause = failure(service.submit(() -> "refused"));
      assertInstanceOf(HostRejection.class, cause);
      assertEquals("host queue full", cause.getMessage());
      service.close();
      assertTrue(host.isShutdown() == false, "close must leave a given executor alone");
      full.set(false);
      assertEquals("after close", service.submit(() -> "after close").get(10, TimeUnit.SECONDS));
    } finally {
      host.shutdownNow();
    }
  }

  @Test
  void invalidSizesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new EmbeddingService("x", 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new EmbeddingService("x", 1, 0));
  }

  private static long countThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .count();
  }
}
