package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Fusion quality and latency of {@code quiver_hybrid} on SciFact (not run by CI; run {@code
 * scripts/bench.sh hybrid}). A node is started here, the corpus indexed into a {@link ScifactIndex}
 * (BM25 text field and {@code quiver_vector} embedded by {@code quiver_embed} with the default
 * model), and the 300 test queries run as BM25 alone, dense alone ({@code quiver_knn} with {@code
 * query_text}, k 100) and {@code quiver_hybrid} of the two under every fusion: nDCG@10 and
 * recall@100 per row, beside the published BM25 (Anserini 0.679) and bge-small-en-v1.5 (0.713)
 * figures. Every query asks for 100 hits; the fusion window is 100.
 *
 * <p>Latency, one client, one query at a time, end to end over REST (query embedding included):
 * each sub-query alone as the hybrid runs it (top 100, no source) and the default hybrid (top 10).
 * After a warm-up, every round measures each type on the same {@code bench.queries} query texts,
 * the order alternating between rounds; {@code dense} is measured twice per round ({@code dense A}
 * first, {@code dense B} last, or the reverse) as the A/A control, which must agree within 10%.
 * Reported per type: the median over rounds of p50, and the spread (min..max) of p50; then hybrid
 * p50 / (BM25 p50 + dense p50), target at most 1.1.
 *
 * <p>System properties: {@code bench.rounds} (7), {@code bench.queries} (60 per type and round),
 * {@code bench.warmup} (50 per type), {@code bench.out} (a file to write the table to), {@code
 * bench.dump} (a JSON-lines file to write each query's BM25 and dense top 100 to, with scores),
 * {@code bench.rows} (a regular expression: only the quality rows whose name it finds), {@code
 * bench.latency} (true; false skips the latency rounds), {@code bench.qa_node} (false; true
 * measures on the QA node of the test JVM, on the index {@link ScifactRestTest} leaves there when
 * it ran first, instead of starting a node and embedding the corpus again).
 */
class HybridScifactBenchmark {

  private static final String INDEX = "hybrid-scifact";

  /** A row of the quality table: a name and the query it runs for a query text. */
  private record Row(String name, Function<String, JsonNode> query) {}

  @Test
  void fusionQualityAndLatencyOnScifact() throws Exception {
    Path dir = ScifactData.dir("the hybrid benchmark");
    int rounds = Integer.getInteger("bench.rounds", 7);
    int perType = Integer.getInteger("bench.queries", 60);
    int warmup = Integer.getInteger("bench.warmup", 50);
    List<ScifactData.Doc> corpus = ScifactData.corpus(dir);
    Map<String, String> queries = ScifactData.queries(dir);
    Map<String, Map<String, Integer>> qrels = ScifactData.testQrels(dir);
    assertEquals(300, qrels.size());
    List<String> texts = qrels.keySet().stream().map(queries::get).toList();

    StringBuilder out = new StringBuilder();
    boolean onQaNode = Boolean.getBoolean("bench.qa_node");
    String index = onQaNode ? ScifactRestTest.INDEX : INDEX;
    try (OpenSearchNode node = onQaNode ? null : startNode()) {
      Rest rest = onQaNode ? QaNode.rest() : new Rest(node.uri());
      EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, Duration.ofMinutes(3));
      long start = System.nanoTime();
      boolean ingested = ScifactIndex.ensure(rest, index, corpus);
      rest.post("/" + index + "/_forcemerge?max_num_segments=1", null).ok();
      double ingestSeconds = (System.nanoTime() - start) / 1e9;
      line(
          out,
          String.format(
              Locale.ROOT,
              "SciFact test split: %d docs (%s), %d queries; model %s; %s; %d cores; %s",
              corpus.size(),
              ingested
                  ? String.format(
                      Locale.ROOT, "embedded, indexed and force-merged in %.0f s", ingestSeconds)
                  : "index of ScifactRestTest reused, force-merged",
              qrels.size(),
              DEFAULT_MODEL,
              onQaNode ? "the QA node" : "a node of its own",
              Runtime.getRuntime().availableProcessors(),
              LocalDate.now(ZoneOffset.UTC)));
      dumpLists(rest, index, queries, qrels);

      line(out, "");
      line(out, "| retrieval | nDCG@10 | recall@100 |");
      line(out, "|---|---|---|");
      String only = System.getProperty("bench.rows", "");
      for (Row row : rows()) {
        if (only.isEmpty() == false
            && java.util.regex.Pattern.compile(only).matcher(row.name).find() == false) {
          continue;
        }
        ScifactRetrieval.Quality q =
            ScifactRetrieval.quality(rest, index, queries, qrels, row.query);
        line(
            out,
            String.format(
                Locale.ROOT, "| %s | %.4f | %.4f |", row.name, q.ndcgAt10(), q.recallAt100()));
      }
      line(out, "Published: BM25 (Anserini, flat) nDCG@10 0.679; bge-small-en-v1.5 0.713 (BEIR).");
      line(out, "");
      if (Boolean.parseBoolean(System.getProperty("bench.latency", "true"))) {
        latency(rest, index, texts, rounds, perType, warmup, out);
      }
    }
    String path = System.getProperty("bench.out");
    if (path != null && path.isBlank() == false) {
      Files.createDirectories(Path.of(path).toAbsolutePath().getParent());
      Files.writeString(Path.of(path), out.toString(), StandardCharsets.UTF_8);
      System.out.println("QUIVER-HYBRID-BENCH written to " + path);
    }
  }

  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("BM25 alone (match, english analyzer)", ScifactRetrieval::bm25));
    rows.add(new Row("dense alone (quiver_knn query_text, k 100)", ScifactRetrieval::dense));
    rows.add(
        new Row("hybrid rrf (default: rank_constant 60)", t -> ScifactRetrieval.hybrid(t, null)));
    for (String norm : List.of("min_max", "l2", "z_score")) {
      for (String weights : List.of("[0.5, 0.5]", "[0.3, 0.7]")) {
        String fusion =
            "{\"method\": \"linear\", \"normalization\": \""
                + norm
                + "\", \"weights\": "
                + weights
                + "}";
        rows.add(
            new Row(
                "hybrid linear " + norm + " " + weightsLabel(weights),
                t -> ScifactRetrieval.hybrid(t, fusion)));
      }
    }
    for (String weights : List.of("[0.5, 0.5]", "[0.3, 0.7]")) {
      String fusion = "{\"method\": \"log_odds\", \"weights\": " + weights + "}";
      rows.add(
          new Row(
              "hybrid log_odds " + weightsLabel(weights), t -> ScifactRetrieval.hybrid(t, fusion)));
    }
    return rows;
  }

  private static String weightsLabel(String weights) {
    return "(BM25/dense " + weights.replaceAll("[\\[\\] ]", "").replace(',', '/') + ")";
  }

  /** Interleaved rounds of each query type alone and of the default hybrid; see the class doc. */
  private static void latency(
      Rest rest,
      String index,
      List<String> texts,
      int rounds,
      int perType,
      int warmup,
      StringBuilder out) {
    Map<String, Function<String, JsonNode>> types = new LinkedHashMap<>();
    types.put("bm25", t -> ScifactRetrieval.search(ScifactRetrieval.bm25(t), 100));
    types.put("dense A", t -> ScifactRetrieval.search(ScifactRetrieval.dense(t), 100));
    types.put("hybrid", t -> ScifactRetrieval.search(ScifactRetrieval.hybrid(t, null), 10));
    types.put("dense B", t -> ScifactRetrieval.search(ScifactRetrieval.dense(t), 100));
    for (Function<String, JsonNode> body : types.values()) {
      p50(rest, index, texts, 0, warmup, body);
    }
    Map<String, double[]> p50s = new LinkedHashMap<>();
    types.keySet().forEach(t -> p50s.put(t, new double[rounds]));
    for (int round = 0; round < rounds; round++) {
      List<String> order = new ArrayList<>(types.keySet());
      if (round % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      int from = (warmup + round * perType) % texts.size();
      for (String type : order) {
        p50s.get(type)[round] = p50(rest, index, texts, from, perType, types.get(type));
      }
      System.out.printf(
          Locale.ROOT, "hybrid bench latency round %d: %s%n", round + 1, last(p50s, round));
    }
    line(
        out,
        String.format(
            Locale.ROOT,
            "Latency, one node, one client, p50 over %d queries per type and round, median of %d"
                + " interleaved rounds (min..max):",
            perType,
            rounds));
    for (Map.Entry<String, double[]> e : p50s.entrySet()) {
      double[] v = e.getValue().clone();
      Arrays.sort(v);
      line(
          out,
          String.format(
              Locale.ROOT,
              "  %-8s p50 %.2f ms (%.2f..%.2f)",
              e.getKey(),
              median(e.getValue()),
              v[0],
              v[v.length - 1]));
    }
    double denseA = median(p50s.get("dense A"));
    double denseB = median(p50s.get("dense B"));
    double dense = (denseA + denseB) / 2;
    double bm25 = median(p50s.get("bm25"));
    double hybrid = median(p50s.get("hybrid"));
    double ratio = hybrid / (bm25 + dense);
    line(
        out,
        String.format(
            Locale.ROOT,
            "A/A control dense B / dense A = %.3f (%s); hybrid p50 / (bm25 p50 + dense p50) ="
                + " %.2f / (%.2f + %.2f) = %.3f (target <= 1.1: %s)",
            denseB / denseA,
            Math.abs(denseB / denseA - 1) <= 0.10 ? "agree within 10%" : "DISAGREE, unreliable",
            hybrid,
            bm25,
            dense,
            ratio,
            ratio <= 1.1 ? "met" : "NOT MET"));
  }

  private static String last(Map<String, double[]> p50s, int round) {
    StringBuilder s = new StringBuilder();
    p50s.forEach((k, v) -> s.append(String.format(Locale.ROOT, "%s %.2f ms; ", k, v[round])));
    return s.toString();
  }

  /** p50 latency in ms of {@code n} searches over the query texts from {@code from} on. */
  private static double p50(
      Rest rest,
      String index,
      List<String> texts,
      int from,
      int n,
      Function<String, JsonNode> body) {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      JsonNode request = body.apply(texts.get((from + i) % texts.size()));
      long start = System.nanoTime();
      JsonNode r = rest.post("/" + index + "/_search", request).ok().body();
      ms[i] = (System.nanoTime() - start) / 1e6;
      assertTrue(r.at("/hits/hits").size() > 0, r.toString());
    }
    return median(ms);
  }

  /** Each judged query's BM25 and dense top 100 with scores, one JSON line per query. */
  private static void dumpLists(
      Rest rest, String index, Map<String, String> queries, Map<String, Map<String, Integer>> qrels)
      throws Exception {
    String path = System.getProperty("bench.dump");
    if (path == null || path.isBlank()) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    for (String id : qrels.keySet()) {
      String text = queries.get(id);
      ObjectNode line = Rest.JSON.createObjectNode();
      line.put("query", id);
      line.set("bm25", hits(ScifactRetrieval.ranking(rest, index, ScifactRetrieval.bm25(text))));
      line.set("dense", hits(ScifactRetrieval.ranking(rest, index, ScifactRetrieval.dense(text))));
      lines.append(Rest.JSON.writeValueAsString(line)).append('\n');
    }
    Files.writeString(Path.of(path), lines.toString(), StandardCharsets.UTF_8);
  }

  private static JsonNode hits(List<ScifactRetrieval.Hit> ranking) {
    var array = Rest.JSON.createArrayNode();
    ranking.forEach(h -> array.addArray().add(h.id()).add(h.score()));
    return array;
  }

  private static void line(StringBuilder out, String line) {
    System.out.println("QUIVER-HYBRID-BENCH " + line);
    out.append(line).append('\n');
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static OpenSearchNode startNode() throws Exception {
    OpenSearchNode node = QaNode.installBeside("qa-node-hybrid-bench");
    node.start();
    return node;
  }
}
