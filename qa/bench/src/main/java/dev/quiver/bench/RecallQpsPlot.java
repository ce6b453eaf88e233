package dev.quiver.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A recall@10 vs QPS plot as a hand-written SVG: one polyline per (format, oversample) through its
 * {@code num_candidates} points, QPS (median over rounds) on a log axis, a colour per format, a
 * dash pattern per oversample, a dashed line at recall 0.95, and a legend.
 */
final class RecallQpsPlot {

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 620;
  private static final int LEFT = 70;
  private static final int TOP = 50;
  private static final int PLOT_W = 640;
  private static final int PLOT_H = 500;
  private static final String[] COLOURS = {
    "#1f77b4", "#aec7e8", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31"
  };
  private static final Map<Integer, String> DASHES =
      Map.of(1, "", 2, "7,4", 3, "2,3", 5, "10,3,2,3");

  private RecallQpsPlot() {}

  static void write(Path file, String title, List<Measurement> points) throws IOException {
    Map<String, List<Measurement>> series = new LinkedHashMap<>();
    Map<String, Integer> colourOf = new LinkedHashMap<>();
    for (Measurement m : points) {
      colourOf.putIfAbsent(m.formatName(), colourOf.size());
      String key =
          m.formatName() + (m.index.format.rescored() ? " x" + m.setting.oversample() : "");
      series.computeIfAbsent(key, x -> new ArrayList<>()).add(m);
    }
    double minRecall = 1;
    double minQps = Double.MAX_VALUE;
    double maxQps = 0;
    for (Measurement m : points) {
      minRecall = Math.min(minRecall, m.recall());
      minQps = Math.min(minQps, m.qps().median());
      maxQps = Math.max(maxQps, m.qps().median());
    }
    double x0 = Math.min(0.9, Math.max(0, Math.floor(minRecall * 20) / 20));
    double y0 = Math.pow(10, Math.floor(Math.log10(minQps)));
    double y1 = Math.pow(10, Math.ceil(Math.log10(maxQps * 1.0001)));
    StringBuilder svg = new StringBuilder();
    svg.append(
        f(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"12\">\n",
            WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append(f("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, HEIGHT));
    svg.append(f("<text x=\"%d\" y=\"25\" font-size=\"15\">%s</text>\n", LEFT, escape(title)));
    svg.append(
        f(
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n",
            LEFT, TOP, PLOT_W, PLOT_H));
    // x axis: recall ticks every 0.05 (0.01 when the range is narrow)
    double step = 1 - x0 <= 0.1 ? 0.01 : 0.05;
    for (double r = x0; r <= 1.0 + 1e-9; r += step) {
      double x = xOf(r, x0);
      svg.append(
          f(
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
              x, TOP, x, TOP + PLOT_H));
      svg.append(
          f(
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2f</text>\n",
              x, TOP + PLOT_H + 16, r));
    }
    if (x0 < 0.95) {
      double x = xOf(0.95, x0);
      svg.append(
          f(
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\""
                  + " stroke-dasharray=\"4,4\"/>\n",
              x, TOP, x, TOP + PLOT_H));
    }
    // y axis: log QPS, ticks at 1, 2, 5 per decade
    for (double decade = y0; decade < y1 * 1.0001; decade *= 10) {
      for (int mult : new int[] {1, 2, 5}) {
        double v = decade * mult;
        if (v > y1 * 1.0001) {
          break;
        }
        double y = yOf(v, y0, y1);
        svg.append(
            f(
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                LEFT, y, LEFT + PLOT_W, y, mult == 1 ? "#ccc" : "#eee"));
        svg.append(
            f(
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                LEFT - 5, y + 4, v >= 1 ? String.valueOf((long) v) : String.valueOf(v)));
      }
    }
    svg.append(
        f(
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">recall@10</text>\n",
            LEFT + PLOT_W / 2, TOP + PLOT_H + 36));
    svg.append(
        f(
            "<text x=\"18\" y=\"%d\" transform=\"rotate(-90 18 %d)\" text-anchor=\"middle\">"
                + "queries/s (one thread, median of rounds, log)</text>\n",
            TOP + PLOT_H / 2, TOP + PLOT_H / 2));
    int legendY = TOP + 10;
    for (Map.Entry<String, List<Measurement>> e : series.entrySet()) {
      List<Measurement> line = e.getValue();
      line.sort((a, b) -> Integer.compare(a.setting.numCandidates(), b.setting.numCandidates()));
      String colour = COLOURS[colourOf.get(line.get(0).formatName()) % COLOURS.length];
      String dash = DASHES.getOrDefault(line.get(0).setting.oversample(), "1,1");
      StringBuilder pts = new StringBuilder();
      for (Measurement m : line) {
        double x = xOf(m.recall(), x0);
        double y = yOf(m.qps().median(), y0, y1);
        pts.append(f("%.1f,%.1f ", x, y));
        svg.append(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n", x, y, colour));
      }
      svg.append(
          f(
              "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s/>\n",
              pts.toString().trim(),
              colour,
              dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\""));
      int lx = LEFT + PLOT_W + 20;
      svg.append(
          f(
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
              lx,
              legendY,
              lx + 30,
              legendY,
              colour,
              dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\""));
      svg.append(
          f("<text x=\"%d\" y=\"%d\">%s</text>\n", lx + 36, legendY + 4, escape(e.getKey())));
      legendY += 16;
    }
    svg.append(
        f(
            "<text x=\"%d\" y=\"%d\" fill=\"#666\">x N: oversample (N*10 rescored exactly);"
                + " points: num_candidates</text>\n",
            LEFT, HEIGHT - 8));
    svg.append("</svg>\n");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, svg, StandardCharsets.UTF_8);
  }

  private static double xOf(double recall, double x0) {
    return LEFT + (recall - x0) / (1 - x0) * PLOT_W;
  }

  private static double yOf(double qps, double y0, double y1) {
    double t = (Math.log10(qps) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0));
    return TOP + PLOT_H - t * PLOT_H;
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
