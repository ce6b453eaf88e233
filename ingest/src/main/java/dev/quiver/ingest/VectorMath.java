package dev.quiver.ingest;

/** Small vector helpers used by the embedder. */
final class VectorMath {

  private VectorMath() {}

  /**
   * Scales a vector to unit L2 length in place ({@link L2Normalizer}); a zero vector stays zero.
   *
   * @param v the vector
   * @return the same array
   */
  static float[] normalize(float[] v) {
    L2Normalizer.normalizeInPlace(v);
    return v;
  }

  /**
   * Cosine similarity of two vectors of equal length.
   *
   * @param a a vector
   * @param b a vector
   * @return the cosine, 0 if either is zero
   */
  static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " != " + b.length);
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
