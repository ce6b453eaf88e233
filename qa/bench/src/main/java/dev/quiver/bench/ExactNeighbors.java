package dev.quiver.bench;

import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * Exact top-k by brute force, in Lucene's similarity (higher is closer; ties keep the lower id).
 */
final class ExactNeighbors {

  private ExactNeighbors() {}

  static int[][] topK(
      float[][] base, float[][] queries, VectorSimilarityFunction similarity, int k) {
    int[][] out = new int[queries.length][];
    TopK top = new TopK(k);
    for (int q = 0; q < queries.length; q++) {
      top.clear();
      for (int i = 0; i < base.length; i++) {
        top.offer(i, similarity.compare(queries[q], base[i]));
      }
      out[q] = top.sortedDocs();
    }
    return out;
  }
}
