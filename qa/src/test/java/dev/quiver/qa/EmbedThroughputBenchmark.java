package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_DIMS;
import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quiver.ingest.TokenizerNativeLibrary;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Embedding throughput of the node against its limit, on the same machine, model, texts, batch size
 * and number of threads (not run by CI; run {@code scripts/bench.sh embed}):
 *
 * <ul>
 *   <li><b>raw</b>: a bare loop in this JVM straight on ONNX Runtime and DJL's tokenizer: {@code
 *       threads} workers share one session (intra-op 1, inter-op 1, sequential, no spinning: the
 *       engine's session options) and each tokenizes one text (truncated to 512 tokens), runs the
 *       model on it alone (batch size 1, as the engine does for the int8 model) and takes the
 *       normalized {@code [CLS]} row;
 *   <li><b>node</b>: the same texts sent through {@code _bulk} into an index whose default pipeline
 *       is {@code quiver_embed}, on a node started here with {@code plugins.quiver.inference.size}
 *       = {@code threads}, several bulk requests in flight so that every inference thread stays
 *       busy; docs/s = documents / wall time until the last bulk returns (vectors indexed in a
 *       {@code quiver_vector} field).
 * </ul>
 *
 * Both are warmed up on other texts first. It prints one {@code QUIVER-EMBED-BENCH} line with both
 * figures and the ratio node/raw (target: at least 0.90) and asserts nothing about speed.
 *
 * <p>System properties: {@code bench.docs} (1000 SciFact corpus documents, {@code title + " " +
 * text}), {@code bench.warmup} (200), {@code bench.threads} (the node's default: max(1, cores/2)),
 * {@code bench.batch_size} (processor batch size, 16), {@code bench.bulk_size} (documents per bulk,
 * 100), {@code bench.clients} (bulk requests in flight, 4), {@code bench.rounds} (2; the best round
 * of each side is reported).
 *
 * <p>{@link #batchedAgainstOneAtATimeOnAFloatModel} compares model batching ({@code "batching":
 * {"max_batch": N}} in {@code quiver-model.json}) with one text per model run, on the float32
 * export of the same model (bge-small-en-v1.5 fp32, from {@code bench.fp32_model}, the directory
 * the ingest module's build unpacks it to; {@code scripts/bench.sh embed} passes it), next to
 * today's path (the shipped int8 model, one text per run). Four arms, each a model directory of the
 * same node and its own pipeline: {@code int8} (shipped default), {@code fp32} and {@code
 * fp32-again} (the same configuration twice: an A/A control, whose ratio shows the noise), {@code
 * fp32-batched} ({@code max_batch} = {@code bench.max_batch}, 16). After a warm-up of every arm,
 * {@code bench.fp32_rounds} (5) rounds each run every arm once on the same {@code bench.fp32_docs}
 * (300) documents, the order rotated each round; it prints each arm's median docs/s with its spread
 * (min..max over rounds) and the ratios of medians, and asserts nothing about speed. {@code
 * bench.intra_op_threads} (1, the node's default) sets ONNX Runtime's threads per model run.
 */
class EmbedThroughputBenchmark {

  private static final String OUTPUT = "last_hidden_state";
  private static final int MAX_TOKENS = 512;

  @Test
  void nodeIngestAgainstBareOnnxRuntimeLoop() throws Exception {
    Path dir = ScifactData.dir("the embedding throughput benchmark");
    int docs = Integer.getInteger("bench.docs", 1000);
    int warmup = Integer.getInteger("bench.warmup", 200);
    int threads =
        Integer.getInteger(
            "bench.threads", Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    int batchSize = Integer.getInteger("bench.batch_size", 16);
    int bulkSize = Integer.getInteger("bench.bulk_size", 100);
    int clients = Integer.getInteger("bench.clients", 4);
    int rounds = Integer.getInteger("bench.rounds", 2);

    List<ScifactData.Doc> corpus = ScifactData.corpus(dir);
    List<String> texts = corpus.subList(0, docs).stream().map(ScifactData.Doc::content).toList();
    List<String> warmupTexts =
        corpus.subList(docs, docs + warmup).stream().map(ScifactData.Doc::content).toList();

    try (OpenSearchNode node = startNode(threads)) {
      Rest rest = new Rest(node.uri());
      EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, Duration.ofMinutes(3));
      Path model = node.home().resolve("plugins/quiver/models").resolve(DEFAULT_MODEL);
      Path nativeCache = Path.of(System.getProperty("qa.work")).resolveSibling("bench-native");

      double raw = 0;
      double viaNode = 0;
      try (BareLoop loop = BareLoop.open(model, nativeCache)) {
        loop.run(warmupTexts, threads);
        for (int round = 1; round <= rounds; round++) {
          double r = loop.run(texts, threads);
          System.out.printf(
              Locale.ROOT, "embed bench round %d: raw ORT loop %.1f docs/s%n", round, r);
          raw = Math.max(raw, r);
        }
      }
      ingest(rest, "embed-bench-warmup", warmupTexts, batchSize, bulkSize, clients);
      for (int round = 1; round <= rounds; round++) {
        double n = ingest(rest, "embed-bench", texts, batchSize, bulkSize, clients);
        System.out.printf(Locale.ROOT, "embed bench round %d: node _bulk %.1f docs/s%n", round, n);
        viaNode = Math.max(viaNode, n);
      }
      System.out.printf(
          Locale.ROOT,
          "QUIVER-EMBED-BENCH %s, %d SciFact docs, %d inference thread(s) on %d cores, ORT batch"
              + " size 1: raw ORT loop %.1f docs/s, node _bulk + quiver_embed %.1f docs/s"
              + " (batch_size %d, %d docs/bulk, %d bulks in flight), node/raw = %.3f"
              + " (target >= 0.90)%n",
          DEFAULT_MODEL,
          docs,
          threads,
          Runtime.getRuntime().availableProcessors(),
          raw,
          viaNode,
          batchSize,
          bulkSize,
          clients,
          viaNode / raw);
    }
  }

  @Test
  void batchedAgainstOneAtATimeOnAFloatModel() throws Exception {
    Path dir = ScifactData.dir("the batching benchmark");
    String fp32Property = System.getProperty("bench.fp32_model");
    assumeTrue(
        fp32Property != null && Files.isRegularFile(Path.of(fp32Property, "model.onnx")),
        "bench.fp32_model (the unpacked fp32 model directory, ingest/target/fp32-model/...) is not"
            + " set: skipping the batching comparison");
    Path fp32 = Path.of(fp32Property);
    int docs = Integer.getInteger("bench.fp32_docs", 300);
    int warmup = Integer.getInteger("bench.warmup", 200);
    int threads =
        Integer.getInteger(
            "bench.threads", Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    int batchSize = Integer.getInteger("bench.batch_size", 16);
    int maxBatch = Integer.getInteger("bench.max_batch", 16);
    int bulkSize = Integer.getInteger("bench.bulk_size", 100);
    int clients = Integer.getInteger("bench.clients", 4);
    int rounds = Integer.getInteger("bench.fp32_rounds", 5);

    List<ScifactData.Doc> corpus = ScifactData.corpus(dir);
    List<String> texts = corpus.subList(0, docs).stream().map(ScifactData.Doc::content).toList();
    List<String> warmupTexts =
        corpus.subList(docs, docs + warmup).stream().map(ScifactData.Doc::content).toList();

    Map<String, String> arms = new java.util.LinkedHashMap<>();
    arms.put("int8", DEFAULT_MODEL);
    arms.put("fp32", "bench-fp32");
    arms.put("fp32-again", "bench-fp32-again");
    arms.put("fp32-batched", "bench-fp32-batched");
    try (OpenSearchNode node =
        startNode(
            threads,
            home -> {
              String config =
                  Files.readString(fp32.resolve("quiver-model.json"), StandardCharsets.UTF_8);
              String batched =
                  config.replaceFirst("\\{", "{\"batching\": {\"max_batch\": " + maxBatch + "},");
              installModel(home, fp32, "bench-fp32", config);
              installModel(home, fp32, "bench-fp32-again", config);
              installModel(home, fp32, "bench-fp32-batched", batched);
            })) {
      Rest rest = new Rest(node.uri());
      for (Map.Entry<String, String> arm : arms.entrySet()) {
        JsonNode loaded = EmbedModels.awaitLoaded(rest, arm.getValue(), Duration.ofMinutes(5));
        int expected = arm.getKey().equals("fp32-batched") ? maxBatch : 1;
        assertEquals(expected, loaded.path("max_batch").asInt(), loaded.toString());
      }
      Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, String> arm : arms.entrySet()) {
        ingest(
            rest,
            "bench-" + arm.getKey(),
            arm.getValue(),
            warmupTexts,
            batchSize,
            bulkSize,
            clients);
        rates.put(arm.getKey(), new ArrayList<>());
      }
      List<String> names = new ArrayList<>(arms.keySet());
      for (int round = 0; round < rounds; round++) {
        for (int a = 0; a < names.size(); a++) {
          String name = names.get((a + round) % names.size());
          double rate =
              ingest(rest, "bench-" + name, arms.get(name), texts, batchSize, bulkSize, clients);
          rates.get(name).add(rate);
          System.out.printf(
              Locale.ROOT, "embed bench fp32 round %d: %s %.1f docs/s%n", round + 1, name, rate);
        }
      }
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "QUIVER-EMBED-BENCH batching, %d SciFact docs x %d interleaved rounds, %d"
                      + " inference thread(s) on %d cores, processor batch_size %d, fp32 max_batch"
                      + " %d; median docs/s [min..max]:",
                  docs,
                  rounds,
                  threads,
                  Runtime.getRuntime().availableProcessors(),
                  batchSize,
                  maxBatch));
      for (Map.Entry<String, List<Double>> arm : rates.entrySet()) {
        List<Double> r = arm.getValue().stream().sorted().toList();
        line.append(
            String.format(
                Locale.ROOT,
                " %s %.1f [%.1f..%.1f];",
                arm.getKey(),
                median(r),
                r.get(0),
                r.get(r.size() - 1)));
      }
      double fp32Median = median(rates.get("fp32"));
      line.append(
          String.format(
              Locale.ROOT,
              " fp32-batched/fp32 = %.3f, fp32-again/fp32 = %.3f (A/A), fp32-batched/int8 = %.3f,"
                  + " fp32/int8 = %.3f",
              median(rates.get("fp32-batched")) / fp32Median,
              median(rates.get("fp32-again")) / fp32Median,
              median(rates.get("fp32-batched")) / median(rates.get("int8")),
              fp32Median / median(rates.get("int8"))));
      System.out.println(line);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Puts a model directory under the node's {@code config/quiver/models/}. */
  private static void installModel(Path home, Path source, String name, String config)
      throws java.io.IOException {
    Path target = Files.createDirectories(home.resolve("config/quiver/models").resolve(name));
    for (String file : List.of("model.onnx", "tokenizer.json")) {
      try {
        Files.createLink(target.resolve(file), source.resolve(file));
      } catch (java.io.IOException | UnsupportedOperationException e) {
        Files.copy(source.resolve(file), target.resolve(file));
      }
    }
    Files.writeString(target.resolve("quiver-model.json"), config, StandardCharsets.UTF_8);
  }

  /** Prepares a node's home before it starts. */
  private interface HomeSetup {
    void prepare(Path home) throws Exception;
  }

  /** A node like the QA node, with the number of inference threads set. */
  private static OpenSearchNode startNode(int threads) throws Exception {
    return startNode(threads, home -> {});
  }

  /** A node like the QA node, with the number of inference threads set. */
  private static OpenSearchNode startNode(int threads, HomeSetup setup) throws Exception {
    OpenSearchNode node = QaNode.installBeside("qa-node-embed-bench");
    Files.writeString(
        node.home().resolve("config/opensearch.yml"),
        "\nplugins.quiver.inference.size: "
            + threads
            + "\nplugins.quiver.inference.intra_op_threads: "
            + Integer.getInteger("bench.intra_op_threads", 1)
            + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    setup.prepare(node.home());
    node.start();
    return node;
  }

  /** Indexes the texts into a fresh index through the pipeline; returns docs/s. */
  private static double ingest(
      Rest rest, String index, List<String> texts, int batchSize, int bulkSize, int clients)
      throws Exception {
    return ingest(rest, index, DEFAULT_MODEL, texts, batchSize, bulkSize, clients);
  }

  /** Indexes the texts into a fresh index through a pipeline of the model; returns docs/s. */
  private static double ingest(
      Rest rest,
      String index,
      String model,
      List<String> texts,
      int batchSize,
      int bulkSize,
      int clients)
      throws Exception {
    rest.delete("/" + index);
    rest.put(
            "/_ingest/pipeline/" + index,
            "{\"processors\": [{\"quiver_embed\": {\"model\": \""
                + model
                + "\", \"field_map\": {\"content\": \"content_vec\"},"
                + " \"batch_size\": "
                + batchSize
                + "}}]}")
        .ok();
    rest.put(
            "/" + index,
            "{\"settings\": {\"number_of_shards\": 1, \"number_of_replicas\": 0,"
                + " \"refresh_interval\": -1, \"default_pipeline\": \""
                + index
                + "\"},"
                + " \"mappings\": {\"dynamic\": false, \"_source\": {\"excludes\": [\"content_vec\"]},"
                + " \"properties\": {\"content_vec\": {\"type\": \"quiver_vector\", \"dims\": "
                + DEFAULT_DIMS
                + ", \"similarity\": \"cosine\"}}}}")
        .ok();
    List<String> bodies = new ArrayList<>();
    for (int from = 0; from < texts.size(); from += bulkSize) {
      StringBuilder bulk = new StringBuilder();
      for (int i = from; i < Math.min(texts.size(), from + bulkSize); i++) {
        bulk.append(EmbedRestTest.bulkLine(Integer.toString(i), Map.of("content", texts.get(i))));
      }
      bodies.add(bulk.toString());
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      long start = System.nanoTime();
      List<Future<JsonNode>> results = new ArrayList<>();
      for (String body : bodies) {
        results.add(
            pool.submit(
                () ->
                    rest.bulk("/" + index + "/_bulk?filter_path=errors,items.*.error", body)
                        .ok()
                        .body()));
      }
      for (Future<JsonNode> result : results) {
        JsonNode r = result.get();
        assertFalse(r.get("errors").asBoolean(), () -> "bulk errors: " + r);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      rest.post("/" + index + "/_refresh", null).ok();
      assertEquals(
          texts.size(), rest.get("/" + index + "/_count").ok().body().get("count").asInt());
      rest.delete("/" + index);
      return texts.size() / seconds;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The limit: tokenizer + one ORT run per text, nothing else, on {@code threads} workers. */
  private static final class BareLoop implements AutoCloseable {
    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final Set<String> inputs;

    private BareLoop(
        OrtSession.SessionOptions options, OrtSession session, HuggingFaceTokenizer tokenizer)
        throws OrtException {
      this.options = options;
      this.session = session;
      this.tokenizer = tokenizer;
      this.inputs = session.getInputNames();
    }

    static BareLoop open(Path model, Path nativeCache) throws Exception {
      // DJL's own tokenizer, configured the DJL way in this benchmark JVM: offline, no telemetry,
      // on the library file the engine's loader extracted and loaded into this class loader.
      Path library = TokenizerNativeLibrary.load(nativeCache);
      System.setProperty("ai.djl.offline", "true");
      System.setProperty("OPT_OUT_TRACKING", "true");
      System.setProperty("RUST_LIBRARY_PATH", library.toString());
      HuggingFaceTokenizer tokenizer =
          HuggingFaceTokenizer.newInstance(
              model.resolve("tokenizer.json"),
              Map.of(
                  "addSpecialTokens", "true",
                  "truncation", "true",
                  "padding", "true",
                  "maxLength", Integer.toString(MAX_TOKENS),
                  "modelMaxLength", Integer.toString(MAX_TOKENS)));
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      OrtSession session =
          OrtEnvironment.getEnvironment()
              .createSession(model.resolve("model.onnx").toString(), options);
      return new BareLoop(options, session, tokenizer);
    }

    /** Embeds every text once on {@code threads} workers; returns docs/s. */
    double run(List<String> texts, int threads) throws Exception {
      AtomicInteger next = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          workers.add(
              pool.submit(
                  () -> {
                    for (int i = next.getAndIncrement();
                        i < texts.size();
                        i = next.getAndIncrement()) {
                      float[] v = embed(texts.get(i));
                      if (v.length != DEFAULT_DIMS) {
                        throw new IllegalStateException("got " + v.length + " dims");
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> w : workers) {
          w.get();
        }
        return texts.size() / ((System.nanoTime() - start) / 1e9);
      } finally {
        pool.shutdownNow();
      }
    }

    private float[] embed(String text) throws OrtException {
      Encoding encoding = tokenizer.encode(text);
      long[] shape = {1, encoding.getIds().length};
      Map<String, OnnxTensor> feed = new HashMap<>();
      try {
        feed.put("input_ids", tensor(encoding.getIds(), shape));
        if (inputs.contains("attention_mask")) {
          feed.put("attention_mask", tensor(encoding.getAttentionMask(), shape));
        }
        if (inputs.contains("token_type_ids")) {
          feed.put("token_type_ids", tensor(encoding.getTypeIds(), shape));
        }
        try (OrtSession.Result result = session.run(feed, Set.of(OUTPUT))) {
          FloatBuffer hidden = ((OnnxTensor) result.get(OUTPUT).orElseThrow()).getFloatBuffer();
          float[] cls = new float[DEFAULT_DIMS];
          hidden.get(0, cls);
          double sum = 0;
          for (float x : cls) {
            sum += (double) x * x;
          }
          float inv = (float) (1 / Math.sqrt(sum));
          for (int d = 0; d < cls.length; d++) {
            cls[d] *= inv;
          }
          return cls;
        }
      } finally {
        feed.values().forEach(OnnxTensor::close);
      }
    }

    private OnnxTensor tensor(long[] values, long[] shape) throws OrtException {
      return OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape);
    }

    @Override
    public void close() throws OrtException {
      try {
        session.close();
        options.close();
      } finally {
        tokenizer.close();
      }
    }
  }
}
