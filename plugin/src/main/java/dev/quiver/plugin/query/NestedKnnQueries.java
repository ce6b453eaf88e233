package dev.quiver.plugin.query;

import java.util.Objects;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.join.BitSetProducer;
import org.apache.lucene.search.join.ScoreMode;
import org.opensearch.index.mapper.ObjectMapper;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;
import org.opensearch.index.search.NestedHelper;
import org.opensearch.index.search.OpenSearchToParentBlockJoinQuery;

/**
 * {@code quiver_knn} on a field inside a {@code nested} object: a parent scores as its best child.
 *
 * <ul>
 *   <li>Inside a {@code nested} query on the field's nested path, the query matches the best child
 *       of each of the {@code k} best parents (one child per parent), which the {@code nested}
 *       query joins to the parents with its {@code score_mode} (all modes give the best child's
 *       score, as each parent has one matching child).
 *   <li>Where the parents are the current level (the top level of the search, or a {@code nested}
 *       query on the parent path), it matches the {@code k} best parents, each scored by its best
 *       child.
 * </ul>
 *
 * <p>Anywhere else (e.g. a {@code nested} query on an unrelated path) is a 400 naming the path. The
 * filter is turned into a filter on the children by {@link ChildLevelFilter}.
 */
final class NestedKnnQueries {

  private NestedKnnQueries() {}

  static Query create(
      QueryShardContext context,
      NestedLevel level,
      String field,
      float[] target,
      int numCandidates,
      Query filter,
      ShardKnnOptions options) {
    BitSetProducer parents = context.bitsetFilter(level.parentsQuery());
    Query childFilter =
        filter == null
            ? null
            : ChildLevelFilter.toChildFilter(
                filter, new NestedHelper(context.getMapperService()), level, parents);
    Query children =
        new QuiverNestedKnnQuery(field, target, numCandidates, childFilter, parents, options);
    ObjectMapper scope = context.nestedScope().getObjectMapper();
    String scopePath = scope == null ? null : scope.fullPath();
    if (Objects.equals(scopePath, level.path())) {
      return children;
    }
    if (Objects.equals(scopePath, level.parentPath())) {
      return new OpenSearchToParentBlockJoinQuery(children, parents, ScoreMode.Max, level.path());
    }
    throw new QueryShardException(
        context,
        "["
            + QuiverKnnQueryBuilder.NAME
            + "] field ["
            + field
            + "] is inside nested object ["
            + level.path()
            + "]: search it "
            + (level.parentPath() == null
                ? "at the top level"
                : "inside a [nested] query on path [" + level.parentPath() + "]")
            + " or inside a [nested] query on path ["
            + level.path()
            + "]"
            + (scopePath == null ? "" : ", not inside [nested] path [" + scopePath + "]"));
  }
}
