package dev.quiver.codec.quantized;

import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;

/**
 * Oversample-and-rescore over a quantized field, on a plain Lucene {@code IndexSearcher}: gathers
 * {@code ceil(oversample * k)} candidates on the codes (graph or exhaustive), then keeps the top
 * {@code k} by the exact similarity of the raw float vectors ({@code
 * FullPrecisionFloatVectorSimilarityValuesSource}, which reads {@code
 * LeafReader.getFloatVectorValues}: the raw vectors of {@link Quiver10QuantizedFlatVectorsFormat},
 * read off-heap, only for the candidates). Scores returned are the exact float scores.
 */
public final class QuantizedRescoring {

  /** Largest accepted oversample factor. */
  public static final float MAX_OVERSAMPLE = 100f;

  private QuantizedRescoring() {}

  /**
   * @param oversample candidates gathered per result, in [1, {@value #MAX_OVERSAMPLE}]; 1 rescores
   *     the k candidates only (exact scores, same documents)
   * @param filter documents to consider, or {@code null}
   */
  public static Query query(String field, float[] target, int k, float oversample, Query filter) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1; k=" + k);
    }
    if (!(oversample >= 1f && oversample <= MAX_OVERSAMPLE)) {
      throw new IllegalArgumentException(
          "oversample must be in [1, " + MAX_OVERSAMPLE + "]; oversample=" + oversample);
    }
    int candidates = (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(oversample * (double) k));
    Query knn = new KnnFloatVectorQuery(field, target, candidates, filter);
    return RescoreTopNQuery.createFullPrecisionRescorerQuery(knn, target, field, k);
  }
}
