package dev.quiver.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scale mode of the formats benchmark ({@code scripts/bench.sh scale}, optional, never in CI):
 * larger data sets derived from the real 48k scifact vectors ({@link ScaledData}: a real vector
 * plus small Gaussian noise, renormalized; the 1,000 held-out queries; exact top 10 by brute force,
 * cached under {@code qa/bench/target}), indexed by Quiver's and Lucene's 1-bit and 4-bit quantized
 * HNSW formats with the same {@code m} and {@code ef_construction}; reports build time, p50
 * latency, QPS, RAM bytes and recall@10 per size, and how p50 grows per 10x data.
 *
 * <p>Method as {@link VectorFormatBenchmark}: one search thread, one segment (flushed once by
 * default, so the build time is one graph build), throwaway warm-up builds and warm-up queries,
 * {@code bench.rounds} interleaved rounds (random order per slice), medians with min..max; the
 * queries rescore {@code oversample * 10} candidates exactly ({@link KnnSearch}). Sizes run one
 * after the other; each size's indices are closed before the next is built.
 *
 * <p>Options: {@code bench.scale.sizes} ({@code 10000,100000}; add {@code 1000000} for 1M, which
 * needs a larger heap than the default 4 GiB: {@code -Dbench.heap}), {@code bench.scale.noise}
 * (0.01 per coordinate), {@code bench.scale.formats} ({@code
 * Quiver10Quantized-1bit,Quiver10Quantized-4bit,Lucene104-1bit,Lucene104-4bit}), {@code
 * bench.scale.segments} (1), {@code bench.oversample} (3,5), and from {@link BenchOptions}: {@code
 * bench.rounds}, {@code bench.warmupQueries}, {@code bench.minQueriesPerPoint}, {@code
 * bench.sliceQueries}, {@code bench.qpsTrim}, {@code bench.m}, {@code bench.efConstruction}, {@code
 * bench.queries}, {@code bench.out} (the truth cache).
 */
public final class ScaleBenchmark {

  private static final int K = Dataset.K;
  private static final long SEED = 42;

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path shared = Path.of(args.length > 0 && !args[0].isBlank() ? args[0] : "../shared");
    if (Files.isRegularFile(shared.resolve("base.fvecs"))) {
      shared = shared.toAbsolutePath().getParent().getParent();
    }
    BenchOptions options = BenchOptions.fromSystemProperties();
    List<Integer> sizes = new ArrayList<>();
    for (String s : property("bench.scale.sizes", "10000,100000").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    double noise = Double.parseDouble(property("bench.scale.noise", "0.01"));
    int segments = Integer.parseInt(property("bench.scale.segments", "1"));
    List<String> names =
        List.of(
            property(
                    "bench.scale.formats",
                    "Quiver10Quantized-1bit,Quiver10Quantized-4bit,Lucene104-1bit,Lucene104-4bit")
                .split(","));
    int[] oversamples =
        java.util.Arrays.stream(property("bench.oversample", "3,5").split(","))
            .mapToInt(s -> Integer.parseInt(s.trim()))
            .toArray();
    System.out.printf(
        Locale.ROOT,
        "scale benchmark: sizes=%s noise=%.4f formats=%s oversample=%s segments=%d rounds=%d"
            + " m=%d efConstruction=%d%nJVM %s, %d processors, max heap %d MiB%n",
        sizes,
        noise,
        names,
        java.util.Arrays.toString(oversamples),
        segments,
        options.rounds(),
        options.m(),
        options.efConstruction(),
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    List<FormatUnderTest> formats = new ArrayList<>();
    for (FormatUnderTest f :
        FormatRegistry.all(options.m(), options.efConstruction(), new ArrayList<>())) {
      if (names.contains(f.name())) {
        formats.add(f);
      }
    }
    Dataset real = Dataset.load("scifact", shared, Integer.MAX_VALUE, options.queries());
    Path tmp = Files.createTempDirectory("quiver-sbench-");
    // p50 median per (format, os) per size, for the growth summary
    Map<String, Map<Integer, Double>> p50s = new LinkedHashMap<>();
    try {
      long start = System.nanoTime();
      for (FormatUnderTest format : formats) {
        BuiltIndex.build(format, real.basePrefix(5000), tmp, 1).close();
      }
      System.out.printf(
          Locale.ROOT,
          "warm-up builds: 5000 docs per format, %.1f s%n",
          (System.nanoTime() - start) / 1e9);
      for (int size : sizes) {
        Dataset data = ScaledData.derive(real, size, noise, SEED, Path.of(options.out()));
        System.out.printf(
            Locale.ROOT,
            "%n== %s: %d x %d, %d queries, truth: %s%n",
            data.name(),
            data.base().length,
            data.dims(),
            data.queries().length,
            data.truthSource());
        List<BuiltIndex> indices = new ArrayList<>();
        try {
          for (FormatUnderTest format : formats) {
            BuiltIndex index = BuiltIndex.build(format, data, tmp, segments);
            indices.add(index);
            System.out.printf(
                Locale.ROOT,
                "built %-24s %8.1f s, RAM %.1f MiB%n",
                format.name(),
                index.buildSeconds,
                index.ramBytes() / 1048576.0);
          }
          List<Measurement> points = measure(data, indices, oversamples, options);
          print(data, points, options.rounds());
          for (Measurement m : points) {
            p50s.computeIfAbsent(
                    m.formatName() + " x" + m.setting.oversample(), x -> new LinkedHashMap<>())
                .put(size, m.p50Millis().median());
          }
        } finally {
          for (BuiltIndex index : indices) {
            index.close();
          }
        }
      }
    } finally {
      BuiltIndex.deleteRecursively(tmp);
    }
    printGrowth(p50s);
  }

  private static List<Measurement> measure(
      Dataset data, List<BuiltIndex> indices, int[] oversamples, BenchOptions options)
      throws java.io.IOException {
    List<Measurement> points = new ArrayList<>();
    List<InterleavedRounds.Search> searches = new ArrayList<>();
    for (BuiltIndex index : indices) {
      for (int os : oversamples) {
        SearchSetting setting = new SearchSetting(K, os);
        KnnSearch search = new KnnSearch(index, K);
        points.add(new Measurement(index, setting));
        searches.add(q -> search.search(q, setting));
      }
    }
    float[][] queries = data.queries();
    for (InterleavedRounds.Search s : searches) {
      for (int i = 0; i < options.warmupQueries(); i++) {
        s.search(queries[i % queries.length]);
      }
    }
    int runs = Math.max(queries.length, options.minQueriesPerPoint());
    int[][][] answers = new int[points.size()][queries.length][];
    for (int round = 0; round < options.rounds(); round++) {
      InterleavedRounds.round(
          searches,
          points,
          queries,
          runs,
          Math.max(1, options.sliceQueries()),
          options.qpsTrim(),
          5_000_011L * (round + 1),
          round == 0 ? answers : null);
    }
    for (int p = 0; p < points.size(); p++) {
      points.get(p).recall(InterleavedRounds.recall(points.get(p).index, answers[p], data.truth()));
    }
    return points;
  }

  private static void print(Dataset data, List<Measurement> points, int rounds) {
    System.out.printf(
        Locale.ROOT,
        "%n%s: median of %d rounds [min..max], one search thread%n",
        data.name(),
        rounds);
    String header =
        String.format(
            Locale.ROOT,
            "%-24s %4s %7s %8s %10s %-22s %-20s %9s",
            "format",
            "os",
            "recall",
            "build s",
            "RAM MiB",
            "QPS",
            "p50 ms",
            "RAM B/v");
    System.out.println(header);
    System.out.println("-".repeat(header.length()));
    for (Measurement m : points) {
      BuiltIndex index = m.index;
      Measurement.Spread qps = m.qps();
      Measurement.Spread p50 = m.p50Millis();
      System.out.printf(
          Locale.ROOT,
          "%-24s %4s %7.4f %8.1f %10.1f %-22s %-20s %9.1f%n",
          m.formatName(),
          "x" + m.setting.oversample(),
          m.recall(),
          index.buildSeconds,
          index.ramBytes() / 1048576.0,
          String.format(Locale.ROOT, "%.0f [%.0f..%.0f]", qps.median(), qps.min(), qps.max()),
          String.format(Locale.ROOT, "%.3f [%.3f..%.3f]", p50.median(), p50.min(), p50.max()),
          index.ramBytes() / (double) index.docs());
    }
  }

  /** p50 growth between consecutive sizes, as the factor per 10x data. */
  private static void printGrowth(Map<String, Map<Integer, Double>> p50s) {
    System.out.println("\np50 growth per 10x data (p50 ratio ^ (1 / log10(size ratio))):");
    for (Map.Entry<String, Map<Integer, Double>> e : p50s.entrySet()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-28s", e.getKey()));
      Integer prevSize = null;
      double prev = 0;
      for (Map.Entry<Integer, Double> s : e.getValue().entrySet()) {
        line.append(String.format(Locale.ROOT, " %d: %.3f ms", s.getKey(), s.getValue()));
        if (prevSize != null) {
          double perTen =
              Math.pow(s.getValue() / prev, 1 / Math.log10(s.getKey() / (double) prevSize));
          line.append(String.format(Locale.ROOT, " (x%.2f per 10x)", perTen));
        }
        prevSize = s.getKey();
        prev = s.getValue();
      }
      System.out.println(line);
    }
  }

  private static String property(String key, String fallback) {
    String v = System.getProperty(key, "").trim();
    return v.isEmpty() || v.startsWith("${") ? fallback : v;
  }
}
