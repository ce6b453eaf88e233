package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Late-interaction (ColBERT-style) models, with the tiny ColBERT-shaped ONNX model of {@link
 * TinyColbert} (a token embedding lookup, a shift for attended positions, a linear projection) and
 * a tiny WordPiece tokenizer: each output vector is compared with {@link TinyColbert#expected}, the
 * same computation in plain float math over the same weights, for the token ids the layout should
 * give, so a marker in the wrong place, a missing mask token, a punctuation token kept or dropped
 * wrongly or a missing projection shows as a wrong vector or count.
 */
class LateInteractionTest {

  private static final int CLS = TinyColbert.CLS;
  private static final int SEP = TinyColbert.SEP;
  private static final int MASK = TinyColbert.MASK;
  private static final int Q = TinyColbert.QUERY_MARKER;
  private static final int D = TinyColbert.DOCUMENT_MARKER;
  private static final int COMMA = TinyColbert.id(",");
  private static final int QUESTION = TinyColbert.id("?");
  private static final int THE = TinyColbert.id("the");
  private static final int CAT = TinyColbert.id("cat");
  private static final int SAT = TinyColbert.id("sat");
  private static final int ON = TinyColbert.id("on");
  private static final int MAT = TinyColbert.id("mat");
  private static final int DOG = TinyColbert.id("dog");
  private static final int RAN = TinyColbert.id("ran");

  private static final int DIMS = TinyColbert.DIMS;
  private static final float[] NO_BIAS = new float[DIMS];
  private static final float[] BIAS = {0.125f, -0.5f, 0.25f};

  /** Markers, 8-token queries, max_tokens 10, projection in the graph, batches of up to 4. */
  private static final String GRAPH_CONFIG =
      """
      {"dims": 3, "max_tokens": 10, "output": "token_embeddings", "batching": {"max_batch": 4},
       "late_interaction": {"query_marker": "[unused0]", "document_marker": "[unused1]",
                            "query_max_tokens": 8}}
      """;

  /** The projection (with a bias) in a safetensors file, mask tokens attended, "." "!" skipped. */
  private static final String FILE_CONFIG =
      """
      {"dims": 3, "max_tokens": 10, "output": "token_embeddings",
       "late_interaction": {"query_marker": "[unused0]", "document_marker": "[unused1]",
                            "query_max_tokens": 8, "attend_to_mask": true,
                            "skip_list": [".", "!"], "projection": "projection.safetensors"}}
      """;

  @TempDir Path root;

  /** A model directory with the tiny tokenizer, the ColBERT-shaped graph and a configuration. */
  private ModelFiles model(String name, boolean projectionInGraph, String config)
      throws IOException {
    Path dir = root.resolve(name);
    TinyColbert.write(dir, projectionInGraph, config);
    writeProjection(dir.resolve("projection.safetensors"), TinyColbert.PROJECTION, BIAS);
    return new ModelDirectory(root).resolve(name);
  }

  /** A safetensors file with the weight [dims, hidden] (transposed) and the bias [dims]. */
  private static void writeProjection(Path file, float[][] projection, float[] bias)
      throws IOException {
    int hidden = projection.length;
    int dims = projection[0].length;
    String header =
        "{\"__metadata__\": {\"format\": \"pt\"}, \"linear.weight\": {\"dtype\": \"F32\","
            + " \"shape\": ["
            + dims
            + ", "
            + hidden
            + "], \"data_offsets\": [0, "
            + 4 * dims * hidden
            + "]}, \"linear.bias\": {\"dtype\": \"F32\", \"shape\": ["
            + dims
            + "], \"data_offsets\": ["
            + 4 * dims * hidden
            + ", "
            + 4 * (dims * hidden + dims)
            + "]}}";
    byte[] json =
        (header + " ".repeat((8 - header.length() % 8) % 8)).getBytes(StandardCharsets.UTF_8);
    ByteBuffer out =
        ByteBuffer.allocate(8 + json.length + 4 * (dims * hidden + dims))
            .order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(json.length).put(json);
    for (int o = 0; o < dims; o++) {
      for (int h = 0; h < hidden; h++) {
        out.putFloat(projection[h][o]);
      }
    }
    for (float b : bias) {
      out.putFloat(b);
    }
    Files.write(file, out.array());
  }

  /** Asserts a text's vectors are those of the ids (attended unless marked {@code -id}). */
  private static void assertVectors(float[][] actual, float[] bias, int... ids) {
    assertEquals(ids.length, actual.length, "token vector count");
    for (int t = 0; t < ids.length; t++) {
      boolean attended = ids[t] >= 0;
      float[] expected = TinyColbert.expected(Math.abs(ids[t]), attended, bias);
      assertArrayEquals(expected, actual[t], 1e-5f, "token " + t + " (id " + ids[t] + ")");
      assertEquals(DIMS, actual[t].length);
      assertEquals(1.0, L2Normalizer.length(actual[t]), 1e-6, "unit length, token " + t);
    }
  }

  @Test
  void documentsGetTheMarkerAfterClsAndLosePunctuation() throws IOException {
    try (OnnxEmbedder embedder =
        OnnxEmbedder.open(model("colbert", true, GRAPH_CONFIG), TestModels.settings())) {
      assertEquals(DIMS, embedder.dims());
      List<float[][]> docs =
          embedder.tokenVectors(
              List.of("The cat sat.", "the dog, ran!", "the cat sat on the mat the dog ran"),
              TextKind.DOCUMENT);
      // [CLS] [unused1] the cat sat . [SEP], the "." dropped; special tokens and marker kept
      assertVectors(docs.get(0), NO_BIAS, CLS, D, THE, CAT, SAT, SEP);
      assertVectors(docs.get(1), NO_BIAS, CLS, D, THE, DOG, RAN, SEP);
      // max_tokens 10 with the marker: 7 words fit
      assertVectors(docs.get(2), NO_BIAS, CLS, D, THE, CAT, SAT, ON, THE, MAT, THE, SEP);
    }
  }

  @Test
  void queriesAreAugmentedWithMaskTokensToTheirFixedLength() throws IOException {
    try (OnnxEmbedder embedder =
        OnnxEmbedder.open(model("colbert", true, GRAPH_CONFIG), TestModels.settings())) {
      List<float[][]> queries =
          embedder.tokenVectors(
              List.of("the cat?", "dog", "the cat sat on the mat the dog ran"), TextKind.QUERY);
      // punctuation is kept in queries; [MASK] padding is not attended (attend_to_mask false)
      assertVectors(queries.get(0), NO_BIAS, CLS, Q, THE, CAT, QUESTION, SEP, -MASK, -MASK);
      assertVectors(queries.get(1), NO_BIAS, CLS, Q, DOG, SEP, -MASK, -MASK, -MASK, -MASK);
      // truncated to query_max_tokens 8 with the marker, no room left for [MASK]
      assertVectors(queries.get(2), NO_BIAS, CLS, Q, THE, CAT, SAT, ON, THE, SEP);
      // chunking does not apply to queries: they are always query_max_tokens long
      float[][] chunked =
          embedder
              .tokenVectors(
                  List.of("the cat sat on the mat the dog ran"), TextKind.QUERY, LongText.CHUNK)
              .get(0);
      assertVectors(chunked, NO_BIAS, CLS, Q, THE, CAT, SAT, ON, THE, SEP);
    }
  }

  @Test
  void aProjectionFileIsAppliedWithItsBias() throws IOException {
    try (OnnxEmbedder embedder =
        OnnxEmbedder.open(model("colbert-file", false, FILE_CONFIG), TestModels.settings())) {
      assertEquals(DIMS, embedder.dims());
      float[][] doc = embedder.tokenVectors(List.of("the cat, sat."), TextKind.DOCUMENT).get(0);
      // the skip list is [".", "!"] only: "," is kept
      assertVectors(doc, BIAS, CLS, D, THE, CAT, COMMA, SAT, SEP);
      float[][] query = embedder.tokenVectors(List.of("cat"), TextKind.QUERY).get(0);
      // attend_to_mask: the [MASK] padding is attended
      assertVectors(query, BIAS, CLS, Q, CAT, SEP, MASK, MASK, MASK, MASK);
    }
  }

  @Test
  void chunkedDocumentsGiveEachChunkItsSpecialTokensAndMarker() throws IOException {
    try (OnnxEmbedder embedder =
        OnnxEmbedder.open(model("colbert", true, GRAPH_CONFIG), TestModels.settings())) {
      String text = "the cat sat on the mat the dog ran on the mat";
      float[][] tokens =
          embedder.tokenVectors(List.of(text), TextKind.DOCUMENT, LongText.CHUNK).get(0);
      // 12 words, 7 per chunk of max_tokens 10 (marker and two special tokens)
      assertVectors(
          tokens, NO_BIAS, CLS, D, THE, CAT, SAT, ON, THE, MAT, THE, SEP, CLS, D, DOG, RAN, ON, THE,
          MAT, SEP);
    }
  }

  @Test
  void aLateInteractionModelGivesNoDenseVectors() throws IOException {
    try (OnnxEmbedder embedder =
        OnnxEmbedder.open(model("colbert", true, GRAPH_CONFIG), TestModels.settings())) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> embedder.embed(List.of("the cat"), TextKind.DOCUMENT));
      assertTrue(
          e.getMessage().contains("model [colbert] is a late-interaction model"), e.getMessage());
    }
  }

  @Test
  void badLateInteractionModelsAreRefusedAtOpen() throws IOException {
    ModelFiles noMarker = model("no-marker", true, GRAPH_CONFIG.replace("[unused0]", "[Q] "));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxEmbedder.open(noMarker, TestModels.settings()).close());
    assertTrue(
        e.getMessage().contains("key [late_interaction.query_marker]: [[Q] ] is not a token"),
        e.getMessage());

    // the projection file gives 3 dims; the config says 2
    ModelFiles wrongDims =
        model("wrong-dims", false, FILE_CONFIG.replace("\"dims\": 3", "\"dims\": 2"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxEmbedder.open(wrongDims, TestModels.settings()).close());
    assertTrue(
        e.getMessage().contains("gives 3 dimensions but quiver-model.json says dims = 2"),
        e.getMessage());

    // the graph already projects to 3 dims; the projection file takes 4
    ModelFiles projectedTwice = model("projected-twice", true, FILE_CONFIG);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxEmbedder.open(projectedTwice, TestModels.settings()).close());
    assertTrue(
        e.getMessage()
            .contains("has 3 dimensions but the projection [projection.safetensors] takes 4"),
        e.getMessage());

    Path dir = root.resolve("no-projection");
    model("no-projection", false, FILE_CONFIG);
    Files.delete(dir.resolve("projection.safetensors"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ModelDirectory(root).resolve("no-projection"));
    assertTrue(e.getMessage().contains("is missing file [projection.safetensors]"), e.getMessage());
  }
}
