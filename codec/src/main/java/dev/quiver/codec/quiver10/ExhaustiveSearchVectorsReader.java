package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.Map;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.IOSupplier;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * A flat reader that answers {@code search} by scoring every accepted vector, so a field stored
 * without a graph is still searchable (exactly). Everything else is the wrapped reader's.
 *
 * <p>How it scans: vectors are scored {@value #BULK} at a time through {@link
 * RandomVectorScorer#bulkScore}, and a batch is offered to the collector only if its best score is
 * competitive. A filter that accepts at most half of the field's vectors is walked through its
 * {@linkplain AcceptDocs#iterator() iterator} (leapfrogging the field's own document iterator), so
 * the cost follows the filter, not the field; a broader filter (or none) is applied as {@link Bits}
 * on a pass over every ordinal. Either way every accepted vector is scored once: results are exact,
 * and the visited count is the number of accepted vectors (never above the filter's cost, so a
 * {@code KnnVectorQuery} never falls back to a second, exact pass).
 */
public final class ExhaustiveSearchVectorsReader extends FlatVectorsReader {

  /** Vectors scored per {@link RandomVectorScorer#bulkScore} call. */
  static final int BULK = 64;

  private final FlatVectorsReader in;
  private final int version;

  public ExhaustiveSearchVectorsReader(FlatVectorsReader in, int version) {
    this.in = in;
    this.version = version;
  }

  /** The format version of the segment this reader reads. */
  int version() {
    return version;
  }

  @Override
  public void search(String field, float[] target, KnnCollector knnCollector, AcceptDocs acceptDocs)
      throws IOException {
    scoreAccepted(
        in.getRandomVectorScorer(field, target),
        () -> in.getFloatVectorValues(field).iterator(),
        knnCollector,
        acceptDocs);
  }

  @Override
  public void search(String field, byte[] target, KnnCollector knnCollector, AcceptDocs acceptDocs)
      throws IOException {
    scoreAccepted(
        in.getRandomVectorScorer(field, target),
        () -> in.getByteVectorValues(field).iterator(),
        knnCollector,
        acceptDocs);
  }

  private static void scoreAccepted(
      RandomVectorScorer scorer,
      IOSupplier<KnnVectorValues.DocIndexIterator> vectorDocs,
      KnnCollector collector,
      AcceptDocs acceptDocs)
      throws IOException {
    if (scorer == null || scorer.maxOrd() == 0 || collector.k() == 0) {
      return;
    }
    int maxOrd = scorer.maxOrd();
    ScoringBatch batch = new ScoringBatch(scorer, collector);
    if (acceptDocs != null && acceptDocs.cost() <= maxOrd / 2) {
      DocIdSetIterator accepted = acceptDocs.iterator();
      KnnVectorValues.DocIndexIterator vectors = vectorDocs.get();
      int doc = accepted.nextDoc();
      while (doc != DocIdSetIterator.NO_MORE_DOCS && collector.earlyTerminated() == false) {
        int vectorDoc = vectors.docID() < doc ? vectors.advance(doc) : vectors.docID();
        if (vectorDoc == DocIdSetIterator.NO_MORE_DOCS) {
          break;
        }
        if (vectorDoc == doc) {
          batch.add(vectors.index());
          doc = accepted.nextDoc();
        } else {
          doc = accepted.advance(vectorDoc);
        }
      }
    } else {
      Bits acceptOrds = scorer.getAcceptOrds(acceptDocs == null ? null : acceptDocs.bits());
      for (int ord = 0; ord < maxOrd && collector.earlyTerminated() == false; ord++) {
        if (acceptOrds == null || acceptOrds.get(ord)) {
          batch.add(ord);
        }
      }
    }
    if (collector.earlyTerminated() == false) {
      batch.flush();
    }
  }

  /** Ordinals waiting to be scored together. */
  private static final class ScoringBatch {
    private final RandomVectorScorer scorer;
    private final KnnCollector collector;
    private final int[] ords = new int[BULK];
    private final float[] scores = new float[BULK];
    private int size;

    ScoringBatch(RandomVectorScorer scorer, KnnCollector collector) {
      this.scorer = scorer;
      this.collector = collector;
    }

    void add(int ord) throws IOException {
      ords[size++] = ord;
      if (size == BULK) {
        flush();
      }
    }

    void flush() throws IOException {
      if (size == 0) {
        return;
      }
      collector.incVisitedCount(size);
      float best = scorer.bulkScore(ords, scores, size);
      if (best > collector.minCompetitiveSimilarity()) {
        for (int i = 0; i < size; i++) {
          collector.collect(scorer.ordToDoc(ords[i]), scores[i]);
        }
      }
      size = 0;
    }
  }

  @Override
  public FlatVectorsScorer getFlatVectorScorer(String field) throws IOException {
    return in.getFlatVectorScorer(field);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(String field, float[] target) throws IOException {
    return in.getRandomVectorScorer(field, target);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(String field, byte[] target) throws IOException {
    return in.getRandomVectorScorer(field, target);
  }

  @Override
  public FlatVectorsReader getMergeInstance() throws IOException {
    return in.getMergeInstance();
  }

  @Override
  public void finishMerge() throws IOException {
    in.finishMerge();
  }

  @Override
  public void checkIntegrity() throws IOException {
    in.checkIntegrity();
  }

  @Override
  public FloatVectorValues getFloatVectorValues(String field) throws IOException {
    return in.getFloatVectorValues(field);
  }

  @Override
  public ByteVectorValues getByteVectorValues(String field) throws IOException {
    return in.getByteVectorValues(field);
  }

  @Override
  public Map<String, Long> getOffHeapByteSize(FieldInfo fieldInfo) {
    return in.getOffHeapByteSize(fieldInfo);
  }

  @Override
  public long ramBytesUsed() {
    return in.ramBytesUsed();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
