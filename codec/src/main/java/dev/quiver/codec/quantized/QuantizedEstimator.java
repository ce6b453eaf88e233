package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.QuantizedQuery;
import dev.quiver.codec.quant.QuantizedScorer;
import dev.quiver.codec.quant.QueryQuantizer;
import java.io.IOException;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * One query's estimated scores against a segment's codes, each with a confidence interval on
 * Lucene's score scale (from RaBitQ's bound on the estimate, widened by the query's own rounding;
 * see {@link QuantizedScorer#errorBound(QuantizedQuery, float, float, float)}). {@link #score}
 * reads one code record and allocates nothing; {@link #lowerScore} and {@link #upperScore} are
 * those of the ordinal scored last. Not thread-safe.
 */
public final class QuantizedEstimator {

  private final QuantizedFloatVectorValues values;
  private final QuantizedQuery query;
  private final QuantizedScorer scorer;
  private final VectorSimilarityFunction similarity;
  private final float epsilon;
  private final QuantizedRecord record;
  private float lower;
  private float upper;

  QuantizedEstimator(QuantizedFloatVectorValues values, float[] target, float epsilon) {
    if (!(epsilon >= 0f) || Float.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and >= 0; epsilon=" + epsilon);
    }
    this.values = values;
    this.query = new QueryQuantizer(values.space()).quantize(target);
    this.scorer = new QuantizedScorer(values.space());
    this.similarity = values.space().similarity();
    this.epsilon = epsilon;
    this.record = values.newRecord();
  }

  /** The estimated score of {@code ord} (Lucene's scale for the field's similarity). */
  public float score(int ord) throws IOException {
    values.readRecord(ord, record);
    float raw =
        scorer.estimate(
            query, record.code, record.rescale, record.additive, record.levelSum, record.cluster);
    float bound =
        scorer.errorBound(query, record.errorScale, record.centredNorm, epsilon, record.cluster);
    // Scores grow with the dot product and shrink with the squared distance.
    boolean distance = similarity == VectorSimilarityFunction.EUCLIDEAN;
    lower = QuantizedVectorsScorer.toScore(similarity, distance ? raw + bound : raw - bound);
    upper = QuantizedVectorsScorer.toScore(similarity, distance ? raw - bound : raw + bound);
    return QuantizedVectorsScorer.toScore(similarity, raw);
  }

  /** Lower end of the interval of the ordinal scored last. */
  public float lowerScore() {
    return lower;
  }

  /** Upper end of the interval of the ordinal scored last. */
  public float upperScore() {
    return upper;
  }
}
