package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code quiver_semantic} on SciFact (not run by CI; run {@code scripts/bench.sh semantic}). A node
 * of its own; the corpus indexed twice with the default model: through a {@code quiver_embed}
 * pipeline into a {@code quiver_vector} ({@link ScifactIndex}) and as raw text into a {@code
 * quiver_semantic} field with no pipeline ({@link ScifactSemanticIndex}).
 *
 * <p>Quality: nDCG@10 and recall@100 over the 300 test queries of BM25, the pipeline's {@code
 * quiver_knn}, {@code quiver_semantic} and the {@code quiver_hybrid} shortcut.
 *
 * <p>Ingest throughput, the same documents, model, bulk size and client threads for both paths:
 * after a warm-up, each round indexes {@code bench.docs} documents into a fresh index once per arm
 * ({@code pipeline A}, {@code semantic}, {@code pipeline B}; the order rotated each round), timing
 * {@code _bulk} until the documents are searchable. {@code pipeline A} vs {@code pipeline B} is the
 * A/A control (must agree within 10%). Reported: median docs/s per arm with its spread (min..max
 * over rounds), and semantic / pipeline (target at least 0.9).
 *
 * <p>System properties: {@code bench.rounds} (5), {@code bench.docs} (600), {@code bench.quality}
 * (true; false measures the ingest rounds only), {@code bench.out}.
 */
class SemanticScifactBenchmark {

  private static final List<String> ARMS = List.of("pipeline A", "semantic", "pipeline B");

  @Test
  void semanticFieldQualityAndIngestOnScifact() throws Exception {
    Path dir = ScifactData.dir("the quiver_semantic benchmark");
    int rounds = Integer.getInteger("bench.rounds", 5);
    int docs = Integer.getInteger("bench.docs", 600);
    List<ScifactData.Doc> corpus = ScifactData.corpus(dir);
    Map<String, String> queries = ScifactData.queries(dir);
    Map<String, Map<String, Integer>> qrels = ScifactData.testQrels(dir);
    assertEquals(300, qrels.size());
    StringBuilder out = new StringBuilder();
    try (OpenSearchNode node = QaNode.installBeside("qa-node-semantic-bench")) {
      node.start();
      Rest rest = new Rest(node.uri());
      EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, Duration.ofMinutes(3));
      line(
          out,
          String.format(
              Locale.ROOT,
              "SciFact test split: %d docs, %d queries; model %s; %d cores; %s",
              corpus.size(),
              qrels.size(),
              DEFAULT_MODEL,
              Runtime.getRuntime().availableProcessors(),
              LocalDate.now(ZoneOffset.UTC)));
      ingestRounds(rest, corpus.subList(0, Math.min(docs, corpus.size())), rounds, out);
      if (Boolean.parseBoolean(System.getProperty("bench.quality", "true"))) {
        quality(rest, corpus, queries, qrels, out);
      }
    }
    String path = System.getProperty("bench.out");
    if (path != null && path.isBlank() == false) {
      Files.createDirectories(Path.of(path).toAbsolutePath().getParent());
      Files.writeString(Path.of(path), out.toString(), StandardCharsets.UTF_8);
      System.out.println("QUIVER-SEMANTIC-BENCH written to " + path);
    }
  }

  private static void quality(
      Rest rest,
      List<ScifactData.Doc> corpus,
      Map<String, String> queries,
      Map<String, Map<String, Integer>> qrels,
      StringBuilder out)
      throws Exception {
    {
      String dense = "scifact-pipeline";
      String semantic = "scifact-semantic";
      ScifactIndex.ensure(rest, dense, corpus);
      ScifactSemanticIndex.ensure(rest, semantic, corpus);
      line(out, "");
      line(out, "| retrieval | index | nDCG@10 | recall@100 |");
      line(out, "|---|---|---|---|");
      Map<String, Object[]> rows = new LinkedHashMap<>();
      rows.put("BM25 (match, english)", new Object[] {dense, fn(ScifactRetrieval::bm25)});
      rows.put(
          "quiver_embed + quiver_knn query_text, k 100",
          new Object[] {dense, fn(ScifactRetrieval::dense)});
      rows.put(
          "match on the quiver_semantic field",
          new Object[] {semantic, fn(ScifactSemanticRestTest::lexical)});
      rows.put(
          "quiver_semantic, k 100", new Object[] {semantic, fn(ScifactSemanticRestTest::semantic)});
      rows.put(
          "quiver_hybrid shortcut (query + fields, default RRF)",
          new Object[] {semantic, fn(ScifactSemanticRestTest::shortcut)});
      for (Map.Entry<String, Object[]> row : rows.entrySet()) {
        String index = (String) row.getValue()[0];
        @SuppressWarnings("unchecked")
        Function<String, JsonNode> q = (Function<String, JsonNode>) row.getValue()[1];
        ScifactRetrieval.Quality quality = ScifactRetrieval.quality(rest, index, queries, qrels, q);
        line(
            out,
            String.format(
                Locale.ROOT,
                "| %s | %s | %.4f | %.4f |",
                row.getKey(),
                index,
                quality.ndcgAt10(),
                quality.recallAt100()));
      }
    }
  }

  private static Function<String, JsonNode> fn(Function<String, JsonNode> f) {
    return f;
  }

  private static void ingestRounds(
      Rest rest, List<ScifactData.Doc> docs, int rounds, StringBuilder out) throws Exception {
    // Warm-up: one pass of each path (JIT, model session, thread pools).
    List<ScifactData.Doc> warm = docs.subList(0, Math.min(100, docs.size()));
    ingestOnce(rest, "pipeline A", warm);
    ingestOnce(rest, "semantic", warm);
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    ARMS.forEach(a -> rates.put(a, new ArrayList<>()));
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < ARMS.size(); i++) {
        String arm = ARMS.get((i + round) % ARMS.size());
        rates.get(arm).add(ingestOnce(rest, arm, docs));
      }
    }
    line(out, "");
    line(
        out,
        String.format(
            Locale.ROOT,
            "Ingest, %d docs per arm and round, %d rounds (order rotated), _bulk of 50 from 2"
                + " client threads, until searchable; median docs/s [min..max]:",
            docs.size(),
            rounds));
    for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
      double[] r = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
      line(
          out,
          String.format(
              Locale.ROOT,
              "  %-11s %7.1f [%.1f..%.1f]",
              e.getKey(),
              median(r),
              Arrays.stream(r).min().orElse(0),
              Arrays.stream(r).max().orElse(0)));
    }
    double a = median(rates.get("pipeline A"));
    double b = median(rates.get("pipeline B"));
    double s = median(rates.get("semantic"));
    line(
        out,
        String.format(
            Locale.ROOT,
            "A/A pipeline B / pipeline A = %.3f (must be within 0.9..1.1); semantic / pipeline ="
                + " %.3f (target >= 0.9)",
            b / a,
            s / ((a + b) / 2)));
  }

  /** Indexes the documents into a fresh index of the arm's kind; docs/s until searchable. */
  private static double ingestOnce(Rest rest, String arm, List<ScifactData.Doc> docs)
      throws Exception {
    String index = "ingest-" + arm.replace(' ', '-').toLowerCase(Locale.ROOT);
    if (arm.startsWith("pipeline")) {
      ScifactIndex.create(rest, index);
    } else {
      ScifactSemanticIndex.create(rest, index);
    }
    long start = System.nanoTime();
    if (arm.startsWith("pipeline")) {
      ScifactIndex.ingest(rest, index, docs, 50, 2);
    } else {
      ScifactSemanticIndex.ingest(rest, index, docs, 50, 2);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (arm.startsWith("pipeline")) {
      ScifactIndex.delete(rest, index);
    } else {
      rest.delete("/" + index);
    }
    return docs.size() / seconds;
  }

  private static void line(StringBuilder out, String line) {
    System.out.println("QUIVER-SEMANTIC-BENCH " + line);
    out.append(line).append('\n');
  }

  private static double median(List<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
