package dev.quiver.plugin.query;

import java.util.Objects;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopDocs;

/**
 * k nearest neighbours of a float vector, searched with a wider beam: Lucene gathers {@code
 * numCandidates} candidates over the shard (each segment searched with a beam proportional to its
 * share of documents, then the competitive segments again, filter applied during the graph walk),
 * the shard keeps the best {@code k} of them, and hits scoring below {@code minScore} (the
 * similarity score, before boost) are dropped.
 */
final class QuiverKnnQuery extends KnnFloatVectorQuery {

  private final int topK;
  private final Float minScore;

  QuiverKnnQuery(
      String field, float[] target, int topK, int numCandidates, Query filter, Float minScore) {
    super(field, target, numCandidates, filter);
    if (topK > numCandidates) {
      throw new IllegalArgumentException(
          "k [" + topK + "] must be <= num_candidates [" + numCandidates + "]");
    }
    this.topK = topK;
    this.minScore = minScore;
  }

  @Override
  protected TopDocs mergeLeafResults(TopDocs[] perLeafResults) {
    return ShardTopK.merge(topK, minScore, perLeafResults);
  }

  @Override
  public String toString(String field) {
    return "QuiverKnnQuery[field="
        + getField()
        + ", k="
        + topK
        + ", num_candidates="
        + getK()
        + (minScore == null ? "" : ", min_score=" + minScore)
        + (getFilter() == null ? "" : ", filter=" + getFilter())
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o)
        && o instanceof QuiverKnnQuery other
        && topK == other.topK
        && Objects.equals(minScore, other.minScore);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), topK, minScore);
  }
}
