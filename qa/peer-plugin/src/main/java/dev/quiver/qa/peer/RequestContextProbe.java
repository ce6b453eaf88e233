package dev.quiver.qa.peer;

import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.index.IndexModule;
import org.opensearch.rest.RestHandler;
import org.opensearch.threadpool.ThreadPool;

/**
 * Probes whether the request context survives to the shards: {@link ContextStampFilter} stamps a
 * header and a transient on searches and bulks, {@link ContextObservations} records what the
 * shard-level query phase and indexing see, {@link RestContextObservationsAction} reports it.
 */
final class RequestContextProbe {

  private volatile ThreadPool threadPool;
  private final ContextObservations observations = new ContextObservations(this::threadContext);

  /** Called from {@code createComponents}, once the node's thread pool exists. */
  void start(ThreadPool threadPool) {
    this.threadPool = threadPool;
  }

  private ThreadContext threadContext() {
    ThreadPool pool = threadPool;
    return pool == null ? null : pool.getThreadContext();
  }

  ContextStampFilter filter() {
    return new ContextStampFilter(this::threadContext);
  }

  RestHandler restHandler() {
    return new RestContextObservationsAction(observations);
  }

  void onIndexModule(IndexModule module) {
    module.addSearchOperationListener(observations.searchListener());
    module.addIndexOperationListener(observations.indexingListener());
  }
}
