package dev.quiver.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs embedding jobs off the caller's threads, on a bounded executor, so that embedding never runs
 * on (or blocks) the caller's threads and a burst of work is refused instead of piling up.
 *
 * <p>Either the service owns its threads ({@link #EmbeddingService(String, int, int)}: a fixed pool
 * fed by a bounded queue, stopped by {@link #close}), or it runs jobs on an executor it is given
 * ({@link #EmbeddingService(String, Executor)}, e.g. a thread pool of the host application that
 * also carries the caller's context to the job; {@link #close} then leaves the executor alone).
 *
 * <p>A refused job never throws from {@link #submit}: the future fails with a {@link
 * RejectedExecutionException}. With its own threads the service says which queue is full; a given
 * executor's exception is passed on unchanged, so its type (e.g. one the host maps to "too many
 * requests") survives. {@link #close} of an owning service stops accepting jobs, fails the queued
 * ones, waits for the running ones and stops the threads.
 */
public final class EmbeddingService implements AutoCloseable {

  private static final long CLOSE_WAIT_SECONDS = 30;

  private final String name;
  private final int threads;
  private final int queueCapacity;
  private final BlockingQueue<Runnable> queue;
  private final ThreadPoolExecutor executor;
  private final Executor given;

  /**
   * Starts the threads.
   *
   * @param name name used for the threads ({@code <name>-<n>}) and in errors
   * @param threads number of threads (at least 1)
   * @param queueCapacity number of jobs that may wait for a thread (at least 1)
   */
  public EmbeddingService(String name, int threads, int queueCapacity) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be >= 1, got " + queueCapacity);
    }
    this.name = name;
    this.threads = threads;
    this.queueCapacity = queueCapacity;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    AtomicInteger counter = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, name + "-" + counter.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0L,
            TimeUnit.MILLISECONDS,
            queue,
            factory,
            new ThreadPoolExecutor.AbortPolicy());
    executor.prestartAllCoreThreads();
    this.given = null;
  }

  /**
   * Runs jobs on a given executor, which the service neither sizes nor stops.
   *
   * @param name name used in errors
   * @param executor where jobs run; its {@link RejectedExecutionException}s reach the futures
   *     unchanged
   */
  public EmbeddingService(String name, Executor executor) {
    this.name = name;
    this.threads = 0;
    this.queueCapacity = 0;
    this.queue = null;
    this.executor = null;
    this.given = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Queues a job.
   *
   * @param job the job
   * @param <T> the job's result type
   * @return a future completed with the job's result or exception; failed with a {@link
   *     RejectedExecutionException} if the queue is full or the service is closed
   */
  public <T> CompletableFuture<T> submit(Callable<T> job) {
    Job<T> task = new Job<>(job);
    if (given != null) {
      try {
        given.execute(task);
      } catch (RejectedExecutionException e) {
        task.future.completeExceptionally(e);
      }
      return task.future;
    }
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      String reason =
          executor.isShutdown()
              ? "embedding service [" + name + "] is closed"
              : "embedding queue of ["
                  + name
                  + "] is full ("
                  + queueCapacity
                  + " jobs waiting for "
                  + threads
                  + " threads); retry later or raise the queue size";
      task.future.completeExceptionally(new RejectedExecutionException(reason, e));
    }
    return task.future;
  }

  /**
   * Queues the dense embedding of texts.
   *
   * @param embedder the embedder
   * @param texts the texts
   * @param kind query or document
   * @return a future of one vector per text
   */
  public CompletableFuture<List<float[]>> embed(
      OnnxEmbedder embedder, List<String> texts, TextKind kind) {
    return embed(embedder, texts, kind, LongText.TRUNCATE);
  }

  /**
   * Queues the computation of per-token vectors.
   *
   * @param embedder the embedder
   * @param texts the texts
   * @param kind query or document
   * @return a future of the token vectors of each text
   */
  public CompletableFuture<List<float[][]>> tokenVectors(
      OnnxEmbedder embedder, List<String> texts, TextKind kind) {
    return tokenVectors(embedder, texts, kind, LongText.TRUNCATE);
  }

  /**
   * Queues the dense embedding of texts, long texts truncated or chunked.
   *
   * @param embedder the embedder
   * @param texts the texts
   * @param kind query or document
   * @param longText what to do with texts longer than the model's {@code max_tokens}
   * @return a future of one vector per text
   * @see OnnxEmbedder#embed(List, TextKind, LongText)
   */
  public CompletableFuture<List<float[]>> embed(
      OnnxEmbedder embedder, List<String> texts, TextKind kind, LongText longText) {
    List<String> copy = List.copyOf(texts);
    return submit(() -> embedder.embed(copy, kind, longText));
  }

  /**
   * Queues the computation of per-token vectors, long texts truncated or chunked.
   *
   * @param embedder the embedder
   * @param texts the texts
   * @param kind query or document
   * @param longText what to do with texts longer than the model's {@code max_tokens}
   * @return a future of the token vectors of each text
   * @see OnnxEmbedder#tokenVectors(List, TextKind, LongText)
   */
  public CompletableFuture<List<float[][]>> tokenVectors(
      OnnxEmbedder embedder, List<String> texts, TextKind kind, LongText longText) {
    List<String> copy = List.copyOf(texts);
    return submit(() -> embedder.tokenVectors(copy, kind, longText));
  }

  /**
   * Queues the dense embedding of texts, each text succeeding or failing on its own.
   *
   * @param embedder the embedder
   * @param texts the texts
   * @param kind query or document
   * @param longText what to do with texts longer than the model's {@code max_tokens}
   * @return a future of each text's vector or failure
   * @see OnnxEmbedder#embedEach(List, TextKind, LongText)
   */
  public CompletableFuture<TextResults<float[]>> embedEach(
      OnnxEmbedder embedder, List<String> texts, TextKind kind, LongText longText) {
    List<String> copy = new ArrayList<>(texts);
    return submit(() -> embedder.embedEach(copy, kind, longText));
  }

  /**
   * Queues the dense embedding of texts into one vector per chunk, each text succeeding or failing
   * on its own.
   *
   * @param embedder the embedder
   * @param texts the texts
   * @param kind query or document
   * @param longText what to do with texts longer than the model's {@code max_tokens}
   * @return a future of each text's chunk vectors or failure
   * @see OnnxEmbedder#chunkVectorsEach(List, TextKind, LongText)
   */
  public CompletableFuture<TextResults<float[][]>> chunkVectorsEach(
      OnnxEmbedder embedder, List<String> texts, TextKind kind, LongText longText) {
    List<String> copy = new ArrayList<>(texts);
    return submit(() -> embedder.chunkVectorsEach(copy, kind, longText));
  }

  /**
   * Queues the dense embedding of texts into one vector per chunk, with the given chunking and each
   * chunk's character offsets, each text succeeding or failing on its own.
   *
   * @param embedder the embedder
   * @param texts the texts
   * @param kind query or document
   * @param chunking chunk size and overlap
   * @return a future of each text's chunks or failure
   * @see OnnxEmbedder#chunkVectorsEach(List, TextKind, Chunking)
   */
  public CompletableFuture<TextResults<TextChunks>> chunkVectorsEach(
      OnnxEmbedder embedder, List<String> texts, TextKind kind, Chunking chunking) {
    List<String> copy = new ArrayList<>(texts);
    return submit(() -> embedder.chunkVectorsEach(copy, kind, chunking));
  }

  /**
   * Queues the computation of per-token vectors, each text succeeding or failing on its own.
   *
   * @param embedder the embedder
   * @param texts the texts
   * @param kind query or document
   * @param longText what to do with texts longer than the model's {@code max_tokens}
   * @return a future of each text's token vectors or failure
   * @see OnnxEmbedder#tokenVectorsEach(List, TextKind, LongText)
   */
  public CompletableFuture<TextResults<float[][]>> tokenVectorsEach(
      OnnxEmbedder embedder, List<String> texts, TextKind kind, LongText longText) {
    List<String> copy = new ArrayList<>(texts);
    return submit(() -> embedder.tokenVectorsEach(copy, kind, longText));
  }

  /**
   * Jobs waiting for one of the service's own threads.
   *
   * @return the queue length; 0 when the service runs on a given executor
   */
  public int queued() {
    return queue == null ? 0 : queue.size();
  }

  /**
   * Whether the service is closed and all its own threads have stopped.
   *
   * @return true once terminated; always true when the service runs on a given executor
   */
  public boolean isTerminated() {
    return executor == null || executor.isTerminated();
  }

  /**
   * Stops accepting jobs, fails the queued ones, waits up to 30 seconds for running jobs, then
   * interrupts what is left. Does nothing when the service runs on a given executor.
   */
  @Override
  public void close() {
    if (executor == null) {
      return;
    }
    executor.shutdown();
    List<Runnable> pending = new ArrayList<>();
    queue.drainTo(pending);
    for (Runnable r : pending) {
      if (r instanceof Job<?> job) {
        job.future.completeExceptionally(
            new RejectedExecutionException("embedding service [" + name + "] was closed"));
      }
    }
    try {
      if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** A queued job and the future it completes. */
  private static final class Job<T> implements Runnable {
    final Callable<T> callable;
    final CompletableFuture<T> future = new CompletableFuture<>();

    Job(Callable<T> callable) {
      this.callable = callable;
    }

    @Override
    public void run() {
      if (future.isDone()) {
        return;
      }
      try {
        future.complete(callable.call());
      } catch (Throwable t) {
        future.completeExceptionally(t);
      }
    }
  }
}
