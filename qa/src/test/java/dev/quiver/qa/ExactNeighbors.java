package dev.quiver.qa;

import java.util.function.IntPredicate;

/**
 * Exact cosine nearest neighbours by brute force over every vector: the truth a filtered or sub-set
 * {@code quiver_knn} search is measured against.
 */
final class ExactNeighbors {

  private final float[][] unitBase;

  /**
   * @param base the vectors, id = index; normalized here, so scores are cosines
   */
  ExactNeighbors(float[][] base) {
    unitBase = new float[base.length][];
    for (int i = 0; i < base.length; i++) {
      unitBase[i] = unit(base[i]);
    }
  }

  /** Cosine of the query with every base vector, by id. */
  float[] cosines(float[] query) {
    return cosines(query, id -> true);
  }

  /**
   * Cosine of the query with the base vectors {@code indexed} admits, by id; {@code -Infinity} for
   * the others.
   */
  float[] cosines(float[] query, IntPredicate indexed) {
    float[] q = unit(query);
    float[] scores = new float[unitBase.length];
    for (int i = 0; i < unitBase.length; i++) {
      if (indexed.test(i) == false) {
        scores[i] = Float.NEGATIVE_INFINITY;
        continue;
      }
      float[] v = unitBase[i];
      float dot = 0;
      for (int d = 0; d < v.length; d++) {
        dot += q[d] * v[d];
      }
      scores[i] = dot;
    }
    return scores;
  }

  /**
   * The ids of the {@code k} best scores among the ids {@code accept} admits, best first (fewer
   * when fewer are admitted).
   */
  static int[] topK(float[] scores, int k, IntPredicate accept) {
    int[] ids = new int[k];
    float[] best = new float[k];
    int n = 0;
    for (int id = 0; id < scores.length; id++) {
      float s = scores[id];
      if ((n == k && s <= best[k - 1]) || accept.test(id) == false) {
        continue;
      }
      int at = n == k ? k - 1 : n++;
      while (at > 0 && best[at - 1] < s) {
        best[at] = best[at - 1];
        ids[at] = ids[at - 1];
        at--;
      }
      best[at] = s;
      ids[at] = id;
    }
    return n == k ? ids : java.util.Arrays.copyOf(ids, n);
  }

  private static float[] unit(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float inv = (float) (1 / Math.sqrt(sum));
    float[] u = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      u[i] = v[i] * inv;
    }
    return u;
  }
}
