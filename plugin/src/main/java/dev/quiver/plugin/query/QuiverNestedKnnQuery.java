package dev.quiver.plugin.query;

import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TimeLimitingKnnCollectorManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.Weight;
import org.apache.lucene.search.join.BitSetProducer;
import org.apache.lucene.search.join.DiversifyingChildrenFloatKnnVectorQuery;

/**
 * k nearest parents of a float vector, by their best child: the vectors live in nested (child)
 * documents, each segment collects the best child of {@code numCandidates} distinct parents (filter
 * applied to the children during the search), and the shard keeps the best {@code k}, so {@code k}
 * hits are {@code k} different parents. Matches the children; joined to the parents by {@link
 * NestedKnnQueries}.
 */
final class QuiverNestedKnnQuery extends DiversifyingChildrenFloatKnnVectorQuery {

  private final ShardKnnOptions options;

  QuiverNestedKnnQuery(
      String field,
      float[] target,
      int numCandidates,
      Query childFilter,
      BitSetProducer parents,
      ShardKnnOptions options) {
    super(field, target, childFilter, numCandidates, parents);
    this.options = options;
    options.checkBeam(numCandidates);
  }

  /**
   * Rescores each segment's hits by exact similarity when the field is quantized ({@link
   * ExactRescoring}), before the segments are merged and {@code min_score} applies.
   */
  @Override
  protected TopDocs searchLeaf(
      LeafReaderContext ctx, Weight filterWeight, TimeLimitingKnnCollectorManager collectors)
      throws IOException {
    TopDocs hits = super.searchLeaf(ctx, filterWeight, collectors);
    return options.rescore(ctx, field, target, hits);
  }

  @Override
  protected TopDocs mergeLeafResults(TopDocs[] perLeafResults) {
    return options.merge(perLeafResults);
  }

  @Override
  public String toString(String field) {
    return options.describe("QuiverNestedKnnQuery", getField(), getK(), getFilter());
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o)
        && o instanceof QuiverNestedKnnQuery other
        && options.equals(other.options);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), options);
  }
}
