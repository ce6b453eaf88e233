package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_DIMS;
import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code query_text} latency while the node embeds a saturating {@code _bulk} ingest, against the
 * same latency idle (not run by CI; run {@code scripts/bench.sh query-during-ingest}). Target:
 * during-ingest p50 at most 2x idle p50: queries have their own inference pool ({@code
 * quiver_query_inference}), so they never queue behind documents.
 *
 * <p>A node is started here with the default pools. An index of {@code bench.docs} SciFact
 * documents (embedded through {@code quiver_embed}) serves the queries: SciFact test queries, one
 * at a time from one client, {@code k} 10, end-to-end latency of {@code _search} (embedding
 * included). Ingest: {@code bench.clients} clients sending bulks of {@code bench.bulk_size} SciFact
 * documents through a {@code quiver_embed} pipeline ({@code batch_size} 16) into another index,
 * non-stop, so the document pool's queue is never empty (asserted from {@code _cat/thread_pool}
 * before measuring).
 *
 * <p>After a warm-up, every round measures, in this order, {@code idle A}, {@code ingest}, {@code
 * idle B}, each on {@code bench.queries} queries; the rounds interleave so a drift of the machine
 * hits each phase alike. Reported per phase: the median over rounds of p50 and p90, and the spread
 * (min..max over rounds) of p50. {@code idle A} vs {@code idle B} is the A/A control: they must
 * agree (within 25%) for the comparison to mean anything. One {@code QUIVER-QUERY-INGEST-BENCH}
 * line carries the figures; nothing about speed is asserted.
 *
 * <p>System properties: {@code bench.rounds} (5), {@code bench.queries} (60 per phase and round),
 * {@code bench.warmup} (40 queries), {@code bench.docs} (500), {@code bench.clients} (4), {@code
 * bench.bulk_size} (50).
 */
class QueryDuringIngestBenchmark {

  private static final String SEARCH_INDEX = "qbench-search";
  private static final String INGEST_INDEX = "qbench-ingest";

  @Test
  void queryTextLatencyIdleAndDuringBulkIngest() throws Exception {
    Path dir = ScifactData.dir("the query-during-ingest benchmark");
    int rounds = Integer.getInteger("bench.rounds", 5);
    int perPhase = Integer.getInteger("bench.queries", 60);
    int warmup = Integer.getInteger("bench.warmup", 40);
    int docs = Integer.getInteger("bench.docs", 500);
    int clients = Integer.getInteger("bench.clients", 4);
    int bulkSize = Integer.getInteger("bench.bulk_size", 50);

    List<ScifactData.Doc> corpus = ScifactData.corpus(dir);
    List<String> queries = new ArrayList<>(ScifactData.queries(dir).values());
    try (OpenSearchNode node = startNode()) {
      Rest rest = new Rest(node.uri());
      EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, Duration.ofMinutes(3));
      createIndex(rest, SEARCH_INDEX);
      createIndex(rest, INGEST_INDEX);
      for (int from = 0; from < docs; from += 100) {
        rest.bulk(
                "/" + SEARCH_INDEX + "/_bulk?refresh=true",
                bulkBody(corpus, from, Math.min(docs, from + 100)))
            .ok();
      }
      AtomicInteger nextQuery = new AtomicInteger();
      measure(rest, queries, nextQuery, warmup);

      Map<String, List<double[]>> phases = new LinkedHashMap<>();
      for (String phase : List.of("idle A", "ingest", "idle B")) {
        phases.put(phase, new ArrayList<>());
      }
      for (int round = 1; round <= rounds; round++) {
        phases.get("idle A").add(measure(rest, queries, nextQuery, perPhase));
        try (Ingest ingest = new Ingest(rest, corpus, clients, bulkSize)) {
          ingest.awaitSaturation();
          phases.get("ingest").add(measure(rest, queries, nextQuery, perPhase));
          ingest.assertStillSaturated();
        }
        phases.get("idle B").add(measure(rest, queries, nextQuery, perPhase));
        for (Map.Entry<String, List<double[]>> e : phases.entrySet()) {
          double[] last = e.getValue().get(e.getValue().size() - 1);
          System.out.printf(
              Locale.ROOT,
              "query-during-ingest round %d %-6s p50 %.1f ms p90 %.1f ms%n",
              round,
              e.getKey(),
              last[0],
              last[1]);
        }
      }
      double idleA = median(phases.get("idle A"), 0);
      double idleB = median(phases.get("idle B"), 0);
      double during = median(phases.get("ingest"), 0);
      double idle = (idleA + idleB) / 2;
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "QUIVER-QUERY-INGEST-BENCH %s, %d cores, %d rounds x %d query_text searches per"
                      + " phase, ingest %d clients x %d docs/bulk:",
                  DEFAULT_MODEL,
                  Runtime.getRuntime().availableProcessors(),
                  rounds,
                  perPhase,
                  clients,
                  bulkSize));
      for (Map.Entry<String, List<double[]>> e : phases.entrySet()) {
        line.append(
            String.format(
                Locale.ROOT,
                " %s p50 %.1f ms (%.1f..%.1f) p90 %.1f ms;",
                e.getKey(),
                median(e.getValue(), 0),
                min(e.getValue(), 0),
                max(e.getValue(), 0),
                median(e.getValue(), 1)));
      }
      line.append(
          String.format(
              Locale.ROOT,
              " A/A idle B/idle A = %.2f (%s); ingest/idle p50 = %.2f (target <= 2.00: %s)",
              idleB / idleA,
              Math.abs(idleB / idleA - 1) <= 0.25 ? "agree" : "DISAGREE, figures unreliable",
              during / idle,
              during / idle <= 2 ? "met" : "NOT MET"));
      System.out.println(line);
    }
  }

  /** Runs {@code n} query_text searches one after another; returns {p50, p90} in ms. */
  private static double[] measure(Rest rest, List<String> queries, AtomicInteger next, int n) {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      String text = queries.get(next.getAndIncrement() % queries.size());
      String body =
          "{\"size\": 10, \"_source\": false, \"query\": {\"quiver_knn\": {\"field\": \"content_vec\","
              + " \"query_text\": "
              + json(text)
              + ", \"k\": 10}}}";
      long start = System.nanoTime();
      JsonNode r = rest.post("/" + SEARCH_INDEX + "/_search", body).ok().body();
      ms[i] = (System.nanoTime() - start) / 1e6;
      assertTrue(r.path("hits").path("hits").size() > 0, r.toString());
    }
    Arrays.sort(ms);
    return new double[] {percentile(ms, 0.50), percentile(ms, 0.90)};
  }

  /** Bulk clients that keep the document inference pool busy until closed. */
  private static final class Ingest implements AutoCloseable {
    private final Rest rest;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService pool;
    private final List<Future<Integer>> clients = new ArrayList<>();

    Ingest(Rest rest, List<ScifactData.Doc> corpus, int clientCount, int bulkSize) {
      this.rest = rest;
      this.pool = Executors.newFixedThreadPool(clientCount);
      AtomicInteger next = new AtomicInteger();
      for (int c = 0; c < clientCount; c++) {
        clients.add(
            pool.submit(
                () -> {
                  int sent = 0;
                  while (stop.get() == false) {
                    int from = (next.getAndAdd(bulkSize)) % (corpus.size() - bulkSize);
                    rest.bulk(
                            "/" + INGEST_INDEX + "/_bulk?filter_path=errors",
                            bulkBody(corpus, from, from + bulkSize))
                        .ok();
                    sent += bulkSize;
                  }
                  return sent;
                }));
      }
    }

    /** Waits until documents wait in the inference queue. */
    void awaitSaturation() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (queued() == 0) {
        assertTrue(System.nanoTime() < deadline, "ingest never filled the inference queue");
        Thread.sleep(50);
      }
    }

    void assertStillSaturated() {
      assertTrue(queued() > 0, "the ingest stopped saturating the inference pool");
    }

    private int queued() {
      JsonNode pools =
          rest.get("/_cat/thread_pool/quiver_inference?format=json&h=queue,active").ok().body();
      return pools.get(0).path("queue").asInt();
    }

    @Override
    public void close() throws Exception {
      stop.set(true);
      for (Future<Integer> client : clients) {
        client.get(5, TimeUnit.MINUTES);
      }
      pool.shutdownNow();
    }
  }

  private static OpenSearchNode startNode() throws Exception {
    OpenSearchNode node = QaNode.installBeside("qa-node-query-bench");
    node.start();
    return node;
  }

  private static void createIndex(Rest rest, String index) {
    rest.delete("/" + index);
    rest.delete("/_ingest/pipeline/" + index);
    rest.put(
            "/_ingest/pipeline/" + index,
            "{\"processors\": [{\"quiver_embed\": {\"field_map\": {\"content\": \"content_vec\"},"
                + " \"batch_size\": 16}}]}")
        .ok();
    rest.put(
            "/" + index,
            "{\"settings\": {\"number_of_shards\": 1, \"number_of_replicas\": 0,"
                + " \"default_pipeline\": \""
                + index
                + "\"}, \"mappings\": {\"dynamic\": false,"
                + " \"_source\": {\"excludes\": [\"content_vec\"]}, \"properties\": {"
                + " \"content_vec\": {\"type\": \"quiver_vector\", \"dims\": "
                + DEFAULT_DIMS
                + ", \"similarity\": \"cosine\"}}}}")
        .ok();
  }

  private static String bulkBody(List<ScifactData.Doc> corpus, int from, int to) {
    StringBuilder bulk = new StringBuilder();
    for (int i = from; i < to; i++) {
      bulk.append(
          EmbedRestTest.bulkLine(Integer.toString(i), Map.of("content", corpus.get(i).content())));
    }
    return bulk.toString();
  }

  private static String json(String s) {
    try {
      return Rest.JSON.writeValueAsString(s);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static double percentile(double[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double median(List<double[]> rounds, int which) {
    double[] v = rounds.stream().mapToDouble(r -> r[which]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double min(List<double[]> rounds, int which) {
    return rounds.stream().mapToDouble(r -> r[which]).min().orElse(Double.NaN);
  }

  private static double max(List<double[]> rounds, int which) {
    return rounds.stream().mapToDouble(r -> r[which]).max().orElse(Double.NaN);
  }
}
