package dev.quiver.plugin.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ForkingFutureTests {

  private final ExecutorService pool =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "continuation-pool"));

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Every kind of stage, added after completion, runs on the pool, not on the adding thread. */
  @Test
  void stagesAddedAfterCompletionRunOnTheExecutor() throws Exception {
    List<Function<CompletableFuture<String>, CompletableFuture<?>>> stages =
        List.of(
            f -> f.thenApply(v -> record()),
            f -> f.thenAccept(v -> record()),
            f -> f.thenRun(ForkingFutureTests::record),
            f -> f.thenCompose(v -> CompletableFuture.completedFuture(record())),
            f -> f.whenComplete((v, e) -> record()),
            f -> f.handle((v, e) -> record()),
            f -> f.thenApply(v -> v).thenAccept(v -> record()));
    for (Function<CompletableFuture<String>, CompletableFuture<?>> stage : stages) {
      CompletableFuture<String> done =
          Continuation.on(CompletableFuture.completedFuture("v"), pool);
      THREAD.set(null);
      stage.apply(done).get(10, TimeUnit.SECONDS);
      assertEquals("continuation-pool", THREAD.get());
    }
  }

  @Test
  void failuresAddedAfterCompletionRunOnTheExecutor() throws Exception {
    CompletableFuture<String> failed =
        Continuation.on(CompletableFuture.failedFuture(new IllegalStateException("x")), pool);
    THREAD.set(null);
    failed.exceptionally(e -> record()).get(10, TimeUnit.SECONDS);
    assertEquals("continuation-pool", THREAD.get());
  }

  private static final AtomicReference<String> THREAD = new AtomicReference<>();

  private static String record() {
    THREAD.set(Thread.currentThread().getName());
    return "r";
  }
}
