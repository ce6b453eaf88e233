package dev.quiver.plugin.embed;

import java.util.List;
import java.util.concurrent.Executor;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.OpenSearchExecutors;
import org.opensearch.core.concurrency.OpenSearchRejectedExecutionException;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.FixedExecutorBuilder;
import org.opensearch.threadpool.ThreadPool;

/**
 * Quiver's inference thread pools, registered with the node's {@link ThreadPool} (so they show in
 * {@code _cat/thread_pool} and node stats, and carry the caller's thread context to each job):
 *
 * <ul>
 *   <li>{@value #DOCUMENTS}: document embedding ({@code quiver_embed}); settings {@code
 *       plugins.quiver.inference.size} (default half the allocated processors, at least 1) and
 *       {@code plugins.quiver.inference.queue_size} (default 1000);
 *   <li>{@value #QUERIES}: {@code query_text} embedding, so a query never waits behind bulk ingest;
 *       settings {@code plugins.quiver.query_inference.size} (default a quarter of the allocated
 *       processors, at least 1) and {@code plugins.quiver.query_inference.queue_size} (default
 *       1000).
 * </ul>
 *
 * <p>A full queue refuses the job with an {@link OpenSearchRejectedExecutionException} (HTTP 429,
 * which bulk clients back off on) naming the pool and the setting that sizes its queue.
 */
public final class InferencePools {

  /** The pool that embeds documents. */
  public static final String DOCUMENTS = "quiver_inference";

  /** The pool that embeds query text. */
  public static final String QUERIES = "quiver_query_inference";

  static final String DOCUMENTS_PREFIX = "plugins.quiver.inference";
  static final String QUERIES_PREFIX = "plugins.quiver.query_inference";

  static final int DEFAULT_QUEUE_SIZE = 1000;

  private InferencePools() {}

  /** The pools' builders, for {@code Plugin#getExecutorBuilders}. */
  public static List<ExecutorBuilder<?>> builders(Settings settings) {
    int processors = OpenSearchExecutors.allocatedProcessors(settings);
    return List.of(
        new FixedExecutorBuilder(
            settings, DOCUMENTS, Math.max(1, processors / 2), DEFAULT_QUEUE_SIZE, DOCUMENTS_PREFIX),
        new FixedExecutorBuilder(
            settings, QUERIES, Math.max(1, processors / 4), DEFAULT_QUEUE_SIZE, QUERIES_PREFIX));
  }

  /**
   * The pool as an executor whose refusals say which queue is full and how to size it (still an
   * {@link OpenSearchRejectedExecutionException}).
   */
  static Executor executor(ThreadPool threadPool, String pool) {
    String prefix = pool.equals(QUERIES) ? QUERIES_PREFIX : DOCUMENTS_PREFIX;
    return job -> {
      try {
        threadPool.executor(pool).execute(job);
      } catch (OpenSearchRejectedExecutionException e) {
        if (e.isExecutorShutdown()) {
          throw new OpenSearchRejectedExecutionException(
              "quiver inference pool [" + pool + "] is shut down", true);
        }
        ThreadPool.Info info = threadPool.info(pool);
        throw new OpenSearchRejectedExecutionException(
            "quiver inference pool ["
                + pool
                + "] is full ("
                + (info == null ? "?" : info.getQueueSize())
                + " jobs waiting for "
                + (info == null ? "?" : info.getMax())
                + " threads); retry later or raise ["
                + prefix
                + ".queue_size]",
            false);
      }
    };
  }
}
