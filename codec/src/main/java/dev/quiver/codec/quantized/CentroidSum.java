package dev.quiver.codec.quantized;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;

/**
 * Accumulates the centroid of a segment's vectors in double precision: the mean of the vectors, of
 * their unit-length copies for cosine (the frame {@link dev.quiver.codec.quant.CodeSpace} centres
 * cosine vectors in).
 */
final class CentroidSum {

  private final double[] sum;
  private final boolean cosine;
  private long count;

  CentroidSum(int dims, VectorSimilarityFunction similarity) {
    this.sum = new double[dims];
    this.cosine = similarity == VectorSimilarityFunction.COSINE;
  }

  void add(float[] v) {
    double scale = 1;
    if (cosine) {
      double norm = Math.sqrt(VectorUtil.dotProduct(v, v));
      scale = norm == 0 ? 0 : 1 / norm;
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] += v[i] * scale;
    }
    count++;
  }

  /** The mean so far (zeros when nothing was added). */
  float[] centroid() {
    float[] c = new float[sum.length];
    for (int i = 0; i < c.length && count > 0; i++) {
      c[i] = (float) (sum[i] / count);
    }
    return c;
  }
}
