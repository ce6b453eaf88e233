package dev.quiver.codec.quant;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;

/**
 * Estimates the similarity of a {@link QuantizedQuery} and a stored code with its {@link
 * DocCorrections}, and bounds the error of the estimate.
 *
 * <p>With {@code r = P(v - c)}, {@code q = P(q' - c)}, levels {@code x}, {@code m = (2^B - 1)/2}
 * and {@code xbar = x - m}:
 *
 * <pre>
 *   &lt;xbar, q&gt;  ~ step * &lt;x, qlevels&gt; + lower * levelSum - m * query.sum
 *   &lt;r, q&gt;     ~ rescale * &lt;xbar, q&gt;                        (RaBitQ estimator)
 *   dot:        &lt;v', q'&gt; = &lt;r, q&gt; + &lt;v', c&gt; + &lt;q', c&gt; - |c|^2
 *   Euclidean:  |v - q'|^2 = |r|^2 + |q|^2 - 2 &lt;r, q&gt;
 * </pre>
 *
 * where {@code <x, qlevels>} is an integer dot product over the packed layouts, computed with
 * Lucene's {@link VectorUtil} (SIMD through the Panama vector API when enabled). The error bound on
 * {@code <r, q>} is {@code eps * errorScale * |q| / sqrt(D - 1)} (RaBitQ's bound, {@code eps = 1.9}
 * in the paper). {@code errorScale * |q| / sqrt(D - 1)} is about one standard deviation of the
 * error, so {@code eps} counts standard deviations: at 1.9 about 6% of pairs fall outside (as for a
 * Gaussian), at 3 well under 1% (measured in the tests). It is optionally widened by the query's
 * rounding error. It holds only when the rotation is random: without rotation it is a heuristic.
 *
 * <p>Stateless and thread-safe; allocation-free.
 */
public final class QuantizedScorer {

  /** RaBitQ's default confidence parameter. */
  public static final float DEFAULT_EPSILON = 1.9f;

  private final CodeBits bits;
  private final boolean euclidean;
  private final float midLevel;
  private final float boundScale;

  public QuantizedScorer(CodeSpace space) {
    this.bits = space.bits();
    this.euclidean = space.similarity() == VectorSimilarityFunction.EUCLIDEAN;
    this.midLevel = (space.bits().levels() - 1) / 2f;
    this.boundScale = (float) (1 / Math.sqrt(Math.max(1, space.rotatedDims() - 1)));
  }

  /** Integer dot product of the query levels and the document levels. */
  public long levelDot(QuantizedQuery query, byte[] code) {
    long high = nibbleDot(query.packed(), code);
    byte[] low = query.packedLow();
    return low == null ? high : 16 * high + nibbleDot(low, code);
  }

  private long nibbleDot(byte[] query, byte[] code) {
    return switch (bits) {
      case ONE -> VectorUtil.int4BitDotProduct(query, code);
      case TWO -> VectorUtil.int4DibitDotProduct(query, code);
      case FOUR -> VectorUtil.int4DotProductSinglePacked(query, code);
      case EIGHT -> VectorUtil.uint8DotProduct(query, code);
    };
  }

  /** The estimate of {@code <r, q>} (the centred, rotated inner product). */
  public float estimateCentredDot(QuantizedQuery query, byte[] code, float rescale, int levelSum) {
    float xq =
        query.step() * levelDot(query, code) + query.lower() * levelSum - midLevel * query.sum();
    return rescale * xq;
  }

  /**
   * The estimated raw similarity: the dot product {@code <v', q'>} for dot-product similarities
   * (cosine: of the unit vectors), the squared distance for Euclidean.
   */
  public float estimate(
      QuantizedQuery query, byte[] code, float rescale, float additive, int levelSum) {
    return estimate(query, code, rescale, additive, levelSum, 0);
  }

  /**
   * {@link #estimate(QuantizedQuery, byte[], float, float, int)} of a document of {@code cluster}
   * (its {@link DocCorrections#cluster()}).
   */
  public float estimate(
      QuantizedQuery query, byte[] code, float rescale, float additive, int levelSum, int cluster) {
    return estimateFromLevelDot(query, levelDot(query, code), rescale, additive, levelSum, cluster);
  }

  /**
   * {@link #estimate(QuantizedQuery, byte[], float, float, int, int)} given the code's {@link
   * #levelDot} computed elsewhere (by a kernel that reads the code in place): the same arithmetic,
   * so the same float.
   */
  public float estimateFromLevelDot(
      QuantizedQuery query,
      long levelDot,
      float rescale,
      float additive,
      int levelSum,
      int cluster) {
    float xq = query.step() * levelDot + query.lower() * levelSum - midLevel * query.sum();
    float rq = rescale * xq;
    float queryAdditive = query.clusterAdditive()[cluster];
    return euclidean ? additive + queryAdditive - 2 * rq : rq + additive + queryAdditive;
  }

  /** {@link #estimate} with the terms taken from a {@link DocCorrections}. */
  public float estimate(QuantizedQuery query, byte[] code, DocCorrections c) {
    return estimate(query, code, c.rescale(), c.additive(), c.levelSum(), c.cluster());
  }

  /**
   * Half-width of the confidence interval of {@link #estimate} (on the same raw scale: twice the
   * bound on {@code <r, q>} for squared distances), from the document side only: {@code eps *
   * errorScale * |q| / sqrt(D - 1)}, RaBitQ's bound for an exact query.
   */
  public float errorBound(QuantizedQuery query, float errorScale, float epsilon) {
    return errorBound(query, errorScale, epsilon, 0);
  }

  /** {@link #errorBound(QuantizedQuery, float, float)} for a document of {@code cluster}. */
  public float errorBound(QuantizedQuery query, float errorScale, float epsilon, int cluster) {
    float b = epsilon * errorScale * query.clusterNorm()[cluster] * boundScale;
    return euclidean ? 2 * b : b;
  }

  /**
   * {@link #errorBound(QuantizedQuery, float, float)} widened by the query's own rounding: the
   * rounding error {@code e} (each coordinate uniform in {@code [-step/2, step/2]}, variance {@code
   * step^2/12}) adds {@code rescale * <xbar, e>} to the estimate, of variance {@code (|r|/cos)^2
   * step^2 / 12 = (|r|^2 + errorScale^2) step^2 / 12}; the two terms add in quadrature.
   */
  public float errorBound(
      QuantizedQuery query, float errorScale, float centredNorm, float epsilon) {
    return errorBound(query, errorScale, centredNorm, epsilon, 0);
  }

  /** {@link #errorBound(QuantizedQuery, float, float, float)} for a document of {@code cluster}. */
  public float errorBound(
      QuantizedQuery query, float errorScale, float centredNorm, float epsilon, int cluster) {
    float docTerm = errorScale * query.clusterNorm()[cluster] * boundScale;
    float step = query.step();
    float queryVariance =
        (centredNorm * centredNorm + errorScale * errorScale) * step * step * (1f / 12f);
    float b = epsilon * (float) Math.sqrt(docTerm * docTerm + queryVariance);
    return euclidean ? 2 * b : b;
  }
}
