package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the embedder copes with models whose inputs and outputs differ from BERT's. */
class ModelInputsTest {

  private static final float[] WEIGHTS = {3f, 0f, -4f, 0f};
  private static final float[] UNIT_WEIGHTS = {0.6f, 0f, -0.8f, 0f};

  @TempDir Path root;

  private ModelFiles tinyModel(String name, String config, boolean withMask, String extraInput)
      throws IOException {
    Path dir = Files.createDirectories(root.resolve(name));
    TinyOnnxModel.write(dir.resolve("model.onnx"), WEIGHTS, withMask, extraInput);
    Files.copy(
        TestModels.defaultModel().tokenizer(),
        dir.resolve("tokenizer.json"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("quiver-model.json"), config);
    return new ModelDirectory(root).resolve(name);
  }

  private static String config(int dims, String pooling) {
    return "{\"dims\": "
        + dims
        + ", \"pooling\": \""
        + pooling
        + "\", \"max_tokens\": 8, \"output\": \"last_hidden_state\"}";
  }

  @Test
  void modelWithoutTokenTypeIdsWorks() throws IOException {
    ModelFiles model = tinyModel("no-types", config(4, "mean"), true, null);
    try (OnnxEmbedder embedder = OnnxEmbedder.open(model, TestModels.settings())) {
      // every token vector is id * mask * WEIGHTS, so any pooling normalizes to WEIGHTS / 5
      List<float[]> vectors =
          embedder.embed(List.of("hello", "a longer text to pad the first"), TextKind.DOCUMENT);
      assertArrayEquals(UNIT_WEIGHTS, vectors.get(0), 1e-6f);
      assertArrayEquals(UNIT_WEIGHTS, vectors.get(1), 1e-6f);
      float[][] tokens =
          embedder.tokenVectors(List.of("hello world", "one two three"), TextKind.DOCUMENT).get(1);
      assertEquals(3, tokens.length);
      for (float[] t : tokens) {
        assertArrayEquals(UNIT_WEIGHTS, t, 1e-6f);
      }
      // max_tokens 8: at most 6 content tokens
      assertEquals(
          6,
          embedder
              .tokenVectors(List.of("one two three four five six seven eight"), TextKind.DOCUMENT)
              .get(0)
              .length);
    }
  }

  @Test
  void modelWithOnlyInputIdsWorks() throws IOException {
    ModelFiles model = tinyModel("ids-only", config(4, "cls"), false, null);
    try (OnnxEmbedder embedder = OnnxEmbedder.open(model, TestModels.settings())) {
      assertArrayEquals(UNIT_WEIGHTS, embedder.embed("hi there", TextKind.QUERY), 1e-6f);
    }
  }

  @Test
  void batchesAreSplitSortedAndReassembledInOrder() throws IOException {
    ModelFiles model =
        tinyModel(
            "batched",
            "{\"dims\": 4, \"pooling\": \"mean\", \"max_tokens\": 64, \"output\":"
                + " \"last_hidden_state\", \"query_prefix\": \"q: \", \"batching\":"
                + " {\"max_batch\": 3}}",
            true,
            null);
    List<String> texts =
        List.of("one two three", "a", "b c d e f g h", "", "x y", "p q r s t", "m n o p");
    int[] expectedTokens = {3, 1, 7, 0, 2, 5, 4};
    try (OnnxEmbedder embedder = OnnxEmbedder.open(model, TestModels.settings())) {
      List<float[][]> tokens = embedder.tokenVectors(texts, TextKind.DOCUMENT);
      List<float[][]> queryTokens = embedder.tokenVectors(texts, TextKind.QUERY);
      List<float[]> vectors = embedder.embed(texts, TextKind.DOCUMENT);
      for (int i = 0; i < texts.size(); i++) {
        assertEquals(expectedTokens[i], tokens.get(i).length, "text " + i);
        // "q: " adds the tokens q and :
        assertEquals(expectedTokens[i] + 2, queryTokens.get(i).length, "query " + i);
        assertArrayEquals(UNIT_WEIGHTS, vectors.get(i), 1e-6f);
      }
    }
  }

  @Test
  void batchingAModelWithoutAttentionMaskIsRefused() throws IOException {
    ModelFiles model =
        tinyModel(
            "ids-only-batched",
            "{\"dims\": 4, \"pooling\": \"cls\", \"max_tokens\": 8, \"output\":"
                + " \"last_hidden_state\", \"batching\": {\"max_batch\": 8}}",
            false,
            null);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxEmbedder.open(model, TestModels.settings()).close());
    assertTrue(e.getMessage().contains("no [attention_mask] input"), e.getMessage());
  }

  @Test
  void unfeedableInputIsNamed() throws IOException {
    ModelFiles model = tinyModel("vision", config(4, "cls"), true, "pixel_values");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxEmbedder.open(model, TestModels.settings()).close());
    assertTrue(e.getMessage().contains("model [vision]"), e.getMessage());
    assertTrue(e.getMessage().contains("[pixel_values]"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot be fed"), e.getMessage());
  }

  @Test
  void wrongDimsAreRejected() throws IOException {
    ModelFiles model = tinyModel("wrong-dims", config(8, "cls"), true, null);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxEmbedder.open(model, TestModels.settings()).close());
    assertTrue(e.getMessage().contains("has 4 dimensions"), e.getMessage());
    assertTrue(e.getMessage().contains("dims = 8"), e.getMessage());
  }

  @Test
  void missingOutputIsNamed() throws IOException {
    ModelFiles model =
        tinyModel(
            "other-output",
            "{\"dims\": 4, \"pooling\": \"cls\", \"max_tokens\": 8, \"output\":"
                + " \"sentence_embedding\"}",
            true,
            null);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxEmbedder.open(model, TestModels.settings()).close());
    assertTrue(e.getMessage().contains("no output [sentence_embedding]"), e.getMessage());
    assertTrue(e.getMessage().contains("last_hidden_state"), e.getMessage());
  }

  @Test
  void corruptModelFileIsAClearError() throws IOException {
    ModelFiles model = tinyModel("corrupt", config(4, "cls"), true, null);
    Files.writeString(model.onnx(), "not a model");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxEmbedder.open(model, TestModels.settings()).close());
    assertTrue(e.getMessage().contains("model [corrupt]: cannot load"), e.getMessage());
  }
}
