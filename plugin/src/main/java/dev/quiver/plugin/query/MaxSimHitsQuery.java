package dev.quiver.plugin.query;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.Weight;

/**
 * What {@link MaxSimQuery} rewrites to on one reader: the shard's top {@code k} documents with
 * their MaxSim scores, and for explain how each was found (its rank and score among the FDE
 * candidates, or the exact scan).
 */
final class MaxSimHitsQuery extends Query {

  /** A hit's origin: its 1-based rank and score among the FDE candidates; rank 0 for exact. */
  record Origin(int fdeRank, float fdeScore) {}

  private final String field;
  private final int[] docs;
  private final float[] scores;
  private final Origin[] origins;
  private final int candidates;
  private final int queryVectors;
  private final Object contextIdentity;

  /**
   * @param docs global doc ids, ascending
   * @param scores their MaxSim scores
   * @param origins how each was found
   * @param candidates how many documents were scored by MaxSim
   * @param queryVectors the number of query vectors
   */
  MaxSimHitsQuery(
      String field,
      int[] docs,
      float[] scores,
      Origin[] origins,
      int candidates,
      int queryVectors,
      Object contextIdentity) {
    this.field = field;
    this.docs = docs;
    this.scores = scores;
    this.origins = origins;
    this.candidates = candidates;
    this.queryVectors = queryVectors;
    this.contextIdentity = contextIdentity;
  }

  /** The hits of one segment: the range of {@code docs} in {@code [docBase, docBase + maxDoc)}. */
  private int[] range(LeafReaderContext ctx) {
    int from = lowerBound(ctx.docBase);
    int to = lowerBound(ctx.docBase + ctx.reader().maxDoc());
    return new int[] {from, to};
  }

  private int lowerBound(int doc) {
    int i = Arrays.binarySearch(docs, doc);
    return i >= 0 ? i : -i - 1;
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
    if (searcher.getIndexReader().getContext().id() != contextIdentity) {
      throw new IllegalStateException("this MaxSim result was computed on another reader");
    }
    return new Weight(this) {
      @Override
      public Explanation explain(LeafReaderContext ctx, int doc) {
        int i = Arrays.binarySearch(docs, ctx.docBase + doc);
        if (i < 0) {
          return Explanation.noMatch(
              "not in the top " + docs.length + " by MaxSim of " + candidates + " scored");
        }
        Origin origin = origins[i];
        Explanation how =
            origin.fdeRank() == 0
                ? Explanation.match(0f, "exact: every matching document scored by MaxSim")
                : Explanation.match(
                    origin.fdeScore(),
                    "FDE candidate rank "
                        + origin.fdeRank()
                        + " of "
                        + candidates
                        + " (FDE inner-product score)");
        Explanation maxSim =
            Explanation.match(
                scores[i],
                "MaxSim of "
                    + queryVectors
                    + " query vectors over the document's vectors of ["
                    + field
                    + "]",
                how);
        return boost == 1f
            ? maxSim
            : Explanation.match(scores[i] * boost, "product of:", maxSim, boostExplanation());
      }

      private Explanation boostExplanation() {
        return Explanation.match(boost, "boost");
      }

      @Override
      public ScorerSupplier scorerSupplier(LeafReaderContext ctx) {
        int[] r = range(ctx);
        if (r[0] == r[1]) {
          return null;
        }
        Scorer scorer = new HitsScorer(ctx.docBase, r[0], r[1], boost);
        return new DefaultScorerSupplier(scorer);
      }

      @Override
      public int count(LeafReaderContext ctx) {
        int[] r = range(ctx);
        return r[1] - r[0];
      }

      @Override
      public boolean isCacheable(LeafReaderContext ctx) {
        return true;
      }
    };
  }

  /** Iterates a segment's slice of the hits. */
  private final class HitsScorer extends Scorer {
    private final int docBase;
    private final int from;
    private final int to;
    private final float boost;
    private final float maxScore;
    private int at = -1;

    HitsScorer(int docBase, int from, int to, float boost) {
      this.docBase = docBase;
      this.from = from;
      this.to = to;
      this.boost = boost;
      float max = 0;
      for (int i = from; i < to; i++) {
        max = Math.max(max, scores[i]);
      }
      this.maxScore = max;
    }

    @Override
    public int docID() {
      if (at < 0) {
        return -1;
      }
      return at >= to ? DocIdSetIterator.NO_MORE_DOCS : docs[at] - docBase;
    }

    @Override
    public float score() {
      return scores[at] * boost;
    }

    @Override
    public float getMaxScore(int upTo) {
      return maxScore * boost;
    }

    @Override
    public DocIdSetIterator iterator() {
      return new DocIdSetIterator() {
        @Override
        public int docID() {
          return HitsScorer.this.docID();
        }

        @Override
        public int nextDoc() {
          at = at < 0 ? from : Math.min(at + 1, to);
          return docID();
        }

        @Override
        public int advance(int target) throws IOException {
          return slowAdvance(target);
        }

        @Override
        public long cost() {
          return to - from;
        }
      };
    }
  }

  @Override
  public String toString(String f) {
    return "MaxSimHits[field=" + field + ", hits=" + docs.length + "]";
  }

  @Override
  public void visit(QueryVisitor visitor) {
    visitor.visitLeaf(this);
  }

  @Override
  public boolean equals(Object o) {
    return sameClassAs(o)
        && contextIdentity == ((MaxSimHitsQuery) o).contextIdentity
        && field.equals(((MaxSimHitsQuery) o).field)
        && Arrays.equals(docs, ((MaxSimHitsQuery) o).docs)
        && Arrays.equals(scores, ((MaxSimHitsQuery) o).scores);
  }

  @Override
  public int hashCode() {
    return Objects.hash(classHash(), field, Arrays.hashCode(docs), Arrays.hashCode(scores));
  }
}
