package dev.quiver.codec.multivector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float MaxSim kernel with the Panama vector API: the document's vectors are transposed in
 * blocks of {@code L} (the preferred vector length) so that one fused multiply-add per dimension
 * computes the dot products of a query vector with {@code L} document vectors at once, with no
 * horizontal sum per pair; four query vectors share each load of the block, in two chains each.
 * Only loaded when {@code jdk.incubator.vector} is available ({@link MaxSim} falls back to {@link
 * org.apache.lucene.util.VectorUtil} otherwise).
 */
final class PanamaFloatKernel {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  /** Lanes per block. */
  static final int LANES = SPECIES.length();

  private PanamaFloatKernel() {}

  /**
   * For each query vector q, {@code best[q] = max over the count document vectors of the dot
   * product}; {@code blocks} holds the documents transposed: value i of document v at {@code ((v /
   * L) * dims + i) * L + v % L}; {@code scratch} has room for {@code queries.length * L}.
   */
  static void maxDots(
      float[][] queries, int dims, float[] blocks, int count, float[] best, float[] scratch) {
    int nq = queries.length;
    FloatVector negInf = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
    for (int q = 0; q < nq; q++) {
      negInf.intoArray(scratch, q * LANES);
    }
    for (int start = 0; start < count; start += LANES) {
      int base = (start / LANES) * dims * LANES;
      VectorMask<Float> valid = SPECIES.indexInRange(0, count - start);
      int q = 0;
      for (; q + 4 <= nq; q += 4) {
        float[] a = queries[q];
        float[] b = queries[q + 1];
        float[] c = queries[q + 2];
        float[] d = queries[q + 3];
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector d0 = a0;
        FloatVector d1 = a0;
        int i = 0;
        for (; i + 2 <= dims; i += 2) {
          FloatVector t0 = FloatVector.fromArray(SPECIES, blocks, base + i * LANES);
          FloatVector t1 = FloatVector.fromArray(SPECIES, blocks, base + (i + 1) * LANES);
          a0 = t0.fma(FloatVector.broadcast(SPECIES, a[i]), a0);
          a1 = t1.fma(FloatVector.broadcast(SPECIES, a[i + 1]), a1);
          b0 = t0.fma(FloatVector.broadcast(SPECIES, b[i]), b0);
          b1 = t1.fma(FloatVector.broadcast(SPECIES, b[i + 1]), b1);
          c0 = t0.fma(FloatVector.broadcast(SPECIES, c[i]), c0);
          c1 = t1.fma(FloatVector.broadcast(SPECIES, c[i + 1]), c1);
          d0 = t0.fma(FloatVector.broadcast(SPECIES, d[i]), d0);
          d1 = t1.fma(FloatVector.broadcast(SPECIES, d[i + 1]), d1);
        }
        if (i < dims) {
          FloatVector t0 = FloatVector.fromArray(SPECIES, blocks, base + i * LANES);
          a0 = t0.fma(FloatVector.broadcast(SPECIES, a[i]), a0);
          b0 = t0.fma(FloatVector.broadcast(SPECIES, b[i]), b0);
          c0 = t0.fma(FloatVector.broadcast(SPECIES, c[i]), c0);
          d0 = t0.fma(FloatVector.broadcast(SPECIES, d[i]), d0);
        }
        keepMax(scratch, q, a0.add(a1), valid, negInf);
        keepMax(scratch, q + 1, b0.add(b1), valid, negInf);
        keepMax(scratch, q + 2, c0.add(c1), valid, negInf);
        keepMax(scratch, q + 3, d0.add(d1), valid, negInf);
      }
      for (; q < nq; q++) {
        float[] a = queries[q];
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        int i = 0;
        for (; i + 2 <= dims; i += 2) {
          a0 =
              FloatVector.fromArray(SPECIES, blocks, base + i * LANES)
                  .fma(FloatVector.broadcast(SPECIES, a[i]), a0);
          a1 =
              FloatVector.fromArray(SPECIES, blocks, base + (i + 1) * LANES)
                  .fma(FloatVector.broadcast(SPECIES, a[i + 1]), a1);
        }
        if (i < dims) {
          a0 =
              FloatVector.fromArray(SPECIES, blocks, base + i * LANES)
                  .fma(FloatVector.broadcast(SPECIES, a[i]), a0);
        }
        keepMax(scratch, q, a0.add(a1), valid, negInf);
      }
    }
    for (int q = 0; q < nq; q++) {
      best[q] = FloatVector.fromArray(SPECIES, scratch, q * LANES).reduceLanes(VectorOperators.MAX);
    }
  }

  private static void keepMax(
      float[] scratch, int q, FloatVector dots, VectorMask<Float> valid, FloatVector negInf) {
    FloatVector masked = negInf.blend(dots, valid);
    FloatVector.fromArray(SPECIES, scratch, q * LANES).max(masked).intoArray(scratch, q * LANES);
  }
}
