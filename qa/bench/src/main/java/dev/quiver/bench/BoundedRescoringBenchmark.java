package dev.quiver.bench;

import dev.quiver.bench.RescoringSearch.Mode;
import dev.quiver.codec.quantized.BoundedRescorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Bound-driven against fixed rescoring on Quiver's quantized HNSW formats ({@code scripts/bench.sh
 * bounded}, never in CI): the same graph search gathers {@code oversample * 10} candidates, then
 * either every candidate's raw vector is read ({@code fixed}) or only those whose upper bound can
 * still reach the top 10 ({@code bounded}, {@link BoundedRescorer} at {@link
 * BoundedRescorer#DEFAULT_EPSILON}).
 *
 * <ol>
 *   <li>Bound check, untimed, all queries: for each bit width, oversample and {@code epsilon} of
 *       {@code bench.epsilons}, the raw vectors read per query and the fraction of the fixed
 *       rescoring's top 10 that the bounded one loses (its bound failed on a candidate that
 *       belonged to the top 10), with both recalls against the exact top 10.
 *   <li>Timed: {@code fixed}, {@code fixed-AA} (the same code and index again: the A/A control) and
 *       {@code bounded}, every (bit width, oversample) interleaved in slices in a new random order
 *       per slice, {@code bench.rounds} rounds after a warm-up; QPS and p50 as medians over rounds
 *       with min..max.
 * </ol>
 *
 * <p>Options: those of {@link BenchOptions} that apply ({@code bench.datasets}, {@code
 * bench.formats} (prefixes of {@code Quiver10Quantized-Nbit}), {@code bench.docs}, {@code
 * bench.queries}, {@code bench.rounds}, {@code bench.warmupQueries}, {@code
 * bench.minQueriesPerPoint}, {@code bench.sliceQueries}, {@code bench.qpsTrim}, {@code
 * bench.oversample} (factors above 1 are used), {@code bench.m}, {@code bench.efConstruction},
 * {@code bench.segments}), and {@code bench.epsilons} ({@code 1.0,1.9,2.5,3,4}).
 */
public final class BoundedRescoringBenchmark {

  private static final int K = Dataset.K;

  private BoundedRescoringBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path shared = Path.of(args.length > 0 && !args[0].isBlank() ? args[0] : "../shared");
    if (Files.isRegularFile(shared.resolve("base.fvecs"))) {
      shared = shared.toAbsolutePath().getParent().getParent();
    }
    BenchOptions options = BenchOptions.fromSystemProperties();
    float[] epsilons = floats(System.getProperty("bench.epsilons", ""), "1.0,1.9,2.5,3,4");
    System.out.println("bounded rescoring benchmark: " + options);
    System.out.printf(
        Locale.ROOT,
        "epsilons %s, default %.1f; JVM %s, %d processors%n",
        Arrays.toString(epsilons),
        BoundedRescorer.DEFAULT_EPSILON,
        Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    List<FormatUnderTest> formats = new ArrayList<>();
    for (FormatUnderTest f :
        FormatRegistry.all(options.m(), options.efConstruction(), new ArrayList<>())) {
      if (f.name().startsWith("Quiver10Quantized-") && options.selects(f.name())) {
        formats.add(f);
      }
    }
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("no Quiver10Quantized-* format selected");
    }
    int[] oversamples = Arrays.stream(options.oversamples()).filter(o -> o > 1).toArray();
    for (String name : options.datasets()) {
      Dataset data = Dataset.load(name, shared, options.docs(), options.queries());
      run(data, formats, oversamples, epsilons, options);
    }
  }

  private static void run(
      Dataset data,
      List<FormatUnderTest> formats,
      int[] oversamples,
      float[] epsilons,
      BenchOptions options)
      throws IOException {
    System.out.printf(
        Locale.ROOT,
        "%n== %s: %d x %d base, %d queries, %s, truth: %s%n",
        data.name(),
        data.base().length,
        data.dims(),
        data.queries().length,
        data.similarity(),
        data.truthSource());
    Path tmp = Files.createTempDirectory("quiver-bbench-");
    List<BuiltIndex> indices = new ArrayList<>();
    try {
      for (FormatUnderTest format : formats) {
        BuiltIndex index = BuiltIndex.build(format, data, tmp, options.segments());
        indices.add(index);
        System.out.printf(Locale.ROOT, "built %-24s %7.1f s%n", format.name(), index.buildSeconds);
      }
      boundCheck(data, indices, oversamples, epsilons);
      timed(data, indices, oversamples, options);
    } finally {
      for (BuiltIndex index : indices) {
        index.close();
      }
      BuiltIndex.deleteRecursively(tmp);
    }
  }

  private static void boundCheck(
      Dataset data, List<BuiltIndex> indices, int[] oversamples, float[] epsilons)
      throws IOException {
    float[][] queries = data.queries();
    System.out.printf(
        Locale.ROOT,
        "%n%s bound check (untimed, %d queries): lost = share of the fixed rescoring's top %d"
            + " missing from the bounded one's%n",
        data.name(),
        queries.length,
        K);
    String header =
        String.format(
            Locale.ROOT,
            "%-24s %3s %5s %8s %8s %9s %10s %10s %7s",
            "format",
            "os",
            "eps",
            "recall F",
            "recall B",
            "lost",
            "reads F/q",
            "reads B/q",
            "saved");
    System.out.println(header);
    System.out.println("-".repeat(header.length()));
    for (BuiltIndex index : indices) {
      for (int os : oversamples) {
        RescoringSearch fixed =
            new RescoringSearch(index, K, os, Mode.FIXED, 0f, data.similarity());
        int[][] full = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
          full[q] = fixed.search(queries[q]);
        }
        double fixedRecall = InterleavedRounds.recall(index, full, data.truth());
        for (float eps : epsilons) {
          RescoringSearch bounded =
              new RescoringSearch(index, K, os, Mode.BOUNDED, eps, data.similarity());
          int[][] answers = new int[queries.length][];
          long lost = 0;
          for (int q = 0; q < queries.length; q++) {
            answers[q] = bounded.search(queries[q]);
            lost += K - common(full[q], answers[q]);
          }
          System.out.printf(
              Locale.ROOT,
              "%-24s %3d %5.1f %8.4f %8.4f %9.5f %10.1f %10.1f %6.1f%%%n",
              index.format.name(),
              os,
              eps,
              fixedRecall,
              InterleavedRounds.recall(index, answers, data.truth()),
              lost / (double) ((long) K * queries.length),
              fixed.readsPerQuery(),
              bounded.readsPerQuery(),
              100 * (1 - bounded.readsPerQuery() / fixed.readsPerQuery()));
        }
      }
    }
  }

  private static void timed(
      Dataset data, List<BuiltIndex> indices, int[] oversamples, BenchOptions options)
      throws IOException {
    List<Measurement> points = new ArrayList<>();
    List<RescoringSearch> searches = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (BuiltIndex index : indices) {
      for (int os : oversamples) {
        for (String label : new String[] {"fixed", "fixed-AA", "bounded"}) {
          Mode mode = label.equals("bounded") ? Mode.BOUNDED : Mode.FIXED;
          points.add(new Measurement(index, new SearchSetting(K, os)));
          searches.add(
              new RescoringSearch(
                  index, K, os, mode, BoundedRescorer.DEFAULT_EPSILON, data.similarity()));
          labels.add(label);
        }
      }
    }
    float[][] queries = data.queries();
    for (RescoringSearch s : searches) {
      for (int i = 0; i < options.warmupQueries(); i++) {
        s.search(queries[i % queries.length]);
      }
      s.resetCounts();
    }
    int runs = Math.max(queries.length, options.minQueriesPerPoint());
    int[][][] answers = new int[points.size()][queries.length][];
    List<InterleavedRounds.Search> asSearch = new ArrayList<>(searches);
    for (int round = 0; round < options.rounds(); round++) {
      long start = System.nanoTime();
      InterleavedRounds.round(
          asSearch,
          points,
          queries,
          runs,
          Math.max(1, options.sliceQueries()),
          options.qpsTrim(),
          7_000_003L * (round + 1),
          round == 0 ? answers : null);
      System.out.printf(
          Locale.ROOT, "round %d %.1f s%n", round + 1, (System.nanoTime() - start) / 1e9);
    }
    System.out.printf(
        Locale.ROOT,
        "%n%s timed (one search thread, eps %.1f, median of %d rounds [min..max]):%n",
        data.name(),
        BoundedRescorer.DEFAULT_EPSILON,
        options.rounds());
    String header =
        String.format(
            Locale.ROOT,
            "%-24s %3s %-9s %7s %9s  %-20s %-20s",
            "format",
            "os",
            "rescore",
            "recall",
            "reads/q",
            "QPS",
            "p50 ms");
    System.out.println(header);
    System.out.println("-".repeat(header.length()));
    double worstAa = 0;
    for (int p = 0; p < points.size(); p++) {
      Measurement m = points.get(p);
      System.out.printf(
          Locale.ROOT,
          "%-24s %3d %-9s %7.4f %9.1f  %-20s %-20s%n",
          m.formatName(),
          m.setting.oversample(),
          labels.get(p),
          InterleavedRounds.recall(m.index, answers[p], data.truth()),
          searches.get(p).readsPerQuery(),
          spread(m.qps(), "%.0f"),
          spread(m.p50Millis(), "%.3f"));
      if (labels.get(p).equals("fixed-AA")) {
        double a = points.get(p - 1).p50Millis().median();
        worstAa = Math.max(worstAa, Math.abs(m.p50Millis().median() - a) / a);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "A/A control (fixed vs fixed-AA, same index and code): p50 differs by at most %.1f%% (%s"
            + " at %.0f%%)%n",
        100 * worstAa,
        worstAa <= VectorFormatBenchmark.AA_TOLERANCE ? "AGREE" : "DISAGREE",
        100 * VectorFormatBenchmark.AA_TOLERANCE);
  }

  private static int common(int[] a, int[] b) {
    int n = 0;
    for (int x : a) {
      for (int y : b) {
        if (x == y) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  private static String spread(Measurement.Spread s, String format) {
    return String.format(
        Locale.ROOT, format + " [" + format + ".." + format + "]", s.median(), s.min(), s.max());
  }

  private static float[] floats(String value, String fallback) {
    String v = value.isBlank() || value.startsWith("${") ? fallback : value;
    String[] parts = v.split(",");
    float[] out = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Float.parseFloat(parts[i].trim());
    }
    return out;
  }
}
