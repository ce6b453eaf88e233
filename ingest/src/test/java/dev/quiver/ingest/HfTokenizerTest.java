package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerTest {

  private static final long CLS = 101;
  private static final long SEP = 102;

  private static HfTokenizer open(int maxTokens) throws IOException {
    return HfTokenizer.open(
        TestModels.defaultModel().tokenizer(), maxTokens, TestModels.nativeCache());
  }

  @Test
  void nativeLibraryIsExtractedToTheGivenCacheDirectory() throws IOException {
    Path library = TokenizerNativeLibrary.load(TestModels.nativeCache());
    try (HfTokenizer tokenizer = open(16)) {
      tokenizer.encode(List.of("warm up"));
    }
    assertTrue(Files.isRegularFile(library), library.toString());
    assertTrue(
        library.toAbsolutePath().startsWith(TestModels.nativeCache().toAbsolutePath()),
        "library " + library + " should be under " + TestModels.nativeCache());
    assertEquals(System.mapLibraryName("tokenizers"), library.getFileName().toString());
  }

  @Test
  void encodesWithSpecialTokensAndPadsToTheLongestText() throws IOException {
    try (HfTokenizer tokenizer = open(512)) {
      TokenizedBatch batch = tokenizer.encode(List.of("hello world", "the quick brown fox"));
      assertEquals(2, batch.size());
      assertEquals(6, batch.length()); // [CLS] the quick brown fox [SEP]
      long[] ids = batch.inputIds();
      // "hello world" = [CLS] hello world [SEP] [PAD] [PAD]
      assertEquals(CLS, ids[0]);
      assertEquals(7592, ids[1]); // hello
      assertEquals(2088, ids[2]); // world
      assertEquals(SEP, ids[3]);
      assertEquals(0, ids[4]);
      assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1}, batch.attentionMask());
      assertArrayEquals(new long[12], batch.typeIds());
      assertTrue(batch.isSpecial(0, 0));
      assertFalse(batch.isSpecial(0, 1));
      assertTrue(batch.isSpecial(0, 3));
      assertTrue(batch.isSpecial(0, 4));
      assertFalse(batch.isContent(0, 4));
      assertEquals(2, batch.contentTokens(0));
      assertEquals(4, batch.attendedTokens(0));
      assertEquals(4, batch.contentTokens(1));
      assertEquals(SEP, ids[6 + 5]);
    }
  }

  @Test
  void truncatesToMaxTokensKeepingTheSpecialTokens() throws IOException {
    try (HfTokenizer tokenizer = open(8)) {
      TokenizedBatch batch = tokenizer.encode(List.of("one two three four five six seven eight"));
      assertEquals(8, batch.length());
      assertEquals(CLS, batch.inputIds()[0]);
      assertEquals(SEP, batch.inputIds()[7]);
      assertEquals(6, batch.contentTokens(0));
    }
  }

  @Test
  void chunksAreCutBetweenWordsWhenTheyCan() throws IOException {
    try (HfTokenizer tokenizer = open(8)) { // [CLS] + 6 tokens + [SEP]
      // a b un ##bel ##ie ##va ##bly c: a cut after 6 tokens would split "unbelievably"
      HfTokenizer.Chunks chunks = tokenizer.chunk("", "a b unbelievably c", 10);
      assertEquals(List.of("a b ", "unbelievably c"), chunks.texts());
      // a text that fits is itself
      assertEquals(List.of("one two"), tokenizer.chunk("", "one two", 10).texts());
      // the prefix q : takes 2 tokens of every chunk, leaving 4
      HfTokenizer.Chunks prefixed = tokenizer.chunk("q: ", "one two three four five six seven", 10);
      assertEquals(List.of("one two three four ", "five six seven"), prefixed.texts());
      assertArrayEquals(new int[] {2, 2}, prefixed.prefixTokens());
    }
  }

  @Test
  void aWordLongerThanAChunkIsCutInsideAndEveryPieceFits() throws IOException {
    try (HfTokenizer tokenizer = open(4)) { // 2 tokens per chunk
      String text = "unbelievably";
      HfTokenizer.Chunks chunks = tokenizer.chunk("", text, 10);
      assertEquals(text, String.join("", chunks.texts()));
      assertTrue(chunks.texts().size() >= 3, chunks.texts().toString());
      for (String piece : chunks.texts()) {
        assertTrue(tokenizer.countTokens(piece) <= 4, piece);
      }
    }
  }

  @Test
  void tooManyChunksNamesTheLimit() throws IOException {
    try (HfTokenizer tokenizer = open(8)) {
      // 13 tokens cannot fit in 2 chunks of 6
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> tokenizer.chunk("", "a b c d e f g h i j k l m", 2));
      assertTrue(e.getMessage().contains("has 13 tokens"), e.getMessage());
      assertTrue(
          e.getMessage().contains("at most 2 chunks of at most 6 tokens each (max_tokens 8)"),
          e.getMessage());
      // 11 tokens would, but cutting between words needs a third chunk
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> tokenizer.chunk("", "a b unbelievably c d e f", 2));
      assertTrue(e.getMessage().contains("has 11 tokens"), e.getMessage());
      // a prefix that leaves no room
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> tokenizer.chunk("one two three four five six ", "seven", 2));
      assertTrue(e.getMessage().contains("leave no room"), e.getMessage());
    }
  }

  @Test
  void missingTokenizerFileIsNamed() {
    Path missing = TestModels.nativeCache().resolve("no-such-tokenizer.json");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HfTokenizer.open(missing, 16, TestModels.nativeCache()));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void anInvalidTokenizerFileIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
    for (String content : List.of("{}", "not json", "{\"model\": {\"type\": \"Nope\"}}")) {
      Path file = Files.writeString(dir.resolve("tokenizer.json"), content);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> HfTokenizer.open(file, 16, TestModels.nativeCache()));
      assertTrue(e.getMessage().startsWith("cannot load tokenizer [" + file + "]"), e.getMessage());
    }
  }
}
