package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.KMeans;
import java.util.Arrays;
import java.util.Random;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;

/**
 * The cluster centroids of a segment's field ({@link
 * dev.quiver.codec.quant.CodeSpace#withClusters}): a seeded reservoir sample of the raw vectors (of
 * their unit copies for cosine) taken in one pass, then {@link KMeans} on it.
 *
 * <p>How many clusters: the format's most (by default {@value #ONE_BIT_CLUSTERS} for 1-bit and
 * {@value #TWO_BIT_CLUSTERS} for 2-bit codes, at most {@value #MAX_CLUSTERS}), fewer in small
 * segments (one per {@value #VECTORS_PER_CLUSTER} vectors, and one per {@value #SAMPLE_PER_CLUSTER}
 * sampled vectors, so that each centroid is estimated from enough of them), and one (the segment's
 * mean) below {@code 2 * }{@value #VECTORS_PER_CLUSTER} vectors and for 4- and 8-bit codes, whose
 * error is already small (see {@code qa/bench/QUANTIZATION.md}). The sample holds at most {@value
 * #SAMPLE_FLOATS} floats (and at most 1,024 vectors per cluster allowed) on heap.
 */
final class ClusterSample {

  /** Most clusters per field and segment a format can be asked for. */
  static final int MAX_CLUSTERS = 64;

  /**
   * Most clusters per field and segment of 1-bit codes by default: on scifact (48k x 384, one
   * segment after merge, graph search) recall@10 at oversample 3 and num_candidates 100 is 0.9512
   * with 16, 0.9546 with 32, 0.9554 with 64, at the same QPS; 64 took 1.7x the build time ({@code
   * qa/bench/results/formats-2026-12-02-clusters.txt}).
   */
  static final int ONE_BIT_CLUSTERS = 32;

  /** Most clusters per field and segment of 2-bit codes by default (their error is smaller). */
  static final int TWO_BIT_CLUSTERS = 16;

  /** Vectors of a segment per cluster. */
  static final int VECTORS_PER_CLUSTER = 512;

  /** Sampled vectors per cluster, at least. */
  static final int SAMPLE_PER_CLUSTER = 64;

  /** Most floats the sample holds. */
  static final int SAMPLE_FLOATS = 1 << 22;

  /**
   * Lloyd rounds: on scifact 1-bit brute-force recall@10 at oversample 3 is 0.952-0.953 after 6
   * rounds (4 seeds), 0.955-0.956 after 20 ({@code qa/bench/results/quant-kmeans-2026-12-02.txt});
   * on a sample of at most 16,384 vectors that is about a second per flush or merge at 384 dims.
   */
  static final int ROUNDS = 20;

  /** Base of the per-field seed (sampling and k-means), xor the field name's hash. */
  static final long SEED = 0x6B_6D_65_61_6E_73_31_36L;

  private final int maxClusters;
  private final boolean cosine;
  private final Random random;
  private final float[][] sample;
  private int seen;

  /**
   * @param maxClusters most clusters, 1 to {@value #MAX_CLUSTERS} (1: no sample is kept)
   */
  ClusterSample(int maxClusters, int dims, VectorSimilarityFunction similarity, String field) {
    this.maxClusters = maxClusters;
    this.cosine = similarity == VectorSimilarityFunction.COSINE;
    this.random = new Random(SEED ^ field.hashCode());
    int cap =
        maxClusters == 1 ? 0 : Math.max(1, Math.min(maxClusters * 1024, SAMPLE_FLOATS / dims));
    this.sample = new float[cap][];
  }

  /** Offers one vector to the sample (copies it if kept). */
  void add(float[] v) {
    int slot = seen < sample.length ? seen : random.nextInt(seen + 1);
    seen++;
    if (slot < sample.length) {
      float[] copy = v.clone();
      if (cosine) {
        float norm = (float) Math.sqrt(VectorUtil.dotProduct(copy, copy));
        float scale = norm == 0f ? 0f : 1f / norm;
        for (int i = 0; i < copy.length; i++) {
          copy[i] *= scale;
        }
      }
      sample[slot] = copy;
    }
  }

  /** Number of clusters for the vectors offered so far. */
  int clusterCount() {
    int kept = Math.min(seen, sample.length);
    int k = Math.min(seen / VECTORS_PER_CLUSTER, kept / SAMPLE_PER_CLUSTER);
    return Math.max(1, Math.min(maxClusters, k));
  }

  /** The cluster centroids, or {@code null} for one cluster (documents centred on the mean). */
  float[][] centroids() {
    int k = clusterCount();
    if (k == 1) {
      return null;
    }
    float[][] kept = Arrays.copyOf(sample, Math.min(seen, sample.length));
    return KMeans.train(kept, k, ROUNDS, random.nextLong());
  }
}
