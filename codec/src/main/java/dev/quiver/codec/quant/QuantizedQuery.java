package dev.quiver.codec.quant;

/**
 * A query prepared for scoring against the codes of one {@link CodeSpace}: {@code q = P(q' - c)}
 * uniformly quantized to {@link CodeSpace#queryBits()} bits per coordinate, {@code q_i ~ lower +
 * step * level_i}, packed in the query layout of {@link CodeBits}.
 *
 * <p>Immutable once built by {@link QueryQuantizer}; safe to share between threads.
 *
 * @param packed the packed levels (of an 8-bit query against 1-, 2- or 4-bit codes: the high
 *     nibbles)
 * @param packedLow of an 8-bit query against 1-, 2- or 4-bit codes the low nibbles, otherwise
 *     {@code null}
 * @param lower the value of level 0
 * @param step the value between two consecutive levels
 * @param sum {@code sum_i (lower + step * level_i)} over the rotated coordinates
 * @param norm {@code |P(q' - c)|} (exact)
 * @param additive {@code <q', c> - |c|^2} for dot-product similarities, {@code |P(q' - c)|^2} for
 *     Euclidean
 * @param clusterAdditive per cluster {@code k} of the space ({@link CodeSpace#withClusters}), the
 *     query's term in that cluster's frame: {@code <q', c_k> - |c_k|^2} for dot products, {@code
 *     |q' - c_k|^2} for Euclidean ({@code [additive]} without clusters)
 * @param clusterNorm per cluster, {@code |q' - c_k|} ({@code [norm]} without clusters)
 */
public record QuantizedQuery(
    byte[] packed,
    byte[] packedLow,
    float lower,
    float step,
    float sum,
    float norm,
    float additive,
    float[] clusterAdditive,
    float[] clusterNorm) {

  /** A query of a space without clusters. */
  public QuantizedQuery(
      byte[] packed, byte[] packedLow, float lower, float step, float sum, float norm, float add) {
    this(packed, packedLow, lower, step, sum, norm, add, new float[] {add}, new float[] {norm});
  }
}
