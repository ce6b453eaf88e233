package dev.quiver.qa;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random clustered multi-vectors for the {@code quiver_multi_vector} tests, and exact MaxSim over
 * them: each document draws its vectors from three of {@code topics} random unit "topic" vectors
 * plus noise; each query takes a few vectors of one document plus noise. Everything is unit length,
 * so MaxSim is the same whether or not the field normalizes (cosine).
 */
final class ClusteredMultiVectors {

  final int dims;
  final float[][][] docs;
  final float[][][] queries;

  ClusteredMultiVectors(long seed, int dims, int topics, int docCount, int queryCount) {
    this.dims = dims;
    Random random = new Random(seed);
    float[][] centres = new float[topics][];
    for (int t = 0; t < topics; t++) {
      centres[t] = unit(gaussian(random, dims, 1f));
    }
    docs = new float[docCount][][];
    for (int d = 0; d < docCount; d++) {
      int[] own = {random.nextInt(topics), random.nextInt(topics), random.nextInt(topics)};
      float[][] vectors = new float[4 + random.nextInt(13)][];
      for (int i = 0; i < vectors.length; i++) {
        vectors[i] = noisy(random, centres[own[random.nextInt(3)]], 0.5f);
      }
      docs[d] = vectors;
    }
    queries = new float[queryCount][][];
    for (int q = 0; q < queryCount; q++) {
      float[][] source = docs[random.nextInt(docCount)];
      float[][] vectors = new float[3 + random.nextInt(4)][];
      for (int i = 0; i < vectors.length; i++) {
        vectors[i] = noisy(random, source[random.nextInt(source.length)], 0.4f);
      }
      queries[q] = vectors;
    }
  }

  private static float[] gaussian(Random random, int dims, float scale) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random.nextGaussian() * scale;
    }
    return v;
  }

  private static float[] noisy(Random random, float[] centre, float noise) {
    float[] v = gaussian(random, centre.length, noise / (float) Math.sqrt(centre.length));
    for (int i = 0; i < v.length; i++) {
      v[i] += centre[i];
    }
    return unit(v);
  }

  static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    float inv = (float) (1 / Math.sqrt(n));
    float[] u = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      u[i] = v[i] * inv;
    }
    return u;
  }

  /** Sum over query vectors of the largest dot product with a document vector. */
  static double maxSim(float[][] query, float[][] doc) {
    double sum = 0;
    for (float[] q : query) {
      double best = Double.NEGATIVE_INFINITY;
      for (float[] p : doc) {
        double dot = 0;
        for (int i = 0; i < q.length; i++) {
          dot += (double) q[i] * p[i];
        }
        best = Math.max(best, dot);
      }
      sum += best;
    }
    return sum;
  }

  /** Ids of the {@code k} documents (of those {@code admitted}) with the highest MaxSim. */
  List<Integer> topK(float[][] query, int k, java.util.function.IntPredicate admitted) {
    List<Integer> ids = new ArrayList<>();
    for (int d = 0; d < docs.length; d++) {
      if (admitted.test(d)) {
        ids.add(d);
      }
    }
    ids.sort((a, b) -> Double.compare(maxSim(query, docs[b]), maxSim(query, docs[a])));
    return ids.subList(0, Math.min(k, ids.size()));
  }

  /** A vector set as JSON. */
  static String json(float[][] vectors) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < vectors.length; i++) {
      b.append(i == 0 ? "[" : ",[");
      for (int j = 0; j < vectors[i].length; j++) {
        if (j > 0) {
          b.append(',');
        }
        b.append(vectors[i][j]);
      }
      b.append(']');
    }
    return b.append(']').toString();
  }
}
