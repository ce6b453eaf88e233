package dev.quiver.bench;

import dev.quiver.codec.quantized.BoundedRescorer;
import dev.quiver.codec.quantized.QuantizedFloatVectorValues;
import java.io.IOException;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;

/**
 * One query on a Quiver quantized index: gathers {@code oversample * k} candidates on the graph
 * (codes), then keeps the top {@code k} by exact similarity, either reading the raw vector of every
 * candidate ({@link Mode#FIXED}, what {@code quiver_knn} does with fixed oversampling) or with
 * {@link BoundedRescorer} ({@link Mode#BOUNDED}). Both read raw vectors the same way ({@code
 * vectorValue} and the similarity function, as the plugin's rescoring does) and gather the same
 * candidates, so they differ only in which candidates they read. Counts raw vectors read.
 */
final class RescoringSearch implements InterleavedRounds.Search {

  enum Mode {
    FIXED,
    BOUNDED
  }

  private final BuiltIndex index;
  private final int k;
  private final int gathered;
  private final Mode mode;
  private final float epsilon;
  private final VectorSimilarityFunction similarity;
  private final TopK top;
  private int[] ords = new int[0];
  private long reads;
  private long queries;

  RescoringSearch(
      BuiltIndex index,
      int k,
      int oversample,
      Mode mode,
      float epsilon,
      VectorSimilarityFunction similarity)
      throws IOException {
    this.index = index;
    this.k = k;
    this.gathered = oversample * k;
    this.mode = mode;
    this.epsilon = epsilon;
    this.similarity = similarity;
    this.top = new TopK(k);
    FloatVectorValues values = index.leaf.getFloatVectorValues(BuiltIndex.FIELD);
    if (!(values instanceof QuantizedFloatVectorValues)) {
      throw new IllegalArgumentException(index.format.name() + ": not a Quiver quantized index");
    }
    if (values.size() != index.leaf.maxDoc()) {
      throw new IllegalStateException("expected one vector per document");
    }
  }

  @Override
  public int[] search(float[] query) throws IOException {
    ScoreDoc[] hits =
        index.searcher.search(new KnnFloatVectorQuery(BuiltIndex.FIELD, query, gathered), gathered)
            .scoreDocs;
    QuantizedFloatVectorValues values =
        (QuantizedFloatVectorValues) index.leaf.getFloatVectorValues(BuiltIndex.FIELD);
    int n = hits.length;
    if (ords.length < n) {
      ords = new int[n];
    }
    for (int i = 0; i < n; i++) {
      ords[i] = hits[i].doc; // one segment, a vector per document: ordinal == doc id
    }
    top.clear();
    if (mode == Mode.FIXED) {
      for (int i = 0; i < n; i++) {
        top.offer(ords[i], similarity.compare(query, values.vectorValue(ords[i])));
      }
      reads += n;
    } else {
      BoundedRescorer rescorer = new BoundedRescorer(values, query, similarity, k, epsilon);
      int read = rescorer.rescore(ords, n);
      for (int i = 0; i < read; i++) {
        top.offer(rescorer.ord(i), rescorer.score(i));
      }
      reads += read;
    }
    queries++;
    return top.sortedDocs();
  }

  /** Mean raw vectors read per query since the last {@link #resetCounts}. */
  double readsPerQuery() {
    return queries == 0 ? Double.NaN : reads / (double) queries;
  }

  void resetCounts() {
    reads = 0;
    queries = 0;
  }
}
