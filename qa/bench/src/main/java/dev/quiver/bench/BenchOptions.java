package dev.quiver.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What {@link VectorFormatBenchmark} runs, from system properties (an empty value means the
 * default):
 *
 * <ul>
 *   <li>{@code bench.quick} (false): a smoke run of about two minutes on this 2-core machine;
 *       changes the defaults of {@code bench.docs} to 10,000, {@code bench.queries} to 100, {@code
 *       bench.warmupQueries} to 50, {@code bench.minQueriesPerPoint} to 200 and {@code
 *       bench.numCandidates} to {@code 10,40,160} (each still settable).
 *   <li>{@code bench.datasets} ({@code scifact,siftsmall}): data sets to run, see {@link Dataset}.
 *   <li>{@code bench.formats} (all): comma-separated format names or name prefixes to run, see
 *       {@link FormatRegistry}; the A/A pair runs whenever both of its names are selected.
 *   <li>{@code bench.docs} (all): use only the first N base vectors; the exact top-10 is then
 *       recomputed by brute force.
 *   <li>{@code bench.queries} (all): use only the first N queries of each data set.
 *   <li>{@code bench.rounds} (5): measured rounds; formats run forward in even rounds and in
 *       reverse in odd ones.
 *   <li>{@code bench.warmupQueries} (200): queries run per (format, search setting) before the
 *       first measured round; 0 measures a cold JVM (to see the order effect).
 *   <li>{@code bench.minQueriesPerPoint} (1000): the query set is cycled until each (format,
 *       setting) has run at least this many queries per round, so tiny query sets time long enough.
 *   <li>{@code bench.sliceQueries} (25): within a round, queries run in slices of this many, each
 *       slice on every (format, setting) before the next, in a new seeded random order per slice.
 *   <li>{@code bench.qpsTrim} (0.01): fraction of each round's slowest queries left out of its QPS
 *       (see {@link Measurement#round}); p50 and p99 always use all queries.
 *   <li>{@code bench.numCandidates} ({@code 10,20,40,80,160}): graph search widths.
 *   <li>{@code bench.oversample} ({@code 1,2,3,5}): oversample factors of rescored formats.
 *   <li>{@code bench.m} (16), {@code bench.efConstruction} (100): graph parameters, the same for
 *       every format.
 *   <li>{@code bench.segments} (4): segments flushed before the force merge to one.
 *   <li>{@code bench.out} ({@code qa/bench/target}): where the SVG plots go.
 *   <li>{@code bench.docsOut} (unset): if set, the scifact plot of a run on all its vectors and
 *       queries is also copied there ({@code scripts/bench.sh} sets {@code
 *       docs/bench-formats-scifact.svg}).
 * </ul>
 */
record BenchOptions(
    List<String> datasets,
    List<String> formats,
    int docs,
    int queries,
    int rounds,
    int warmupQueries,
    int minQueriesPerPoint,
    int sliceQueries,
    double qpsTrim,
    int[] numCandidates,
    int[] oversamples,
    int m,
    int efConstruction,
    int segments,
    String out,
    String docsOut) {

  static BenchOptions fromSystemProperties() {
    boolean quick = Boolean.parseBoolean(string("bench.quick", "false"));
    return new BenchOptions(
        list("bench.datasets", "scifact,siftsmall"),
        list("bench.formats", ""),
        integer("bench.docs", quick ? 10_000 : Integer.MAX_VALUE),
        integer("bench.queries", quick ? 100 : Integer.MAX_VALUE),
        integer("bench.rounds", 5),
        integer("bench.warmupQueries", quick ? 50 : 200),
        integer("bench.minQueriesPerPoint", quick ? 200 : 1000),
        integer("bench.sliceQueries", 25),
        fraction("bench.qpsTrim", 0.01),
        ints("bench.numCandidates", quick ? "10,40,160" : "10,20,40,80,160"),
        ints("bench.oversample", "1,2,3,5"),
        integer("bench.m", 16),
        integer("bench.efConstruction", 100),
        integer("bench.segments", 4),
        string("bench.out", "qa/bench/target"),
        string("bench.docsOut", ""));
  }

  boolean selects(String formatName) {
    if (formats.isEmpty()) {
      return true;
    }
    String lower = formatName.toLowerCase(Locale.ROOT);
    return formats.stream().anyMatch(f -> lower.startsWith(f.toLowerCase(Locale.ROOT)));
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "quick=%s datasets=%s formats=%s docs=%s queries=%s rounds=%d warmupQueries=%d"
            + " minQueriesPerPoint=%d sliceQueries=%d qpsTrim=%.3f numCandidates=%s oversample=%s m=%d efConstruction=%d"
            + " segments=%d",
        Boolean.parseBoolean(string("bench.quick", "false")),
        datasets,
        formats.isEmpty() ? "all" : formats,
        docs == Integer.MAX_VALUE ? "all" : docs,
        queries == Integer.MAX_VALUE ? "all" : queries,
        rounds,
        warmupQueries,
        minQueriesPerPoint,
        sliceQueries,
        qpsTrim,
        Arrays.toString(numCandidates),
        Arrays.toString(oversamples),
        m,
        efConstruction,
        segments);
  }

  private static String string(String key, String fallback) {
    String value = System.getProperty(key, "").trim();
    // "${...}": a Maven property left unset
    return value.isEmpty() || value.startsWith("${") ? fallback : value;
  }

  private static int integer(String key, int fallback) {
    String value = string(key, "");
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < 0) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be a non-negative integer, got [" + value + "]", e);
    }
  }

  private static double fraction(String key, double fallback) {
    String value = string(key, "");
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      double parsed = Double.parseDouble(value);
      if (parsed >= 0 && parsed < 0.5) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        key + " must be a fraction in [0, 0.5), got [" + value + "]");
  }

  private static List<String> list(String key, String fallback) {
    List<String> out = new ArrayList<>();
    for (String part : string(key, fallback).split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return List.copyOf(out);
  }

  private static int[] ints(String key, String fallback) {
    List<String> parts = list(key, fallback);
    int[] out = new int[parts.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = Integer.parseInt(parts.get(i));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must list integers, got " + parts, e);
      }
      if (out[i] < 1) {
        throw new IllegalArgumentException(key + " values must be >= 1, got " + parts);
      }
    }
    Arrays.sort(out);
    return out;
  }
}
