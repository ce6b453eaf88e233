package dev.quiver.plugin.hybrid;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.ContextPreservingActionListener;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.tasks.Task;
import org.opensearch.transport.client.Client;

/**
 * One {@code quiver_hybrid} search, asynchronous from start to end:
 *
 * <ol>
 *   <li>each sub-query (with the shared filter) is searched on its own, all at once, for its global
 *       top {@code window} ids and scores;
 *   <li>the global lists are fused once ({@link FusionMethod}); the query's boost multiplies the
 *       fused scores and the request's {@code min_score} drops those below it;
 *   <li>the request itself runs with {@code quiver_fused} as its query, which matches exactly the
 *       fused hits, in fused order: pagination, {@code _source}, {@code explain}, highlighting and
 *       aggregations (over the fused hits) come from that search.
 * </ol>
 *
 * <p>Every search is a child task of the request's task and is sent in the request's thread context
 * (headers and transients, e.g. a security plugin's user). A failed sub-search fails the request
 * with its error.
 */
final class HybridSearch {

  private final Client client;
  private final ThreadContext threadContext;
  private final TaskId parent;
  private final long startNanos = System.nanoTime();

  HybridSearch(Client client, ThreadContext threadContext, String localNodeId, Task task) {
    this.client = client;
    this.threadContext = threadContext;
    this.parent = new TaskId(localNodeId, task.getId());
  }

  void run(
      SearchRequest request, QuiverHybridQueryBuilder hybrid, ActionListener<SearchResponse> out) {
    int window;
    FusionMethod method;
    try {
      window = HybridRequests.check(request, hybrid);
      method = hybrid.fusion().create();
    } catch (IllegalArgumentException e) {
      out.onFailure(e);
      return;
    }
    List<QueryBuilder> queries = hybrid.queries();
    int n = queries.size();
    AtomicReferenceArray<RankedList> lists = new AtomicReferenceArray<>(n);
    AtomicInteger pending = new AtomicInteger(n);
    AtomicBoolean failed = new AtomicBoolean();
    ActionListener<Void> allDone =
        ContextPreservingActionListener.wrapPreservingContext(
            ActionListener.wrap(
                ignored -> fuseAndFinish(request, hybrid, method, lists, out), out::onFailure),
            threadContext);
    for (int i = 0; i < n; i++) {
      int which = i;
      QueryBuilder q = queries.get(i);
      int size = HybridRequests.listSize(q, window);
      SearchRequest sub =
          HybridRequests.subSearch(request, HybridRequests.filtered(q, hybrid.filter()), size);
      sub.setParentTask(parent);
      client.search(
          sub,
          ActionListener.wrap(
              response -> {
                lists.set(which, FusedResponses.rankedList(response, size));
                if (pending.decrementAndGet() == 0 && failed.get() == false) {
                  allDone.onResponse(null);
                }
              },
              e -> {
                if (failed.compareAndSet(false, true)) {
                  allDone.onFailure(e);
                }
              }));
    }
  }

  private void fuseAndFinish(
      SearchRequest request,
      QuiverHybridQueryBuilder hybrid,
      FusionMethod method,
      AtomicReferenceArray<RankedList> lists,
      ActionListener<SearchResponse> out) {
    List<RankedList> all = new ArrayList<>(lists.length());
    for (int i = 0; i < lists.length(); i++) {
      all.add(lists.get(i));
    }
    List<FusedHit> fused = method.fuse(all);
    float boost = hybrid.boost();
    Float minScore = request.source().minScore();
    List<FusedHit> kept = new ArrayList<>(fused.size());
    for (FusedHit hit : fused) {
      FusedHit boosted =
          boost == 1f
              ? hit
              : new FusedHit(hit.key(), hit.score() * boost, hit.ranks(), hit.scores());
      if (minScore == null || boosted.score() >= minScore) {
        kept.add(boosted);
      }
    }
    SearchRequest last =
        HybridRequests.finalSearch(
            request, hybrid, new QuiverFusedQueryBuilder(kept, method.name()));
    last.setParentTask(parent);
    client.search(
        last,
        ActionListener.wrap(
            response ->
                out.onResponse(
                    FusedResponses.withFusedScores(
                        response,
                        kept,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos))),
            out::onFailure));
  }
}
