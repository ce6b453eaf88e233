package dev.quiver.ingest;

/**
 * Scales float vectors to unit Euclidean length, computing in double: the one normalizer of Quiver,
 * used by the embedder, the {@code quiver_vector} mapper ({@code cosine}) and the query vector.
 *
 * <p>In float32 the sum of squares overflows to infinity for elements above ~1.8e19 (the vector
 * then normalizes to zeros) and underflows to zero below ~1e-19 (the vector looks empty); the
 * inverse length of a subnormal vector is itself beyond float32. In double neither happens for any
 * finite float32 vector of up to 16,384 elements: the squares lie in [1e-90, 1.2e77] and their sum
 * below 2e81. Every element is divided by the double length and rounded to float32 once.
 */
public final class L2Normalizer {

  private L2Normalizer() {}

  /** The Euclidean length of {@code v}, computed in double. */
  public static double length(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }

  /**
   * Scales {@code v} to unit length in place.
   *
   * @return false (and {@code v} unchanged) if {@code v} is all zeros
   */
  public static boolean normalizeInPlace(float[] v) {
    double length = length(v);
    if (length == 0) {
      return false;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] / length);
    }
    return true;
  }

  /** A unit-length copy of {@code v}, or null if {@code v} is all zeros. */
  public static float[] normalized(float[] v) {
    float[] copy = v.clone();
    return normalizeInPlace(copy) ? copy : null;
  }
}
