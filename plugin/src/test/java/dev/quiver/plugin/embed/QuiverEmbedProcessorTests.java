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
