package dev.quiver.plugin.query;

import org.opensearch.action.support.PlainActionFuture;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.index.query.BaseQueryRewriteContext;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.Rewriteable;

/**
 * Rewrites a query as the coordinating node does before the search reaches a shard, running the
 * async actions the rewrite registers (the {@code query_text} embedding) to completion.
 */
final class CoordinatorRewrite {

  private CoordinatorRewrite() {}

  static QueryBuilder rewrite(
      QueryBuilder query, NamedXContentRegistry xContent, NamedWriteableRegistry writeables)
      throws Exception {
    PlainActionFuture<QueryBuilder> done = new PlainActionFuture<>();
    Rewriteable.rewriteAndFetch(
        query,
        new BaseQueryRewriteContext(xContent, writeables, null, System::currentTimeMillis),
        done);
    return done.get();
  }
}
