package dev.quiver.plugin.query;

import dev.quiver.plugin.Futures;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.opensearch.index.query.QueryCoordinatorContext;
import org.opensearch.index.query.QueryRewriteContext;

/**
 * How {@code quiver_knn} and {@code quiver_maxsim} embed {@code query_text}: once, asynchronously,
 * while the search is rewritten on the coordinating node (an async action of the rewrite context,
 * run off the transport threads), with the query's {@code model}, else the field's mapped model in
 * the targeted indices, else {@link QuiverKnnQueryBuilder#DEFAULT_MODEL}.
 */
final class CoordinatorEmbedding {

  private CoordinatorEmbedding() {}

  /** Refuses (500) a text query on a node without an embedding engine. */
  static void requireEngine(String query, QueryEmbedder embedder) {
    if (embedder == null) {
      throw new IllegalStateException(
          "[" + query + "] [query_text] cannot be embedded: no embedding engine on this node");
    }
  }

  /**
   * The model to embed with: {@code model} if the query names one, else the one {@code field} is
   * mapped with in the indices the search targets, else the default.
   */
  static String modelFor(
      QueryRewriteContext context, QueryEmbedder embedder, String field, String model) {
    if (model != null) {
      return model;
    }
    QueryCoordinatorContext coordinator = context.convertToCoordinatorContext();
    String mapped =
        coordinator == null ? null : embedder.mappedModel(coordinator.getSearchRequest(), field);
    return mapped != null ? mapped : QuiverKnnQueryBuilder.DEFAULT_MODEL;
  }

  /**
   * Registers {@code embedding} as an async action of the rewrite: the search fails with its
   * failure; the returned supplier gives null until it has finished, then its result.
   */
  static <V> Supplier<V> register(
      QueryRewriteContext context, Supplier<CompletableFuture<V>> embedding) {
    AtomicReference<V> result = new AtomicReference<>();
    context.registerAsyncAction(
        (client, listener) ->
            embedding
                .get()
                .whenComplete(
                    (v, e) -> {
                      if (e != null) {
                        listener.onFailure(Futures.cause(e));
                      } else {
                        result.set(v);
                        listener.onResponse(null);
                      }
                    }));
    return result::get;
  }
}
