package dev.quiver.codec.quant;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;

/**
 * Prepares queries for a {@link CodeSpace}: the same centring and rotation as documents, then
 * uniform scalar quantization between the minimum and maximum rotated coordinate, at {@link
 * CodeSpace#queryBits()} bits (by default 4 for 1- and 2-bit documents, as RaBitQ suggests; 8 for
 * 4- and 8-bit documents), so that the query side loses much less than the document side
 * (asymmetric).
 *
 * <p>With {@linkplain CodeSpace#withClusters clusters} the query is still quantized once, around
 * {@code c}; per cluster it gets two exact terms, {@link QuantizedQuery#clusterAdditive} and {@link
 * QuantizedQuery#clusterNorm} (see {@link DocumentQuantizer}), so scoring a candidate costs one
 * table look-up more and no second encoding.
 *
 * <p>Not thread-safe (holds scratch arrays): one instance per thread. Allocates only the returned
 * {@link QuantizedQuery}, once per query.
 */
public final class QueryQuantizer {

  private final CodeSpace space;
  private final float[] centered;
  private final float[] rotated;
  private final byte[] levels;

  public QueryQuantizer(CodeSpace space) {
    this.space = space;
    this.centered = new float[space.dims()];
    this.rotated = new float[space.rotatedDims()];
    this.levels = new byte[space.codeDims()];
  }

  public QuantizedQuery quantize(float[] query) {
    float dotCentroid = space.centerAndRotate(query, centered, rotated);
    int d = rotated.length;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : rotated) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float normSquared = VectorUtil.dotProduct(rotated, rotated);
    int top = (1 << space.queryBits()) - 1;
    float step = max > min ? (max - min) / top : 1f;
    float inverseStep = 1f / step;
    long levelSum = 0;
    for (int i = 0; i < d; i++) {
      // round half up of a non-negative value
      int level = (int) ((rotated[i] - min) * inverseStep + 0.5f);
      level = Math.max(0, Math.min(top, level));
      levels[i] = (byte) level;
      levelSum += level;
    }
    double sum = (double) d * min + (double) step * levelSum;
    for (int i = d; i < levels.length; i++) {
      levels[i] = 0;
    }
    CodeBits bits = space.bits();
    int n = levels.length;
    byte[] packed = new byte[bits.queryNibbleBytes(n)];
    byte[] low = null;
    if (space.queryBits() == 8 && bits != CodeBits.EIGHT) {
      low = new byte[bits.queryNibbleBytes(n)];
    }
    CodePacking.packQuery(bits, space.queryBits(), levels, packed, low);
    boolean euclidean = space.similarity() == VectorSimilarityFunction.EUCLIDEAN;
    float additive = euclidean ? normSquared : dotCentroid - space.centroidNormSquared();
    float norm = (float) Math.sqrt(normSquared);
    int k = space.clusterCount();
    if (k == 1) {
      return new QuantizedQuery(packed, low, min, step, (float) sum, norm, additive);
    }
    // The query itself (unit-scaled for cosine): centred + c.
    float[] c = space.centroid();
    for (int i = 0; i < c.length; i++) {
      centered[i] += c[i];
    }
    float[] clusterAdditive = new float[k];
    float[] clusterNorm = new float[k];
    for (int j = 0; j < k; j++) {
      float[] ck = space.cluster(j);
      float distance = VectorUtil.squareDistance(centered, ck);
      clusterNorm[j] = (float) Math.sqrt(distance);
      clusterAdditive[j] =
          euclidean ? distance : VectorUtil.dotProduct(centered, ck) - space.clusterNormSquared(j);
    }
    return new QuantizedQuery(
        packed, low, min, step, (float) sum, norm, additive, clusterAdditive, clusterNorm);
  }
}
