package dev.quiver.plugin.query;

import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TimeLimitingKnnCollectorManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.Weight;

/**
 * k nearest neighbours of a float vector, searched with a wider beam: Lucene gathers {@code
 * numCandidates} candidates over the shard (each segment searched with a beam proportional to its
 * share of documents, then the competitive segments again, filter applied during the graph walk),
 * the shard keeps the best {@code k} of them, and hits scoring below {@code minScore} (the
 * similarity score, before boost) are dropped. With {@code rescoreCandidates > 0} (a quantized
 * field) each segment's best {@code rescoreCandidates} hits are rescored exactly first, so the
 * shard's {@code k} and {@code minScore} are on exact scores.
 */
final class QuiverKnnQuery extends KnnFloatVectorQuery {

  private final ShardKnnOptions options;

  QuiverKnnQuery(
      String field, float[] target, int numCandidates, Query filter, ShardKnnOptions options) {
    super(field, target, numCandidates, filter);
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
    return options.describe("QuiverKnnQuery", getField(), getK(), getFilter());
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && o instanceof QuiverKnnQuery other && options.equals(other.options);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), options);
  }
}
