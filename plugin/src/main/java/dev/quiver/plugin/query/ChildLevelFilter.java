package dev.quiver.plugin.query;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.join.BitSetProducer;
import org.apache.lucene.search.join.ToChildBlockJoinQuery;
import org.opensearch.index.search.NestedHelper;

/**
 * The {@code filter} of {@code quiver_knn} on a nested vector field, as a filter on the child
 * documents that carry the vectors. Each leaf of the filter applies at the level of its fields: a
 * leaf that can only match children of the field's nested path (e.g. {@code term} on {@code
 * passages.section}) filters the children; any other leaf (fields of the parent, a {@code nested}
 * query, {@code match_all}) is evaluated on the parents and admits all children of the parents it
 * matches. Boolean structure ({@code filter}, {@code must}, {@code should}, {@code must_not}) is
 * kept around the leaves, so a mixed filter such as "parent in English and passage not the intro"
 * means just that for each child.
 */
final class ChildLevelFilter {

  private final NestedHelper nested;
  private final String childPath;
  private final Query parentsOnly;
  private final BitSetProducer parents;

  private ChildLevelFilter(
      NestedHelper nested, String childPath, Query parentsOnly, BitSetProducer parents) {
    this.nested = nested;
    this.childPath = childPath;
    this.parentsOnly = parentsOnly;
    this.parents = parents;
  }

  /**
   * @param filter the filter as built in the query's context
   * @param nested answers which queries can match only the children
   * @param level the vector field's nested level
   * @param parents the parent documents of {@code level}, as a bitset
   */
  static Query toChildFilter(
      Query filter, NestedHelper nested, NestedLevel level, BitSetProducer parents) {
    return new ChildLevelFilter(nested, level.path(), level.parentsQuery(), parents)
        .translate(filter);
  }

  private Query translate(Query query) {
    if (nested.mightMatchNonNestedDocs(query, childPath) == false) {
      return query;
    }
    if (query instanceof BooleanQuery bool) {
      BooleanQuery.Builder b =
          new BooleanQuery.Builder()
              .setMinimumNumberShouldMatch(bool.getMinimumNumberShouldMatch());
      for (BooleanClause clause : bool.clauses()) {
        b.add(translate(clause.query()), clause.occur());
      }
      return b.build();
    }
    if (query instanceof ConstantScoreQuery constant) {
      return translate(constant.getQuery());
    }
    if (query instanceof BoostQuery boosted) {
      return translate(boosted.getQuery());
    }
    // ToChildBlockJoinQuery requires a query matching parents only.
    Query onParents =
        new BooleanQuery.Builder()
            .add(query, BooleanClause.Occur.FILTER)
            .add(parentsOnly, BooleanClause.Occur.FILTER)
            .build();
    return new ToChildBlockJoinQuery(onParents, parents);
  }
}
