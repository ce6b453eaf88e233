package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link LongText#CHUNK} on the real default model (bge-small-en-v1.5, max_tokens 512, [CLS] ...
 * [SEP]), checked against chunks rebuilt here independently with DJL's tokenizer (no truncation)
 * and against the engine's own single-text results.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LongTextTest {

  /**
   * Sentences of a real SciFact abstract (corpus document 159469, "HTRF: A Technology Tailored for
   * Drug Discovery"), repeated to make a long document.
   */
  private static final List<String> SENTENCES =
      List.of(
          "HTRF (Homogeneous Time Resolved Fluorescence) is the most frequently used generic assay"
              + " technology to measure analytes in a homogenous format, which is the ideal platform"
              + " used for drug target studies in high-throughput screening (HTS).",
          "This technology combines fluorescence resonance energy transfer technology (FRET) with"
              + " time-resolved measurement (TR).",
          "In TR-FRET assays, a signal is generated through fluorescent resonance energy transfer"
              + " between a donor and an acceptor molecule when in close proximity to each other.",
          "Buffer and media interference is dramatically reduced by dual-wavelength detection, and"
              + " the final signal is proportional to the extent of product formation.",
          "The HTRF assay is usually sensitive and robust that can be miniaturized into the 384 and"
              + " 1536-well plate formats.",
          "This assay technology has been applied to many antibody-based assays including GPCR"
              + " signaling (cAMP and IP-One), kinases, cytokines and biomarkers, bioprocess"
              + " (antibody and protein production), as well as the assays for protein-protein,"
              + " proteinpeptide, and protein-DNA/RNA interactions.",
          "The first-generation HTRF technology, which uses Europium cryptate as a fluorescence"
              + " donor to monitor reactions between biomolecules, was extended in 2008 through the"
              + " introduction of a second-generation donor, Terbium cryptate (Tb), enhancing"
              + " screening performance.",
          "Terbium cryptate possesses different photophysical properties compared to Europium,"
              + " including increased quantum yield and a higher molar extinction coefficient.",
          "Overall, HTRF is a highly sensitive, robust technology for the detection of molecular"
              + " interactions in vitro and is widely used for primary and secondary screening"
              + " phases of drug development.");

  /** Content tokens per chunk for a document: 512 minus [CLS] and [SEP]. */
  private static final int DOCUMENT_ROOM = 512 - 2;

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
    for (int i = 0; i < 40; i++) { // 1,549 tokens
      text.append(SENTENCES.get(i % SENTENCES.size())).append(' ');
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

  /** Content (non-special) tokens of a text, counted by DJL without truncation. */
  private int contentTokens(String text) {
    Encoding encoding = djl.encode(text);
    int count = 0;
    for (long special : encoding.getSpecialTokenMask()) {
      if (special == 0) {
        count++;
      }
    }
    return count;
  }

  /**
   * The chunks rebuilt independently: tokenize without special tokens or truncation, take {@code
   * room} tokens at a time, moving each cut back to the start of a word (by DJL's word ids), and
   * cut the text at that token's start (DJL spans are in code points).
   */
  private List<String> expectedChunks(String text, int room) {
    Encoding encoding = djl.encode(text, false, false);
    long[] words = encoding.getWordIds();
    CharSpan[] spans = encoding.getCharTokenSpans();
    int n = words.length;
    List<String> chunks = new ArrayList<>();
    int start = 0;
    int from = 0;
    while (start < n) {
      int end = Math.min(n, start + room);
      while (end < n && words[end] == words[end - 1]) {
        end--;
      }
      int to = end == n ? text.length() : text.offsetByCodePoints(0, spans[end].getStart());
      chunks.add(text.substring(from, to));
      from = to;
      start = end;
    }
    return chunks;
  }

  private static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }

  /** The token-weighted, normalized mean of the chunks embedded alone, computed here. */
  private float[] normalizedMean(List<String> chunks, TextKind kind) {
    double[] sum = new double[embedder.dims()];
    for (String chunk : chunks) {
      float[] v = embedder.embed(chunk, kind);
      int weight = embedder.tokenVectors(List.of(chunk), kind).get(0).length;
      for (int d = 0; d < sum.length; d++) {
        sum[d] += (double) weight * v[d];
      }
    }
    double squares = 0;
    for (double x : sum) {
      squares += x * x;
    }
    float[] out = new float[sum.length];
    for (int d = 0; d < sum.length; d++) {
      out[d] = (float) (sum[d] / Math.sqrt(squares));
    }
    return out;
  }

  @Test
  void theLongDocumentIsAboutFifteenHundredTokens() {
    int tokens = contentTokens(longText);
    assertTrue(tokens >= 1400 && tokens <= 1700, tokens + " tokens");
    assertEquals(4, expectedChunks(longText, DOCUMENT_ROOM).size());
  }

  @Test
  void textsThatFitGiveExactlyTheTruncatedResult() {
    List<String> texts =
        List.of(SENTENCES.get(0), "x", "", String.join(" ", SENTENCES.subList(0, 6)));
    for (TextKind kind : TextKind.values()) {
      List<float[]> truncated = embedder.embed(texts, kind, LongText.TRUNCATE);
      List<float[]> chunked = embedder.embed(texts, kind, LongText.CHUNK);
      List<float[][]> truncatedTokens = embedder.tokenVectors(texts, kind, LongText.TRUNCATE);
      List<float[][]> chunkedTokens = embedder.tokenVectors(texts, kind, LongText.CHUNK);
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(truncated.get(i), chunked.get(i), kind + " text " + i);
        assertEquals(truncatedTokens.get(i).length, chunkedTokens.get(i).length);
        for (int t = 0; t < truncatedTokens.get(i).length; t++) {
          assertArrayEquals(truncatedTokens.get(i)[t], chunkedTokens.get(i)[t]);
        }
      }
      // the old methods are TRUNCATE
      assertArrayEquals(truncated.get(0), embedder.embed(texts, kind).get(0));
    }
    // exactly max_tokens with [CLS] and [SEP]: still one chunk, the text itself
    String full = "a ".repeat(DOCUMENT_ROOM);
    assertEquals(DOCUMENT_ROOM, contentTokens(full));
    assertEquals(List.of(full), embedder.chunks(full, TextKind.DOCUMENT));
    assertArrayEquals(
        embedder.embed(full, TextKind.DOCUMENT),
        embedder.embed(List.of(full), TextKind.DOCUMENT, LongText.CHUNK).get(0));
    // one token more than fits: two chunks, the last with one token
    List<String> over = embedder.chunks("a ".repeat(DOCUMENT_ROOM + 1), TextKind.DOCUMENT);
    assertEquals(2, over.size());
    assertEquals(DOCUMENT_ROOM, contentTokens(over.get(0)));
    assertEquals("a ", over.get(1));
  }

  @Test
  void chunksAreTheIndependentlyRebuiltOnesAndCoverTheText() {
    List<String> chunks = embedder.chunks(longText, TextKind.DOCUMENT);
    assertEquals(expectedChunks(longText, DOCUMENT_ROOM), chunks);
    assertEquals(longText, String.join("", chunks));
    int tokens = 0;
    for (String chunk : chunks) {
      int chunkTokens = contentTokens(chunk);
      assertTrue(chunkTokens <= DOCUMENT_ROOM, chunkTokens + " tokens in a chunk");
      tokens += chunkTokens;
    }
    // word-boundary cuts re-tokenize to exactly the tokens of the whole text
    assertEquals(contentTokens(longText), tokens);
    // each chunk but the last is (nearly) full
    for (String chunk : chunks.subList(0, chunks.size() - 1)) {
      assertTrue(contentTokens(chunk) > DOCUMENT_ROOM - 20, chunk);
    }
  }

  @Test
  void chunkedDenseVectorIsTheTokenWeightedMeanOfTheChunksEmbeddedAlone() {
    List<String> chunks = expectedChunks(longText, DOCUMENT_ROOM);
    List<float[]> alone = new ArrayList<>();
    for (String chunk : chunks) {
      alone.add(embedder.embed(chunk, TextKind.DOCUMENT));
    }
    float[] chunked = embedder.embed(List.of(longText), TextKind.DOCUMENT, LongText.CHUNK).get(0);
    assertArrayEquals(normalizedMean(chunks, TextKind.DOCUMENT), chunked, 1e-6f);
    assertEquals(1.0, norm(chunked), 1e-5);
    float[] truncated = embedder.embed(longText, TextKind.DOCUMENT);
    // truncation sees the first 510 tokens only; the first chunk is cut a little earlier
    assertTrue(VectorMath.cosine(truncated, alone.get(0)) > 0.95);
    double cos = VectorMath.cosine(truncated, chunked);
    assertTrue(cos < 0.9999, "chunked vs truncated cosine " + cos);
    // same text all along: the mean stays close to every full chunk; the short last chunk (a few
    // dozen tokens) weighs little
    StringBuilder cosines = new StringBuilder("cosine of each chunk to the mean:");
    for (int c = 0; c < alone.size(); c++) {
      double chunkCos = VectorMath.cosine(alone.get(c), chunked);
      cosines.append(String.format(" %.4f (%d tokens)", chunkCos, contentTokens(chunks.get(c))));
      if (c < alone.size() - 1) {
        assertTrue(chunkCos > 0.9, cosines.toString());
      }
    }
    System.out.println(cosines + "; truncated vs chunked " + String.format("%.4f", cos));
  }

  @Test
  void chunkVectorsAreEachIndependentlyRebuiltChunkEmbeddedAlone() {
    List<String> chunks = expectedChunks(longText, DOCUMENT_ROOM);
    assertTrue(chunks.size() > 1, chunks.size() + " chunks");
    TextResults<float[][]> results =
        embedder.chunkVectorsEach(
            List.of(longText, "Short text.", "a ".repeat(40_000)),
            TextKind.DOCUMENT,
            LongText.CHUNK);
    float[][] vectors = results.get(0);
    assertEquals(chunks.size(), vectors.length);
    for (int c = 0; c < chunks.size(); c++) {
      assertArrayEquals(embedder.embed(chunks.get(c), TextKind.DOCUMENT), vectors[c], 1e-6f);
    }
    // a text that fits is one chunk, the vector output dense gives it
    assertEquals(1, results.get(1).length);
    assertArrayEquals(embedder.embed("Short text.", TextKind.DOCUMENT), results.get(1)[0]);
    // too long to chunk fails alone
    assertTrue(results.failed(2));
    assertTrue(results.failure(2).getMessage().contains("more than chunking allows"));
    // truncating: one chunk, the truncated text's vector
    float[][] truncated =
        embedder.chunkVectorsEach(List.of(longText), TextKind.DOCUMENT, LongText.TRUNCATE).get(0);
    assertEquals(1, truncated.length);
    assertArrayEquals(embedder.embed(longText, TextKind.DOCUMENT), truncated[0]);
  }

  @Test
  void chunkedTokenVectorsAreEveryTokenOfTheTextInOrder() {
    float[][] tokens =
        embedder.tokenVectors(List.of(longText), TextKind.DOCUMENT, LongText.CHUNK).get(0);
    assertEquals(contentTokens(longText), tokens.length);
    for (float[] v : tokens) {
      assertEquals(384, v.length);
      assertEquals(1.0, norm(v), 1e-5);
    }
    assertEquals(
        DOCUMENT_ROOM, embedder.tokenVectors(List.of(longText), TextKind.DOCUMENT).get(0).length);
    // the concatenation of each chunk's token vectors, each chunk run alone
    int t = 0;
    for (String chunk : expectedChunks(longText, DOCUMENT_ROOM)) {
      for (float[] v : embedder.tokenVectors(List.of(chunk), TextKind.DOCUMENT).get(0)) {
        assertArrayEquals(v, tokens[t++], "token " + t);
      }
    }
    assertEquals(tokens.length, t);
  }

  @Test
  void queryPrefixGoesWithEveryChunkAndItsTokensComeOnce() {
    String prefix = embedder.config().queryPrefix();
    int prefixTokens = contentTokens(prefix);
    assertTrue(prefixTokens > 5, prefix);
    int room = DOCUMENT_ROOM - prefixTokens;
    List<String> chunks = embedder.chunks(longText, TextKind.QUERY);
    assertEquals(expectedChunks(longText, room), chunks);
    List<float[]> alone = new ArrayList<>();
    for (String chunk : chunks) {
      assertTrue(contentTokens(prefix + chunk) <= DOCUMENT_ROOM);
      alone.add(embedder.embed(chunk, TextKind.QUERY));
    }
    List<String> texts = List.of("short query", longText);
    List<float[]> chunked = embedder.embed(texts, TextKind.QUERY, LongText.CHUNK);
    assertArrayEquals(normalizedMean(chunks, TextKind.QUERY), chunked.get(1), 1e-6f);
    assertArrayEquals(embedder.embed("short query", TextKind.QUERY), chunked.get(0));
    List<float[][]> tokens = embedder.tokenVectors(texts, TextKind.QUERY, LongText.CHUNK);
    assertEquals(contentTokens(prefix + "short query"), tokens.get(0).length);
    assertEquals(contentTokens(prefix + longText), tokens.get(1).length);
    // the first chunk's vectors include the prefix's, the second chunk's start after them
    float[][] second = embedder.tokenVectors(List.of(chunks.get(1)), TextKind.QUERY).get(0);
    int firstCount = contentTokens(prefix + chunks.get(0));
    assertArrayEquals(second[prefixTokens], tokens.get(1)[firstCount]);
  }

  @Test
  void chunksAreCutAtCharactersNotCodePoints() {
    // supplementary characters take two Java chars but one code point in DJL's spans
    String unit = "The \uD835\uDEFC-helix \uD83D\uDE00 binds \uD835\uDC00TP in 2008. ";
    String text = unit.repeat(200);
    int tokens = contentTokens(text);
    assertTrue(tokens > 2 * DOCUMENT_ROOM, tokens + " tokens");
    List<String> chunks = embedder.chunks(text, TextKind.DOCUMENT);
    assertEquals(expectedChunks(text, DOCUMENT_ROOM), chunks);
    assertEquals(text, String.join("", chunks));
    int sum = 0;
    for (String chunk : chunks) {
      assertFalse(Character.isLowSurrogate(chunk.charAt(0)), "chunk starts inside a pair");
      sum += contentTokens(chunk);
    }
    assertEquals(tokens, sum);
    assertEquals(
        tokens,
        embedder.tokenVectors(List.of(text), TextKind.DOCUMENT, LongText.CHUNK).get(0).length);
  }

  @Test
  void moreThanTheChunkLimitIsAClearError() {
    // 33,000 one-token words: more than 64 chunks of 510 tokens (32,640)
    String huge = "a ".repeat(33_000);
    List<String> texts = List.of("fine", huge);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> embedder.embed(texts, TextKind.DOCUMENT, LongText.CHUNK));
    String message = e.getMessage();
    assertTrue(message.contains("model [bge-small-en-v1.5]: text [1] has 33000 tokens"), message);
    assertTrue(message.contains("at most 64 chunks of at most 510 tokens"), message);
    assertEquals(64, OnnxEmbedder.MAX_CHUNKS);
    assertThrows(
        IllegalArgumentException.class,
        () -> embedder.tokenVectors(texts, TextKind.DOCUMENT, LongText.CHUNK));
    // the same text truncated is fine
    assertEquals(1, embedder.embed(List.of(huge), TextKind.DOCUMENT).size());
    // just under the limit: 64 chunks
    assertEquals(
        OnnxEmbedder.MAX_CHUNKS,
        embedder
            .chunks("a ".repeat(DOCUMENT_ROOM * OnnxEmbedder.MAX_CHUNKS), TextKind.DOCUMENT)
            .size());
  }

  @Test
  void aTextTooLongToChunkFailsAloneAndTheOthersGetTheirVectors() throws IOException {
    String huge = "a ".repeat(33_000); // more than 64 chunks of 510 tokens
    List<String> texts = List.of(SENTENCES.get(0), huge, longText, SENTENCES.get(1));
    TextResults<float[]> vectors = embedder.embedEach(texts, TextKind.DOCUMENT, LongText.CHUNK);
    TextResults<float[][]> tokens =
        embedder.tokenVectorsEach(texts, TextKind.DOCUMENT, LongText.CHUNK);
    for (TextResults<?> results : List.of(vectors, tokens)) {
      assertEquals(4, results.size());
      assertTrue(results.failed(1));
      String message = results.failure(1).getMessage();
      assertTrue(
          message.startsWith("model [bge-small-en-v1.5]: text has 33000 tokens, more than"),
          message);
      assertThrows(IllegalArgumentException.class, () -> results.get(1));
    }
    for (int i : new int[] {0, 2, 3}) {
      assertFalse(vectors.failed(i), "text " + i);
      assertArrayEquals(
          embedder.embed(List.of(texts.get(i)), TextKind.DOCUMENT, LongText.CHUNK).get(0),
          vectors.get(i),
          "text " + i);
      assertEquals(
          embedder
              .tokenVectors(List.of(texts.get(i)), TextKind.DOCUMENT, LongText.CHUNK)
              .get(0)
              .length,
          tokens.get(i).length);
    }
    // A model whose batches hold several texts: the failing text still fails alone.
    try (OnnxEmbedder batching =
        OnnxEmbedder.open(
            TestModels.withMaxBatch(TestModels.defaultModel(), 4), TestModels.settings())) {
      TextResults<float[]> batched = batching.embedEach(texts, TextKind.DOCUMENT, LongText.CHUNK);
      assertTrue(batched.failed(1));
      for (int i : new int[] {0, 2, 3}) {
        assertEquals(384, batched.get(i).length, "text " + i);
      }
    }
  }

  @Test
  void embeddingServiceShortcutsChunk() throws Exception {
    try (EmbeddingService service = new EmbeddingService("quiver-long-text-test", 1, 4)) {
      float[] viaService =
          service
              .embed(embedder, List.of(longText), TextKind.DOCUMENT, LongText.CHUNK)
              .get(60, TimeUnit.SECONDS)
              .get(0);
      assertArrayEquals(
          embedder.embed(List.of(longText), TextKind.DOCUMENT, LongText.CHUNK).get(0), viaService);
      float[][] tokens =
          service
              .tokenVectors(embedder, List.of(longText), TextKind.DOCUMENT, LongText.CHUNK)
              .get(60, TimeUnit.SECONDS)
              .get(0);
      assertEquals(contentTokens(longText), tokens.length);
    }
  }
}
