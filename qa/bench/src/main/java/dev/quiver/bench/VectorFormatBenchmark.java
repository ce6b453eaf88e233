package dev.quiver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Vector formats side by side: Quiver's and Lucene's, float and quantized, on the same data in the
 * same JVM ({@code scripts/bench.sh formats}).
 *
 * <h2>Method</h2>
 *
 * <ul>
 *   <li>Every format of {@link FormatRegistry} gets its own index of the data set, built once in a
 *       temporary memory-mapped directory with the same {@code m}, {@code ef_construction}, one
 *       indexing thread and one merge worker, flushed as the same number of segments and
 *       force-merged to one ({@link BuiltIndex}). All indices stay open while they are searched.
 *   <li>Searches run on one thread ({@link KnnSearch}): float formats take the top 10 of a graph
 *       search of width {@code num_candidates}; quantized formats gather {@code oversample * 10}
 *       candidates and keep the top 10 by exact float similarity (checked against Lucene's {@code
 *       RescoreTopNQuery}).
 *   <li>Warm-up: each format first builds a throwaway index of {@value #WARMUP_BUILD_DOCS}
 *       documents (so no timed build runs on a cold JIT), and every (format, setting) runs {@code
 *       bench.warmupQueries} queries before anything is measured, so the JIT has seen every
 *       format's code paths and every index's pages are mapped before the first timed query.
 *   <li>Measured rounds ({@code bench.rounds}, at least 5 recommended): each (format, setting) runs
 *       the query set (cycled to at least {@code bench.minQueriesPerPoint} queries) per round, in
 *       slices of {@code bench.sliceQueries} queries that visit every (format, setting) in turn, in
 *       a new seeded random order per slice (see {@link #measureRound}). A round's QPS is its
 *       queries over the sum of their latencies, the slowest {@code bench.qpsTrim} (1%) left out
 *       (see {@link Measurement#round}); each cell is the median over rounds, with the range
 *       min..max.
 *   <li>A/A control: {@code Quiver10Hnsw} is registered twice, built separately; the two must agree
 *       within {@value #AA_TOLERANCE} in median p50 latency at every {@code num_candidates}; the
 *       benchmark prints whether they do, and their largest QPS difference as this run's noise
 *       floor.
 * </ul>
 *
 * <h2>Why the previous version showed Quiver10Hnsw at 0.58x Lucene99Hnsw's latency</h2>
 *
 * <p>Measured (2 rounds of the old method, instrumented, 48k scifact, same JVM): the first format
 * of the first round ran on a cold JVM and took 3.73 ms/query, and the same index answered the same
 * 1,000 queries in 1.44 ms immediately after; its later run took 0.47 ms. The old method ran
 * Lucene99Hnsw first in round 0, so that cold run was always Lucene99Hnsw's, and the mean of two
 * runs put half of it into Lucene99Hnsw's figure (2.10 vs 0.93 ms/query: 0.44x in that run). Both
 * builds flushed one segment, so segment counts did not differ; page cache was not a factor either
 * (each index was searched right after it was written, with gigabytes of page cache free). The old
 * loop also read stored fields inside the timed region. Here the warm-up, the stored-field-free
 * timed loop, the interleaved rounds and the medians remove that effect, and the A/A control shows
 * what is left.
 *
 * <p>A fixed alternation (forward, then reverse) of the interleaved order was tried first and
 * failed the A/A control: the formats at the two ends of the list ran two slices back to back at
 * every turn, with their index hot in the CPU caches, and the first of the A/A pair measured a
 * 20-36% lower p50 than its copy (10k-vector smoke runs). A new random order per slice removed the
 * bias (p50 within 6%).
 *
 * <p>Options: see {@link BenchOptions}. Argument: the shared data directory (with {@code vectors/}
 * and {@code datasets/}).
 */
public final class VectorFormatBenchmark {

  /** Largest accepted relative difference between the A/A pair. */
  static final double AA_TOLERANCE = 0.10;

  private static final int K = Dataset.K;

  /** Documents of the throwaway index each format builds first, so no build runs on a cold JIT. */
  private static final int WARMUP_BUILD_DOCS = 5000;

  private VectorFormatBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path shared = Path.of(args.length > 0 && !args[0].isBlank() ? args[0] : "../shared");
    if (Files.isRegularFile(shared.resolve("base.fvecs"))) {
      shared = shared.toAbsolutePath().getParent().getParent(); // given vectors/scifact-bge-small
    }
    BenchOptions options = BenchOptions.fromSystemProperties();
    System.out.println("format benchmark: " + options);
    System.out.printf(
        Locale.ROOT,
        "JVM %s, %d processors, max heap %d MiB%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    List<String> notes = new ArrayList<>();
    List<FormatUnderTest> formats = new ArrayList<>();
    for (FormatUnderTest f : FormatRegistry.all(options.m(), options.efConstruction(), notes)) {
      if (options.selects(f.name())) {
        formats.add(f);
      }
    }
    notes.forEach(n -> System.out.println("note: " + n));
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("bench.formats selects no format: " + options.formats());
    }
    for (String name : options.datasets()) {
      Dataset data = Dataset.load(name, shared, options.docs(), options.queries());
      List<Measurement> results = run(data, formats, options);
      Path svg = Path.of(options.out()).resolve("bench-formats-" + name + ".svg");
      RecallQpsPlot.write(
          svg,
          String.format(
              Locale.ROOT,
              "%s: %d x %d, %d queries, recall@10 vs QPS (m=%d, ef_construction=%d)",
              name,
              data.base().length,
              data.dims(),
              data.queries().length,
              options.m(),
              options.efConstruction()),
          results);
      System.out.println("plot: " + svg.toAbsolutePath());
      boolean fullData =
          options.docs() == Integer.MAX_VALUE && options.queries() == Integer.MAX_VALUE;
      if (name.equals("scifact") && !options.docsOut().isEmpty() && !fullData) {
        System.out.println("plot not copied to " + options.docsOut() + ": not the full data set");
      }
      if (name.equals("scifact") && !options.docsOut().isEmpty() && fullData) {
        Path copy = Path.of(options.docsOut());
        Files.createDirectories(copy.toAbsolutePath().getParent());
        Files.copy(svg, copy, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("plot copied to " + copy.toAbsolutePath());
      }
    }
  }

  private static List<Measurement> run(
      Dataset data, List<FormatUnderTest> formats, BenchOptions options) throws IOException {
    System.out.printf(
        Locale.ROOT,
        "%n== %s: %d x %d base, %d queries, %s, truth: %s%n",
        data.name(),
        data.base().length,
        data.dims(),
        data.queries().length,
        data.similarity(),
        data.truthSource());
    Path tmp = Files.createTempDirectory("quiver-fbench-");
    List<BuiltIndex> indices = new ArrayList<>();
    try {
      if (options.warmupQueries() > 0) {
        long start = System.nanoTime();
        Dataset small = data.basePrefix(WARMUP_BUILD_DOCS);
        for (FormatUnderTest format : formats) {
          BuiltIndex.build(format, small, tmp, 2).close(); // segments large enough for a graph
        }
        System.out.printf(
            Locale.ROOT,
            "warm-up builds: %d docs per format, %.1f s%n",
            small.base().length,
            (System.nanoTime() - start) / 1e9);
      }
      for (FormatUnderTest format : formats) {
        BuiltIndex index = BuiltIndex.build(format, data, tmp, options.segments());
        indices.add(index);
        System.out.printf(
            Locale.ROOT,
            "built %-24s %7.1f s (%d segments merged to 1), off-heap %s%n",
            format.name(),
            index.buildSeconds,
            index.segmentsBeforeMerge,
            index.offHeap);
      }
      Map<BuiltIndex, List<Measurement>> byIndex = new LinkedHashMap<>();
      for (BuiltIndex index : indices) {
        List<Measurement> points = new ArrayList<>();
        for (int nc : options.numCandidates()) {
          if (nc < K) {
            continue;
          }
          for (int os : index.format.rescored() ? options.oversamples() : new int[] {1}) {
            points.add(new Measurement(index, new SearchSetting(nc, os)));
          }
        }
        byIndex.put(index, points);
      }
      warmUp(data, byIndex, options);
      crossCheckRescoring(data, indices, options);
      List<Measurement> all = new ArrayList<>();
      byIndex.values().forEach(all::addAll);
      for (int round = 0; round < options.rounds(); round++) {
        long start = System.nanoTime();
        measureRound(data, all, options, round);
        System.out.printf(
            Locale.ROOT, "round %d %.1f s%n", round + 1, (System.nanoTime() - start) / 1e9);
      }
      ResultTable.print(data, all, options.rounds());
      AaControl.print(all, AA_TOLERANCE);
      ResultTable.printBestAtRecall(all, 0.95);
      return all;
    } finally {
      for (BuiltIndex index : indices) {
        index.close();
      }
      BuiltIndex.deleteRecursively(tmp);
    }
  }

  private static void warmUp(
      Dataset data, Map<BuiltIndex, List<Measurement>> byIndex, BenchOptions options)
      throws IOException {
    int n = options.warmupQueries();
    if (n == 0) {
      System.out.println("warm-up: none (bench.warmupQueries=0)");
      return;
    }
    long start = System.nanoTime();
    float[][] queries = data.queries();
    for (Map.Entry<BuiltIndex, List<Measurement>> e : byIndex.entrySet()) {
      KnnSearch search = new KnnSearch(e.getKey(), K);
      for (Measurement point : e.getValue()) {
        for (int i = 0; i < n; i++) {
          search.search(queries[i % queries.length], point.setting);
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "warm-up: %d queries per point, %.1f s%n",
        n,
        (System.nanoTime() - start) / 1e9);
  }

  /** Our rescoring step keeps the same documents as Lucene's RescoreTopNQuery. */
  private static void crossCheckRescoring(
      Dataset data, List<BuiltIndex> indices, BenchOptions options) throws IOException {
    float[][] queries = data.queries();
    int n = Math.min(queries.length, 50);
    for (BuiltIndex index : indices) {
      if (!index.format.rescored()) {
        continue;
      }
      int os = options.oversamples()[options.oversamples().length - 1];
      SearchSetting setting = new SearchSetting(os * K, os);
      KnnSearch search = new KnnSearch(index, K);
      int same = 0;
      for (int q = 0; q < n; q++) {
        int[] ours = search.search(queries[q], setting);
        int[] lucene = search.lucenesRescoring(queries[q], setting);
        java.util.Arrays.sort(ours);
        java.util.Arrays.sort(lucene);
        if (java.util.Arrays.equals(ours, lucene)) {
          same++;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "rescoring check %-24s x%d: %d/%d queries keep the same top %d as Lucene's"
              + " RescoreTopNQuery%n",
          index.format.name(),
          os,
          same,
          n,
          K);
    }
  }

  /**
   * One measured round. The queries run in slices of {@code bench.sliceQueries}: each slice runs on
   * every point before the next slice starts, in a new random order per slice (seeded), so a burst
   * of load from outside (this machine is shared) lands on all formats alike instead of on
   * whichever ran during it, and no point always follows the same one.
   */
  private static void measureRound(
      Dataset data, List<Measurement> points, BenchOptions options, int round) throws IOException {
    float[][] queries = data.queries();
    int[][][] answers = round == 0 ? new int[points.size()][queries.length][] : null;
    List<InterleavedRounds.Search> searches = new ArrayList<>();
    for (Measurement point : points) {
      KnnSearch search = new KnnSearch(point.index, K);
      searches.add(q -> search.search(q, point.setting));
    }
    InterleavedRounds.round(
        searches,
        points,
        queries,
        Math.max(queries.length, options.minQueriesPerPoint()),
        Math.max(1, options.sliceQueries()),
        options.qpsTrim(),
        1_000_003L * (round + 1),
        answers);
    if (answers != null) {
      for (int p = 0; p < points.size(); p++) {
        points
            .get(p)
            .recall(InterleavedRounds.recall(points.get(p).index, answers[p], data.truth()));
      }
    }
  }
}
