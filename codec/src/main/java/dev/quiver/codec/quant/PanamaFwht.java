package dev.quiver.codec.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link HadamardRotation}'s hot loops with the Panama vector API: the sign flip, and the butterfly
 * levels of the Walsh–Hadamard transform. Levels whose half-width {@code h} is at least the vector
 * length pair whole vectors; the narrower ones stay inside one vector: lane {@code i} takes {@code
 * x[i] + x[i ^ h]} when bit {@code h} of {@code i} is clear and {@code x[i ^ h] - x[i]} when it is
 * set (one lane permutation and a blend), all narrow levels applied while the vector is in
 * registers. Every value goes through the same float operations in the same order as in the scalar
 * loops, so the results are bit for bit the same. Only loaded when {@code jdk.incubator.vector} is
 * available ({@link HadamardRotation#PANAMA}).
 */
final class PanamaFwht {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  /** Lanes of the preferred species. */
  static final int LANES = SPECIES.length();

  /** Narrow levels, half-widths 1, 2, 4 .. LANES / 2: the lane partner {@code i ^ h}. */
  private static final VectorShuffle<Float>[] PARTNER = partners();

  /** Narrow levels: the lanes that take the difference (bit {@code h} of the lane set). */
  private static final VectorMask<Float>[] UPPER = uppers();

  private PanamaFwht() {}

  @SuppressWarnings("unchecked")
  private static VectorShuffle<Float>[] partners() {
    int levels = Integer.numberOfTrailingZeros(LANES);
    VectorShuffle<Float>[] out = new VectorShuffle[levels];
    for (int l = 0; l < levels; l++) {
      int h = 1 << l;
      out[l] = VectorShuffle.fromOp(SPECIES, i -> i ^ h);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static VectorMask<Float>[] uppers() {
    int levels = Integer.numberOfTrailingZeros(LANES);
    VectorMask<Float>[] out = new VectorMask[levels];
    for (int l = 0; l < levels; l++) {
      boolean[] bits = new boolean[LANES];
      for (int i = 0; i < LANES; i++) {
        bits[i] = (i & (1 << l)) != 0;
      }
      out[l] = VectorMask.fromArray(SPECIES, bits, 0);
    }
    return out;
  }

  /** {@code x[i] *= signs[i]} for {@code i < n}. */
  static void flip(float[] x, float[] signs, int n) {
    int i = 0;
    for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
      FloatVector.fromArray(SPECIES, x, i)
          .mul(FloatVector.fromArray(SPECIES, signs, i))
          .intoArray(x, i);
    }
    for (; i < n; i++) {
      x[i] *= signs[i];
    }
  }

  /**
   * In-place normalized transform of {@code x[from..from+n)}, {@code n} a power of two of at least
   * {@link #LANES}: see {@link HadamardRotation#fwht}.
   */
  static void fwht(float[] x, int from, int n, float scale) {
    for (int i = from; i < from + n; i += LANES) {
      FloatVector v = FloatVector.fromArray(SPECIES, x, i);
      for (int l = 0; l < PARTNER.length; l++) {
        FloatVector p = v.rearrange(PARTNER[l]);
        // lower lane: a + b with a = v, b = p; upper lane: a - b with a = p, b = v
        v = v.add(p).blend(p.sub(v), UPPER[l]);
      }
      v.intoArray(x, i);
    }
    for (int half = LANES; half < n; half <<= 1) {
      for (int start = from; start < from + n; start += half << 1) {
        for (int i = start, end = start + half; i < end; i += LANES) {
          FloatVector a = FloatVector.fromArray(SPECIES, x, i);
          FloatVector b = FloatVector.fromArray(SPECIES, x, i + half);
          a.add(b).intoArray(x, i);
          a.sub(b).intoArray(x, i + half);
        }
      }
    }
    FloatVector s = FloatVector.broadcast(SPECIES, scale);
    for (int i = from; i < from + n; i += LANES) {
      FloatVector.fromArray(SPECIES, x, i).mul(s).intoArray(x, i);
    }
  }
}
