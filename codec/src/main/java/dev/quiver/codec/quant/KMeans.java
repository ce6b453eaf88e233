package dev.quiver.codec.quant;

import java.util.Arrays;
import java.util.Random;
import org.apache.lucene.util.VectorUtil;

/**
 * Lloyd's k-means on a sample of vectors, deterministic for a seed: the cluster centroids of a
 * {@link CodeSpace#withClusters clustered} code space. Initial centroids are distinct sample
 * vectors drawn by the seeded random; a cluster left empty by a round keeps its centroid. Squared
 * Euclidean distance throughout (for cosine the caller passes unit vectors).
 */
public final class KMeans {

  private KMeans() {}

  /**
   * Centroids of {@code k} clusters of {@code sample} after {@code rounds} rounds.
   *
   * @param sample at least {@code k} vectors of equal length (not modified)
   */
  public static float[][] train(float[][] sample, int k, int rounds, long seed) {
    if (k < 1 || k > sample.length) {
      throw new IllegalArgumentException(
          "k must be 1 to the sample size " + sample.length + "; k=" + k);
    }
    int dims = sample[0].length;
    Random random = new Random(seed);
    // k distinct sample indices: a partial Fisher-Yates shuffle.
    int[] order = new int[sample.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    float[][] centroids = new float[k][];
    for (int c = 0; c < k; c++) {
      int j = c + random.nextInt(order.length - c);
      int t = order[c];
      order[c] = order[j];
      order[j] = t;
      centroids[c] = sample[order[c]].clone();
    }
    double[][] sums = new double[k][dims];
    int[] counts = new int[k];
    for (int round = 0; round < rounds; round++) {
      for (double[] s : sums) {
        Arrays.fill(s, 0);
      }
      Arrays.fill(counts, 0);
      for (float[] v : sample) {
        int c = nearest(centroids, v);
        counts[c]++;
        double[] s = sums[c];
        for (int i = 0; i < dims; i++) {
          s[i] += v[i];
        }
      }
      for (int c = 0; c < k; c++) {
        if (counts[c] > 0) {
          for (int i = 0; i < dims; i++) {
            centroids[c][i] = (float) (sums[c][i] / counts[c]);
          }
        }
      }
    }
    return centroids;
  }

  /** The index of the centroid nearest to {@code v} (the first on ties). */
  public static int nearest(float[][] centroids, float[] v) {
    int best = 0;
    float bestDistance = Float.POSITIVE_INFINITY;
    for (int c = 0; c < centroids.length; c++) {
      float d = VectorUtil.squareDistance(centroids[c], v);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return best;
  }
}
