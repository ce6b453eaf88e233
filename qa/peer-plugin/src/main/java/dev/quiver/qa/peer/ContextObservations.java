package dev.quiver.qa.peer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.shard.IndexingOperationListener;
import org.opensearch.index.shard.SearchOperationListener;
import org.opensearch.search.internal.SearchContext;
import org.opensearch.tasks.Task;

/**
 * What the shard-level search and indexing see of the request context: for every query phase and
 * every indexed document whose thread context carries an {@code X-Opaque-Id}, one record with the
 * phase, index, thread, the {@link ContextStampFilter} header and transient, and (for searches) the
 * shard task's parent. Records are kept by opaque id until read.
 */
final class ContextObservations {

  private final Supplier<ThreadContext> threadContext;
  private final Map<String, List<Map<String, Object>>> byOpaqueId = new ConcurrentHashMap<>();

  ContextObservations(Supplier<ThreadContext> threadContext) {
    this.threadContext = threadContext;
  }

  /** Records what the shard-level query phase sees. */
  SearchOperationListener searchListener() {
    return new SearchOperationListener() {
      @Override
      public void onPreQueryPhase(SearchContext context) {
        Task task = context.getTask();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(
            "parent_task",
            task == null || task.getParentTaskId().isSet() == false
                ? null
                : task.getParentTaskId().toString());
        record("query", context.shardTarget().getIndex(), extra);
      }
    };
  }

  /** Records what the shard-level indexing of a document sees. */
  IndexingOperationListener indexingListener() {
    return new IndexingOperationListener() {
      @Override
      public Engine.Index preIndex(ShardId shardId, Engine.Index operation) {
        if (operation.origin() == Engine.Operation.Origin.PRIMARY) {
          record("index", shardId.getIndexName(), Map.of("id", operation.id()));
        }
        return operation;
      }
    };
  }

  private void record(String phase, String index, Map<String, Object> extra) {
    ThreadContext context = threadContext.get();
    String opaqueId = context == null ? null : context.getHeader(Task.X_OPAQUE_ID);
    if (opaqueId == null) {
      return;
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("phase", phase);
    record.put("index", index);
    record.put("thread", Thread.currentThread().getName());
    record.put("header", context.getHeader(ContextStampFilter.HEADER));
    Object transientValue = context.getTransient(ContextStampFilter.TRANSIENT);
    record.put("transient", transientValue == null ? null : transientValue.toString());
    record.putAll(extra);
    byOpaqueId.computeIfAbsent(opaqueId, k -> new CopyOnWriteArrayList<>()).add(record);
  }

  /** The records of an opaque id, oldest first. */
  List<Map<String, Object>> of(String opaqueId) {
    List<Map<String, Object>> records = byOpaqueId.get(opaqueId);
    return records == null ? List.of() : List.copyOf(records);
  }
}
