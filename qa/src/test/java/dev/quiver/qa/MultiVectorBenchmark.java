package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_DIMS;
import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code quiver_multi_vector} and {@code quiver_maxsim} on SciFact on the real QA node (not run by
 * CI; run {@code scripts/bench.sh multivector}).
 *
 * <p>The corpus ({@code title + " " + text}) is embedded once with the default model's token output
 * ({@code "output": "tokens"}, {@code long_text: truncate}: the first 512 tokens) into one index of
 * one shard; a script processor copies the token vectors into five more {@code quiver_multi_vector}
 * fields, so that six fields hold the same vectors: FDE {@code int1_hnsw}, {@code int8_hnsw} and
 * {@code hnsw} (float) with {@code float16} stored vectors, and {@code int1_hnsw} with {@code
 * float32}, {@code int8} and {@code 1bit} stored vectors. The query vectors are embedded once per
 * query through {@code _simulate} (the model's query prefix prepended, as {@code query_text} does)
 * and sent as {@code vectors}, so no arm pays for embedding.
 *
 * <ul>
 *   <li>quality, on the first {@code bench.queries} (300, all) test queries for the first field and
 *       the first {@code bench.matrix_queries} (as many) for the others: recall@10 of {@code
 *       quiver_maxsim} at each {@code bench.candidates} (100,200,500) and, on quantized FDEs, each
 *       {@code bench.oversample} ({@code fde_oversample} 1,2,4) against the {@code exact: true} top
 *       10 (computed once per stored encoding: fields of one encoding hold the same vectors), and
 *       nDCG@10 against the qrels of both; on the first field also "fde-brute" ({@code
 *       bench.brute}): {@code fde_oversample} covering the whole corpus, so the candidates are the
 *       float FDEs' exact top {@code num_candidates}, which separates what the FDE loses from what
 *       the graph on the codes loses;
 *   <li>latency of the first field (by default {@code int1_hnsw}, {@code float16}) for each {@code
 *       bench.latency_arms} ({@code num_candidates:fde_oversample}, default 200:1,200:4) against
 *       {@code exact: true}, and the first arm twice (A/A control): after a warm-up, {@code
 *       bench.rounds} (5) rounds, each running every arm once over the same {@code
 *       bench.latency_queries} (20) queries, the order of arms rotated per round; client wall time
 *       per request, per-round p50 and p99, reported as the median over rounds with the spread
 *       (min..max);
 *   <li>bytes per document in RAM and on disk per field, from {@code GET _plugins/_quiver/stats};
 *   <li>passages against one mean vector: a second index embedded with {@code "output": "chunks"}
 *       into a {@code quiver_multi_vector} field (a document scores as its best passage) and, from
 *       the same chunk vectors by a script processor, their mean into a {@code quiver_vector}
 *       field; nDCG@10 over all test queries with the query's dense vector. (The script's mean is
 *       unweighted; today's dense output weighs chunks by tokens. The two agree on documents of one
 *       chunk, which SciFact's abstracts mostly are.)
 * </ul>
 *
 * It prints a table ({@code QUIVER-MV-BENCH} lines), writes {@code
 * qa/bench/results/multivector-<date>.txt} and asserts nothing about quality or speed.
 */
class MultiVectorBenchmark {

  private static final String TOKENS = "mvbench-tokens";
  private static final String PASSAGES = "mvbench-passages";
  private static final String QUERY_PREFIX =
      "Represent this sentence for searching relevant passages: ";
  private static final int K = 10;

  /** Documents per bulk: each carries its token vectors as JSON (about 1 MB per field). */
  private static final int BULK = 20;

  /** Field name, FDE index type, stored-vector encoding. */
  private static final String[][] ALL_FIELDS = {
    {"t_int1", "int1_hnsw", "float16"},
    {"t_int8", "int8_hnsw", "float16"},
    {"t_hnsw", "hnsw", "float16"},
    {"t_int1_f32", "int1_hnsw", "float32"},
    {"t_int1_i8", "int1_hnsw", "int8"},
    {"t_int1_1bit", "int1_hnsw", "1bit"},
  };

  /**
   * The fields indexed, {@code bench.fields} (all six by default): every field adds a JSON copy of
   * the document's token vectors to parse (about 1 MB per SciFact abstract) and an HNSW graph of
   * 10,240-dim FDEs to build. The first is the latency arm.
   */
  private static final String[][] FIELDS =
      Arrays.stream(ALL_FIELDS)
          .filter(
              f ->
                  System.getProperty("bench.fields") == null
                      || Arrays.asList(System.getProperty("bench.fields").split(","))
                          .contains(f[0]))
          .toArray(String[][]::new);

  private final List<String> out = new ArrayList<>();

  @Test
  void maxSimOnScifact() throws Exception {
    Path dir = ScifactData.dir("the multi-vector benchmark");
    int queryCount = Integer.getInteger("bench.queries", 300);
    int matrixQueries = Integer.getInteger("bench.matrix_queries", queryCount);
    int latencyQueries = Integer.getInteger("bench.latency_queries", 20);
    int rounds = Integer.getInteger("bench.rounds", 5);
    int[] candidates =
        Arrays.stream(System.getProperty("bench.candidates", "100,200,500").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    float[] oversamples = floats(System.getProperty("bench.oversample", "1,2,4"));
    boolean brute = Boolean.parseBoolean(System.getProperty("bench.brute", "true"));
    String[] latencyArms = System.getProperty("bench.latency_arms", "200:1,200:4").split(",");
    boolean passages = Boolean.parseBoolean(System.getProperty("bench.passages", "true"));

    List<ScifactData.Doc> corpus = ScifactData.corpus(dir);
    Map<String, String> queries = ScifactData.queries(dir);
    Map<String, Map<String, Integer>> qrels = ScifactData.testQrels(dir);
    List<String> qids = new ArrayList<>(qrels.keySet());
    Rest rest = QaNode.rest();
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, Duration.ofMinutes(3));

    double seconds = indexTokens(rest, corpus);
    line("corpus: %d docs, token vectors embedded once in %.0f s", corpus.size(), seconds);
    List<String> sub = qids.subList(0, Math.min(queryCount, qids.size()));
    Map<String, String> tokenVectors = new LinkedHashMap<>();
    for (String qid : sub) {
      tokenVectors.put(qid, simulate(rest, "tokens", queries.get(qid)).toString());
    }

    line("");
    line(
        "quality: recall@10 vs the field's exact: true top 10 (exact shared by fields of one stored"
            + " encoding), nDCG@10 vs qrels; first field on %d test queries, the others on %d;"
            + " os = fde_oversample (graph hits per candidate, rescored by float FDE; 1 = the"
            + " codes' best as they are; fde-brute = every document's float FDE)",
        sub.size(), Math.min(matrixQueries, sub.size()));
    line(
        "%-12s %-10s %-8s %-22s %9s %8s", "field", "fde", "stored", "mode", "recall@10", "nDCG@10");
    Map<String, Map<String, List<String>>> exactByStored = new LinkedHashMap<>();
    for (String[] f : FIELDS) {
      List<String> fq = f == FIELDS[0] ? sub : sub.subList(0, Math.min(matrixQueries, sub.size()));
      Map<String, List<String>> exact =
          exactByStored.computeIfAbsent(f[2], e -> new LinkedHashMap<>());
      double exactNdcg = 0;
      for (String qid : fq) {
        List<String> ids = exact.get(qid);
        if (ids == null) {
          ids = ids(rest, TOKENS, maxsim(f[0], tokenVectors.get(qid), ",\"exact\":true"));
          exact.put(qid, ids);
        }
        exactNdcg += ScifactData.ndcgAt(K, ids, qrels.get(qid));
      }
      line(
          "%-12s %-10s %-8s %-22s %9s %8.4f",
          f[0], f[1], f[2], "exact", "1", exactNdcg / fq.size());
      boolean quantized = f[1].equals("hnsw") == false;
      for (int c : candidates) {
        List<String> modes = new ArrayList<>();
        for (float os : oversamples) {
          if (quantized || os == oversamples[0]) {
            modes.add(os + "");
          }
        }
        if (brute && f == FIELDS[0] && quantized) {
          modes.add("brute");
        }
        for (String mode : modes) {
          float os =
              mode.equals("brute")
                  ? (float) Math.min(100, Math.ceil((corpus.size() + 1) / (double) c))
                  : Float.parseFloat(mode);
          if (mode.equals("brute") && os * c < corpus.size()) {
            continue;
          }
          double recall = 0;
          double ndcg = 0;
          for (String qid : fq) {
            List<String> ids =
                ids(
                    rest,
                    TOKENS,
                    maxsim(
                        f[0],
                        tokenVectors.get(qid),
                        ",\"num_candidates\":" + c + ",\"fde_oversample\":" + os));
            Set<String> truth = new HashSet<>(exact.get(qid));
            recall += ids.stream().filter(truth::contains).count() / (double) truth.size();
            ndcg += ScifactData.ndcgAt(K, ids, qrels.get(qid));
          }
          String label =
              "cand " + c + (mode.equals("brute") ? " fde-brute" : quantized ? " os " + os : "");
          line(
              "%-12s %-10s %-8s %-22s %9.4f %8.4f",
              f[0], f[1], f[2], label, recall / fq.size(), ndcg / fq.size());
        }
      }
    }

    line("");
    latency(
        rest,
        new ArrayList<>(tokenVectors.values()).subList(0, Math.min(latencyQueries, sub.size())),
        rounds,
        latencyArms);

    line("");
    bytesPerDocument(rest, TOKENS, corpus.size());

    if (passages) {
      line("");
      passagesAgainstMean(rest, corpus, queries, qrels, qids);
    }
    write();
  }

  /** Indexes the corpus through quiver_embed (tokens) and the copying script; returns seconds. */
  private double indexTokens(Rest rest, List<ScifactData.Doc> corpus) throws Exception {
    StringBuilder copy = new StringBuilder();
    StringBuilder props = new StringBuilder("\"id\":{\"type\":\"keyword\"}");
    for (String[] f : FIELDS) {
      if (f != FIELDS[0]) {
        copy.append("ctx.").append(f[0]).append(" = ctx.").append(FIELDS[0][0]).append("; ");
      }
      props
          .append(",\"")
          .append(f[0])
          .append("\":{\"type\":\"quiver_multi_vector\",\"dims\":")
          .append(DEFAULT_DIMS)
          .append(",\"fde\":{\"index_type\":\"")
          .append(f[1])
          .append("\"},\"stored_vectors\":\"")
          .append(f[2])
          .append("\"}");
    }
    String processors =
        "{\"quiver_embed\":{\"model\":\""
            + DEFAULT_MODEL
            + "\",\"field_map\":{\"content\":\""
            + FIELDS[0][0]
            + "\"},\"output\":\"tokens\",\"long_text\":\"truncate\"}},"
            + (copy.isEmpty() ? "" : "{\"script\":{\"source\":\"" + copy + "\"}},")
            + "{\"remove\":{\"field\":\"content\"}}";
    return index(rest, TOKENS, processors, props.toString(), corpus);
  }

  /** A fresh 1-shard index fed through a pipeline of the processors; returns seconds to index. */
  static double index(
      Rest rest, String index, String processors, String properties, List<ScifactData.Doc> corpus)
      throws Exception {
    rest.delete("/" + index);
    rest.put("/_ingest/pipeline/" + index, "{\"processors\":[" + processors + "]}").ok();
    rest.put(
            "/" + index,
            "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0,"
                + "\"refresh_interval\":-1,\"default_pipeline\":\""
                + index
                + "\"},\"mappings\":{\"dynamic\":false,\"properties\":{"
                + properties
                + "}}}")
        .ok();
    long start = System.nanoTime();
    for (int from = 0; from < corpus.size(); from += BULK) {
      StringBuilder bulk = new StringBuilder();
      for (int i = from; i < Math.min(corpus.size(), from + BULK); i++) {
        ScifactData.Doc d = corpus.get(i);
        bulk.append(EmbedRestTest.bulkLine(d.id(), Map.of("id", d.id(), "content", d.content())));
      }
      JsonNode r =
          rest.bulk("/" + index + "/_bulk?filter_path=errors,items.*.error", bulk.toString())
              .ok()
              .body();
      assertFalse(r.get("errors").asBoolean(), () -> "bulk errors: " + r);
    }
    rest.post("/" + index + "/_refresh", null).ok();
    double seconds = (System.nanoTime() - start) / 1e9;
    forceMergeToOne(rest, index);
    rest.post("/" + index + "/_refresh", null).ok();
    assertEquals(corpus.size(), rest.get("/" + index + "/_count").ok().body().get("count").asInt());
    return seconds;
  }

  /** The query's vectors as JSON, from a quiver_embed processor of {@code output} via _simulate. */
  /**
   * Force-merges the index to one segment. Merging several 10,240-dim graphs can outlive the
   * client's request timeout; the node goes on merging without the client, so a timed-out request
   * is followed by waiting until the shard has one committed segment (at most 8 hours).
   */
  private static void forceMergeToOne(Rest rest, String index) throws InterruptedException {
    try {
      rest.post("/" + index + "/_forcemerge?max_num_segments=1", null).ok();
    } catch (UncheckedIOException e) {
      // timed out on the client: the merge goes on in the node
    }
    Instant deadline = Instant.now().plus(Duration.ofHours(8));
    while (true) {
      JsonNode shard =
          rest.get("/" + index + "/_segments").ok().body().at("/indices/" + index + "/shards/0/0");
      if (shard.path("num_committed_segments").asInt(Integer.MAX_VALUE) <= 1) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "[" + index + "] still has " + shard.path("num_committed_segments") + " segments");
      }
      Thread.sleep(10_000);
    }
  }

  private static JsonNode simulate(Rest rest, String output, String text) {
    String body =
        "{\"pipeline\":{\"processors\":[{\"quiver_embed\":{\"model\":\""
            + DEFAULT_MODEL
            + "\",\"field_map\":{\"q\":\"v\"},\"output\":\""
            + output
            + "\"}}]},\"docs\":[{\"_source\":{\"q\":"
            + Rest.JSON.valueToTree(QUERY_PREFIX + text)
            + "}}]}";
    JsonNode r = rest.post("/_ingest/pipeline/_simulate", body).ok().body();
    JsonNode v = r.at("/docs/0/doc/_source/v");
    if (v.isMissingNode()) {
      throw new AssertionError("no query vectors: " + r);
    }
    return v;
  }

  private static String maxsim(String field, String vectors, String extra) {
    return "{\"quiver_maxsim\":{\"field\":\""
        + field
        + "\",\"vectors\":"
        + vectors
        + ",\"k\":"
        + K
        + extra
        + "}}";
  }

  private static List<String> ids(Rest rest, String index, String query) {
    JsonNode r =
        rest.post(
                "/" + index + "/_search?filter_path=hits.hits._id",
                "{\"size\":" + K + ",\"_source\":false,\"query\":" + query + "}")
            .ok()
            .body();
    List<String> ids = new ArrayList<>();
    for (JsonNode hit : r.at("/hits/hits")) {
      ids.add(hit.get("_id").asText());
    }
    return ids;
  }

  /**
   * Interleaved rounds on the default field: each approximate arm ({@code num_candidates:
   * fde_oversample}), the first again (A/A) and exact MaxSim.
   */
  private void latency(Rest rest, List<String> vectors, int rounds, String[] arms) {
    String field = FIELDS[0][0];
    List<String> names = new ArrayList<>();
    List<String> extras = new ArrayList<>();
    for (String arm : arms) {
      String[] p = arm.split(":");
      names.add("approx " + p[0] + "/" + p[1]);
      extras.add(",\"num_candidates\":" + p[0] + ",\"fde_oversample\":" + p[1]);
    }
    names.add(1, names.get(0) + " again");
    extras.add(1, extras.get(0));
    names.add("exact");
    extras.add(",\"exact\":true");
    int n = names.size();
    for (int a = 0; a < n; a++) {
      for (String v : vectors) {
        ids(rest, TOKENS, maxsim(field, v, extras.get(a)));
      }
    }
    double[][] p50 = new double[n][rounds];
    double[][] p99 = new double[n][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < n; i++) {
        int a = (i + round) % n;
        double[] ms = new double[vectors.size()];
        for (int q = 0; q < vectors.size(); q++) {
          long start = System.nanoTime();
          ids(rest, TOKENS, maxsim(field, vectors.get(q), extras.get(a)));
          ms[q] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        p50[a][round] = percentile(ms, 0.50);
        p99[a][round] = percentile(ms, 0.99);
      }
    }
    line(
        "latency on %s (%s FDE, %s), %d queries x %d rounds, client wall ms,"
            + " median over rounds [min..max]; approx num_candidates/fde_oversample",
        field, FIELDS[0][1], FIELDS[0][2], vectors.size(), rounds);
    double[] medians = new double[n];
    for (int a = 0; a < n; a++) {
      medians[a] = median(p50[a]);
    }
    for (int a = 0; a < n; a++) {
      line(
          "%-20s p50 %9.1f [%.1f..%.1f]   p99 %9.1f [%.1f..%.1f]   exact/this p50 %.1fx",
          names.get(a),
          medians[a],
          min(p50[a]),
          max(p50[a]),
          median(p99[a]),
          min(p99[a]),
          max(p99[a]),
          medians[n - 1] / medians[a]);
    }
    line("A/A: %s / %s p50 = %.3f", names.get(1), names.get(0), medians[1] / medians[0]);
  }

  private static float[] floats(String csv) {
    String[] parts = csv.split(",");
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = Float.parseFloat(parts[i].trim());
    }
    return values;
  }

  private void bytesPerDocument(Rest rest, String index, int docs) {
    JsonNode fields =
        rest.get("/_plugins/_quiver/stats/" + index)
            .ok()
            .body()
            .at("/indices/" + index + "/fields");
    line("bytes per document (GET _plugins/_quiver/stats, %d docs)", docs);
    line("%-12s %-10s %-8s %10s %10s %14s", "field", "fde", "stored", "ram", "disk", "stored part");
    fields
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode f = e.getValue();
              double n = Math.max(1, f.path("vectors").asLong());
              line(
                  "%-12s %-10s %-8s %10.0f %10.0f %14.0f",
                  e.getKey(),
                  f.path("type").asText(),
                  f.path("stored_vectors").asText("-"),
                  f.path("ram_bytes").asLong() / n,
                  f.path("disk_bytes").asLong() / n,
                  f.path("stored_vectors_bytes").asLong() / n);
            });
  }

  private void passagesAgainstMean(
      Rest rest,
      List<ScifactData.Doc> corpus,
      Map<String, String> queries,
      Map<String, Map<String, Integer>> qrels,
      List<String> qids)
      throws Exception {
    String processors =
        "{\"quiver_embed\":{\"model\":\""
            + DEFAULT_MODEL
            + "\",\"field_map\":{\"content\":\"passages\"},\"output\":\"chunks\"}},"
            + "{\"script\":{\"source\":\"def p = ctx.passages; int d = p[0].size();"
            + " double[] m = new double[d]; for (def v : p) { for (int i = 0; i < d; i++)"
            + " { m[i] += v[i]; } } ctx.mean = m;\"}},{\"remove\":{\"field\":\"content\"}}";
    String props =
        "\"id\":{\"type\":\"keyword\"},\"passages\":{\"type\":\"quiver_multi_vector\",\"dims\":"
            + DEFAULT_DIMS
            + "},\"mean\":{\"type\":\"quiver_vector\",\"dims\":"
            + DEFAULT_DIMS
            + ",\"similarity\":\"cosine\",\"index_options\":{\"type\":\"flat\"}}";
    double seconds = index(rest, PASSAGES, processors, props, corpus);
    JsonNode stats = rest.get("/_plugins/_quiver/stats/" + PASSAGES).ok().body();
    long passageCount =
        stats.at("/indices/" + PASSAGES + "/fields/passages/stored_vectors_bytes").asLong();
    double passagesNdcg = 0;
    double meanNdcg = 0;
    for (String qid : qids) {
      JsonNode v = simulate(rest, "dense", queries.get(qid));
      List<String> p = ids(rest, PASSAGES, maxsim("passages", "[" + v + "]", ",\"exact\":true"));
      List<String> m =
          ids(
              rest,
              PASSAGES,
              "{\"quiver_knn\":{\"field\":\"mean\",\"vector\":" + v + ",\"k\":" + K + "}}");
      passagesNdcg += ScifactData.ndcgAt(K, p, qrels.get(qid));
      meanNdcg += ScifactData.ndcgAt(K, m, qrels.get(qid));
    }
    line(
        "passages vs one mean vector, %d test queries, chunk vectors embedded in %.0f s"
            + " (stored passage bytes %d):",
        qids.size(), seconds, passageCount);
    line(
        "passages (quiver_multi_vector, output chunks, exact MaxSim) nDCG@10 %.4f",
        passagesNdcg / qids.size());
    line(
        "mean vector (quiver_vector, flat)                           nDCG@10 %.4f",
        meanNdcg / qids.size());
  }

  private void line(String format, Object... args) {
    String s = String.format(Locale.ROOT, format, args);
    out.add(s);
    System.out.println("QUIVER-MV-BENCH " + s);
  }

  private void write() throws Exception {
    Path results = Path.of(System.getProperty("bench.results", "bench/results"));
    Files.createDirectories(results);
    Path file = results.resolve("multivector-" + LocalDate.now(ZoneOffset.UTC) + ".txt");
    Files.write(file, out, StandardCharsets.UTF_8);
    System.out.println("QUIVER-MV-BENCH written to " + file.toAbsolutePath());
  }

  private static double percentile(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }
}
