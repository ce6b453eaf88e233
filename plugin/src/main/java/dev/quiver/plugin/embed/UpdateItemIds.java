package dev.quiver.plugin.embed;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.DocWriteRequest;
import org.opensearch.action.bulk.BulkAction;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.action.update.UpdateRequest;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.tasks.Task;

/**
 * Gives the partial document of each update item of a bulk request the index, id and routing of its
 * update. OpenSearch runs the system ingest pipeline on that partial document, which otherwise
 * names no document: with them, {@link SemanticIngestProcessor} can read the stored state of the
 * document being updated and carry its vectors over when the partial document does not touch the
 * text. The partial document's own index, id and routing are not used by the update itself.
 */
public final class UpdateItemIds implements ActionFilter {

  @Override
  public int order() {
    return Integer.MAX_VALUE / 2 - 1;
  }

  @Override
  public <Request extends ActionRequest, Response extends ActionResponse> void apply(
      Task task,
      String action,
      Request request,
      ActionListener<Response> listener,
      ActionFilterChain<Request, Response> chain) {
    if (BulkAction.NAME.equals(action) && request instanceof BulkRequest bulk) {
      for (DocWriteRequest<?> item : bulk.requests()) {
        if (item instanceof UpdateRequest update && update.doc() != null) {
          IndexRequest doc = update.doc();
          if (doc.id() == null && update.id() != null) {
            doc.id(update.id());
          }
          if (doc.index() == null && update.index() != null) {
            doc.index(update.index());
          }
          if (doc.routing() == null && update.routing() != null) {
            doc.routing(update.routing());
          }
        }
      }
    }
    chain.proceed(task, action, request, listener);
  }
}
