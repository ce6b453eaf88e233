package dev.quiver.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The figures of one (format, search setting) point: recall@k over the query set (the searches are
 * deterministic, so it is measured once), and per measured round the throughput and the p50/p99
 * latency of that round's queries; reported as the median over rounds with min..max.
 */
final class Measurement {

  final BuiltIndex index;
  final SearchSetting setting;
  private double recall = Double.NaN;
  private final List<Double> qps = new ArrayList<>();
  private final List<Double> p50Millis = new ArrayList<>();
  private final List<Double> p99Millis = new ArrayList<>();

  Measurement(BuiltIndex index, SearchSetting setting) {
    this.index = index;
    this.setting = setting;
  }

  String formatName() {
    return index.format.name();
  }

  void recall(double value) {
    if (!Double.isNaN(recall) && Math.abs(recall - value) > 1e-9) {
      throw new IllegalStateException(
          formatName()
              + " "
              + setting
              + ": recall changed between rounds: "
              + recall
              + " -> "
              + value);
    }
    recall = value;
  }

  double recall() {
    return recall;
  }

  /**
   * One round: the latency of each query in nanoseconds. QPS = queries / sum of their latencies,
   * without the slowest {@code trim} fraction of the round's queries: on a shared machine those are
   * dominated by the scheduler preempting the search thread (stalls of 4-8 ms on queries of
   * 0.02-0.3 ms, a property of the machine's load, not of the format), and a handful of them in a
   * round moves a mean by tens of percent. p99 is reported untrimmed.
   */
  void round(long[] latencyNanos, double trim) {
    long[] sorted = latencyNanos.clone();
    Arrays.sort(sorted);
    int kept = Math.max(1, (int) Math.ceil(sorted.length * (1 - trim)));
    long total = 0;
    for (int i = 0; i < kept; i++) {
      total += sorted[i];
    }
    qps.add(kept / (total / 1e9));
    p50Millis.add(percentile(sorted, 0.50) / 1e6);
    p99Millis.add(percentile(sorted, 0.99) / 1e6);
  }

  Spread qps() {
    return Spread.of(qps);
  }

  Spread p50Millis() {
    return Spread.of(p50Millis);
  }

  Spread p99Millis() {
    return Spread.of(p99Millis);
  }

  /** Per-round throughputs in measurement order. */
  List<Double> qpsPerRound() {
    return List.copyOf(qps);
  }

  private static double percentile(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** Median and range of a few per-round values. */
  record Spread(double median, double min, double max) {
    static Spread of(List<Double> values) {
      if (values.isEmpty()) {
        return new Spread(Double.NaN, Double.NaN, Double.NaN);
      }
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = v.length;
      double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
      return new Spread(median, v[0], v[n - 1]);
    }

    /** (max - min) / median. */
    double relativeRange() {
      return (max - min) / median;
    }
  }
}
