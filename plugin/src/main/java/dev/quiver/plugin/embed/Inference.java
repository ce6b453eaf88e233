package dev.quiver.plugin.embed;

import dev.quiver.ingest.EmbeddingService;
import dev.quiver.ingest.TextKind;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import org.opensearch.threadpool.ThreadPool;

/**
 * Where a node's embedding work runs: model loads, document and query inference each on their own
 * executor, and where the caller's work continues once a vector is ready.
 *
 * @param loads where models load
 * @param documents document inference ({@code quiver_embed})
 * @param queries query inference ({@code query_text}), apart from documents so queries never wait
 *     behind bulk ingest
 * @param afterDocuments where work continues after document inference
 * @param afterQueries where work continues after query inference
 * @param preserveContext wraps a task to run with the thread context of the thread that wraps it
 *     (for work that starts once a model has loaded, on whichever thread loaded it)
 */
record Inference(
    Executor loads,
    EmbeddingService documents,
    EmbeddingService queries,
    Executor afterDocuments,
    Executor afterQueries,
    UnaryOperator<Runnable> preserveContext) {

  /** On the node's pools: {@link InferencePools}, continuing on {@code write} / {@code search}. */
  static Inference onNode(ThreadPool threadPool) {
    return new Inference(
        threadPool.generic(),
        new EmbeddingService(
            InferencePools.DOCUMENTS,
            InferencePools.executor(threadPool, InferencePools.DOCUMENTS)),
        new EmbeddingService(
            InferencePools.QUERIES, InferencePools.executor(threadPool, InferencePools.QUERIES)),
        new Continuation(threadPool, ThreadPool.Names.WRITE),
        new Continuation(threadPool, ThreadPool.Names.SEARCH),
        threadPool.getThreadContext()::preserveContext);
  }

  /** Everything on one service (loads included), continuing on the inference thread: for tests. */
  static Inference on(EmbeddingService service) {
    Executor loads =
        job ->
            service.submit(
                () -> {
                  job.run();
                  return null;
                });
    return new Inference(
        loads, service, service, Continuation.INLINE, Continuation.INLINE, job -> job);
  }

  EmbeddingService service(TextKind kind) {
    return kind == TextKind.QUERY ? queries : documents;
  }

  Executor after(TextKind kind) {
    return kind == TextKind.QUERY ? afterQueries : afterDocuments;
  }
}
