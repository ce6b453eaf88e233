package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The engine ({@link OnnxEmbedder} on the default model) against {@link ReferenceOrtEmbedder}, an
 * independent implementation of bge-small-en-v1.5 written directly on ONNX Runtime and DJL's
 * tokenizer, on real SciFact texts: dense document and query vectors, and token vectors. Both run
 * the same model file on the same machine, so they must agree to cosine 0.999 on every text.
 *
 * <p>A document's text is {@code title + " " + text} (the BEIR convention for dense retrievers, as
 * is, no trimming); both sides embed the same string. The tests reading SciFact are skipped, each
 * with the reason, when the shared data set is absent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndependentReferenceTest {

  private static final int DOCUMENTS = 300;
  private static final int QUERIES = 50;
  private static final int TOKEN_DOCUMENTS = 20;
  private static final double MIN_COSINE = 0.999;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelConfig config;
  private OnnxEmbedder embedder;
  private ReferenceOrtEmbedder reference;

  @BeforeAll
  void open() throws IOException, OrtException {
    ModelFiles model = TestModels.defaultModel();
    config = model.config();
    embedder = OnnxEmbedder.open(model, TestModels.settings());
    reference =
        ReferenceOrtEmbedder.open(model.onnx(), model.tokenizer(), TestModels.nativeCache());
  }

  @AfterAll
  void close() throws OrtException {
    if (embedder != null) {
      embedder.close();
    }
    if (reference != null) {
      reference.close();
    }
  }

  @Test
  void configurationIsTheRecipeTheReferenceImplements() {
    // The reference hard-codes bge-small-en-v1.5's recipe; the engine reads it from the config.
    assertEquals(384, config.dims());
    assertEquals(Pooling.CLS, config.pooling());
    assertTrue(config.normalize());
    assertEquals(ReferenceOrtEmbedder.MAX_TOKENS, config.maxTokens());
    assertEquals("last_hidden_state", config.output());
    assertEquals("", config.documentPrefix());
    assertTrue(config.queryPrefix().startsWith("Represent this sentence"), config.queryPrefix());
  }

  @Test
  void documentEmbeddingsMatchTheReference() throws IOException, OrtException {
    List<String> docs = documents(DOCUMENTS);
    assertEquals(DOCUMENTS, docs.size());
    // One call for all texts: also checks that results come back in input order.
    List<float[]> actual = embedder.embed(docs, TextKind.DOCUMENT);
    assertEquals(DOCUMENTS, actual.size());
    Stats stats = new Stats("documents");
    int truncated = 0;
    for (int i = 0; i < DOCUMENTS; i++) {
      ReferenceOrtEmbedder.Run run = reference.run(docs.get(i));
      if (run.untruncatedTokens() > ReferenceOrtEmbedder.MAX_TOKENS) {
        truncated++;
      }
      assertEquals(config.dims(), actual.get(i).length);
      stats.add(ReferenceOrtEmbedder.cosine(actual.get(i), run.cls()), i, docs.get(i));
    }
    System.out.println(stats + "; " + truncated + " documents truncated to 512 tokens");
    stats.check();
  }

  @Test
  void queryEmbeddingsMatchTheReferenceWithTheQueryPrefix() throws IOException, OrtException {
    List<String> queries = queries(QUERIES);
    assertEquals(QUERIES, queries.size());
    String prefix = config.queryPrefix();
    Stats stats = new Stats("queries");
    Stats unprefixed = new Stats("queries vs reference without prefix");
    for (int i = 0; i < QUERIES; i++) {
      String query = queries.get(i);
      float[] actual = embedder.embed(query, TextKind.QUERY);
      stats.add(ReferenceOrtEmbedder.cosine(actual, reference.run(prefix + query).cls()), i, query);
      unprefixed.add(ReferenceOrtEmbedder.cosine(actual, reference.run(query).cls()), i, query);
    }
    System.out.println(stats);
    System.out.println(unprefixed);
    stats.check();
    // The threshold tells a prefixed query from a bare one, so a lost prefix would fail above.
    assertTrue(unprefixed.mean() < 0.99, unprefixed.toString());
  }

  @Test
  void tokenVectorsMatchTheReferenceRowsOfNonSpecialTokens() throws IOException, OrtException {
    List<String> docs = documents(DOCUMENTS);
    // The first documents plus the one with the most tokens, so truncation is covered too.
    List<String> chosen = new ArrayList<>(docs.subList(0, TOKEN_DOCUMENTS - 1));
    String longest = docs.get(0);
    int longestTokens = 0;
    for (String doc : docs.subList(TOKEN_DOCUMENTS - 1, docs.size())) {
      int tokens = reference.tokenCount(doc);
      if (tokens > longestTokens) {
        longestTokens = tokens;
        longest = doc;
      }
    }
    chosen.add(longest);
    List<float[][]> actual = embedder.tokenVectors(chosen, TextKind.DOCUMENT);
    assertEquals(TOKEN_DOCUMENTS, actual.size());
    Stats stats = new Stats("token vectors");
    int totalTokens = 0;
    for (int i = 0; i < TOKEN_DOCUMENTS; i++) {
      ReferenceOrtEmbedder.Run run = reference.run(chosen.get(i));
      float[][] expected = run.contentTokens();
      assertEquals(expected.length, actual.get(i).length, "token count of document " + i);
      assertEquals(
          Math.min(run.untruncatedTokens(), ReferenceOrtEmbedder.MAX_TOKENS) - 2,
          expected.length,
          "reference: all tokens but [CLS] and [SEP] of document " + i);
      for (int t = 0; t < expected.length; t++) {
        assertEquals(1.0, norm(actual.get(i)[t]), 1e-4, "norm of token " + t + " of doc " + i);
        stats.add(
            ReferenceOrtEmbedder.cosine(actual.get(i)[t], expected[t]),
            i,
            "token " + t + " (id " + contentId(run, t) + ") of: " + chosen.get(i));
      }
      totalTokens += expected.length;
    }
    System.out.println(
        stats
            + "; "
            + totalTokens
            + " tokens in "
            + TOKEN_DOCUMENTS
            + " documents, longest document "
            + longestTokens
            + " tokens before truncation");
    stats.check();
  }

  private static long contentId(ReferenceOrtEmbedder.Run run, int content) {
    int seen = 0;
    for (int i = 0; i < run.ids().length; i++) {
      if (!run.special()[i] && seen++ == content) {
        return run.ids()[i];
      }
    }
    return -1;
  }

  private static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }

  /** The first {@code count} corpus documents as {@code title + " " + text}. */
  private List<String> documents(int count) throws IOException {
    List<String> docs = new ArrayList<>(count);
    try (InputStream in =
            new GZIPInputStream(
                Files.newInputStream(
                    TestModels.scifactDatasetOrSkip().resolve("corpus.jsonl.gz")));
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; docs.size() < count && (line = reader.readLine()) != null; ) {
        JsonNode doc = JSON.readTree(line);
        docs.add(doc.get("title").asText() + " " + doc.get("text").asText());
      }
    }
    return docs;
  }

  /** The first {@code count} queries' texts. */
  private List<String> queries(int count) throws IOException {
    List<String> queries = new ArrayList<>(count);
    try (BufferedReader reader =
        Files.newBufferedReader(
            TestModels.scifactDatasetOrSkip().resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
      for (String line; queries.size() < count && (line = reader.readLine()) != null; ) {
        queries.add(JSON.readTree(line).get("text").asText());
      }
    }
    return queries;
  }

  /** Minimum and mean of cosines, remembering the worst text. */
  private static final class Stats {
    private final String name;
    private int count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private int below;
    private int worstIndex = -1;
    private String worstText;

    Stats(String name) {
      this.name = name;
    }

    void add(double cosine, int index, String text) {
      assertTrue(!Double.isNaN(cosine), name + ": NaN cosine for " + index + ": " + text);
      count++;
      sum += cosine;
      if (cosine < MIN_COSINE) {
        below++;
      }
      if (cosine < min) {
        min = cosine;
        worstIndex = index;
        worstText = text;
      }
    }

    double mean() {
      return sum / count;
    }

    void check() {
      assertTrue(count > 0, name + ": nothing compared");
      assertTrue(min >= MIN_COSINE, toString());
    }

    @Override
    public String toString() {
      String worst = worstText == null ? "" : worstText;
      return String.format(
          Locale.ROOT,
          "%s: %d compared, min cosine %.8f (1 - min = %.2e), mean %.8f, %d below %.3f; worst"
              + " #%d: %s",
          name,
          count,
          min,
          1 - min,
          mean(),
          below,
          MIN_COSINE,
          worstIndex,
          worst.length() > 120 ? worst.substring(0, 120) + "..." : worst);
    }
  }
}
