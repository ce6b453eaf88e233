package dev.quiver.plugin.hybrid;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * Matches the given documents of one shard by {@code _id} and scores each with its place in the
 * fused order ({@code order[i]}, strictly decreasing), so that the search sorts exactly as the
 * fusion did; {@link FusedResponses} then shows the fused scores. {@code explain} gives the fused
 * score with each sub-query's rank and score.
 */
final class FusedDocsQuery extends Query {

  private final String idField;
  private final BytesRef[] uids;
  private final float[] order;
  private final FusedHit[] hits;
  private final String method;

  FusedDocsQuery(String idField, BytesRef[] uids, float[] order, FusedHit[] hits, String method) {
    this.idField = idField;
    this.uids = uids;
    this.order = order;
    this.hits = hits;
    this.method = method;
  }

  /** The live documents of a segment with their index into {@link #hits}, by doc id. */
  private int[][] match(LeafReaderContext context) throws IOException {
    Terms terms = context.reader().terms(idField);
    if (terms == null) {
      return new int[][] {new int[0], new int[0]};
    }
    TermsEnum termsEnum = terms.iterator();
    Bits live = context.reader().getLiveDocs();
    List<long[]> found = new ArrayList<>();
    PostingsEnum postings = null;
    for (int i = 0; i < uids.length; i++) {
      if (termsEnum.seekExact(uids[i])) {
        postings = termsEnum.postings(postings, PostingsEnum.NONE);
        for (int doc = postings.nextDoc();
            doc != DocIdSetIterator.NO_MORE_DOCS;
            doc = postings.nextDoc()) {
          if (live == null || live.get(doc)) {
            found.add(new long[] {doc, i});
          }
        }
      }
    }
    found.sort((a, b) -> Long.compare(a[0], b[0]));
    int[] docs = new int[found.size()];
    int[] which = new int[found.size()];
    for (int i = 0; i < docs.length; i++) {
      docs[i] = (int) found.get(i)[0];
      which[i] = (int) found.get(i)[1];
    }
    return new int[][] {docs, which};
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
    return new Weight(this) {
      @Override
      public ScorerSupplier scorerSupplier(LeafReaderContext context) throws IOException {
        int[][] matched = match(context);
        if (matched[0].length == 0) {
          return null;
        }
        float[] scores = new float[matched[0].length];
        float max = 0;
        for (int i = 0; i < scores.length; i++) {
          scores[i] = order[matched[1][i]];
          max = Math.max(max, scores[i]);
        }
        return new DefaultScorerSupplier(new ArrayScorer(matched[0], scores, max));
      }

      @Override
      public Explanation explain(LeafReaderContext context, int doc) throws IOException {
        int[][] matched = match(context);
        int at = Arrays.binarySearch(matched[0], doc);
        if (at < 0) {
          return Explanation.noMatch("not among the fused hits of [quiver_hybrid]");
        }
        return explanation(hits[matched[1][at]]);
      }

      @Override
      public boolean isCacheable(LeafReaderContext ctx) {
        return false;
      }
    };
  }

  private Explanation explanation(FusedHit hit) {
    List<Explanation> details = new ArrayList<>();
    for (int i = 0; i < hit.ranks().length; i++) {
      details.add(
          hit.ranks()[i] > 0
              ? Explanation.match(
                  hit.scores()[i], "sub-query [" + i + "]: rank [" + hit.ranks()[i] + "], score")
              : Explanation.noMatch("sub-query [" + i + "]: not in its top [window] hits"));
    }
    return Explanation.match(
        hit.score(),
        "[quiver_hybrid] fused score, method ["
            + method
            + "], of "
            + hit.ranks().length
            + " sub-queries:",
        details);
  }

  /** Documents of a segment in doc id order with their scores. */
  private static final class ArrayScorer extends Scorer {
    private final int[] docs;
    private final float[] scores;
    private final float max;
    private int at = -1;

    ArrayScorer(int[] docs, float[] scores, float max) {
      this.docs = docs;
      this.scores = scores;
      this.max = max;
    }

    @Override
    public int docID() {
      return at < 0 ? -1 : at >= docs.length ? DocIdSetIterator.NO_MORE_DOCS : docs[at];
    }

    @Override
    public float score() {
      return scores[at];
    }

    @Override
    public float getMaxScore(int upTo) {
      return max;
    }

    @Override
    public DocIdSetIterator iterator() {
      return new DocIdSetIterator() {
        @Override
        public int docID() {
          return ArrayScorer.this.docID();
        }

        @Override
        public int nextDoc() {
          at++;
          return docID();
        }

        @Override
        public int advance(int target) {
          int doc;
          while ((doc = nextDoc()) < target) {}
          return doc;
        }

        @Override
        public long cost() {
          return docs.length;
        }
      };
    }
  }

  @Override
  public void visit(QueryVisitor visitor) {
    visitor.visitLeaf(this);
  }

  @Override
  public String toString(String field) {
    return "quiver_fused(" + uids.length + " docs, " + method + ")";
  }

  @Override
  public boolean equals(Object o) {
    return sameClassAs(o)
        && idField.equals(((FusedDocsQuery) o).idField)
        && method.equals(((FusedDocsQuery) o).method)
        && Arrays.equals(uids, ((FusedDocsQuery) o).uids)
        && Arrays.equals(order, ((FusedDocsQuery) o).order)
        && Arrays.equals(hits, ((FusedDocsQuery) o).hits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        classHash(), idField, method, Arrays.hashCode(uids), Arrays.hashCode(order));
  }
}
