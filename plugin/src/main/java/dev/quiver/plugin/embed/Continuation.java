package dev.quiver.plugin.embed;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.common.util.concurrent.AbstractRunnable;
import org.opensearch.threadpool.ThreadPool;

/**
 * Where the work after an embedding continues: on a named pool of the node ({@code search} after
 * query embedding, {@code write} after document embedding), never on an inference or transport
 * thread. The node's pools carry the thread context of the thread that forks (the inference job
 * runs with its caller's context), so headers, transients and {@code X-Opaque-Id} survive.
 *
 * <p>The continuation is forced past the pool's queue bound: its request was admitted already and
 * its embedding is paid for. Only a pool that is shut down refuses it; the continuation then runs
 * on the forking thread, so its listener is still called.
 */
final class Continuation implements Executor {

  private static final Logger LOGGER = LogManager.getLogger(Continuation.class);

  private final ThreadPool threadPool;
  private final String pool;

  Continuation(ThreadPool threadPool, String pool) {
    this.threadPool = threadPool;
    this.pool = pool;
  }

  /** Runs the continuation inline, for tests and for services without a node. */
  static final Executor INLINE = Runnable::run;

  @Override
  public void execute(Runnable continuation) {
    threadPool
        .executor(pool)
        .execute(
            new AbstractRunnable() {
              @Override
              public boolean isForceExecution() {
                return true;
              }

              @Override
              protected void doRun() {
                continuation.run();
              }

              @Override
              public void onRejection(Exception e) {
                continuation.run();
              }

              @Override
              public void onFailure(Exception e) {
                LOGGER.warn("continuation after embedding failed on [" + pool + "]", e);
              }
            });
  }

  /**
   * A future completed like {@code future}, with the result or failure, whose dependent stages run
   * on {@code executor} whether they are added before or after it completes ({@link
   * ForkingFuture}).
   */
  static <T> CompletableFuture<T> on(CompletableFuture<T> future, Executor executor) {
    CompletableFuture<T> out = new ForkingFuture<>(executor);
    future.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            out.completeExceptionally(failure);
          } else {
            out.complete(value);
          }
        });
    return out;
  }
}
