package dev.quiver.plugin.query;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Weight;

/**
 * A {@code quiver_semantic} query with {@code return_chunk}: matches and scores exactly as the
 * query it wraps, and carries the semantic field and the query vector to the fetch phase, which
 * finds it in the search's query by visiting it ({@link MatchedChunkFetchPhase}) and names the
 * chunk of each hit closest to the vector.
 */
final class MatchedChunkQuery extends Query {

  private final Query query;
  private final String field;
  private final float[] vector;

  /**
   * @param query the query that matches and scores
   * @param field the {@code quiver_semantic} field
   * @param vector the query vector
   */
  MatchedChunkQuery(Query query, String field, float[] vector) {
    this.query = query;
    this.field = field;
    this.vector = vector;
  }

  String field() {
    return field;
  }

  float[] vector() {
    return vector;
  }

  Query query() {
    return query;
  }

  @Override
  public Query rewrite(IndexSearcher searcher) throws IOException {
    Query rewritten = query.rewrite(searcher);
    return rewritten == query ? this : new MatchedChunkQuery(rewritten, field, vector);
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost)
      throws IOException {
    return query.createWeight(searcher, scoreMode, boost);
  }

  /** A leaf: the fetch phase's visitor collects it; term extraction (highlighting) skips it. */
  @Override
  public void visit(QueryVisitor visitor) {
    if (visitor.acceptField(field)) {
      visitor.visitLeaf(this);
    }
  }

  @Override
  public String toString(String defaultField) {
    return "MatchedChunk[field=" + field + ", " + query.toString(defaultField) + "]";
  }

  @Override
  public boolean equals(Object other) {
    return sameClassAs(other)
        && query.equals(((MatchedChunkQuery) other).query)
        && field.equals(((MatchedChunkQuery) other).field)
        && Arrays.equals(vector, ((MatchedChunkQuery) other).vector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(classHash(), query, field, Arrays.hashCode(vector));
  }
}
