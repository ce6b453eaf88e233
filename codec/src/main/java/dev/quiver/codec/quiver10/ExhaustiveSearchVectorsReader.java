package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.Map;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * A flat reader that answers {@code search} by scoring every accepted vector, so a field stored
 * without a graph is still searchable (exactly). Everything else is the wrapped reader's.
 */
final class ExhaustiveSearchVectorsReader extends FlatVectorsReader {

  private final FlatVectorsReader in;

  ExhaustiveSearchVectorsReader(FlatVectorsReader in) {
    this.in = in;
  }

  @Override
  public void search(String field, float[] target, KnnCollector knnCollector, AcceptDocs acceptDocs)
      throws IOException {
    collectAll(in.getRandomVectorScorer(field, target), knnCollector, acceptDocs);
  }

  @Override
  public void search(String field, byte[] target, KnnCollector knnCollector, AcceptDocs acceptDocs)
      throws IOException {
    collectAll(in.getRandomVectorScorer(field, target), knnCollector, acceptDocs);
  }

  private static void collectAll(
      RandomVectorScorer scorer, KnnCollector collector, AcceptDocs acceptDocs) throws IOException {
    if (scorer == null) {
      return;
    }
    Bits acceptOrds = scorer.getAcceptOrds(acceptDocs == null ? null : acceptDocs.bits());
    int maxOrd = scorer.maxOrd();
    for (int ord = 0; ord < maxOrd && collector.earlyTerminated() == false; ord++) {
      if (acceptOrds == null || acceptOrds.get(ord)) {
        collector.incVisitedCount(1);
        collector.collect(scorer.ordToDoc(ord), scorer.score(ord));
      }
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
