package dev.quiver.plugin.query;

import dev.quiver.codec.fde.Quiver10FdeVectorsFormat;
import dev.quiver.codec.multivector.MaxSim;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;

/**
 * {@code quiver_maxsim} on one shard. Candidates are either the {@code numCandidates} nearest FDE
 * vectors to the query's FDE ({@link QuiverKnnQuery} on the field's FDE vectors, {@code filter}
 * applied during the graph search; on a quantized FDE field, the best {@code numCandidates} by
 * exact float-FDE inner product of {@code fdeCandidates} hits gathered on the codes, {@link
 * ExactRescoring}), or, with {@code exact}, every document with vectors that matches {@code
 * filter}. Each candidate is scored by exact MaxSim over its stored vectors ({@link MaxSim}, read
 * from the binary doc values in doc order per segment), and the shard keeps its best {@code k}; the
 * query rewrites to those ({@link MaxSimHitsQuery}).
 *
 * <p>Scores are the MaxSim, floored at 0 (Lucene needs non-negative scores; with unit vectors a
 * MaxSim is negative only if the query vectors point away from every document vector).
 */
final class MaxSimQuery extends Query {

  private static final Comparator<Scored> WORST_FIRST =
      Comparator.<Scored>comparingDouble(s -> s.score).thenComparingInt(s -> -s.doc);

  private final String field;
  private final String storedField;
  private final float[] queryVectors;
  private final int dims;
  private final float[] queryFde;
  private final int k;
  private final int numCandidates;
  private final int fdeCandidates;
  private final Query filter;
  private final String fingerprint;

  /**
   * @param field the FDE vector field
   * @param storedField the binary doc-values field of the encoded vectors
   * @param queryVectors the prepared query vectors, flat
   * @param queryFde the query's FDE; null for the exact scan
   * @param fdeCandidates on a quantized FDE field, the hits gathered on the codes and rescored by
   *     their float FDEs, of which the best {@code numCandidates} are reranked by MaxSim (at least
   *     {@code numCandidates}); 0: the graph's {@code numCandidates} hits as they are (float FDEs)
   * @param fingerprint the FDE fingerprint of the query's encoder, which every segment's field must
   *     carry ({@link Quiver10FdeVectorsFormat#FINGERPRINT_ATTRIBUTE})
   */
  MaxSimQuery(
      String field,
      String storedField,
      float[] queryVectors,
      int dims,
      float[] queryFde,
      int k,
      int numCandidates,
      int fdeCandidates,
      Query filter,
      String fingerprint) {
    this.field = field;
    this.storedField = storedField;
    this.queryVectors = queryVectors;
    this.dims = dims;
    this.queryFde = queryFde;
    this.k = k;
    this.numCandidates = numCandidates;
    this.fdeCandidates = fdeCandidates == 0 ? 0 : Math.max(numCandidates, fdeCandidates);
    this.filter = filter;
    this.fingerprint = fingerprint;
  }

  private record Scored(int doc, float score, int fdeRank, float fdeScore) {}

  /** A candidate of one segment: its segment doc id and how the FDE search ranked it. */
  private record Candidate(int doc, int fdeRank, float fdeScore) {}

  @Override
  public Query rewrite(IndexSearcher searcher) throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    for (LeafReaderContext ctx : leaves) {
      checkFingerprint(ctx);
    }
    List<List<Candidate>> perLeaf = queryFde == null ? null : fdeCandidates(searcher, leaves);
    MaxSim maxSim = new MaxSim(queryVectors, queryVectors.length / dims, dims);
    PriorityQueue<Scored> top = new PriorityQueue<>(WORST_FIRST);
    int scored = 0;
    Weight filterWeight =
        filter == null || queryFde != null
            ? null
            : searcher.createWeight(searcher.rewrite(filter), ScoreMode.COMPLETE_NO_SCORES, 1f);
    for (LeafReaderContext ctx : leaves) {
      BinaryDocValues values = DocValues.getBinary(ctx.reader(), storedField);
      if (perLeaf != null) {
        for (Candidate c : perLeaf.get(ctx.ord)) {
          if (values.advanceExact(c.doc())) {
            offer(
                top,
                new Scored(
                    ctx.docBase + c.doc(), score(maxSim, values), c.fdeRank(), c.fdeScore()));
            scored++;
          }
        }
      } else {
        scored += scanAll(ctx, values, filterWeight, maxSim, top);
      }
    }
    Scored[] hits = top.toArray(new Scored[0]);
    Arrays.sort(hits, Comparator.comparingInt(Scored::doc));
    int[] docs = new int[hits.length];
    float[] scores = new float[hits.length];
    MaxSimHitsQuery.Origin[] origins = new MaxSimHitsQuery.Origin[hits.length];
    for (int i = 0; i < hits.length; i++) {
      docs[i] = hits[i].doc();
      scores[i] = hits[i].score();
      origins[i] = new MaxSimHitsQuery.Origin(hits[i].fdeRank(), hits[i].fdeScore());
    }
    return new MaxSimHitsQuery(
        field,
        docs,
        scores,
        origins,
        scored,
        queryVectors.length / dims,
        searcher.getIndexReader().getContext().id());
  }

  /**
   * Refuses a segment whose FDEs were encoded with other parameters than the query's (a mapping
   * restored over another index, a plugin upgrade that changed the encoding): its FDE scores and
   * candidates would be meaningless.
   */
  private void checkFingerprint(LeafReaderContext ctx) {
    FieldInfo info = ctx.reader().getFieldInfos().fieldInfo(field);
    if (info == null) {
      return;
    }
    String segment = Quiver10FdeVectorsFormat.fingerprint(info);
    if (segment.equals(fingerprint) == false) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: a segment holds FDEs of fingerprint ["
              + segment
              + "] but the mapping encodes queries with ["
              + fingerprint
              + "]; reindex into an index with this mapping");
    }
  }

  private static float score(MaxSim maxSim, BinaryDocValues values) throws IOException {
    return Math.max(0f, maxSim.score(values.binaryValue()));
  }

  private void offer(PriorityQueue<Scored> top, Scored s) {
    if (top.size() < k) {
      top.add(s);
    } else if (WORST_FIRST.compare(s, top.peek()) > 0) {
      top.poll();
      top.add(s);
    }
  }

  /** Every live document of the segment with vectors that matches the filter; how many. */
  private int scanAll(
      LeafReaderContext ctx,
      BinaryDocValues values,
      Weight filterWeight,
      MaxSim maxSim,
      PriorityQueue<Scored> top)
      throws IOException {
    DocIdSetIterator filterDocs = null;
    if (filterWeight != null) {
      Scorer s = filterWeight.scorer(ctx);
      if (s == null) {
        return 0;
      }
      filterDocs = s.iterator();
    }
    Bits live = ctx.reader().getLiveDocs();
    int scored = 0;
    for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
      if (live != null && live.get(doc) == false) {
        continue;
      }
      if (filterDocs != null) {
        int f = filterDocs.docID() >= doc ? filterDocs.docID() : filterDocs.advance(doc);
        if (f == DocIdSetIterator.NO_MORE_DOCS) {
          break;
        }
        if (f != doc) {
          continue;
        }
      }
      offer(top, new Scored(ctx.docBase + doc, score(maxSim, values), 0, 0f));
      scored++;
    }
    return scored;
  }

  /**
   * The FDE search's hits per segment, in doc order, each with its rank (1 = best) over the shard.
   */
  private List<List<Candidate>> fdeCandidates(
      IndexSearcher searcher, List<LeafReaderContext> leaves) throws IOException {
    Query knn =
        new QuiverKnnQuery(
            field,
            queryFde,
            Math.max(numCandidates, fdeCandidates),
            filter,
            new ShardKnnOptions(numCandidates, null, fdeCandidates, false));
    Weight weight = searcher.createWeight(searcher.rewrite(knn), ScoreMode.COMPLETE, 1f);
    List<int[]> found = new ArrayList<>();
    List<Float> foundScores = new ArrayList<>();
    for (LeafReaderContext ctx : leaves) {
      Scorer scorer = weight.scorer(ctx);
      if (scorer == null) {
        continue;
      }
      DocIdSetIterator it = scorer.iterator();
      for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        found.add(new int[] {ctx.ord, doc});
        foundScores.add(scorer.score());
      }
    }
    Integer[] order = new Integer[found.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(foundScores.get(b), foundScores.get(a)));
    int[] rank = new int[order.length];
    for (int r = 0; r < order.length; r++) {
      rank[order[r]] = r + 1;
    }
    List<List<Candidate>> perLeaf = new ArrayList<>(leaves.size());
    for (int i = 0; i < leaves.size(); i++) {
      perLeaf.add(new ArrayList<>());
    }
    for (int i = 0; i < found.size(); i++) {
      int[] at = found.get(i);
      perLeaf.get(at[0]).add(new Candidate(at[1], rank[i], foundScores.get(i)));
    }
    return perLeaf;
  }

  @Override
  public String toString(String f) {
    return "QuiverMaxSimQuery[field="
        + field
        + ", vectors="
        + queryVectors.length / dims
        + ", k="
        + k
        + (queryFde == null ? ", exact" : ", num_candidates=" + numCandidates)
        + (queryFde == null || fdeCandidates == 0 ? "" : ", fde_rescored=" + fdeCandidates)
        + (filter == null ? "" : ", filter=" + filter)
        + "]";
  }

  @Override
  public void visit(QueryVisitor visitor) {
    visitor.visitLeaf(this);
  }

  @Override
  public boolean equals(Object o) {
    return sameClassAs(o)
        && o instanceof MaxSimQuery other
        && field.equals(other.field)
        && Arrays.equals(queryVectors, other.queryVectors)
        && Arrays.equals(queryFde, other.queryFde)
        && k == other.k
        && numCandidates == other.numCandidates
        && fdeCandidates == other.fdeCandidates
        && Objects.equals(filter, other.filter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        classHash(),
        field,
        Arrays.hashCode(queryVectors),
        k,
        numCandidates,
        fdeCandidates,
        filter,
        queryFde == null);
  }
}
