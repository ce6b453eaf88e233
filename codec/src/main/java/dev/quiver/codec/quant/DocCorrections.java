package dev.quiver.codec.quant;

/**
 * Per-document corrective terms stored beside a code: three for the estimate, two more for its
 * error bound (20 bytes as float32 and int32; the quantized format stores them in 15, see {@code
 * Quiver10QuantizedFlatVectorsFormat}).
 *
 * <p>With {@code r = P(v - c)} the rotated, centred document, {@code x} its levels and {@code xbar
 * = x - (2^bits - 1)/2} the centred grid point the levels stand for:
 *
 * @param rescale {@code |r|^2 / <xbar, r>}: the estimate of {@code <r, q>} is {@code rescale *
 *     <xbar, q>} (RaBitQ's unbiased estimator, scale-free in {@code xbar})
 * @param additive {@code <v, c>} for dot-product similarities, {@code |r|^2} for Euclidean
 * @param errorScale {@code |r| * sqrt(1 - cos^2) / cos} with {@code cos = <xbar, r> / (|xbar|
 *     |r|)}; the estimate of {@code <r, q>} is within {@code eps * errorScale * |q| / sqrt(D - 1)}
 *     with high probability when {@code P} is a random rotation (RaBitQ, Theorem 3.2)
 * @param levelSum sum of the levels {@code x}
 * @param centredNorm {@code |r|}, needed only to bound the error that query quantization adds
 * @param cluster the cluster centroid {@code c} is (see {@link CodeSpace#withClusters}); with
 *     clusters {@code additive} also holds the exact shift from the cluster's frame to the query's
 *     (see {@link DocumentQuantizer})
 */
public record DocCorrections(
    float rescale, float additive, float errorScale, int levelSum, float centredNorm, int cluster) {

  /** Terms of a space without clusters (cluster 0). */
  public DocCorrections(
      float rescale, float additive, float errorScale, int levelSum, float centredNorm) {
    this(rescale, additive, errorScale, levelSum, centredNorm, 0);
  }
}
