package dev.quiver.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * A larger data set derived from a real one for {@link ScaleBenchmark}: vector {@code i} is real
 * vector {@code i mod n} plus Gaussian noise of standard deviation {@code noise} per coordinate,
 * renormalized to unit length (seeded, so every run derives the same vectors); the queries are the
 * real set's held-out queries; the exact top-{@value Dataset#K} is computed by brute force on all
 * cores and cached in {@code cacheDir} (keyed by size, noise and seed).
 */
final class ScaledData {

  private ScaledData() {}

  static Dataset derive(Dataset real, int size, double noise, long seed, Path cacheDir)
      throws Exception {
    float[][] source = real.base();
    int dims = real.dims();
    float[][] base = new float[size][];
    Random random = new Random(seed);
    for (int i = 0; i < size; i++) {
      float[] from = source[i % source.length];
      float[] v = new float[dims];
      double norm = 0;
      for (int d = 0; d < dims; d++) {
        v[d] = (float) (from[d] + noise * random.nextGaussian());
        norm += v[d] * v[d];
      }
      float inv = (float) (1 / Math.sqrt(norm));
      for (int d = 0; d < dims; d++) {
        v[d] *= inv;
      }
      base[i] = v;
    }
    String key =
        String.format(java.util.Locale.ROOT, "%s-%d-%.4f-%d", real.name(), size, noise, seed);
    Path cache = cacheDir.resolve("scale-truth-" + key + ".bin");
    int[][] truth = readCache(cache, real.queries().length);
    String truthSource = "brute force (cached " + cache.getFileName() + ")";
    if (truth == null) {
      long start = System.nanoTime();
      truth = bruteForce(base, real.queries(), real.similarity());
      Files.createDirectories(cacheDir);
      writeCache(cache, truth);
      truthSource =
          String.format(
              java.util.Locale.ROOT, "brute force, %.1f s", (System.nanoTime() - start) / 1e9);
    }
    return new Dataset(
        real.name() + "-" + size, base, real.queries(), truth, real.similarity(), truthSource);
  }

  private static int[][] bruteForce(
      float[][] base, float[][] queries, VectorSimilarityFunction similarity) throws Exception {
    int threads = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      int[][] out = new int[queries.length][];
      Future<?>[] parts = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        int part = t;
        parts[t] =
            pool.submit(
                () ->
                    IntStream.range(0, queries.length)
                        .filter(q -> q % threads == part)
                        .forEach(
                            q ->
                                out[q] =
                                    ExactNeighbors.topK(
                                        base, new float[][] {queries[q]}, similarity, Dataset.K)[
                                        0]));
      }
      for (Future<?> f : parts) {
        f.get();
      }
      return out;
    } finally {
      pool.shutdown();
    }
  }

  private static int[][] readCache(Path file, int queries) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readInt() != queries || in.readInt() != Dataset.K) {
        return null;
      }
      int[][] out = new int[queries][Dataset.K];
      for (int[] row : out) {
        for (int i = 0; i < row.length; i++) {
          row[i] = in.readInt();
        }
      }
      return out;
    }
  }

  private static void writeCache(Path file, int[][] truth) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(truth.length);
      out.writeInt(Dataset.K);
      for (int[] row : truth) {
        for (int v : row) {
          out.writeInt(v);
        }
      }
    }
  }
}
