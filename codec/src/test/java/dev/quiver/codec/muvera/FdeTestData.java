package dev.quiver.codec.muvera;

import java.util.Random;

/** Token sets, banks and exact scores shared by the FDE tests. */
final class FdeTestData {

  private FdeTestData() {}

  /** A bank with Gaussian hyperplanes and the identity projection (no final projection). */
  static FdeBank identityBank(Random random, int dims, int reps, int bits) {
    double[][] planes = new double[reps][bits * dims];
    for (double[] plane : planes) {
      for (int i = 0; i < plane.length; i++) {
        plane[i] = random.nextGaussian();
      }
    }
    return new FdeBank(dims, bits, dims, planes, null, null, 0, null, null);
  }

  static FdeEncoder encoder(FdeBank bank) {
    FdeParams params =
        new FdeParams(
            bank.repetitions, bank.simhashBits, bank.projectionDims, 0, 0, FdeParams.VERSION_1);
    return new FdeEncoder(params, bank);
  }

  static float[] gaussian(Random random, int count, int dims, boolean normalize) {
    float[] v = new float[count * dims];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    if (normalize) {
      normalize(v, count, dims);
    }
    return v;
  }

  static void normalize(float[] v, int count, int dims) {
    for (int t = 0; t < count; t++) {
      double norm = 0;
      for (int i = 0; i < dims; i++) {
        norm += (double) v[t * dims + i] * v[t * dims + i];
      }
      float inv = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < dims; i++) {
        v[t * dims + i] *= inv;
      }
    }
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  static double dot(float[] a, int aOff, float[] b, int bOff, int dims) {
    double s = 0;
    for (int i = 0; i < dims; i++) {
      s += (double) a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  /** Chamfer / MaxSim in double. */
  static double chamfer(float[] q, int qCount, float[] p, int pCount, int dims) {
    double sum = 0;
    for (int i = 0; i < qCount; i++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < pCount; j++) {
        best = Math.max(best, dot(q, i * dims, p, j * dims, dims));
      }
      sum += best;
    }
    return sum;
  }

  static float[] concat(float[] a, float[] b) {
    float[] c = new float[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** Tokens in reverse order. */
  static float[] reversed(float[] v, int count, int dims) {
    float[] r = new float[v.length];
    for (int t = 0; t < count; t++) {
      System.arraycopy(v, t * dims, r, (count - 1 - t) * dims, dims);
    }
    return r;
  }

  /** 64-bit FNV-1a over the float bits, for golden checksums. */
  static long checksum(float[] v) {
    long h = 0xcbf29ce484222325L;
    for (float f : v) {
      int bits = Float.floatToRawIntBits(f);
      for (int k = 0; k < 4; k++) {
        h ^= (bits >>> (8 * k)) & 0xFF;
        h *= 0x100000001b3L;
      }
    }
    return h;
  }
}
