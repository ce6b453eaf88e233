package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link OnnxEmbedder#chunkVectorsEach(List, TextKind, Chunking)} on the real default model
 * (bge-small-en-v1.5, max_tokens 512, no document prefix): chunk size, overlap and the character
 * offsets of each chunk, checked with DJL's tokenizer (no truncation).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChunkingTest {

  private OnnxEmbedder embedder;
  private HuggingFaceTokenizer djl;
  private String longText;

  @BeforeAll
  void open() throws IOException {
    ModelFiles model = TestModels.defaultModel();
    embedder = OnnxEmbedder.open(model, TestModels.settings());
    djl =
        DjlTokenizers.newInstance(
            model.tokenizer(),
            Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"),
            TestModels.nativeCache());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      text.append("Sentence number ")
          .append(i)
          .append(" talks about fluorescence resonance energy transfer in drug screening, ")
          .append("with time-resolved measurement and dual-wavelength detection. ");
    }
    longText = text.toString().strip();
  }

  @AfterAll
  void close() {
    if (embedder != null) {
      embedder.close();
    }
    if (djl != null) {
      djl.close();
    }
  }

  /** Tokens of a text as the model sees it, special tokens included. */
  private int tokens(String text) {
    return djl.encode(text).getIds().length;
  }

  /** Content tokens of a text (no special tokens). */
  private int contentTokens(String text) {
    return djl.encode(text, false, false).getIds().length;
  }

  private TextChunks chunk(String text, Chunking chunking) {
    return embedder.chunkVectorsEach(List.of(text), TextKind.DOCUMENT, chunking).get(0);
  }

  @Test
  void longTextIsCutIntoOverlappingChunksOfAtMostMaxTokens() {
    int n = contentTokens(longText);
    TextChunks chunks = chunk(longText, new Chunking(true, 64, 16));
    int count = chunks.vectors().length;
    int room = 64 - 2;
    // each chunk after the first adds at most room - overlap new tokens
    assertTrue(count >= 1 + Math.ceilDiv(n - room, room - 16), count + " chunks for " + n);
    assertTrue(count <= 1 + Math.ceilDiv(n - room, room - 16 - 10), count + " chunks for " + n);
    assertEquals(count, chunks.starts().length);
    assertEquals(count, chunks.ends().length);
    assertEquals(0, chunks.starts()[0]);
    assertEquals(longText.length(), chunks.ends()[count - 1]);
    for (int c = 0; c < count; c++) {
      String piece = longText.substring(chunks.starts()[c], chunks.ends()[c]);
      assertTrue(tokens(piece) <= 64, "chunk " + c + " has " + tokens(piece) + " tokens");
      assertEquals(embedder.dims(), chunks.vectors()[c].length);
      if (c > 0) {
        assertTrue(chunks.starts()[c] > chunks.starts()[c - 1]);
        assertTrue(chunks.starts()[c] < chunks.ends()[c - 1], "chunk " + c + " overlaps");
        String shared = longText.substring(chunks.starts()[c], chunks.ends()[c - 1]);
        int overlap = contentTokens(shared);
        assertTrue(overlap >= 16 && overlap <= 16 + 10, "overlap " + overlap + ": " + shared);
      }
    }
    // without overlap: fewer chunks, each following the previous
    TextChunks plain = chunk(longText, new Chunking(true, 64, 0));
    assertTrue(plain.vectors().length < count);
    for (int c = 1; c < plain.vectors().length; c++) {
      assertEquals(plain.ends()[c - 1], plain.starts()[c]);
    }
  }

  @Test
  void eachChunkVectorIsTheVectorOfItsText() {
    TextChunks chunks = chunk(longText, new Chunking(true, 64, 16));
    for (int c : new int[] {0, 3, chunks.vectors().length - 1}) {
      String piece = longText.substring(chunks.starts()[c], chunks.ends()[c]);
      assertArrayEquals(embedder.embed(piece, TextKind.DOCUMENT), chunks.vectors()[c], 1e-4f);
    }
  }

  @Test
  void textThatFitsIsOneChunkOfTheWholeText() {
    String text = "A short text about energy transfer.";
    TextChunks chunks = chunk(text, new Chunking(true, 64, 16));
    assertEquals(1, chunks.vectors().length);
    assertArrayEquals(new int[] {0}, chunks.starts());
    assertArrayEquals(new int[] {text.length()}, chunks.ends());
    assertArrayEquals(embedder.embed(text, TextKind.DOCUMENT), chunks.vectors()[0], 1e-4f);
  }

  @Test
  void disabledChunkingGivesTheStartThatFits() {
    TextChunks chunks = chunk(longText, new Chunking(false, 64, 0));
    assertEquals(1, chunks.vectors().length);
    assertEquals(0, chunks.starts()[0]);
    int end = chunks.ends()[0];
    assertTrue(end > 0 && end < longText.length(), "end " + end);
    String piece = longText.substring(0, end);
    assertTrue(tokens(piece) <= 64);
    assertTrue(tokens(longText.substring(0, longText.indexOf(' ', end + 1))) > 64);
    assertArrayEquals(embedder.embed(piece, TextKind.DOCUMENT), chunks.vectors()[0], 1e-4f);
  }

  @Test
  void maxTokensAboveTheModelsIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> chunk(longText, new Chunking(true, 513, 0)));
    assertTrue(e.getMessage().contains("max_tokens"), e.getMessage());
  }

  @Test
  void textsFailOnTheirOwn() {
    TextResults<TextChunks> results =
        embedder.chunkVectorsEach(
            java.util.Arrays.asList("fine", null), TextKind.DOCUMENT, new Chunking(true, 64, 16));
    assertEquals(1, results.get(0).vectors().length);
    assertTrue(results.failed(1));
  }
}
