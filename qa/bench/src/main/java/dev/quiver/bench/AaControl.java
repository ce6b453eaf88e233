package dev.quiver.bench;

import java.util.List;
import java.util.Locale;

/**
 * The A/A control: the same format built twice under two names ({@link FormatRegistry#AA_FIRST},
 * {@link FormatRegistry#AA_SECOND}) must agree, setting by setting, within a tolerance in median
 * p50 latency; otherwise the method, not the format, is making differences. The largest QPS
 * difference of the pair is printed too, as the noise floor of this run's QPS ratios (QPS is a mean
 * and moves more than p50 under outside load).
 */
final class AaControl {

  private AaControl() {}

  /** Prints the verdict; returns whether the pair agrees (true when the pair did not run). */
  static boolean print(List<Measurement> points, double tolerance) {
    double worstP50 = 0;
    double worstQps = 0;
    int compared = 0;
    StringBuilder detail = new StringBuilder();
    for (Measurement a : points) {
      if (!a.formatName().equals(FormatRegistry.AA_FIRST)) {
        continue;
      }
      for (Measurement b : points) {
        if (b.formatName().equals(FormatRegistry.AA_SECOND) && b.setting.equals(a.setting)) {
          double p50 = relative(a.p50Millis().median(), b.p50Millis().median());
          double qps = relative(a.qps().median(), b.qps().median());
          worstP50 = Math.max(worstP50, Math.abs(p50));
          worstQps = Math.max(worstQps, Math.abs(qps));
          compared++;
          detail.append(
              String.format(
                  Locale.ROOT,
                  "%n  nc=%-4d p50 %.3f vs %.3f ms (%+.1f%%), QPS %.0f vs %.0f (%+.1f%%),"
                      + " recall %.4f vs %.4f",
                  a.setting.numCandidates(),
                  a.p50Millis().median(),
                  b.p50Millis().median(),
                  100 * p50,
                  a.qps().median(),
                  b.qps().median(),
                  100 * qps,
                  a.recall(),
                  b.recall()));
        }
      }
    }
    if (compared == 0) {
      System.out.println(
          "\nA/A control: not run (select both "
              + FormatRegistry.AA_FIRST
              + " and "
              + FormatRegistry.AA_SECOND
              + ")");
      return true;
    }
    boolean agrees = worstP50 <= tolerance;
    System.out.printf(
        Locale.ROOT,
        "%nA/A control (%s vs %s, built separately): %s — p50 latency differs by at most %.1f%%"
            + " over %d settings (tolerance %.0f%%); QPS by at most %.1f%%%s: differences between"
            + " formats smaller than these are noise of this run%s%n",
        FormatRegistry.AA_FIRST,
        FormatRegistry.AA_SECOND,
        agrees ? "AGREE" : "DISAGREE",
        100 * worstP50,
        compared,
        100 * tolerance,
        100 * worstQps,
        worstQps <= tolerance ? "" : " (beyond the tolerance)",
        detail);
    return agrees;
  }

  /** (b - a) / a. */
  private static double relative(double a, double b) {
    return (b - a) / a;
  }
}
