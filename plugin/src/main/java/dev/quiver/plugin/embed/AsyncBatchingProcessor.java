package dev.quiver.plugin.embed;

import dev.quiver.plugin.Futures;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.opensearch.ingest.AbstractBatchingProcessor;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;

/**
 * A batching ingest processor whose work completes asynchronously (on Quiver's inference threads):
 * the synchronous {@link #execute(IngestDocument)} waits for the asynchronous one, and {@link
 * #batchExecute} hands the documents back in request order.
 */
abstract class AsyncBatchingProcessor extends AbstractBatchingProcessor {

  AsyncBatchingProcessor(String tag, String description, int batchSize) {
    super(tag, description, batchSize);
  }

  @Override
  public IngestDocument execute(IngestDocument doc) throws Exception {
    CompletableFuture<IngestDocument> done = new CompletableFuture<>();
    execute(
        doc,
        (result, e) -> {
          if (e != null) {
            done.completeExceptionally(e);
          } else {
            done.complete(result);
          }
        });
    try {
      return done.join();
    } catch (CompletionException e) {
      throw Futures.cause(e);
    }
  }

  /**
   * Hands the documents back in request order. OpenSearch places a bulk's failed items in the order
   * a batching processor reports them, so sub-batches finishing out of order would swap failures.
   * Every wrapper is updated in place, so the original list carries every result.
   */
  @Override
  public void batchExecute(
      List<IngestDocumentWrapper> docs, Consumer<List<IngestDocumentWrapper>> handler) {
    super.batchExecute(docs, results -> handler.accept(docs));
  }
}
