package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A text of megabytes on the real default model: truncated, it embeds as its start does without the
 * tokenizer reading it all; chunked, it is refused without the tokenizer reading it all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HugeTextTest {

  /** A real abstract's sentences (SciFact 159469), about 270 characters and 60 tokens each. */
  private static final String SENTENCES =
      "HTRF (Homogeneous Time Resolved Fluorescence) is the most frequently used generic assay"
          + " technology to measure analytes in a homogenous format, which is the ideal platform"
          + " used for drug target studies in high-throughput screening (HTS). Terbium cryptate"
          + " possesses different photophysical properties compared to Europium, including"
          + " increased quantum yield and a higher molar extinction coefficient. ";

  /**
   * Generous bounds for a shared 2-core machine: before texts were cut, the whole 5 MB text went
   * through the tokenizer, which took 62 s for the two truncated embeddings below and 37 s to
   * refuse it for chunking (measured on the loaded 2-core CI machine).
   */
  private static final long TRUNCATE_MILLIS = 2_000;

  private static final long CHUNK_MILLIS = 2_000;

  private OnnxEmbedder embedder;
  private String huge;

  @BeforeAll
  void open() throws IOException {
    embedder = OnnxEmbedder.open(TestModels.defaultModel(), TestModels.settings());
    StringBuilder text = new StringBuilder();
    while (text.length() < 5_000_000) {
      text.append(SENTENCES);
    }
    huge = text.toString();
    embedder.embed("warm up", TextKind.DOCUMENT);
  }

  @AfterAll
  void close() {
    if (embedder != null) {
      embedder.close();
    }
  }

  @Test
  void aFiveMegabyteTextEmbedsQuicklyAndExactlyAsItsStart() {
    long start = System.nanoTime();
    float[] whole = embedder.embed(List.of(huge), TextKind.DOCUMENT).get(0);
    float[] query = embedder.embed(List.of(huge), TextKind.QUERY).get(0);
    long millis = (System.nanoTime() - start) / 1_000_000;
    // 20,000 characters are some 4,500 tokens: truncation keeps the same first 510
    String head = huge.substring(0, 20_000);
    assertArrayEquals(embedder.embed(head, TextKind.DOCUMENT), whole);
    assertArrayEquals(embedder.embed(head, TextKind.QUERY), query);
    float[][] tokens = embedder.tokenVectors(List.of(huge), TextKind.DOCUMENT).get(0);
    assertEquals(510, tokens.length);
    System.out.println("HugeTextTest: 5 MB text truncated and embedded twice in " + millis + " ms");
    assertTrue(millis < TRUNCATE_MILLIS, "5 MB text took " + millis + " ms to embed twice");
  }

  @Test
  void aFiveMegabyteTextIsRefusedQuicklyForChunking() {
    long start = System.nanoTime();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> embedder.embed(List.of("fine", huge), TextKind.DOCUMENT, LongText.CHUNK));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(e.getMessage().contains("text [1] has "), e.getMessage());
    assertTrue(e.getMessage().contains("more than chunking allows"), e.getMessage());
    System.out.println("HugeTextTest: 5 MB text refused for chunking in " + millis + " ms");
    assertTrue(millis < CHUNK_MILLIS, "5 MB text took " + millis + " ms to refuse");
  }
}
