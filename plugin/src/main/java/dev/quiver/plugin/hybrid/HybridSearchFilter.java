package dev.quiver.plugin.hybrid;

import java.util.function.Supplier;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.search.SearchAction;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.tasks.Task;
import org.opensearch.transport.client.Client;

/**
 * Runs a search whose top-level query is {@code quiver_hybrid} on the node that coordinates it
 * ({@link HybridSearch}); every other action and search passes through untouched, including the
 * sub-searches and the final search it sends itself (none of them holds a {@code quiver_hybrid}).
 * Ordered late, so that filters such as a security plugin's see the request first (and again each
 * search it sends).
 */
public final class HybridSearchFilter implements ActionFilter {

  private volatile Client client;
  private volatile Supplier<ThreadContext> threadContext;
  private volatile Supplier<String> localNodeId;

  /** Wires the node's client, thread context and node id (from {@code createComponents}). */
  public void bind(
      Client client, Supplier<ThreadContext> threadContext, Supplier<String> localNodeId) {
    this.client = client;
    this.threadContext = threadContext;
    this.localNodeId = localNodeId;
  }

  @Override
  public int order() {
    return Integer.MAX_VALUE / 2;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <Request extends ActionRequest, Response extends ActionResponse> void apply(
      Task task,
      String action,
      Request request,
      ActionListener<Response> listener,
      ActionFilterChain<Request, Response> chain) {
    if (SearchAction.NAME.equals(action)
        && request instanceof SearchRequest search
        && search.source() != null
        && search.source().query() instanceof QuiverHybridQueryBuilder hybrid
        && client != null) {
      new HybridSearch(client, threadContext.get(), localNodeId.get(), task)
          .run(search, hybrid, (ActionListener<SearchResponse>) listener);
      return;
    }
    chain.proceed(task, action, request, listener);
  }
}
