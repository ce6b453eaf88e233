package dev.quiver.plugin.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.ingest.DefaultModel;
import dev.quiver.ingest.EmbedderSettings;
import dev.quiver.ingest.EmbeddingService;
import dev.quiver.ingest.LongText;
import dev.quiver.ingest.TextKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.OpenSearchException;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;

/**
 * The {@code quiver_embed} processor's {@code long_text} option, with a real {@link ModelRegistry}
 * over a models root holding the default model unpacked by the ingest module's build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuiverEmbedProcessorTests {

  /** Where the ingest module's build unpacks the default model (the plugin zip takes it there). */
  private static final Path DEFAULT_MODEL =
      Path.of("..", "ingest", "target", "default-model", DefaultModel.NAME);

  private static final String SENTENCES =
      "HTRF (Homogeneous Time Resolved Fluorescence) is the most frequently used generic assay"
          + " technology to measure analytes in a homogenous format. This technology combines"
          + " fluorescence resonance energy transfer technology (FRET) with time-resolved"
          + " measurement (TR). Terbium cryptate possesses different photophysical properties"
          + " compared to Europium, including increased quantum yield and a higher molar"
          + " extinction coefficient. ";

  private ModelRegistry models;
  private QuiverEmbedProcessor.Factory factory;

  @BeforeAll
  void open(@TempDir Path temp) throws IOException {
    Path source = DEFAULT_MODEL.toAbsolutePath().normalize();
    assertTrue(
        Files.isRegularFile(source.resolve("model.onnx")),
        "default model not unpacked at " + source + ": build the ingest module first");
    Path modelDir = Files.createDirectories(temp.resolve("models").resolve(DefaultModel.NAME));
    for (String file : List.of("model.onnx", "tokenizer.json", "quiver-model.json")) {
      try {
        Files.createLink(modelDir.resolve(file), source.resolve(file));
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(source.resolve(file), modelDir.resolve(file));
      }
    }
    // A late-interaction model's configuration (its graph is no model: it fails to load, but the
    // processor factory decides from the configuration alone).
    Path colbert = Files.createDirectories(temp.resolve("models").resolve("tiny-colbert"));
    Files.copy(source.resolve("tokenizer.json"), colbert.resolve("tokenizer.json"));
    Files.writeString(colbert.resolve("model.onnx"), "not a graph");
    Files.writeString(
        colbert.resolve("quiver-model.json"),
        "{\"dims\": 96, \"max_tokens\": 300, \"output\": \"last_hidden_state\","
            + " \"late_interaction\": {\"query_marker\": \"[unused0]\"}}");
    models =
        new ModelRegistry(
            Map.of("plugin", temp.resolve("models")),
            EmbedderSettings.of(1, temp.resolve("native")),
            new EmbeddingService("quiver-processor-test", 1, 16));
    factory = new QuiverEmbedProcessor.Factory(models);
  }

  @AfterAll
  void close() {
    if (models != null) {
      models.close();
    }
  }

  private QuiverEmbedProcessor create(Map<String, Object> options) throws Exception {
    Map<String, Object> config = new HashMap<>(options);
    config.putIfAbsent("field_map", new HashMap<>(Map.of("body", "body_vec")));
    return (QuiverEmbedProcessor) factory.create(Map.of(), "tag", null, config);
  }

  @Test
  void longTextDefaultsToTruncate() throws Exception {
    QuiverEmbedProcessor processor = create(Map.of());
    assertEquals(LongText.TRUNCATE, processor.longText());
    assertEquals(DefaultModel.NAME, processor.model());
    assertEquals(QuiverEmbedProcessor.Output.DENSE, processor.output());
  }

  @Test
  void longTextTruncateAndChunkAreParsed() throws Exception {
    assertEquals(LongText.TRUNCATE, create(Map.of("long_text", "truncate")).longText());
    QuiverEmbedProcessor chunk = create(Map.of("long_text", "chunk", "output", "tokens"));
    assertEquals(LongText.CHUNK, chunk.longText());
    assertEquals(QuiverEmbedProcessor.Output.TOKENS, chunk.output());
  }

  @Test
  void otherLongTextValuesAreConfigurationErrors() {
    for (String bad : List.of("split", "CHUNK", "", "chunks")) {
      OpenSearchException e =
          assertThrows(OpenSearchException.class, () -> create(Map.of("long_text", bad)));
      assertEquals("[long_text] must be [truncate] or [chunk], got [" + bad + "]", e.getMessage());
      assertEquals(List.of("long_text"), e.getMetadata("opensearch.property_name"));
    }
    OpenSearchException e =
        assertThrows(OpenSearchException.class, () -> create(Map.of("long_text", true)));
    assertTrue(e.getMessage().startsWith("[long_text]"), e.getMessage());
  }

  @Test
  void chunkedDocumentsGetTheEngineChunkedVectors() throws Exception {
    String text = SENTENCES.repeat(20); // 1,620 tokens: 4 chunks of at most 510
    IngestDocument doc = document(text);
    create(Map.of("long_text", "chunk")).execute(doc);
    float[] chunked = vector(doc.getFieldValue("body_vec", List.class));
    float[] expected =
        models
            .embed(DefaultModel.NAME, List.of(text), TextKind.DOCUMENT, LongText.CHUNK)
            .get(60, TimeUnit.SECONDS)
            .get(0);
    assertArrayEquals(expected, chunked);

    IngestDocument truncatedDoc = document(text);
    create(Map.of()).execute(truncatedDoc);
    float[] truncated = vector(truncatedDoc.getFieldValue("body_vec", List.class));
    double dot = 0;
    for (int i = 0; i < truncated.length; i++) {
      dot += (double) truncated[i] * chunked[i];
    }
    assertTrue(dot < 0.9999, "chunked and truncated vectors should differ: " + dot);

    IngestDocument tokensDoc = document(text);
    create(Map.of("long_text", "chunk", "output", "tokens")).execute(tokensDoc);
    List<?> tokens = tokensDoc.getFieldValue("body_vec", List.class);
    int expectedTokens =
        models
            .tokenVectors(DefaultModel.NAME, List.of(text), TextKind.DOCUMENT, LongText.CHUNK)
            .get(60, TimeUnit.SECONDS)
            .get(0)
            .length;
    assertEquals(expectedTokens, tokens.size());
    assertTrue(tokens.size() > 2 * 510, tokens.size() + " token vectors");
  }

  @Test
  void chunksOutputChunksByDefaultAndRefusesTruncate() throws Exception {
    QuiverEmbedProcessor chunks = create(Map.of("output", "chunks"));
    assertEquals(QuiverEmbedProcessor.Output.CHUNKS, chunks.output());
    assertEquals(LongText.CHUNK, chunks.longText());
    assertEquals(
        LongText.CHUNK, create(Map.of("output", "chunks", "long_text", "chunk")).longText());
    OpenSearchException e =
        assertThrows(
            OpenSearchException.class,
            () -> create(Map.of("output", "chunks", "long_text", "truncate")));
    assertEquals(
        "[long_text] must be [chunk] with output [chunks] (one vector per chunk), got [truncate]",
        e.getMessage());
    e = assertThrows(OpenSearchException.class, () -> create(Map.of("output", "sparse")));
    assertEquals("[output] must be [dense], [tokens] or [chunks], got [sparse]", e.getMessage());
  }

  @Test
  void aLateInteractionModelNeedsTokensOutput() throws Exception {
    for (String output : List.of("dense", "chunks")) {
      OpenSearchException e =
          assertThrows(
              OpenSearchException.class,
              () -> create(Map.of("model", "tiny-colbert", "output", output)));
      assertEquals(
          "[output] model [tiny-colbert] is a late-interaction model, which gives token vectors"
              + " only: use [tokens], got ["
              + output
              + "]",
          e.getMessage());
    }
    assertEquals(
        QuiverEmbedProcessor.Output.TOKENS,
        create(Map.of("model", "tiny-colbert", "output", "tokens")).output());
  }

  @Test
  void chunksOutputWritesTheEngineVectorOfEachChunk() throws Exception {
    String text = SENTENCES.repeat(20); // 1,620 tokens: several chunks of at most 510
    IngestDocument doc = document(text);
    doc.setFieldValue("short", "Vitamin D and bone loss.");
    QuiverEmbedProcessor processor =
        create(
            Map.of(
                "output",
                "chunks",
                "field_map",
                new HashMap<>(Map.of("body", "body_chunks", "short", "short_chunks"))));
    processor.execute(doc);
    List<?> written = doc.getFieldValue("body_chunks", List.class);
    float[][] expected =
        models
            .chunkVectorsEach(DefaultModel.NAME, List.of(text), TextKind.DOCUMENT, LongText.CHUNK)
            .get(60, TimeUnit.SECONDS)
            .get(0);
    assertTrue(expected.length > 1, expected.length + " chunks");
    assertEquals(expected.length, written.size());
    for (int c = 0; c < expected.length; c++) {
      assertTrue(written.get(c) instanceof FloatArrayList, written.get(c).getClass().getName());
      assertArrayEquals(expected[c], ((FloatArrayList) written.get(c)).floats());
    }
    // a text that fits is one chunk: the dense vector, as an array of one vector
    List<?> shortChunks = doc.getFieldValue("short_chunks", List.class);
    assertEquals(1, shortChunks.size());
    IngestDocument dense = document("Vitamin D and bone loss.");
    create(Map.of()).execute(dense);
    assertEquals(dense.getFieldValue("body_vec", List.class), shortChunks.get(0));

    // copies (as _simulate does) and serializes as an array of arrays of numbers
    IngestDocument copy = new IngestDocument(doc);
    assertEquals(written, copy.getFieldValue("body_chunks", List.class));
    List<List<Float>> boxed = new ArrayList<>();
    for (float[] v : expected) {
      List<Float> row = new ArrayList<>();
      for (float x : v) {
        row.add(x);
      }
      boxed.add(row);
    }
    assertEquals(
        BytesReference.bytes(XContentFactory.jsonBuilder().map(Map.of("v", boxed))).utf8ToString(),
        BytesReference.bytes(XContentFactory.jsonBuilder().map(Map.of("v", written)))
            .utf8ToString());
  }

  /**
   * Why vectors are lists over {@code float[]} rather than the bare arrays: XContent writes {@code
   * float[]} and {@code float[][]} as the same JSON as lists, but an ingest document holding them
   * can no longer be copied ({@code IngestDocument.deepCopy}, used by {@code _simulate} and by
   * processors that copy documents, refuses them).
   */
  @Test
  void bareFloatArraysWouldSerializeButBreakDocumentCopies() throws Exception {
    float[][] rows = {{0.5f, -1f}, {2f, 0.25f}};
    List<List<Float>> lists = List.of(List.of(0.5f, -1f), List.of(2f, 0.25f));
    assertEquals(
        BytesReference.bytes(XContentFactory.jsonBuilder().map(Map.of("v", lists))).utf8ToString(),
        BytesReference.bytes(XContentFactory.jsonBuilder().map(Map.of("v", rows))).utf8ToString());
    assertEquals(
        BytesReference.bytes(XContentFactory.jsonBuilder().map(Map.of("v", lists.get(0))))
            .utf8ToString(),
        BytesReference.bytes(XContentFactory.jsonBuilder().map(Map.of("v", rows[0])))
            .utf8ToString());
    for (Object bare : List.of(rows[0], rows)) {
      IngestDocument doc = document("text");
      doc.setFieldValue("v", bare);
      assertThrows(IllegalArgumentException.class, () -> new IngestDocument(doc));
    }
    IngestDocument doc = document("text");
    doc.setFieldValue("v", QuiverEmbedProcessor.toLists(rows));
    assertEquals(lists, new IngestDocument(doc).getFieldValue("v", List.class));
  }

  /**
   * A document whose text the model refuses (too long to chunk) fails alone in its sub-batch, named
   * by field and document id; its batch mates are embedded as if alone.
   */
  @Test
  void aTextTheModelRefusesFailsOnlyItsDocument() throws Exception {
    QuiverEmbedProcessor processor = create(Map.of("long_text", "chunk", "batch_size", 4));
    String tooLong = "a ".repeat(33_000); // more than 64 chunks of 510 tokens
    List<IngestDocumentWrapper> docs = new ArrayList<>();
    List<String> bodies = List.of("Vitamin D and bone loss.", tooLong, SENTENCES, "Stock markets.");
    for (int i = 0; i < bodies.size(); i++) {
      Map<String, Object> source = new HashMap<>();
      source.put("body", bodies.get(i));
      source.put(IngestDocument.Metadata.ID.getFieldName(), "doc-" + i);
      docs.add(new IngestDocumentWrapper(i, 0, new IngestDocument(source, new HashMap<>()), null));
    }
    CompletableFuture<List<IngestDocumentWrapper>> done = new CompletableFuture<>();
    processor.batchExecute(docs, done::complete);
    List<IngestDocumentWrapper> results = done.get(120, TimeUnit.SECONDS);
    assertEquals(4, results.size());
    Exception failure = results.get(1).getException();
    assertTrue(failure instanceof IllegalArgumentException, String.valueOf(failure));
    assertTrue(
        failure
            .getMessage()
            .startsWith(
                "[quiver_embed] field [body] of document [doc-1]: model [bge-small-en-v1.5]: text"
                    + " has 33000 tokens, more than chunking allows"),
        failure.getMessage());
    for (int i : new int[] {0, 2, 3}) {
      IngestDocumentWrapper ok = results.get(i);
      assertEquals(null, ok.getException(), "document " + i);
      float[] expected =
          models
              .embed(DefaultModel.NAME, List.of(bodies.get(i)), TextKind.DOCUMENT, LongText.CHUNK)
              .get(60, TimeUnit.SECONDS)
              .get(0);
      assertArrayEquals(
          expected, vector(ok.getIngestDocument().getFieldValue("body_vec", List.class)));
    }
    // One document alone, through the single-document path, fails the same way.
    IngestDocument alone = document(tooLong);
    Exception e = assertThrows(IllegalArgumentException.class, () -> processor.execute(alone));
    assertTrue(
        e.getMessage().startsWith("[quiver_embed] field [body]: model [bge-small-en-v1.5]: text"),
        e.getMessage());
  }

  /**
   * The vector written into the document keeps the engine's floats unboxed, and is still a list
   * that OpenSearch copies (as {@code _simulate} does) and writes as a JSON array of numbers.
   */
  @Test
  void vectorsAreUnboxedListsThatCopyAndSerializeAsNumbers() throws Exception {
    IngestDocument doc = document("Quantum dots emit light.");
    create(Map.of()).execute(doc);
    Object written = doc.getFieldValue("body_vec", Object.class);
    assertTrue(written instanceof FloatArrayList, written.getClass().getName());
    float[] floats = ((FloatArrayList) written).floats();
    assertEquals(384, floats.length);

    IngestDocument copy = new IngestDocument(doc);
    assertEquals(written, copy.getFieldValue("body_vec", List.class));

    XContentBuilder asView = XContentFactory.jsonBuilder().map(Map.of("v", written));
    List<Float> boxed = new ArrayList<>();
    for (float x : floats) {
      boxed.add(x);
    }
    XContentBuilder asBoxed = XContentFactory.jsonBuilder().map(Map.of("v", boxed));
    String json = BytesReference.bytes(asView).utf8ToString();
    assertEquals(BytesReference.bytes(asBoxed).utf8ToString(), json);
    assertTrue(json.startsWith("{\"v\":[") && json.endsWith("]}"), json);
  }

  private static IngestDocument document(String body) {
    Map<String, Object> source = new HashMap<>();
    source.put("body", body);
    return new IngestDocument(source, new HashMap<>());
  }

  private static float[] vector(List<?> list) {
    float[] v = new float[list.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (Float) list.get(i);
    }
    return v;
  }
}
