package dev.quiver.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints the per-dataset table and the best throughput each format reaches at a recall floor. */
final class ResultTable {

  private ResultTable() {}

  static void print(Dataset data, List<Measurement> points, int rounds) {
    System.out.printf(
        Locale.ROOT,
        "%n%s: recall@%d vs exact, one search thread, median of %d rounds [min..max]%n",
        data.name(),
        Dataset.K,
        rounds);
    String header =
        String.format(
            Locale.ROOT,
            "%-24s %4s %4s %6s  %-22s %-20s %-20s %8s %8s %8s %8s",
            "format",
            "os",
            "nc",
            "recall",
            "QPS",
            "p50 ms",
            "p99 ms",
            "build s",
            "RAM B/v",
            "disk B/v",
            "files B/v");
    System.out.println(header);
    System.out.println("-".repeat(header.length()));
    for (Measurement m : points) {
      BuiltIndex index = m.index;
      double docs = index.docs();
      System.out.printf(
          Locale.ROOT,
          "%-24s %4s %4d %6.4f  %-22s %-20s %-20s %8.1f %8s %8s %8.1f%n",
          m.formatName(),
          index.format.rescored() ? "x" + m.setting.oversample() : "-",
          m.setting.numCandidates(),
          m.recall(),
          spread(m.qps(), "%.0f"),
          spread(m.p50Millis(), "%.3f"),
          spread(m.p99Millis(), "%.3f"),
          index.buildSeconds,
          index.offHeap.isEmpty()
              ? "n/a"
              : String.format(Locale.ROOT, "%.1f", index.ramBytes() / docs),
          index.offHeap.isEmpty()
              ? "n/a"
              : String.format(Locale.ROOT, "%.1f", index.rawBytes() / docs),
          index.fileBytes / docs);
    }
    System.out.println(
        "os: oversample (x N gathers N*10 on the graph, keeps 10 by exact float similarity; '-' ="
            + " float graph, no rescoring); nc: num_candidates; RAM B/v: off-heap bytes per vector"
            + " fast search needs resident (graph + vectors or codes + corrections); disk B/v: raw"
            + " float vectors (for quantized formats read only to rescore); files B/v: whole index.");
  }

  /** Per format: the highest median QPS among its settings with recall at least {@code floor}. */
  static void printBestAtRecall(List<Measurement> points, double floor) {
    Map<String, Measurement> best = new LinkedHashMap<>();
    for (Measurement m : points) {
      best.putIfAbsent(m.formatName(), null);
      if (m.recall() >= floor) {
        Measurement b = best.get(m.formatName());
        if (b == null || m.qps().median() > b.qps().median()) {
          best.put(m.formatName(), m);
        }
      }
    }
    System.out.printf(Locale.ROOT, "%nbest QPS at recall@%d >= %.2f:%n", Dataset.K, floor);
    for (Map.Entry<String, Measurement> e : best.entrySet()) {
      Measurement m = e.getValue();
      if (m == null) {
        System.out.printf(Locale.ROOT, "  %-24s not reached%n", e.getKey());
      } else {
        System.out.printf(
            Locale.ROOT,
            "  %-24s %6.0f QPS (recall %.4f at nc=%d%s), RAM %.1f B/vector, %d doc bits%n",
            e.getKey(),
            m.qps().median(),
            m.recall(),
            m.setting.numCandidates(),
            m.index.format.rescored() ? ", x" + m.setting.oversample() : "",
            m.index.ramBytes() / (double) m.index.docs(),
            m.index.format.docBits());
      }
    }
    printRatios(best);
  }

  /**
   * For every Quiver format (other than the A/A copy) and every Lucene format with the same
   * document bits: the ratio of their best QPS at the recall floor, and of their RAM per vector.
   */
  private static void printRatios(Map<String, Measurement> best) {
    for (Measurement ours : best.values()) {
      if (ours == null
          || !ours.formatName().startsWith("Quiver")
          || ours.formatName().equals(FormatRegistry.AA_SECOND)) {
        continue;
      }
      for (Measurement peer : best.values()) {
        if (peer != null
            && peer.formatName().startsWith("Lucene")
            && peer.index.format.docBits() == ours.index.format.docBits()) {
          System.out.printf(
              Locale.ROOT,
              "  ratio %s / %s: QPS %.2fx, RAM per vector %.2fx%n",
              ours.formatName(),
              peer.formatName(),
              ours.qps().median() / peer.qps().median(),
              ours.index.ramBytes() / (double) peer.index.ramBytes());
        }
      }
    }
  }

  private static String spread(Measurement.Spread s, String format) {
    return String.format(
        Locale.ROOT, format + " [" + format + ".." + format + "]", s.median(), s.min(), s.max());
  }
}
