package dev.quiver.bench;

import java.io.IOException;
import java.util.List;
import java.util.Random;

/**
 * One measured round over several points, shared by the benchmarks here ({@link
 * VectorFormatBenchmark}, {@link BoundedRescoringBenchmark}, {@link ScaleBenchmark}): the queries
 * run in slices, each slice on every point before the next slice, in a new seeded random order per
 * slice, so outside load lands on all points alike and no point always follows the same one.
 */
final class InterleavedRounds {

  /** One point's query: the top doc ids of {@code query}. */
  interface Search {
    int[] search(float[] query) throws IOException;
  }

  private InterleavedRounds() {}

  /**
   * Runs {@code runs} queries (the query set cycled) on every point and feeds each point's
   * latencies to its {@link Measurement#round}.
   *
   * @param answers if not null, receives per point the answer to each query of the first cycle
   */
  static void round(
      List<Search> searches,
      List<Measurement> points,
      float[][] queries,
      int runs,
      int slice,
      double qpsTrim,
      long seed,
      int[][][] answers)
      throws IOException {
    long[][] latency = new long[points.size()][runs];
    Random shuffle = new Random(seed);
    int[] order = new int[points.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int from = 0; from < runs; from += slice) {
      int to = Math.min(runs, from + slice);
      for (int i = order.length - 1; i > 0; i--) {
        int j = shuffle.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int p : order) {
        Search search = searches.get(p);
        for (int i = from; i < to; i++) {
          int q = i % queries.length;
          long t0 = System.nanoTime();
          int[] docs = search.search(queries[q]);
          latency[p][i] = System.nanoTime() - t0;
          if (answers != null && i < queries.length) {
            answers[p][q] = docs;
          }
        }
      }
    }
    for (int p = 0; p < points.size(); p++) {
      points.get(p).round(latency[p], qpsTrim);
    }
  }

  /** recall@k of doc-id answers against base-ordinal truth. */
  static double recall(BuiltIndex index, int[][] answers, int[][] truth) {
    long found = 0;
    long wanted = 0;
    for (int q = 0; q < answers.length; q++) {
      wanted += truth[q].length;
      for (int doc : answers[q]) {
        int ordinal = index.ordinalOfDoc[doc];
        for (int t : truth[q]) {
          if (t == ordinal) {
            found++;
            break;
          }
        }
      }
    }
    return found / (double) wanted;
  }
}
