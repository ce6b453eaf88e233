package dev.quiver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * A base set, its queries and their exact top-{@value #K} base ordinals, with the similarity the
 * truth was computed for.
 *
 * <ul>
 *   <li>{@code scifact}: {@code vectors/scifact-bge-small} (48,375 x 384 unit vectors, 1,000
 *       queries, exact cosine top-100). Indexed with {@code DOT_PRODUCT}, which equals cosine on
 *       unit vectors.
 *   <li>{@code siftsmall}: {@code datasets/siftsmall} (10,000 x 128, 100 queries, exact L2
 *       top-100), indexed with {@code EUCLIDEAN}.
 * </ul>
 *
 * <p>When fewer base vectors than the file holds are asked for, the given truth no longer applies
 * and the top-{@value #K} is recomputed by brute force over the kept vectors.
 */
record Dataset(
    String name,
    float[][] base,
    float[][] queries,
    int[][] truth,
    VectorSimilarityFunction similarity,
    String truthSource) {

  /** Neighbours compared for recall. */
  static final int K = 10;

  /** The first {@code n} base vectors only, for throwaway warm-up builds (truth not adjusted). */
  Dataset basePrefix(int n) {
    return new Dataset(
        name,
        Arrays.copyOf(base, Math.min(n, base.length)),
        queries,
        truth,
        similarity,
        "not valid (warm-up only)");
  }

  int dims() {
    return base[0].length;
  }

  /**
   * @param shared the shared data directory (with {@code vectors/} and {@code datasets/})
   */
  static Dataset load(String name, Path shared, int maxDocs, int maxQueries) throws IOException {
    return switch (name) {
      case "scifact" -> {
        Path dir = shared.resolve("vectors/scifact-bge-small");
        yield of(
            name,
            Fvecs.readFloats(require(dir.resolve("base.fvecs"))),
            Fvecs.readFloats(require(dir.resolve("queries.fvecs"))),
            Fvecs.readInts(require(dir.resolve("queries_groundtruth_cosine_top100.ivecs"))),
            VectorSimilarityFunction.DOT_PRODUCT,
            maxDocs,
            maxQueries);
      }
      case "siftsmall" -> {
        Path dir = shared.resolve("datasets/siftsmall");
        yield of(
            name,
            Fvecs.readFloats(require(dir.resolve("siftsmall_base.fvecs.gz"))),
            Fvecs.readFloats(require(dir.resolve("siftsmall_query.fvecs"))),
            Fvecs.readInts(require(dir.resolve("siftsmall_groundtruth.ivecs"))),
            VectorSimilarityFunction.EUCLIDEAN,
            maxDocs,
            maxQueries);
      }
      default ->
          throw new IllegalArgumentException(
              "bench.datasets: unknown data set [" + name + "]; known: scifact, siftsmall");
    };
  }

  private static Dataset of(
      String name,
      float[][] base,
      float[][] queries,
      int[][] truth,
      VectorSimilarityFunction similarity,
      int maxDocs,
      int maxQueries) {
    int nq = Math.min(queries.length, maxQueries);
    queries = Arrays.copyOf(queries, nq);
    if (maxDocs < base.length) {
      base = Arrays.copyOf(base, maxDocs);
      return new Dataset(
          name,
          base,
          queries,
          ExactNeighbors.topK(base, queries, similarity, K),
          similarity,
          "brute force over the first " + maxDocs + " vectors");
    }
    int[][] top = new int[nq][];
    for (int q = 0; q < nq; q++) {
      top[q] = Arrays.copyOf(truth[q], K);
    }
    return new Dataset(name, base, queries, top, similarity, "the data set's exact top-100");
  }

  private static Path require(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "missing " + file + " (pass the shared data directory as the argument)");
    }
    return file;
  }
}
